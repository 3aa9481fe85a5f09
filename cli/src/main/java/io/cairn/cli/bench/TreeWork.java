package io.cairn.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole tree at a time, through the programs people use on one: tar -x of it into the
 * directory, cp -r of it back out after the kernel's caches are dropped, git init + add + commit
 * of it and git clone of that repository, rsync -a of it in and then again. Each figure is the
 * seconds it took.
 */
final class TreeWork {
    static final String TAR = "tar";
    static final String CLONE = "clone";
    static final String RSYNC = "rsync";

    private TreeWork() {
    }

    /** The tree as tar -x left it in the directory. */
    private static Path unpacked(StepRun run) {
        return run.path(TAR, run.work.treeName());
    }

    static double untar(StepRun run) throws Exception {
        Path tarball = run.work.tarball(run); // made once, locally, not measured
        Files.createDirectory(run.path(TAR));
        long t0 = System.nanoTime();
        run.exec(run.path(TAR), Map.of(), List.of("tar", "-xf", tarball.toString()));
        return StepRun.secondsSince(t0);
    }

    static double copyOut(StepRun run) throws Exception {
        Path out = run.work.copyOut(run.target.label());
        run.dropCaches();
        long t0 = System.nanoTime();
        run.exec(run.target.scratch(), Map.of(), List.of("cp", "-r", unpacked(run).toString(), out.toString()));
        double s = StepRun.secondsSince(t0);
        Workspace.delete(out);
        return s;
    }

    static double gitCommit(StepRun run) throws Exception {
        Path repo = unpacked(run);
        long t0 = System.nanoTime();
        run.exec(repo, gitEnv(run), git("init", "-q"));
        run.exec(repo, gitEnv(run), git("add", "-A"));
        run.exec(repo, gitEnv(run), git("commit", "-q", "-m", "cairn bench"));
        return StepRun.secondsSince(t0);
    }

    static double gitClone(StepRun run) throws Exception {
        long t0 = System.nanoTime();
        // --no-local: packs and sends objects as a clone from a server does, instead of hard-linking them
        run.exec(run.target.scratch(), gitEnv(run), git("clone", "-q", "--no-local", unpacked(run).toString(), CLONE));
        return StepRun.secondsSince(t0);
    }

    static double rsync(StepRun run) throws Exception {
        long t0 = System.nanoTime();
        run.exec(run.target.scratch(), Map.of(), List.of("rsync", "-a", run.work.tree() + "/", run.path(RSYNC) + "/"));
        return StepRun.secondsSince(t0);
    }

    /** The same rsync again: nothing should be sent (the note says what was, if anything). */
    static double rsyncAgain(StepRun run) throws Exception {
        long t0 = System.nanoTime();
        String changes = run.exec(run.target.scratch(), Map.of(),
                List.of("rsync", "-a", "--itemize-changes", run.work.tree() + "/", run.path(RSYNC) + "/"));
        double s = StepRun.secondsSince(t0);
        long sent = changes.lines().filter(l -> !l.isBlank()).count();
        run.note(sent == 0 ? "nothing sent" : sent + " entries sent again (times or attributes not kept?)");
        return s;
    }

    /** git with nothing from this machine's configuration, an identity, and no automatic gc. */
    private static List<String> git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "safe.directory=*", "-c", "init.defaultBranch=main",
                "-c", "gc.auto=0", "-c", "user.name=cairn bench", "-c", "user.email=bench@cairn.invalid"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Map<String, String> gitEnv(StepRun run) {
        return Map.of("HOME", run.work.home().toString(), "GIT_CONFIG_NOSYSTEM", "1",
                "GIT_TERMINAL_PROMPT", "0");
    }
}
