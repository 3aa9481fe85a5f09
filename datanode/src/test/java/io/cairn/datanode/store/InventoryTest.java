package io.cairn.datanode.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the store counts and lists when it opens: chunks, not sidecars; orphan sidecars removed. */
@Timeout(60)
class InventoryTest extends StoreFixture {
    @Test
    void usedBytesAndChunkCountAreRecountedFromDiskOnStart() throws IOException {
        ChunkStore s = open(0, 0);
        put(s, A, bytes("12345"));
        put(s, B, bytes("123"));
        Files.writeString(tmp.resolve("data/chunks/stray.txt"), "not a chunk");
        ChunkStore again = open(0, 0);
        assertThat(again.used()).isEqualTo(8);
        assertThat(again.chunks()).isEqualTo(2);
        try (Stream<String> ids = again.ids()) {
            assertThat(ids).containsExactlyInAnyOrder(A, B);
        }
    }

    @Test
    void countsIdsAndUsedBytesLeaveSidecarsOut() throws IOException {
        ChunkStore s = open(0, 0);
        put(s, A, bytes("12345"));
        put(s, B, bytes("123"));
        assertThat(sidecar(A)).exists();
        assertThat(sidecar(B)).exists();
        for (ChunkStore store : List.of(s, open(0, 0))) {
            assertThat(store.used()).isEqualTo(8);
            assertThat(store.chunks()).isEqualTo(2);
            try (Stream<String> ids = store.ids()) {
                assertThat(ids).containsExactlyInAnyOrder(A, B);
            }
        }
    }

    @Test
    void anOrphanSidecarIsRemovedOnStartAndNeverCounted() throws IOException {
        ChunkStore s = open(0, 0);
        put(s, A, bytes("kept"));
        Files.createDirectories(sidecar(B).getParent());
        Files.writeString(sidecar(B), "size=3 crc32c=1\n"); // a crash between placing a sidecar and its chunk
        ChunkStore again = open(0, 0);
        assertThat(sidecar(B)).doesNotExist();
        assertThat(sidecar(A)).exists();
        assertThat(again.chunks()).isEqualTo(1);
        try (Stream<String> ids = again.ids()) {
            assertThat(ids).containsExactly(A);
        }
    }
}
