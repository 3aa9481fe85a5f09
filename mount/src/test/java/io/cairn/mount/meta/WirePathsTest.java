package io.cairn.mount.meta;

import io.cairn.common.path.InodePaths;
import io.cairn.common.path.PathRules;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WirePathsTest {
    private final List<String> asked = new ArrayList<>();

    /** Inode numbers made up from the depth of the directory, so each piece is checked against the last. */
    private long dir(String path, String wire) {
        asked.add(path + " as " + wire);
        assertThat(wire.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(PathRules.PATH_MAX);
        return 100 + path.split("/").length - 1;
    }

    private static String deep(int levels, String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            b.append('/').append(name);
        }
        return b.toString();
    }

    @Test
    void aPathThatFitsGoesAsItIs() throws Exception {
        String p = deep(32, "d".repeat(127)); // 4096 bytes exactly
        assertThat(p.length()).isEqualTo(PathRules.PATH_MAX);
        assertThat(WirePaths.of(p, this::dir)).isEqualTo(p);
        assertThat(asked).isEmpty();
    }

    @Test
    void aLongerPathStartsAtTheInodeOfTheDeepestDirectoryThatFits() throws Exception {
        String name = "n".repeat(120);
        String p = deep(40, name) + "/file"; // 4846 bytes
        String w = WirePaths.of(p, this::dir);
        // 33 names of 121 bytes fit in 4096; the 33rd directory is inode 133
        assertThat(asked).containsExactly(deep(33, name) + " as " + deep(33, name));
        assertThat(w).isEqualTo(InodePaths.of(133, deep(7, name) + "/file"));
    }

    @Test
    void aPathOfManyTimesTheLimitIsCutIntoPiecesThatEachFit() throws Exception {
        String name = "é".repeat(100); // 200 bytes in UTF-8, 201 with its slash
        String p = deep(100, name); // 20,100 bytes
        String w = WirePaths.of(p, this::dir);
        // 20 names fit from the root, and 20 more after "/.cairn-inodes/120" (18 bytes) each time
        assertThat(asked).containsExactly(
                deep(20, name) + " as " + deep(20, name),
                deep(40, name) + " as " + InodePaths.of(120, deep(20, name)),
                deep(60, name) + " as " + InodePaths.of(140, deep(20, name)),
                deep(80, name) + " as " + InodePaths.of(160, deep(20, name)));
        assertThat(w).isEqualTo(InodePaths.of(180, deep(20, name)));
    }
}
