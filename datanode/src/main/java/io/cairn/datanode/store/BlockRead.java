package io.cairn.datanode.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Reading one block of a chunk file whole: a channel's read may return fewer bytes than asked. */
final class BlockRead {
    private BlockRead() {
    }

    /**
     * Reads {@code len} bytes at {@code position} into the start of {@code buf} (whose position and
     * limit it sets); returns how many were read, fewer only where the file ends.
     */
    static int fill(FileChannel ch, ByteBuffer buf, long position, int len) throws IOException {
        buf.clear().limit(len);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        return buf.flip().remaining();
    }
}
