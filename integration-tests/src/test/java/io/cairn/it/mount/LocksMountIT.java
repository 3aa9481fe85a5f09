package io.cairn.it.mount;

import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Locks that hold across two mounts of one cluster (as across two machines): flock and fcntl record
 * locks, blocking waits, the coherence that comes with them, and locks of a mount that dies.
 */
@Timeout(600)
class LocksMountIT {
    /** Short, so that the test of a killed mount waits seconds, not the default 20. */
    static final Duration TTL = Duration.ofSeconds(4);
    static MiniCluster cluster;
    static Mounted a;
    static Mounted b;
    static Path work;

    @BeforeAll
    static void mountTwice() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(3).chunkSize(1 << 20).sessionTtl(TTL).start();
        work = Files.createTempDirectory("cairn-locks-");
        a = mount("a");
        b = mount("b");
    }

    static Mounted mount(String name) throws Exception {
        return Mounted.at(work.resolve(name), cluster.masterUrl()).attrTimeout(Duration.ofSeconds(1))
                .timeout(Duration.ofSeconds(30)).javaOpts("-Xmx128m").start();
    }

    @AfterAll
    static void unmount() throws Exception {
        try (AutoCloseable x = a; AutoCloseable y = b) {
            if (a != null) {
                assertThat(a.stop()).isZero();
            }
            if (b != null) {
                assertThat(b.stop()).isZero();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (work != null) {
                Shell.run(Path.of("/"), "rm -rf " + work);
            }
        }
    }

    /** A process started in {@code dir}, its output in files beside the mounts. */
    static Process start(Path dir, String name, String... command) throws Exception {
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile()).start();
    }

    static String err(String name) throws Exception {
        return Files.readString(work.resolve(name + ".err"));
    }

    static String out(String name) throws Exception {
        return Files.readString(work.resolve(name + ".out"));
    }

    static void awaitFile(Path f, Process p, String name) throws Exception {
        Eventually.await(f + " appears", Duration.ofSeconds(30), Duration.ofMillis(20), () -> {
            assertThat(p.isAlive()).as("%s is alive: %s", name, Files.exists(work.resolve(name + ".err")) ? err(name) : "")
                    .isTrue();
            return Files.exists(f);
        }, there -> there);
    }

    /**
     * Runs {@code python3 args} on both mounts at once (an argument {@code MOUNT} becomes "a" or "b"),
     * asserts both succeed within {@code seconds}, and returns how long it took, in ms.
     */
    static long onBothMounts(String name, int seconds, String... args) throws Exception {
        long t0 = System.nanoTime();
        List<Process> ps = new ArrayList<>();
        try {
            for (Mounted m : List.of(a, b)) {
                String which = m == a ? "a" : "b";
                List<String> cmd = new ArrayList<>(List.of("python3"));
                for (String arg : args) {
                    cmd.add(arg.equals("MOUNT") ? which : arg);
                }
                ps.add(start(m.dir, name + "-" + which, cmd.toArray(String[]::new)));
            }
            for (int i = 0; i < ps.size(); i++) {
                String which = i == 0 ? "a" : "b";
                assertThat(ps.get(i).waitFor(seconds, TimeUnit.SECONDS)).as("%s on mount %s finishes", name, which)
                        .isTrue();
                assertThat(ps.get(i).exitValue()).as(err(name + "-" + which)).isZero();
            }
        } finally {
            ps.forEach(Process::destroyForcibly);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /** Holds an exclusive flock on {@code file} in {@code m} from when {@code held} appears until {@code go} does. */
    static Process holdFlock(Mounted m, String file, Path held, Path go, String name) throws Exception {
        Process p = start(m.dir, name, "flock", "-x", file, "-c",
                "touch " + held + "; while [ ! -e " + go + " ]; do sleep 0.02; done");
        awaitFile(held, p, name);
        return p;
    }

    @Test
    void anExclusiveFlockOnOneMountMakesTheOtherWaitUntilItIsReleased() throws Exception {
        a.ok("touch flocked");
        Path held = work.resolve("flock-held");
        Path go = work.resolve("flock-go");
        Process holder = holdFlock(a, "flocked", held, go, "flock-holder");
        Process waiter = null;
        try {
            Shell.Result nb = b.sh("flock -n -x flocked true");
            assertThat(nb.exit()).as("flock -n on the other mount fails while the lock is held: %s", nb.err()).isEqualTo(1);
            assertThat(b.sh("flock -n -s flocked true").exit()).as("so does a shared one").isEqualTo(1);
            assertThat(a.sh("flock -n -x flocked true").exit()).as("and another process on the same mount").isEqualTo(1);

            Path got = work.resolve("flock-got");
            waiter = start(b.dir, "flock-waiter", "flock", "-x", "flocked", "-c", "touch " + got);
            Thread.sleep(1500);
            assertThat(waiter.isAlive()).as("the blocking flock waits while the lock is held").isTrue();
            assertThat(got).doesNotExist();
            long released = System.nanoTime();
            Files.writeString(go, "");
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(holder.exitValue()).as(err("flock-holder")).isZero();
            assertThat(waiter.waitFor(10, TimeUnit.SECONDS)).as("the waiter gets the lock once it is let go").isTrue();
            assertThat(waiter.exitValue()).as(err("flock-waiter")).isZero();
            assertThat(got).exists();
            System.out.printf("LocksMountIT: a blocked flock got the lock %d ms after its release%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released));
            assertThat(b.sh("flock -n -x flocked true").exit()).as("free again").isZero();
        } finally {
            holder.destroyForcibly();
            if (waiter != null) {
                waiter.destroyForcibly();
            }
        }
    }

    static final String COUNTER = String.join("\n",
            "import fcntl, os, sys",
            "n = int(sys.argv[1])",
            "fd = os.open('counter', os.O_RDWR)",
            "for i in range(n):",
            "    fcntl.lockf(fd, fcntl.LOCK_EX)",
            "    os.lseek(fd, 0, 0)",
            "    v = int(os.read(fd, 64) or b'0')",
            "    os.lseek(fd, 0, 0)",
            "    os.write(fd, b'%010d' % (v + 1))",
            "    fcntl.lockf(fd, fcntl.LOCK_UN)",
            "os.close(fd)", "");

    @Test
    void twoMountsIncrementingACounterUnderFcntlLocksLoseNoIncrement() throws Exception {
        int n = Boolean.getBoolean("cairn.long") ? 5000 : 1000;
        Files.writeString(work.resolve("counter.py"), COUNTER);
        a.ok("printf %010d 0 > counter");
        // the cost of one lock and unlock with nobody in the way, for the record
        long r0 = System.nanoTime();
        Files.writeString(work.resolve("lock-unlock.py"), String.join("\n", "import fcntl, os",
                "fd = os.open('counter', os.O_RDWR)", "for i in range(500):", "    fcntl.lockf(fd, fcntl.LOCK_EX)",
                "    fcntl.lockf(fd, fcntl.LOCK_UN)", ""));
        a.ok("python3 " + work.resolve("lock-unlock.py"));
        System.out.printf("LocksMountIT: an uncontended lockf lock + unlock takes %.2f ms%n",
                (System.nanoTime() - r0) / 1e6 / 500);
        long ms = onBothMounts("counter", 300, work.resolve("counter.py").toString(), Integer.toString(n));
        System.out.printf("LocksMountIT: 2 x %d locked increments from two mounts in %d ms (%.2f ms each)%n",
                n, ms, ms / (2.0 * n));
        String expected = String.format("%010d", 2 * n);
        assertThat(a.ok("cat counter").out()).isEqualTo(expected);
        assertThat(b.ok("cat counter").out()).isEqualTo(expected);
    }

    static final String SQLITE = String.join("\n",
            "import sqlite3, sys",
            "who, n = sys.argv[1], int(sys.argv[2])",
            "db = sqlite3.connect('shared.db', timeout=120, isolation_level=None)",
            "for i in range(n):",
            "    db.execute('BEGIN IMMEDIATE')",
            "    db.execute('INSERT INTO t(who, i) VALUES (?, ?)', (who, i))",
            "    db.execute('COMMIT')",
            "db.close()", "");

    @Test
    void sqliteWrittenFromTwoMountsAtOnceKeepsEveryRowAndStaysIntact() throws Exception {
        int n = 500;
        Files.writeString(work.resolve("sqlite.py"), SQLITE);
        a.ok("python3 -c \"import sqlite3; d = sqlite3.connect('shared.db');"
                + " d.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT, i INTEGER)'); d.commit()\"");
        long ms = onBothMounts("sqlite", 400, work.resolve("sqlite.py").toString(), "MOUNT", Integer.toString(n));
        System.out.printf("LocksMountIT: 2 x %d SQLite transactions from two mounts in %d ms%n", n, ms);
        String check = "python3 -c \"import sqlite3; d = sqlite3.connect('shared.db');"
                + " print(d.execute('PRAGMA integrity_check').fetchone()[0]);"
                + " print(d.execute('SELECT who, count(*), count(DISTINCT i) FROM t GROUP BY who ORDER BY who').fetchall())\"";
        String expected = "ok\n[('a', " + n + ", " + n + "), ('b', " + n + ", " + n + ")]\n";
        assertThat(a.ok(check).out()).isEqualTo(expected);
        assertThat(b.ok(check).out()).isEqualTo(expected);
    }

    static final String RANGE_HOLDER = String.join("\n",
            "import fcntl, os, sys, time",
            "fd = os.open('ranges', os.O_RDWR)",
            "fcntl.lockf(fd, fcntl.LOCK_EX, 100, 100)",
            "open(sys.argv[1], 'w').close()",
            "while not os.path.exists(sys.argv[2]): time.sleep(0.02)", "");

    static final String RANGE_PROBE = String.join("\n",
            "import errno, fcntl, os, struct",
            "fd = os.open('ranges', os.O_RDWR)",
            "def getlk(start, length):",
            "    r = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack('hhqqi', fcntl.F_WRLCK, 0, start, length, 0))",
            "    t, w, s, l, p = struct.unpack('hhqqi', r)",
            "    return {fcntl.F_WRLCK: 'F_WRLCK', fcntl.F_RDLCK: 'F_RDLCK', fcntl.F_UNLCK: 'F_UNLCK'}[t], s, l, p",
            "def try_lock(start, length):",
            "    try:",
            "        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start)",
            "        fcntl.lockf(fd, fcntl.LOCK_UN, length, start)",
            "        return 'granted'",
            "    except OSError as e:",
            "        return errno.errorcode[e.errno]",
            "print('getlk 150..159', *getlk(150, 10))",
            "print('getlk 0..99', getlk(0, 100)[0])",
            "print('getlk 200..', getlk(200, 0)[0])",
            "print('lock 150..159', try_lock(150, 10))",
            "print('lock 0..99', try_lock(0, 100))",
            "print('lock 200..299', try_lock(200, 100))",
            "print('lock 199', try_lock(199, 1))", "");

    @Test
    void recordLocksConflictOnlyWhereTheirRangesOverlapAndGetlkNamesTheHolder() throws Exception {
        a.ok("head -c 4096 /dev/zero > ranges");
        Files.writeString(work.resolve("range-holder.py"), RANGE_HOLDER);
        Files.writeString(work.resolve("range-probe.py"), RANGE_PROBE);
        Path held = work.resolve("range-held");
        Path go = work.resolve("range-go");
        Process holder = start(a.dir, "range-holder", "python3", work.resolve("range-holder.py").toString(),
                held.toString(), go.toString());
        try {
            awaitFile(held, holder, "range-holder");
            String probe = b.ok("python3 " + work.resolve("range-probe.py")).out();
            assertThat(probe).isEqualTo(String.join("\n",
                    "getlk 150..159 F_WRLCK 100 100 0", // another machine's pid means nothing here: 0
                    "getlk 0..99 F_UNLCK",
                    "getlk 200.. F_UNLCK",
                    "lock 150..159 EAGAIN",
                    "lock 0..99 granted",
                    "lock 200..299 granted",
                    "lock 199 EAGAIN", ""));
            Files.writeString(go, "");
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(holder.exitValue()).as(err("range-holder")).isZero();
            assertThat(b.ok("python3 " + work.resolve("range-probe.py")).out())
                    .as("the holder's exit released its range").contains("getlk 150..159 F_UNLCK", "lock 150..159 granted");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aWaiterKilledWhileItWaitsExitsAndLeavesNoLockBehind() throws Exception {
        a.ok("touch contended");
        Path held = work.resolve("kill-held");
        Path go = work.resolve("kill-go");
        // a flock and a record lock of one file are apart, as on Linux: the holder takes both
        Process holder = start(a.dir, "kill-holder", "python3", "-c", "import fcntl, os, time\n"
                + "fd = os.open('contended', os.O_RDWR)\nfcntl.flock(fd, fcntl.LOCK_EX)\nfcntl.lockf(fd, fcntl.LOCK_EX)\n"
                + "open('" + held + "', 'w').close()\nwhile not os.path.exists('" + go + "'): time.sleep(0.02)\n");
        awaitFile(held, holder, "kill-holder");
        List<Process> waiters = new ArrayList<>();
        try {
            for (String kind : new String[] {"flock", "fcntl"}) {
                Process w = kind.equals("flock")
                        ? start(b.dir, "kill-waiter-flock", "flock", "-x", "contended", "-c", "sleep 600")
                        : start(b.dir, "kill-waiter-fcntl", "python3", "-c",
                                "import fcntl, os, time\nfd = os.open('contended', os.O_RDWR)\n"
                                        + "fcntl.lockf(fd, fcntl.LOCK_EX)\ntime.sleep(600)\n");
                waiters.add(w);
            }
            Thread.sleep(1500);
            for (Process w : waiters) {
                assertThat(w.isAlive()).as("the waiter waits").isTrue();
            }
            long t0 = System.nanoTime();
            for (Process w : waiters) {
                w.destroyForcibly(); // SIGKILL
            }
            for (Process w : waiters) {
                assertThat(w.waitFor(5, TimeUnit.SECONDS)).as("a killed waiter exits at once, not when the lock frees")
                        .isTrue();
                assertThat(w.exitValue()).isEqualTo(137);
            }
            System.out.printf("LocksMountIT: killed waiters exited within %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            Files.writeString(go, "");
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Eventually.await("the lock is free on both mounts", Duration.ofSeconds(5), Duration.ofMillis(100),
                    () -> b.sh("flock -n -x contended true").exit() == 0 && a.sh("flock -n -x contended true").exit() == 0
                            && b.sh("python3 -c \"import fcntl, os; fcntl.lockf(os.open('contended', os.O_RDWR),"
                                    + " fcntl.LOCK_EX | fcntl.LOCK_NB)\"").exit() == 0,
                    free -> free);
        } finally {
            holder.destroyForcibly();
            waiters.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void theLocksOfAMountKilledWhileHoldingThemGoWithinTheSessionLifetime() throws Exception {
        a.ok("touch orphaned");
        Mounted c = mount("c");
        Process holder = null;
        try {
            Path held = work.resolve("dead-held");
            holder = start(c.dir, "dead-holder", "python3", "-c",
                    "import fcntl, os, time\nfd = os.open('orphaned', os.O_RDWR)\nfcntl.flock(fd, fcntl.LOCK_EX)\n"
                            + "fcntl.lockf(fd, fcntl.LOCK_EX)\nopen('" + held + "', 'w').close()\ntime.sleep(600)\n");
            awaitFile(held, holder, "dead-holder");
            assertThat(b.sh("flock -n -x orphaned true").exit()).as("held by mount c").isEqualTo(1);
            Shell.run(Path.of("/"), "kill -9 " + c.pid());
            long t0 = System.nanoTime();
            Files.writeString(work.resolve("dead-probe.py"), String.join("\n",
                    "import fcntl, os",
                    "fd = os.open('orphaned', os.O_RDWR)",
                    "fcntl.flock(fd, fcntl.LOCK_EX)",
                    "fcntl.lockf(fd, fcntl.LOCK_EX)",
                    "print('both')", ""));
            Process taker = start(b.dir, "dead-taker", "python3", work.resolve("dead-probe.py").toString());
            try {
                assertThat(taker.waitFor(TTL.toSeconds() + 10, TimeUnit.SECONDS))
                        .as("mount b gets the locks of the dead mount once its session lapses").isTrue();
                assertThat(taker.exitValue()).as(err("dead-taker")).isZero();
                assertThat(out("dead-taker")).isEqualTo("both\n");
            } finally {
                taker.destroyForcibly();
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("LocksMountIT: a dead mount's locks went after %d ms (session lifetime %d ms)%n", ms,
                    TTL.toMillis());
            assertThat(ms).as("not before the session could lapse").isGreaterThanOrEqualTo(TTL.toMillis() / 2);
        } finally {
            if (holder != null) {
                holder.destroyForcibly();
            }
            c.close();
        }
    }
}
