package io.cairn.datanode.store;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.units.Units;

import java.io.IOException;
import java.nio.file.FileStore;

/**
 * The space book of a chunk store: bytes and chunks stored, bytes promised to writes under way, and
 * the two limits a write must respect: the configured capacity, and the bytes to keep free on disk.
 */
final class Space {
    private final FileStore disk;
    private final long capacity;
    private final long reserve;
    private long used;
    private long chunks;
    private long inflight;

    Space(FileStore disk, long capacity, long reserve) throws IOException {
        if (capacity < 0 || reserve < 0) {
            throw new IllegalArgumentException("capacity and reserve must not be negative");
        }
        this.disk = disk;
        this.capacity = capacity == 0 ? disk.getTotalSpace() : capacity;
        this.reserve = reserve;
    }

    long capacity() {
        return capacity;
    }

    long reserve() {
        return reserve;
    }

    synchronized long inflight() {
        return inflight;
    }

    synchronized long used() {
        return used;
    }

    synchronized long chunks() {
        return chunks;
    }

    /** Bytes this store can still take: below capacity, and above the reserve on disk. */
    synchronized long available() {
        long byCapacity = capacity - used - inflight;
        long byDisk;
        try {
            byDisk = disk.getUsableSpace() - reserve - inflight;
        } catch (IOException e) {
            byDisk = 0;
        }
        return Math.max(0, Math.min(byCapacity, byDisk));
    }

    /**
     * Promises {@code bytes} to a write, or refuses with ENOSPC. {@code onDisk}: the bytes are already
     * written (in tmp/), so the disk's free space already counts them.
     */
    synchronized void claim(long bytes, boolean onDisk) throws IOException {
        if (used + inflight + bytes > capacity) {
            throw new CairnException(ErrorCode.ENOSPC, "no space for " + Units.formatSize(bytes) + ": "
                    + Units.formatSize(used + inflight) + " of " + Units.formatSize(capacity) + " in use");
        }
        long free = disk.getUsableSpace() - inflight - (onDisk ? 0 : bytes);
        if (free < reserve) {
            throw new CairnException(ErrorCode.ENOSPC, "no space for " + Units.formatSize(bytes)
                    + ": the disk must keep " + Units.formatSize(reserve) + " free");
        }
        inflight += bytes;
    }

    /** Ends a claim; {@code stored}: the bytes became a new chunk. */
    synchronized void release(long bytes, boolean stored) {
        inflight -= bytes;
        if (stored) {
            used += bytes;
            chunks++;
        }
    }

    synchronized void added(long bytes) {
        used += bytes;
        chunks++;
    }

    synchronized void removed(long bytes) {
        used -= bytes;
        chunks--;
    }
}
