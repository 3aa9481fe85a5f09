package io.cairn.datanode;

import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A data directory as enrollment leaves it: with a node.key (a random one, for tests whose master
 * is a stand-in that checks no signature). A directory that has one keeps it.
 */
public final class Enrolled {
    private Enrolled() {
    }

    public static Path dir(Path dir) {
        try {
            Files.createDirectories(dir);
            if (!Files.exists(dir.resolve("node.key"))) {
                SecretFile.write(dir.resolve("node.key"), NodeKeys.toText(NodeKeys.newClusterKey()), false);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
