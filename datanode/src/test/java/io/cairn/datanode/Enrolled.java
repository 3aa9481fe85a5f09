package io.cairn.datanode;

import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.datanode.testing.TestKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A data directory as enrollment leaves it: with a node.key (a random one, known to the stand-in
 * {@code FakeMaster} through {@link TestKeys}, which signs its replies with it). A directory that
 * has one keeps it.
 */
public final class Enrolled {
    private Enrolled() {
    }

    public static Path dir(Path dir) {
        try {
            Files.createDirectories(dir);
            if (!Files.exists(dir.resolve("node.key"))) {
                byte[] key = NodeKeys.newClusterKey();
                SecretFile.write(dir.resolve("node.key"), NodeKeys.toText(key), false);
                TestKeys.known(key);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
