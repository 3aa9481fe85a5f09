package io.cairn.cli.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one run measures, and how much.
 *
 * @param size         the large file of the sequential steps, in bytes
 * @param files        the small files (4 KiB each) of create, stat, read, rename and unlink
 * @param dirs         the directories of mkdir
 * @param tree         the tree to unpack, copy, commit and rsync; null: one generated of {@code treeFiles} files
 * @param treeFiles    the files of the generated tree
 * @param randomSize   the file of the random steps, in bytes
 * @param randomTime   how long each random step runs
 * @param stepTimeout  the bound on one step on one directory
 * @param work         where local files go (the generated tree, its tarball, copies out); null: a temp directory
 * @param dropCaches   whether cold steps drop the kernel's caches first (they can only as root)
 */
record Settings(long size, int files, int dirs, Path tree, int treeFiles, long randomSize, Duration randomTime,
                Duration stepTimeout, Path work, boolean dropCaches) {
    /** Bytes of each small file. */
    static final int SMALL_FILE = 4096;
    /** Bytes of each random read or write. */
    static final int RANDOM_BLOCK = 4096;
}
