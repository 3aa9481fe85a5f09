package io.cairn.common.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A file that holds one secret (a key, a token) as one line of text. It is written with mode 0600
 * from its first byte, atomically and durably; it is read only when no one but its owner can read
 * or write it, as ssh treats a private key, so a secret left world-readable is noticed at once
 * instead of being used. Error messages name the file, never what it holds.
 */
public final class SecretFile {
    /** The most a secret file may hold. */
    static final int MAX_BYTES = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private SecretFile() {
    }

    /**
     * The secret in {@code file}, trimmed.
     *
     * @throws NoSuchFileException when there is no such file
     * @throws CairnException      EACCES when others may read or write it, EINVAL when it is not a
     *                             regular file, is empty or too long
     */
    public static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(file.toString());
            }
            throw new CairnException(ErrorCode.EINVAL, file + " is not a regular file");
        }
        checkOwnerOnly(file);
        if (Files.size(file) > MAX_BYTES) {
            throw new CairnException(ErrorCode.EINVAL, file + " is too long to hold a secret");
        }
        String s = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (s.isEmpty() || s.indexOf('\n') >= 0) {
            throw new CairnException(ErrorCode.EINVAL, file + " must hold exactly one line");
        }
        return s;
    }

    /**
     * Refuses {@code file} when anyone but its owner may read or write it (a secret of any shape: a
     * TLS private key as much as a token). A symbolic link is judged by the file it points to (as a
     * certificate tool's {@code live/} links are); {@link #read} refuses links before asking.
     *
     * @throws CairnException EACCES naming the file, its mode and {@code chmod 600 FILE}
     */
    public static void checkOwnerOnly(Path file) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> extra = EnumSet.copyOf(mode);
        extra.removeAll(OWNER_ONLY);
        extra.remove(PosixFilePermission.OWNER_EXECUTE);
        if (!extra.isEmpty()) {
            throw new CairnException(ErrorCode.EACCES, "refusing " + file + ": others may read or change it (mode "
                    + PosixFilePermissions.toString(mode) + "); run chmod 600 " + file);
        }
    }

    /** The secret in {@code file}, or null when there is no such file. */
    public static String readIfPresent(Path file) throws IOException {
        try {
            return read(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Writes {@code secret} to {@code file} with mode 0600, atomically (a crash leaves the old file
     * or the new one) and durably (on disk before it returns).
     *
     * @param replace whether an existing file may be replaced; when false and it exists, EEXIST
     */
    public static void write(Path file, String secret, boolean replace) throws IOException {
        if (secret.isEmpty() || secret.indexOf('\n') >= 0 || secret.length() > MAX_BYTES - 1) {
            throw new IllegalArgumentException("a secret is one non-empty line");
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap((secret + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            if (replace) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException(file.toString());
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + file + " atomically", e);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            throw new CairnException(ErrorCode.EEXIST, file + " already exists");
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
