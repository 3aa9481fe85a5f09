package io.cairn.datanode.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code chunks/} holds: counted once when the store opens (chunks and their bytes, with
 * orphan sidecars removed), and listed, id by id, as a stream read from the directories as it goes.
 * Sidecars are not chunks: they are neither counted nor listed.
 */
final class Inventory {
    private static final Logger LOG = LoggerFactory.getLogger(Inventory.class);

    private final ChunkPaths paths;

    Inventory(ChunkPaths paths) {
        this.paths = paths;
    }

    /**
     * Counts the chunks and bytes on disk into {@code space} and removes orphan sidecars (left by a
     * crash between placing a sidecar and its chunk, or between deleting them); anything else that
     * is not a chunk file is left alone, with a warning.
     */
    void scan(Space space) throws IOException {
        List<Path> orphans = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(paths.root())) {
            for (Path d : dirs) {
                String prefix = d.getFileName().toString();
                if (!ChunkPaths.isPrefix(prefix) || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    LOG.warn("ignoring {}: not a chunk directory", d);
                    continue;
                }
                scanDirectory(d, prefix, space, orphans);
            }
        }
        for (Path f : orphans) {
            Files.deleteIfExists(f);
        }
        if (!orphans.isEmpty()) {
            LOG.info("removed {} checksum sidecar(s) without a chunk", orphans.size());
        }
    }

    private static void scanDirectory(Path d, String prefix, Space space, List<Path> orphans) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String sidecarOf = Sidecar.chunkIdOf(name, prefix);
                if (sidecarOf != null && a.isRegularFile()) {
                    if (!Files.exists(d.resolve(sidecarOf), LinkOption.NOFOLLOW_LINKS)) {
                        orphans.add(f);
                    }
                    continue;
                }
                if (!ChunkPaths.isChunkIn(name, prefix) || !a.isRegularFile()) {
                    LOG.warn("ignoring {}: not a chunk file", f);
                    continue;
                }
                space.added(a.size());
            }
        }
    }

    /** Every stored chunk id, read from the directories as the stream goes; close the stream. */
    Stream<String> ids() throws IOException {
        return Files.list(paths.root())
                .filter(d -> ChunkPaths.isPrefix(d.getFileName().toString()) && Files.isDirectory(d))
                .flatMap(d -> {
                    String prefix = d.getFileName().toString();
                    try {
                        return Files.list(d).map(f -> f.getFileName().toString())
                                .filter(name -> ChunkPaths.isChunkIn(name, prefix));
                    } catch (NoSuchFileException e) {
                        return Stream.empty();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
