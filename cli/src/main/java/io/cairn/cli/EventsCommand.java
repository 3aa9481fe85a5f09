package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.json.Json;
import io.cairn.common.wire.Replies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Show what happened to the cluster, oldest first: datanodes registered, dead, back, full,"
            + " draining and drained; repair rounds started and done; bad replicas; safe mode entered and left.",
            "Each line: time (ISO-8601, UTC), kind, datanode, chunk, message (- when there is none)."})
final class EventsCommand extends ClientCommand {
    /** How long --follow waits between polls. */
    static final Duration POLL_EVERY = Duration.ofSeconds(1);
    /** Events asked for per call (the master's most). */
    private static final int PAGE = 1000;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print one JSON object per event, one per line")
    boolean json;

    @Option(names = "--follow", description = "after the newest events, keep printing new ones as they come (every second) until interrupted")
    boolean follow;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "show the newest N events first (default: ${DEFAULT-VALUE}; the master keeps 10000)")
    int limit;

    @Override
    int run(Cluster c) throws Exception {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be 1 or more");
        }
        MasterClient m = c.master();
        long last = 0;
        Deque<Replies.Event> newest = new ArrayDeque<>(Math.min(limit, 10_000));
        while (true) { // the route pages oldest first: read to the end, keeping the newest
            List<Replies.Event> page = m.events(last, PAGE).events();
            for (Replies.Event e : page) {
                if (newest.size() == limit) {
                    newest.removeFirst();
                }
                newest.addLast(e);
                last = e.id();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        for (Replies.Event e : newest) {
            print(e);
        }
        System.out.flush();
        if (!follow) {
            return 0;
        }
        boolean unreachable = false;
        while (true) {
            try {
                Thread.sleep(POLL_EVERY.toMillis());
            } catch (InterruptedException e) { // stopped from the outside: done
                Thread.currentThread().interrupt();
                return 0;
            }
            try {
                List<Replies.Event> page;
                do { // every call is bounded by --timeout
                    page = m.events(last, PAGE).events();
                    for (Replies.Event e : page) {
                        print(e);
                        last = e.id();
                    }
                } while (page.size() == PAGE);
                System.out.flush();
                unreachable = false;
            } catch (java.io.InterruptedIOException e) { // stopped from the outside during a call
                return 0;
            } catch (CairnException e) {
                throw e; // the master answered with an error: following cannot go on
            } catch (IOException e) {
                if (!unreachable) { // a master restarting: say it once, and keep asking
                    System.err.println("cairn events: the master cannot be reached (" + e.getMessage() + "); still trying");
                    unreachable = true;
                }
            }
        }
    }

    private void print(Replies.Event e) throws IOException {
        if (json) {
            System.out.println(Json.mapper().writeValueAsString(e));
        } else {
            System.out.printf("%s  %-17s  %-36s  %-32s  %s%n", Instant.ofEpochMilli(e.timeMs()), e.kind(),
                    orDash(e.node()), orDash(e.chunk()), e.message());
        }
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
