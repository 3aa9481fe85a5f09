package io.cairn.datanode.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class DataDirTest {
    @TempDir
    Path root;

    @Test
    void nodeIdIsCreatedOnceAndKeptAcrossRestarts() throws IOException {
        String first;
        try (DataDir d = DataDir.open(root)) {
            first = d.nodeId();
        }
        try (DataDir d = DataDir.open(root)) {
            assertThat(d.nodeId()).isEqualTo(first);
        }
        assertThat(first).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(Files.readString(root.resolve("node-id")).trim()).isEqualTo(first);
    }

    @Test
    void layoutIsCreatedInAnEmptyDirectory() throws IOException {
        try (DataDir d = DataDir.open(root.resolve("new"))) {
            assertThat(d.root().resolve("chunks")).isDirectory();
            assertThat(d.root().resolve("tmp")).isDirectory();
            assertThat(d.clusterId()).isNull();
        }
    }

    @Test
    void tmpIsEmptiedOnStart() throws IOException {
        try (DataDir d = DataDir.open(root)) {
            Files.writeString(d.root().resolve("tmp/abc.part"), "half a chunk");
            Files.createDirectories(root.resolve("tmp/sub"));
            Files.writeString(root.resolve("tmp/sub/x"), "x");
        }
        try (DataDir d = DataDir.open(root)) {
            try (var s = Files.list(d.root().resolve("tmp"))) {
                assertThat(s).isEmpty();
            }
        }
    }

    @Test
    void clusterIdIsSavedAndReadBack() throws IOException {
        try (DataDir d = DataDir.open(root)) {
            d.saveClusterId("c0ffee-1");
            assertThat(d.clusterId()).isEqualTo("c0ffee-1");
        }
        try (DataDir d = DataDir.open(root)) {
            assertThat(d.clusterId()).isEqualTo("c0ffee-1");
        }
    }

    @Test
    void aClusterIdThatCouldEscapeIsRefused() throws IOException {
        try (DataDir d = DataDir.open(root)) {
            assertThatThrownBy(() -> d.saveClusterId("../../etc")).isInstanceOf(IOException.class);
            assertThat(d.clusterId()).isNull();
        }
    }

    @Test
    void twoDatanodesCannotShareOneDirectory() throws IOException {
        try (DataDir d = DataDir.open(root)) {
            assertThatThrownBy(() -> DataDir.open(d.root())).isInstanceOf(IOException.class).hasMessageContaining("in use");
        }
        DataDir.open(root).close(); // unlocked again once closed
    }

    @Test
    void aDamagedNodeIdFileStopsTheStart() throws IOException {
        Files.writeString(root.resolve("node-id"), "not a uuid\n");
        assertThatThrownBy(() -> DataDir.open(root)).isInstanceOf(IOException.class).hasMessageContaining("node id");
        DataDir.open(root.resolve("other")).close();
    }
}
