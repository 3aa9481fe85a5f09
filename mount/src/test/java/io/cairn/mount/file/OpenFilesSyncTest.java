package io.cairn.mount.file;

import io.cairn.common.wire.Attr;
import io.cairn.mount.cache.ChunkCache;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What this mount wrote to a file and has not synced stays known per inode after the last close,
 * until an fsync of the file (through any descriptor) syncs it; bounded in time and in memory, past
 * which it is synced in the background (durable early is always allowed).
 */
@Timeout(60)
class OpenFilesSyncTest {
    private static final int CS = 64;
    private final FakeChunkService store = new FakeChunkService(CS);
    private final ThreadPoolExecutor uploads = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
    private final ExecutorService readAhead = Executors.newFixedThreadPool(2);
    private final List<Attr> committed = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final OpenFiles files = new OpenFiles(new DataPath(store, new ChunkCache(4, store::fetch, readAhead),
            new DirtyBudget(8, Duration.ofSeconds(5)), uploads, new DataLimits(CS, 8, 4, 1, 2), committed::add), now::get);

    @AfterEach
    void stop() {
        uploads.shutdownNow();
        readAhead.shutdownNow();
    }

    private void writeAndClose(long inode, int chunks) throws Exception {
        OpenFile f = files.open(inode, 0);
        byte[] data = new byte[chunks * CS];
        java.util.Arrays.fill(data, (byte) inode);
        f.write(0, data.length, ByteSource.of(data), false);
        files.release(f); // close(): uploaded and committed, not synced
    }

    @Test
    void anFsyncThroughADescriptorOpenedAfterTheLastCloseSyncsWhatTheWriterUploaded() throws Exception {
        writeAndClose(1, 3);
        assertThat(store.synced.get()).isZero();
        assertThat(files.idleChunks()).isEqualTo(3);

        OpenFile again = files.open(1, 3 * CS); // a new descriptor: nothing written through it
        assertThat(files.idleFiles()).isZero();
        again.fsync();
        assertThat(store.synced.get()).isEqualTo(3);
        again.fsync();
        assertThat(store.synced.get()).as("synced once").isEqualTo(3);
        files.release(again);
        assertThat(files.owners()).as("nothing left to keep").isEmpty();
    }

    @Test
    void aClosedFilesChunksAreSyncedInTheBackgroundAfterAMinuteAndThenLetGo() throws Exception {
        writeAndClose(1, 2);
        now.addAndGet(OpenFiles.IDLE_FOR.toNanos() - 1);
        files.sweep();
        assertThat(store.synced.get()).as("not before a minute").isZero();
        assertThat(files.idleFiles()).isEqualTo(1);

        now.addAndGet(1);
        files.sweep();
        Eventually.await("the background sync is done and the owner let go", Duration.ofSeconds(5),
                () -> store.synced.get() == 2 && files.owners().isEmpty());
        assertThat(files.idleChunks()).isZero();
    }

    @Test
    void pastTheCapTheOldestClosedFilesAreSyncedFirst() throws Exception {
        int each = OpenFiles.MAX_IDLE_CHUNKS / 4 - 50; // below an open file's own cap
        for (long inode = 1; inode <= 4; inode++) {
            writeAndClose(inode, each);
        }
        writeAndClose(5, 150);
        assertThat(files.idleChunks()).isEqualTo(4 * each + 150).isLessThanOrEqualTo(OpenFiles.MAX_IDLE_CHUNKS);
        assertThat(store.synced.get()).isZero();
        writeAndClose(6, 60); // over the cap: the oldest goes
        Eventually.await("the oldest closed file is synced and let go", Duration.ofSeconds(10),
                () -> store.synced.get() == each && !files.owners().containsKey(1L));
        assertThat(files.owners().keySet()).containsExactlyInAnyOrder(2L, 3L, 4L, 5L, 6L);
        assertThat(files.idleChunks()).isEqualTo(3 * each + 150 + 60);
    }

    @Test
    void anOpenFilesUnsyncedChunksAreSyncedInTheBackgroundPastTheirCap() throws Exception {
        OpenFile f = files.open(1, 0);
        byte[] data = new byte[(OpenFile.MAX_UNSYNCED + 1) * CS];
        f.write(0, data.length, ByteSource.of(data), false);
        Eventually.await("the backlog is synced without an fsync", Duration.ofSeconds(10),
                () -> store.synced.get() >= OpenFile.MAX_UNSYNCED);
        Eventually.await("what an open file keeps unsynced stays bounded", Duration.ofSeconds(10),
                () -> f.chunks().unsyncedCount() < OpenFile.MAX_UNSYNCED);
        files.release(f);
    }
}
