package io.cairn.common.client;

import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.Replica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An allocation the master leased to a file with its create saves the first upload its allocate call, while fresh. */
@Timeout(30)
class FileChunksOfferTest {
    private static final int CS = 10;
    private final MemoryChunkService cluster = new MemoryChunkService(CS);
    private final FileChunks chunks = new FileChunks(cluster, 7, CS, attr -> { });

    private static Allocation offered(long leaseMs) {
        return new Allocation("f".repeat(32), List.of(new Replica("n1", "http://127.0.0.1:1")), 1, 1, leaseMs);
    }

    @Test
    void theFirstUploadUsesTheOfferedAllocationAndTheNextOneAsksTheCluster() throws Exception {
        chunks.offer(offered(600_000));
        ChunkRef first = chunks.upload(0, new byte[CS], 4, false);
        ChunkRef second = chunks.upload(1, new byte[CS], 4, false);

        assertThat(first.id()).isEqualTo("f".repeat(32));
        assertThat(second.id()).as("the cluster's first allocation").isEqualTo(String.format("%032x", 1));
        assertThat(chunks.allocated()).containsExactly(first.id(), second.id());
        assertThat(chunks.commit(() -> 14).size()).isEqualTo(14);
    }

    @Test
    void anOfferOlderThanAThirdOfItsLeaseIsNotCountedOn() throws Exception {
        chunks.offer(offered(3));
        Thread.sleep(20);
        ChunkRef up = chunks.upload(0, new byte[CS], 4, false);
        assertThat(up.id()).as("allocated anew").isEqualTo(String.format("%032x", 1));
    }
}
