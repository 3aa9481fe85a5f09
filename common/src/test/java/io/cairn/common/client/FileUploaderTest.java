package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.Requests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class FileUploaderTest {
    private static final int CS = 16;
    private final MemoryChunkService cluster = new MemoryChunkService(CS);
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aLargeUploadIsCommittedInBatchesAndTheLastCommitSetsTheExactSize() throws Exception {
        byte[] data = random((2 * FileChunks.COMMIT_BATCH + 10) * CS + 5, 1);
        AtomicLong progress = new AtomicLong();
        Attr a = new FileUploader(cluster, pool, 2).upload(3, CS, new ByteArrayInputStream(data), progress::addAndGet);

        assertThat(a.size()).isEqualTo(data.length);
        assertThat(progress.get()).isEqualTo(data.length);
        assertThat(cluster.commits.size()).isGreaterThanOrEqualTo(3); // two batches along the way, then the last
        for (Requests.Commit c : cluster.commits.subList(0, cluster.commits.size() - 1)) {
            assertThat(c.size()).isEqualTo(-1);
            assertThat(c.chunks().size()).isGreaterThanOrEqualTo(FileChunks.COMMIT_BATCH);
        }
        assertThat(cluster.commits.get(cluster.commits.size() - 1).size()).isEqualTo(data.length);
        assertThat(cluster.commits.stream().mapToInt(c -> c.chunks().size()).sum())
                .isEqualTo(2 * FileChunks.COMMIT_BATCH + 11); // each chunk committed once
        assertThat(cluster.durableStores).hasSize(2 * FileChunks.COMMIT_BATCH + 11).containsOnly(true);

        ByteArrayOutputStream back = new ByteArrayOutputStream();
        new FileDownloader(cluster, pool, 2).download(3, back, n -> { });
        assertThat(back.toByteArray()).isEqualTo(data);
    }

    @Test
    void anEmptyInputMakesAnEmptyFileInOneCommit() throws Exception {
        Attr a = new FileUploader(cluster, pool, 2).upload(3, CS, new ByteArrayInputStream(new byte[0]), n -> { });
        assertThat(a.size()).isZero();
        assertThat(cluster.commits).hasSize(1);
        assertThat(cluster.commits.get(0).chunks()).isEmpty();
        assertThat(cluster.blobs).isEmpty();
    }

    @Test
    void aChunkThatCannotBeStoredFailsTheUploadWithTheClusterErrorAndNothingIsCommitted() {
        cluster.storeFailure = new CairnException(ErrorCode.ENOSPC, "disks full");
        assertThatThrownBy(() -> new FileUploader(cluster, pool, 2)
                .upload(3, CS, new ByteArrayInputStream(random(5 * CS, 2)), n -> { }))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENOSPC));
        assertThat(cluster.commits).isEmpty();
    }
}
