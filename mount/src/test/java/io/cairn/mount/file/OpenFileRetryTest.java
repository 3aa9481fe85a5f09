package io.cairn.mount.file;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.mount.cache.ChunkCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A failed upload that a later try fixes is over: it neither sticks to later writes nor fails the flush. */
@Timeout(30)
class OpenFileRetryTest {
    private static final int CS = 64;
    private final FakeChunkService store = new FakeChunkService(CS);
    /** One upload thread: a task queued after an upload runs once that upload is wholly done. */
    private final ExecutorService uploads = Executors.newSingleThreadExecutor();
    private final ExecutorService readAhead = Executors.newFixedThreadPool(2);
    private final List<Attr> committed = new CopyOnWriteArrayList<>();
    private final DirtyBudget budget = new DirtyBudget(8, Duration.ofSeconds(5));
    private final OpenFile f = new OpenFile(1, 0, new DataPath(store, new ChunkCache(4, store::fetch, readAhead),
            budget, uploads, new DataLimits(CS, 8, 4, 1, 1), committed::add));

    @AfterEach
    void stop() {
        uploads.shutdownNow();
        readAhead.shutdownNow();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void write(long offset, byte[] data) throws Exception {
        f.write(offset, data.length, ByteSource.of(data), false);
    }

    /** Waits until every upload queued so far has finished, its outcome recorded. */
    private void uploadsDone() throws Exception {
        uploads.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    /** A full first chunk, uploaded in the background while the cluster refuses it. */
    private byte[] failInTheBackground() throws Exception {
        store.uploadFailure.set(new CairnException(ErrorCode.EIO, "datanode gone"));
        byte[] head = random(CS, 1);
        write(0, head);
        uploadsDone();
        assertThat(store.uploads.get()).isZero();
        assertThat(f.hasLocalChanges()).isTrue();
        return head;
    }

    @Test
    void aFlushWhoseRetrySucceedsCommitsAndReturnsNormally() throws Exception {
        // regression: the background failure was rethrown after the retry had uploaded the chunk, and the commit skipped
        byte[] head = failInTheBackground();
        store.uploadFailure.set(null); // the cluster is back before the flush

        f.flush();
        assertThat(store.commits.get()).isEqualTo(1);
        assertThat(store.content(1)).isEqualTo(head);
        assertThat(f.hasLocalChanges()).isFalse();
        write(CS, new byte[] {1}); // and nobody is told of a failure that no longer matters
        f.flush();
        assertThat(store.sizes.get(1L)).isEqualTo(CS + 1);
    }

    @Test
    void aWriteIsToldOfABackgroundFailureOnceAndLaterWritesGoOn() throws Exception {
        // regression: every later write of the file failed until a flush
        byte[] head = failInTheBackground();
        byte[] tail = random(10, 2);
        assertThatThrownBy(() -> write(CS, tail)).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.EIO);
            assertThat(e).hasMessageContaining("earlier write");
        });
        write(CS, tail); // told once; the failed chunk is still held for the flush

        store.uploadFailure.set(null);
        f.flush();
        byte[] expected = Arrays.copyOf(head, CS + tail.length);
        System.arraycopy(tail, 0, expected, CS, tail.length);
        assertThat(store.content(1)).isEqualTo(expected);
        assertThat(budget.available()).isEqualTo(8);
    }

    @Test
    void aFlushThatStillCannotUploadFailsAndTheNextOneTriesAgain() throws Exception {
        byte[] head = failInTheBackground();
        assertThatThrownBy(f::flush).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EIO));
        assertThat(store.commits.get()).isZero();
        write(CS, new byte[] {7}); // the flush reported it: a write is not told again

        store.uploadFailure.set(null);
        f.flush();
        assertThat(Arrays.copyOf(store.content(1), CS)).isEqualTo(head);
        assertThat(store.sizes.get(1L)).isEqualTo(CS + 1);
        assertThat(committed).hasSize(1);
    }
}
