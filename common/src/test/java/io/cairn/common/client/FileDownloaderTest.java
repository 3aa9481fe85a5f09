package io.cairn.common.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class FileDownloaderTest {
    private static final int CS = 8;
    private final MemoryChunkService cluster = new MemoryChunkService(CS);
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private byte[] download(long inode) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = new FileDownloader(cluster, pool, 2).download(inode, out, x -> { });
        assertThat(n).isEqualTo(out.size());
        return out.toByteArray();
    }

    @Test
    void holesAndTheUnusedTailOfATruncatedChunkComeOutAsZeros() throws Exception {
        cluster.putChunk(1, 0, "abcdefgh".getBytes(), 8);
        cluster.putChunk(1, 2, "ijklmnop".getBytes(), 3); // stored whole, the file uses 3 bytes of it
        cluster.setSizeDirectly(1, 3 * CS + 2);

        byte[] expected = new byte[3 * CS + 2];
        System.arraycopy("abcdefgh".getBytes(), 0, expected, 0, 8);
        System.arraycopy("ijk".getBytes(), 0, expected, 16, 3);
        assertThat(download(1)).isEqualTo(expected);
    }

    @Test
    void aFileOfManyLayoutPagesComesOutWholeAndInOrder() throws Exception {
        int chunks = 2 * LayoutPages.PAGE + 3;
        byte[] expected = new byte[chunks * CS];
        for (int i = 0; i < chunks; i++) {
            byte[] b = new byte[CS];
            Arrays.fill(b, (byte) i);
            b[0] = (byte) (i >> 8);
            cluster.putChunk(1, i, b, CS);
            System.arraycopy(b, 0, expected, i * CS, CS);
        }
        cluster.setSizeDirectly(1, expected.length);
        assertThat(download(1)).isEqualTo(expected);
    }

    @Test
    void chunksWhoseTokensExpiredAreFetchedAgainWithFreshOnes() throws Exception {
        cluster.putChunk(1, 0, "abcdefgh".getBytes(), 8);
        cluster.putChunk(1, 1, "ijklmnop".getBytes(), 8);
        cluster.setSizeDirectly(1, 2 * CS);
        cluster.checkTokens = true;
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        cluster.afterLayout = () -> {
            if (first.getAndSet(false)) {
                cluster.tokenEpoch.incrementAndGet(); // the first page's tokens expire before its chunks are read
            }
        };
        assertThat(download(1)).isEqualTo("abcdefghijklmnop".getBytes());
        cluster.afterLayout = () -> cluster.tokenEpoch.incrementAndGet(); // tokens that never work: no endless retry
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> download(1))
                .isInstanceOfSatisfying(io.cairn.common.error.CairnException.class,
                        e -> assertThat(e.code()).isEqualTo(io.cairn.common.error.ErrorCode.EAUTH));
    }

    @Test
    void chunksPastTheSizeAreNotRead() throws Exception {
        cluster.putChunk(1, 0, "abcdefgh".getBytes(), 8);
        cluster.putChunk(1, 5, "zzzzzzzz".getBytes(), 8);
        cluster.setSizeDirectly(1, 4);
        assertThat(download(1)).isEqualTo("abcd".getBytes());
    }
}
