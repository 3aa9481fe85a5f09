package io.cairn.mount.fuse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HiddenFilesTest {
    @Test
    void aHiddenFileIsFoundByItsNameWhereverItsDirectoryMoved() {
        HiddenFiles h = new HiddenFiles();
        h.put("/a/.fuse_hidden0000000100000002", 7, "s");
        assertThat(h.get("/b/c/.fuse_hidden0000000100000002")).isEqualTo(new HiddenFiles.Hidden(7, "s"));
        assertThat(h.get("/a/.fuse_hidden0000000100000003")).isNull();
        assertThat(h.get("/a/f")).isNull();
        assertThat(h.get(null)).isNull();
        assertThat(h.remove("/x/.fuse_hidden0000000100000002")).isEqualTo(new HiddenFiles.Hidden(7, "s"));
        assertThat(h.size()).isZero();
    }

    @Test
    void onlyNamesOfLibfusesFormAreHidden() {
        assertThat(HiddenFiles.hiddenName("/d/.fuse_hidden00000abc00000001")).isTrue();
        assertThat(HiddenFiles.hiddenName("/d/fuse_hidden")).isFalse();
        assertThat(HiddenFiles.hiddenName("/.fuse_hidden/f")).isFalse();
    }

    @Test
    void everyHiddenNameOfAnInodeGoesWithIt() {
        HiddenFiles h = new HiddenFiles();
        h.put("/.fuse_hidden01", 7, "s");
        h.put("/.fuse_hidden02", 7, "s");
        h.put("/.fuse_hidden03", 8, "s");
        assertThat(h.removeInode(7)).hasSize(2);
        assertThat(h.size()).isEqualTo(1);
        assertThat(h.removeInode(7)).isEmpty();
    }
}
