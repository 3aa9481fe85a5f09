package io.cairn.mount.locks;

import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The locks this mount's processes take, kept by the master (so they hold across mounts) through
 * this mount's session.
 *
 * <p>The session is opened with the first lock and renewed every quarter of its lifetime from then
 * on; a mount that dies stops renewing, and its locks go when the session lapses. A renewal the
 * master refuses (the session lapsed: this mount could not reach the master for a whole lifetime)
 * is logged as an error, with how many locks were lost; the next lock opens a new session.
 *
 * <p>An unlock of something this mount never locked costs no call: the kernel asks to unlock every
 * file at every close, and most files are never locked. A blocking lock asks the master again
 * every {@link #WAIT_MS} until it is granted or its caller is interrupted (a signal, a killed
 * process); at most {@link #MAX_WAITERS} callers wait at once, as each holds a FUSE worker.
 */
public final class MountLocks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MountLocks.class);
    /** How long one call may wait on the master for a conflicting lock to go. */
    static final int WAIT_MS = 500;
    /** Callers waiting for a lock at once, at most (the FUSE loop has 64 workers). */
    public static final int MAX_WAITERS = 32;

    public static final int POSIX = 0;
    public static final int FLOCK = 1;
    public static final int UNLOCK = 0;
    public static final int READ = 1;
    public static final int WRITE = 2;

    private final MasterClient master;
    private final String name;
    private final ScheduledExecutorService renewer;
    private final Semaphore waiters = new Semaphore(MAX_WAITERS);
    /** (inode, kind, owner) that hold a lock through this mount's session. */
    private final Set<Key> held = ConcurrentHashMap.newKeySet();
    /** The attributes each locked inode had at its last grant: unchanged, the caches stay. */
    private final Map<Long, Attr> seen = new ConcurrentHashMap<>();
    private String session;
    private ScheduledFuture<?> renewal;
    private boolean closed;

    /** What a lock call came to. */
    public record Result(boolean granted, Replies.LockHolder holder, Attr attr, boolean changed) {
    }

    public MountLocks(MasterClient master, String name) {
        this.master = master;
        this.name = name;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-session");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether {@code owner} may hold a lock of {@code kind} on {@code inode} through this mount (an unlock must be sent). */
    public boolean mayHold(long inode, int kind, long owner) {
        return held.contains(new Key(inode, kind, owner));
    }

    /**
     * Takes ({@code type} READ or WRITE) or releases (UNLOCK) a lock over {@code start..end}; with
     * {@code wait}, waits until it is granted or {@code interrupted} says the caller gave up (then
     * EINTR). Not granted without {@code wait}: the holder in the way.
     */
    public Result lock(long inode, int kind, long owner, int type, long start, long end, int pid, boolean wait,
                       BooleanSupplier interrupted) throws IOException {
        Key key = new Key(inode, kind, owner);
        if (type == UNLOCK && !held.contains(key)) {
            return new Result(true, null, null, false);
        }
        if (!wait || type == UNLOCK) {
            return done(key, type, start, end, call(inode, kind, owner, type, start, end, pid, 0));
        }
        if (!waiters.tryAcquire()) {
            throw new CairnException(ErrorCode.ENOLCK, MAX_WAITERS + " processes wait for locks on this mount already");
        }
        try {
            while (true) {
                Replies.Locked r = call(inode, kind, owner, type, start, end, pid, WAIT_MS);
                if (r.granted()) {
                    return done(key, type, start, end, r);
                }
                if (interrupted.getAsBoolean()) {
                    throw new Interrupted();
                }
            }
        } finally {
            waiters.release();
        }
    }

    /** The lock in the way of one of {@code type} over {@code start..end}, or null when none is (F_GETLK). */
    public Replies.LockHolder test(long inode, int kind, long owner, int type, long start, long end, int pid)
            throws IOException {
        Replies.Locked r = withSession(s -> master.testLock(new Requests.Lock(s, inode, kind(kind), owner, type(type),
                start, end, pid, 0)));
        return r.granted() ? null : r.holder();
    }

    private Result done(Key key, int type, long start, long end, Replies.Locked r) {
        if (!r.granted()) {
            return new Result(false, r.holder(), null, false);
        }
        if (type == UNLOCK) {
            if (start == 0 && end == Long.MAX_VALUE) {
                held.remove(key);
                if (held.stream().noneMatch(k -> k.inode == key.inode)) {
                    seen.remove(key.inode);
                }
            }
            return new Result(true, null, null, false);
        }
        held.add(key);
        Attr a = r.attr();
        boolean changed = true;
        if (a != null) {
            Attr before = seen.put(key.inode, a);
            changed = before == null || before.mtimeNs() != a.mtimeNs() || before.ctimeNs() != a.ctimeNs()
                    || before.size() != a.size();
        }
        return new Result(true, null, a, changed);
    }

    private Replies.Locked call(long inode, int kind, long owner, int type, long start, long end, int pid, int waitMs)
            throws IOException {
        return withSession(s -> master.lock(new Requests.Lock(s, inode, kind(kind), owner, type(type), start, end, pid,
                waitMs)));
    }

    /** A master call made through this mount's session. */
    @FunctionalInterface
    public interface Call<T> {
        T run(String session) throws IOException;
    }

    /**
     * Runs {@code call} with this mount's session, opening one first if there is none or it lapsed
     * (the master answered ESTALE: then once more with a new one). Besides the locks, the session
     * keeps the files whose last name this mount removed while it had them open.
     */
    public <T> T withSession(Call<T> call) throws IOException {
        String s = session();
        try {
            return call.run(s);
        } catch (CairnException e) {
            if (e.code() != ErrorCode.ESTALE) {
                throw e;
            }
            lapsed(s);
            return call.run(session());
        }
    }

    private synchronized String session() throws IOException {
        if (closed) {
            throw new CairnException(ErrorCode.EIO, "the mount is stopping");
        }
        if (session == null) {
            Replies.Session s = master.openSession(name);
            session = s.session();
            long every = Math.max(250, s.ttlMs() / 4);
            renewal = renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
            LOG.debug("session {} opened (lifetime {} ms)", session, s.ttlMs());
        }
        return session;
    }

    private void renew() {
        String s;
        synchronized (this) {
            s = session;
        }
        if (s == null) {
            return;
        }
        try {
            master.renewSession(s);
        } catch (CairnException e) {
            if (e.code() == ErrorCode.ESTALE) {
                lapsed(s);
            } else {
                LOG.warn("renewing this mount's session failed: {}", e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("renewing this mount's session failed (its locks go if it is not renewed in time): {}", e.toString());
        }
    }

    /** The master ended session {@code s}: the locks held through it are gone. */
    private synchronized void lapsed(String s) {
        if (!s.equals(session)) {
            return;
        }
        if (!held.isEmpty()) {
            LOG.error("this mount's session lapsed (the master was not reached for a whole session lifetime):"
                    + " {} lock owner(s) lost their locks, which other mounts may take now", held.size());
        }
        held.clear();
        seen.clear();
        session = null;
        if (renewal != null) {
            renewal.cancel(false);
        }
    }

    /** At unmount: ends the session, releasing whatever is still held (nothing, normally). */
    @Override
    public void close() {
        String s;
        synchronized (this) {
            closed = true;
            s = session;
            session = null;
        }
        renewer.shutdownNow();
        if (s != null) {
            try {
                master.closeSession(s);
            } catch (IOException | RuntimeException e) {
                LOG.warn("ending this mount's session failed (its locks go when it lapses): {}", e.toString());
            }
        }
    }

    private static String kind(int kind) {
        return kind == FLOCK ? "flock" : "posix";
    }

    private static String type(int type) {
        return switch (type) {
            case READ -> "read";
            case WRITE -> "write";
            default -> "unlock";
        };
    }

    /** The caller was interrupted while it waited (the kernel answers EINTR). */
    public static final class Interrupted extends IOException {
        public Interrupted() {
            super("interrupted while waiting for a lock");
        }
    }

    private record Key(long inode, int kind, long owner) {
    }
}
