package io.cairn.it.mount;

import io.cairn.common.wire.FileType;
import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;
import io.cairn.master.meta.InodeRow;
import io.cairn.master.meta.JdbcMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A directory far larger than the mount's heap could hold lists completely: the mount serves it to
 * the kernel a page at a time and its attribute cache is bounded, so it never holds the whole
 * directory.
 */
@Timeout(600)
class LargeDirectoryMountIT {
    static final int ENTRIES = 100_000;

    @Test
    void aDirectoryOfAHundredThousandEntriesListsCompletelyThroughAMountWithA64MiBHeap() throws Exception {
        Mounted.assumeFuse();
        Path work = Files.createTempDirectory("cairn-mount-bigdir-");
        try (MiniCluster cluster = MiniCluster.builder().datanodes(1).replication(1).start()) {
            long dir = cluster.client().master().mkdir("/big", 0755, 0, 0, false).inode();
            cluster.stopMaster();
            fill(cluster.masterDir().resolve("meta.db"), dir); // straight into the store: 100,000 creates would take minutes
            cluster.restartMaster();
            try (Mounted m = Mounted.at(work.resolve("mnt"), cluster.masterUrl()).javaOpts("-Xmx64m")
                    .attrTimeout(Duration.ofSeconds(1)).start()) {
                // ls -f | wc -l: every entry once, with . and .., in the kernel's own paging
                assertThat(m.ok("ls -f big | wc -l").out().trim()).isEqualTo(Integer.toString(ENTRIES + 2));
                List<String> names = m.ok("ls -f big").out().lines().toList();
                Set<String> expected = new HashSet<>(List.of(".", ".."));
                for (int i = 0; i < ENTRIES; i++) {
                    expected.add(name(i));
                }
                assertThat(new HashSet<>(names)).as("no entry missing, none twice").isEqualTo(expected);
                assertThat(names).hasSize(expected.size());
                // and the mount still answers, with its heap intact
                assertThat(m.ok("stat -c %s big/" + name(ENTRIES - 1)).out().trim()).isEqualTo("0");
                assertThat(m.stderr()).doesNotContain("OutOfMemoryError");
                assertThat(m.stop()).isZero();
            }
        } finally {
            Shell.run(Path.of("/"), "rm -rf " + work);
        }
    }

    private static String name(int i) {
        return String.format("entry-with-a-longish-name-%06d.txt", i);
    }

    /** Adds {@link #ENTRIES} empty files to directory {@code dir}, in one transaction of the master's own store. */
    private static void fill(Path db, long dir) throws Exception {
        try (JdbcMetadataStore store = JdbcMetadataStore.sqlite(db)) {
            long t = System.currentTimeMillis() * 1_000_000L;
            store.write(tx -> {
                for (int i = 0; i < ENTRIES; i++) {
                    InodeRow n = tx.insertInode(new InodeRow(0, FileType.FILE, 0644, 0, 0, 0, 1, t, t, t, 0, null));
                    tx.insertEntry(dir, name(i), n.id());
                }
                return null;
            });
        }
    }
}
