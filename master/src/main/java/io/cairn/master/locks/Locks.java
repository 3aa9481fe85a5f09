package io.cairn.master.locks;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.events.Events;
import io.cairn.master.meta.LockRow;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Mount sessions and the locks held through them, all in the metadata store, so that every master
 * of the cluster sees the same locks and a master's restart forgets none.
 *
 * <p>A mount opens a session when it starts and renews it at a quarter of its lifetime; a session
 * not renewed within {@code ttl} has expired: its locks no longer stand in anyone's way, and the
 * sweeper deletes it. A master that starts gives every session a full lifetime again, so a restart
 * of the master alone costs no mount its locks.
 *
 * <p>A lock call that finds a conflict may wait (up to {@link Limits#LOCK_WAIT_MAX_MS} per call)
 * for it to go: it is woken when a lock on this master changes and looks again every
 * {@link #RECHECK} in any case (for changes made through another master), holding no store
 * connection meanwhile. The mount repeats such calls for a blocking lock until it is granted or its
 * caller is interrupted.
 */
public final class Locks {
    private static final Logger LOG = LoggerFactory.getLogger(Locks.class);
    static final Duration RECHECK = Duration.ofMillis(200);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MetadataStore store;
    private final Clock clock;
    private final Duration ttl;
    private final AttrOf attrs;
    private final Events events;
    private final Object changes = new Object();
    private long changed;

    /** What else ends with a session, inside the transaction that ends it (the files it kept); says how many. */
    @FunctionalInterface
    public interface SessionEnd {
        int ended(MetaTx tx, String session) throws IOException;
    }

    private final SessionEnd sessionEnd;

    /** The attributes of an inode as the namespace gives them. */
    @FunctionalInterface
    public interface AttrOf {
        Attr attr(long inode) throws IOException;
    }

    public Locks(MetadataStore store, Clock clock, Duration ttl, AttrOf attrs, Events events) {
        this(store, clock, ttl, attrs, events, (tx, s) -> 0);
    }

    public Locks(MetadataStore store, Clock clock, Duration ttl, AttrOf attrs, Events events, SessionEnd sessionEnd) {
        this.sessionEnd = sessionEnd;
        this.store = store;
        this.clock = clock;
        this.ttl = ttl;
        this.attrs = attrs;
        this.events = events;
    }

    public Duration ttl() {
        return ttl;
    }

    // ---- sessions

    public Replies.Session open(Requests.OpenSession r) throws IOException {
        String name = r == null || r.name() == null ? "" : r.name();
        if (name.getBytes(StandardCharsets.UTF_8).length > Limits.SESSION_NAME_MAX
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new CairnException(ErrorCode.EINVAL, "a session's name is at most " + Limits.SESSION_NAME_MAX
                    + " bytes of printable text");
        }
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        long now = clock.millis();
        store.write(tx -> {
            tx.insertSession(id, name, now, now + ttl.toMillis());
            return null;
        });
        LOG.debug("session {} opened for {}", id, name);
        return new Replies.Session(id, ttl.toMillis());
    }

    /** Renews a session for another {@code ttl}; ESTALE when it expired (its locks are gone) or never was. */
    public void renew(Requests.SessionRef r) throws IOException {
        String id = sessionId(r == null ? null : r.session());
        long now = clock.millis();
        store.write(tx -> {
            live(tx, id, now);
            tx.renewSession(id, now + ttl.toMillis());
            return null;
        });
    }

    /** Ends a session (its mount is unmounting) and releases every lock it holds. */
    public void close(Requests.SessionRef r) throws IOException {
        String id = sessionId(r == null ? null : r.session());
        int n = store.write(tx -> {
            sessionEnd.ended(tx, id);
            return tx.deleteSession(id);
        });
        if (n > 0) {
            wake();
        }
    }

    /** Deletes sessions that expired, releasing their locks; says how many. */
    public int sweep() throws IOException {
        long now = clock.millis();
        List<String> gone = store.read(tx -> tx.expiredSessions(now, 100));
        int released = 0;
        for (String id : gone) {
            int[] kept = {0};
            int n = store.write(tx -> {
                Long exp = tx.sessionExpiry(id);
                if (exp == null || exp >= now) {
                    return -1; // renewed meanwhile
                }
                kept[0] = sessionEnd.ended(tx, id);
                return tx.deleteSession(id);
            });
            if (n > 0 || kept[0] > 0) {
                released += Math.max(n, 0);
                events.record("session.expired", null, null, "a mount's session lapsed (not renewed for " + ttl.toSeconds()
                        + " s): its " + n + " lock(s) were released and " + kept[0] + " unlinked open file(s) removed");
                LOG.warn("session {} was not renewed for {}: its {} lock(s) are released and {} unlinked file(s) it kept"
                        + " open removed", id, ttl, n, kept[0]);
            }
        }
        if (released > 0) {
            wake();
        }
        return gone.size();
    }

    /** At the master's start: every session gets a full lifetime from now, for its mount to renew it. */
    public void grace() throws IOException {
        long until = clock.millis() + ttl.toMillis();
        store.write(tx -> tx.extendSessions(until));
    }

    public long sessions() throws IOException {
        return store.read(MetaTx::countSessions);
    }

    // ---- locks

    /** Takes, changes or releases a lock (see {@link Requests.Lock}), waiting up to its {@code waitMs} for a conflict to go. */
    public Replies.Locked lock(Requests.Lock r) throws IOException {
        Want w = Want.of(r);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(w.waitMs);
        while (true) {
            long seen;
            synchronized (changes) {
                seen = changed;
            }
            long now = clock.millis();
            Outcome o = store.write(tx -> attempt(tx, w, now));
            if (o.changed) {
                wake();
            }
            if (o.conflict == null) {
                return new Replies.Locked(true, null, w.type == 0 ? null : attrs.attr(w.inode));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new Replies.Locked(false, holder(o.conflict, w.session), null);
            }
            synchronized (changes) {
                if (changed == seen) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(changes, Math.min(left, RECHECK.toNanos()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CairnException(ErrorCode.EIO, "the master is stopping");
                    }
                }
            }
        }
    }

    /** Whether a lock could be taken now, and if not the lock in its way (F_GETLK); changes nothing. */
    public Replies.Locked test(Requests.Lock r) throws IOException {
        Want w = Want.of(r);
        if (w.type == 0) {
            throw new CairnException(ErrorCode.EINVAL, "a test is of a read or a write lock, not of an unlock");
        }
        long now = clock.millis();
        LockRow c = store.read(tx -> {
            live(tx, w.session, now);
            return LockRules.conflict(tx.locks(w.inode, w.kind), w.session, w.owner, w.type, w.start, w.end,
                    liveIn(tx, now));
        });
        return new Replies.Locked(c == null, c == null ? null : holder(c, w.session), null);
    }

    private Outcome attempt(MetaTx tx, Want w, long now) throws IOException {
        live(tx, w.session, now);
        List<LockRow> held = tx.locks(w.inode, w.kind);
        List<LockRow> own = held.stream().filter(h -> h.sameOwner(w.session, w.owner)).toList();
        if (w.type != 0) {
            LockRow c = LockRules.conflict(held, w.session, w.owner, w.type, w.start, w.end, liveIn(tx, now));
            if (c != null) {
                return new Outcome(c, false);
            }
        } else if (own.isEmpty()) {
            return new Outcome(null, false);
        }
        LockRow template = new LockRow(w.inode, w.kind, w.session, w.owner, w.type, w.start, w.end, w.pid);
        List<LockRow> next = LockRules.apply(own, w.type, w.start, w.end, template);
        if (next.equals(own)) {
            return new Outcome(null, false);
        }
        if (next.size() > own.size() && tx.countLocks(w.session) - own.size() + next.size() > Limits.LOCKS_PER_SESSION) {
            throw new CairnException(ErrorCode.ENOLCK, "this mount holds " + Limits.LOCKS_PER_SESSION
                    + " locks already, the most one mount may hold");
        }
        tx.deleteLocks(w.inode, w.kind, w.session, w.owner);
        for (LockRow n : next) {
            tx.insertLock(n);
        }
        return new Outcome(null, true);
    }

    /** Locks of sessions that expired (and are not swept yet) stand in no one's way. */
    private static java.util.function.Predicate<LockRow> liveIn(MetaTx tx, long now) {
        Map<String, Boolean> seen = new HashMap<>();
        return l -> seen.computeIfAbsent(l.session(), s -> {
            try {
                Long exp = tx.sessionExpiry(s);
                return exp != null && exp >= now;
            } catch (IOException e) {
                return true; // the transaction is doomed anyway; assume the lock stands
            }
        });
    }

    private void live(MetaTx tx, String session, long now) throws IOException {
        Long exp = tx.sessionExpiry(session);
        if (exp == null || exp < now) {
            throw new CairnException(ErrorCode.ESTALE, "session " + session + " has ended (not renewed within "
                    + ttl.toSeconds() + " s, or closed): its locks were released; the mount opens a new one");
        }
    }

    private void wake() {
        synchronized (changes) {
            changed++;
            changes.notifyAll();
        }
    }

    private static Replies.LockHolder holder(LockRow c, String session) {
        return new Replies.LockHolder(c.type() == LockRow.WRITE ? "write" : "read", c.start(), c.end(), c.pid(),
                c.session().equals(session));
    }

    private static String sessionId(String s) throws CairnException {
        if (s == null || !s.matches("[0-9a-f]{32}")) {
            throw new CairnException(ErrorCode.EINVAL, "a session id is 32 lowercase hex digits");
        }
        return s;
    }

    private record Outcome(LockRow conflict, boolean changed) {
    }

    /** A lock request, checked. */
    private record Want(String session, long inode, int kind, long owner, int type, long start, long end, int pid,
                        int waitMs) {
        static Want of(Requests.Lock r) throws CairnException {
            if (r == null) {
                throw new CairnException(ErrorCode.EINVAL, "a lock request needs a body");
            }
            int kind = switch (r.kind() == null ? "" : r.kind()) {
                case "posix" -> LockRow.POSIX;
                case "flock" -> LockRow.FLOCK;
                default -> throw new CairnException(ErrorCode.EINVAL, "a lock's kind is posix or flock, not " + r.kind());
            };
            int type = switch (r.type() == null ? "" : r.type()) {
                case "read" -> LockRow.READ;
                case "write" -> LockRow.WRITE;
                case "unlock" -> 0;
                default -> throw new CairnException(ErrorCode.EINVAL, "a lock's type is read, write or unlock, not "
                        + r.type());
            };
            if (r.inode() <= 0) {
                throw new CairnException(ErrorCode.EINVAL, "a lock is on an inode (a positive number), not " + r.inode());
            }
            long start = r.start();
            long end = r.end();
            if (kind == LockRow.FLOCK) {
                start = 0;
                end = Long.MAX_VALUE;
            }
            if (start < 0 || end < start) {
                throw new CairnException(ErrorCode.EINVAL, "a lock's range is start..end with 0 <= start <= end, not "
                        + start + ".." + end);
            }
            int wait = r.waitMs() == null ? 0 : r.waitMs();
            if (wait < 0 || wait > Limits.LOCK_WAIT_MAX_MS) {
                throw new CairnException(ErrorCode.EINVAL, "waitMs is between 0 and " + Limits.LOCK_WAIT_MAX_MS
                        + ", not " + wait);
            }
            return new Want(sessionId(r.session()), r.inode(), kind, r.owner(), type, start, end, Math.max(0, r.pid()),
                    wait);
        }
    }
}
