package io.cairn.cli.bench;

import io.cairn.common.units.Units;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.cairn.cli.bench.Step.Better.HIGHER;
import static io.cairn.cli.bench.Step.Better.LOWER;

/** The workloads of one run, in the order they run (each step on every directory before the next). */
final class Steps {
    private Steps() {
    }

    /** The steps; {@code w} may be null when only their names and order matter (then titles say less). */
    static List<Step> of(Settings s, Workspace w) {
        String size = Units.formatSize(s.size());
        String tree = (s.tree() != null ? s.tree().toString() : "a generated tree") + (w == null ? ""
                : " (" + w.treeEntries() + " entries, " + Units.formatSize(w.treeBytes()) + ")");
        String random = Units.formatSize(s.randomSize()) + " file, " + Units.writeDuration(s.randomTime());
        return List.of(
                new Step("seq-write", "sequential write + fsync, " + size + " in 1 MiB writes", "MB/s", HIGHER, false,
                        null, null, SequentialIo::write),
                new Step("seq-read", "sequential read, cold, " + size, "MB/s", HIGHER, true,
                        "seq-write", null, SequentialIo::read),
                new Step("create", "create " + s.files() + " x 4 KiB files", "files/s", HIGHER, false,
                        null, null, SmallFiles::create),
                new Step("stat", "stat those files", "ops/s", HIGHER, false, "create", null, SmallFiles::stat),
                new Step("read", "read those files, cold", "files/s", HIGHER, true, "create", null, SmallFiles::read),
                new Step("rename", "rename those files", "ops/s", HIGHER, false, "create", null, SmallFiles::rename),
                new Step("unlink", "unlink those files", "ops/s", HIGHER, false, "rename", null, SmallFiles::unlink),
                new Step("mkdir", "mkdir " + s.dirs() + " directories", "ops/s", HIGHER, false,
                        null, null, SmallFiles::mkdir),
                new Step("rand-read", "random 4 KiB reads, QD1, cold, " + random, "IOPS", HIGHER, true,
                        null, null, RandomIo::read),
                new Step("rand-write", "random 4 KiB writes, QD1, " + random, "IOPS", HIGHER, false,
                        "rand-read", null, RandomIo::write),
                new Step("tar-x", "tar -x of " + tree, "s", LOWER, false, null, "tar", TreeWork::untar),
                new Step("cp-r-out", "cp -r of that tree out to a local disk, cold", "s", LOWER, true,
                        "tar-x", "cp", TreeWork::copyOut),
                new Step("git-commit", "git init + add + commit of that tree", "s", LOWER, false,
                        "tar-x", "git", TreeWork::gitCommit),
                new Step("git-clone", "git clone --no-local of that repository", "s", LOWER, false,
                        "git-commit", "git", TreeWork::gitClone),
                new Step("rsync", "rsync -a of the tree in", "s", LOWER, false, null, "rsync", TreeWork::rsync),
                new Step("rsync-again", "rsync -a again (nothing to send)", "s", LOWER, false,
                        "rsync", "rsync", TreeWork::rsyncAgain));
    }

    /**
     * The steps named in {@code names} and the steps they need (a step's {@code needs}, and so on),
     * in the order of {@code all}; every step when {@code names} is null or empty.
     *
     * @throws IllegalArgumentException for a name that is not a step's, listing the names there are
     */
    static List<Step> select(List<Step> all, List<String> names) {
        if (names == null || names.isEmpty()) {
            return all;
        }
        Map<String, Step> byName = new HashMap<>();
        all.forEach(st -> byName.put(st.name(), st));
        Set<String> wanted = new HashSet<>();
        for (String n : names) {
            Step st = byName.get(n.trim());
            if (st == null) {
                throw new IllegalArgumentException("--steps: no step \"" + n.trim() + "\"; the steps are "
                        + String.join(", ", all.stream().map(Step::name).toList()));
            }
            for (; st != null && wanted.add(st.name()); st = st.needs() == null ? null : byName.get(st.needs())) {
                // the step, then what it needs
            }
        }
        List<Step> chosen = new ArrayList<>();
        for (Step st : all) {
            if (wanted.contains(st.name())) {
                chosen.add(st);
            }
        }
        return chosen;
    }
}
