package io.cairn.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The run's local files, outside every directory under test: the tree the tree steps use (given
 * with {@code --tree}, or generated), its tarball, a home directory for git, copies made out of
 * the directories, and the output of the commands run.
 */
final class Workspace implements AutoCloseable {
    private final Path root;
    private final Path tree;
    private Path tarball;
    /** Entries (files, directories, links) of the tree, and its bytes. */
    private long entries;
    private long bytes;

    private Workspace(Path root, Path tree) {
        this.root = root;
        this.tree = tree;
    }

    /** Makes the workspace in {@code parent} (a temp directory when null) and the tree in it. */
    static Workspace create(Path parent, Path givenTree, int treeFiles) throws IOException {
        Path root = parent == null ? Files.createTempDirectory("cairn-bench-")
                : Files.createTempDirectory(Files.createDirectories(parent), "cairn-bench-");
        Workspace w = new Workspace(root, givenTree != null ? givenTree.toAbsolutePath().normalize()
                : root.resolve("tree"));
        try {
            Files.createDirectories(w.logs());
            Files.createDirectories(w.home());
            if (givenTree == null) {
                TreeMaker.make(w.tree, treeFiles);
            }
            w.count();
            return w;
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** The tree's tarball, made with tar the first time it is asked for (tar -C PARENT -cf tree.tar NAME). */
    synchronized Path tarball(StepRun run) throws IOException, InterruptedException {
        if (tarball == null) {
            Path t = root.resolve("tree.tar");
            run.exec(tree.getParent(), Map.of(), java.util.List.of("tar", "-cf", t.toString(), tree.getFileName().toString()));
            tarball = t;
        }
        return tarball;
    }

    Path tree() {
        return tree;
    }

    /** The tree's directory name inside its tarball (and so where tar -x puts it). */
    String treeName() {
        return tree.getFileName().toString();
    }

    long treeEntries() {
        return entries;
    }

    long treeBytes() {
        return bytes;
    }

    /** A local directory to copy into from {@code label}'s directory (made fresh). */
    Path copyOut(String label) throws IOException {
        Path p = root.resolve("out-" + label.replaceAll("[^A-Za-z0-9._-]", "_"));
        delete(p);
        return p;
    }

    Path home() {
        return root.resolve("home");
    }

    Path logs() {
        return root.resolve("logs");
    }

    private void count() throws IOException {
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                entries++;
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    bytes += Files.size(p);
                }
            }
        }
    }

    /** Removes a local tree (nothing under test). */
    static void delete(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(x);
            }
        }
    }

    @Override
    public void close() throws IOException {
        delete(root);
    }
}
