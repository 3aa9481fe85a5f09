package io.cairn.master.events;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Replies;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster's events, in the metadata store's {@code events} table: at most {@link #KEEP} rows
 * (every {@link #TRIM_EVERY}-th event recorded deletes those more than {@link #KEEP} ids older, in
 * the same transaction), so the table stays small whatever happens.
 *
 * <p>Recording is best effort: it runs in a transaction of its own, after the operation that caused
 * it committed, and a failure is logged, never thrown, so an event never fails what it tells of.
 * Callers record outside any lock that guards network I/O.
 */
public final class Events {
    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    /** A datanode registered with the cluster for the first time. */
    public static final String REGISTERED = "node.registered";
    /** A datanode that was live missed its heartbeats for longer than the dead-after time. */
    public static final String DEAD = "node.dead";
    /** A datanode counted dead is live again. */
    public static final String BACK = "node.back";
    /** A live datanode cannot take one more chunk. */
    public static final String FULL = "node.full";
    /** A datanode's decommission started: its replicas are copied elsewhere. */
    public static final String DRAINING = "node.draining";
    /** A decommissioned datanode holds no more replicas the master counts. */
    public static final String DRAINED = "node.drained";
    /** A repair round ordered chunk copies. */
    public static final String REPAIR_STARTED = "repair.started";
    /** Chunks that had copy orders out have their replicas again. */
    public static final String REPAIR_DONE = "repair.done";
    /** A datanode reported replicas it holds as bad. */
    public static final String CORRUPT = "replica.corrupt";
    /** The master started in safe mode: it deletes and copies nothing until the datanodes reported. */
    public static final String SAFE_MODE_ENTERED = "safemode.entered";
    /** Safe mode is over. */
    public static final String SAFE_MODE_LEFT = "safemode.left";

    /** Most events kept. */
    public static final int KEEP = 10_000;
    /** How often (in events recorded by this master) the oldest beyond {@link #KEEP} are deleted. */
    static final int TRIM_EVERY = 100;
    /** Most events one page answers; the default page. */
    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 100;
    /** Longest message kept, in characters. */
    static final int MAX_MESSAGE = 1000;

    private final MetadataStore store;
    private final Clock clock;
    private final int keep;
    private final int trimEvery;
    private final AtomicLong recorded = new AtomicLong();

    public Events(MetadataStore store, Clock clock) {
        this(store, clock, KEEP, TRIM_EVERY);
    }

    /** With a bound of {@code keep} rows, enforced every {@code trimEvery} events (tests make these small). */
    Events(MetadataStore store, Clock clock, int keep, int trimEvery) {
        this.store = store;
        this.clock = clock;
        this.keep = keep;
        this.trimEvery = trimEvery;
    }

    /** Events that are not kept: for services built without a store of events (unit tests of other things). */
    public static Events discard() {
        return new Events(null, Clock.systemUTC());
    }

    /** Records an event now; {@code node} and {@code chunk} may be null. Never throws. */
    public void record(String kind, String node, String chunk, String message) {
        if (store == null) {
            return;
        }
        long now = clock.millis();
        String line = oneLine(message);
        boolean trim = recorded.incrementAndGet() % trimEvery == 0;
        try {
            store.write(tx -> {
                long id = tx.addEvent(now, kind, node, chunk, line);
                if (trim) {
                    tx.deleteEventsThrough(id - keep);
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not record the cluster event {} ({}): {}", kind, line, e.toString());
        }
    }

    private static String oneLine(String message) {
        String m = message.replaceAll("[\\r\\n\\t]+", " ");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE - 3) + "..." : m;
    }

    /** Up to {@code limit} (1 to {@link #MAX_PAGE}) events with ids after {@code after} (0: from the oldest kept), oldest first. */
    public Replies.Events after(long after, int limit) throws IOException {
        if (after < 0) {
            throw new CairnException(ErrorCode.EINVAL, "after must be an event id, 0 or more");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new CairnException(ErrorCode.EINVAL, "limit must be 1 to " + MAX_PAGE);
        }
        if (store == null) {
            return new Replies.Events(List.of());
        }
        return new Replies.Events(wire(store.read(tx -> tx.events(after, limit))));
    }

    /**
     * The newest {@code limit} events (at most {@link #MAX_PAGE}), <b>newest first</b>: for a status
     * page that shows what happened last at the top.
     */
    public List<Replies.Event> recent(int limit) throws IOException {
        int n = Math.max(0, Math.min(limit, MAX_PAGE));
        if (store == null || n == 0) {
            return List.of();
        }
        return wire(store.read(tx -> tx.newestEvents(n)));
    }

    private static List<Replies.Event> wire(List<MetaTx.EventRow> rows) {
        List<Replies.Event> out = new ArrayList<>(rows.size());
        for (MetaTx.EventRow r : rows) {
            out.add(new Replies.Event(r.id(), r.timeMs(), r.kind(), r.node(), r.chunk(), r.message()));
        }
        return out;
    }
}
