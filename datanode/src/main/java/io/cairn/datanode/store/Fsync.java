package io.cairn.datanode.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Durability helpers: a rename is only durable once the directory holding it is synced. */
final class Fsync {
    private Fsync() {
    }

    /** Syncs a directory's entries (names created, renamed or removed in it). */
    static void directory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Replaces {@code target} with {@code content} so that a crash leaves either the old file or the
     * new one, never a torn one: write a temp file in {@code tmpDir} (same file system), sync it,
     * rename it over the target, sync the target's directory.
     */
    static void writeAtomically(Path target, byte[] content, Path tmpDir) throws IOException {
        Path tmp = tmpDir.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            directory(target.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
