package io.cairn.master.meta;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The repair scan's page: every committed chunk once, in id order, with every node that holds it. */
class ChunkReplicasTest {
    @TempDir
    Path dir;

    private static String id(int n) {
        return String.format("%032x", n);
    }

    private static String node(int n) {
        return String.format("00000000-0000-0000-0000-%012d", n);
    }

    @Test
    void pagesGroupEachChunksReplicasInNodeOrderAndSkipReplicasOfUnknownChunks() throws Exception {
        try (JdbcMetadataStore s = JdbcMetadataStore.sqlite(dir.resolve("meta.db"))) {
            s.write(tx -> {
                for (int i = 0; i < 25; i++) {
                    tx.putChunk(new ChunkRow(100 + i, 0, id(2 * i), 1000 + i, 1000 + i, i));
                    for (int k = i % 4; k > 0; k--) { // 0 to 3 replicas, added in reverse node order
                        tx.addReplica(id(2 * i), node(k));
                    }
                    tx.addReplica(id(2 * i + 1), node(9)); // a replica row of no committed chunk
                }
                tx.putChunk(new ChunkRow(999, 7, id(10), 1005, 1, 5)); // one chunk id in two places
                return null;
            });
            List<MetaTx.ChunkReplicas> all = new ArrayList<>();
            int pages = 0;
            String after = null;
            while (true) {
                String from = after;
                List<MetaTx.ChunkReplicas> page = s.read(tx -> tx.chunkReplicas(from, 10));
                if (page.isEmpty()) {
                    break;
                }
                assertThat(page).hasSizeLessThanOrEqualTo(10);
                all.addAll(page);
                after = page.get(page.size() - 1).id();
                pages++;
            }
            assertThat(pages).isEqualTo(3);
            assertThat(all).hasSize(25);
            for (int i = 0; i < 25; i++) {
                MetaTx.ChunkReplicas c = all.get(i);
                assertThat(c.id()).isEqualTo(id(2 * i));
                assertThat(c.size()).isEqualTo(1000 + i);
                assertThat(c.crc32c()).isEqualTo(i);
                List<String> expected = new ArrayList<>();
                for (int k = 1; k <= i % 4; k++) {
                    expected.add(node(k));
                }
                assertThat(c.nodes()).as("chunk %d", i).isEqualTo(expected);
            }
        }
    }

    @Test
    void slicesAreBlobsToKeepTooInterleavedWithChunksInIdOrder() throws Exception {
        try (JdbcMetadataStore s = JdbcMetadataStore.sqlite(dir.resolve("meta.db"))) {
            s.write(tx -> {
                for (int i = 0; i < 12; i++) { // even ids chunks, odd ids slices over them
                    tx.putChunk(new ChunkRow(100 + i, 0, id(2 * i), 1000, 1000, i));
                    tx.insertSlice(new SliceRow(100 + i, 0, 1, id(2 * i + 1), 10, 0, 50, 50, 7));
                    tx.addReplica(id(2 * i + 1), node(1));
                }
                return null;
            });
            List<String> ids = new ArrayList<>();
            String after = null;
            while (true) {
                String from = after;
                List<MetaTx.ChunkReplicas> page = s.read(tx -> tx.chunkReplicas(from, 5));
                if (page.isEmpty()) {
                    break;
                }
                assertThat(page).hasSizeLessThanOrEqualTo(5);
                page.forEach(c -> ids.add(c.id()));
                after = page.get(page.size() - 1).id();
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                expected.add(id(i));
            }
            assertThat(ids).isEqualTo(expected);
            List<MetaTx.ChunkReplicas> first = s.read(tx -> tx.chunkReplicas(id(0), 1));
            assertThat(first.get(0).size()).as("a slice's own size").isEqualTo(50);
            assertThat(first.get(0).nodes()).containsExactly(node(1));
        }
    }
}
