package io.cairn.master.repair;

import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replies;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.ChunkRow;
import io.cairn.master.meta.InodeRow;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.meta.SliceRow;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks every file under a path: its chunks, and for each chunk how many good replicas live
 * datanodes hold. A chunk is under-replicated below R counted replicas, missing with no live good
 * replica, corrupt while a replica of it is known bad and not yet replaced.
 */
public final class Fsck {
    private static final int MAX_PROBLEMS = 10_000;
    private final MetadataStore store;
    private final NodeRegistry nodes;
    private final int replication;
    private final SafeMode safeMode;

    public Fsck(MetadataStore store, NodeRegistry nodes, int replication, SafeMode safeMode) {
        this.store = store;
        this.nodes = nodes;
        this.replication = replication;
        this.safeMode = safeMode;
    }

    private record Dir(long inode, String path) {
    }

    public Replies.FsckReport check(String path, InodeRow start) throws IOException {
        boolean safe = safeMode.active();
        long[] counts = new long[5]; // files, chunks, under, missing, corrupt
        List<Replies.FsckProblem> problems = new ArrayList<>();
        Set<String> badChunks = new HashSet<>(store.read(MetaTx::badReplicaChunks));
        Deque<Dir> dirs = new ArrayDeque<>();
        if (start.isDir()) {
            dirs.push(new Dir(start.id(), path));
        } else if (start.type() == FileType.FILE) {
            checkFile(start.id(), path, badChunks, counts, problems);
        }
        while (!dirs.isEmpty()) {
            Dir d = dirs.pop();
            String after = null;
            while (true) {
                final String from = after;
                List<MetaTx.Entry> page = store.read(tx -> tx.list(d.inode(), from, 1000));
                if (page.isEmpty()) {
                    break;
                }
                for (MetaTx.Entry e : page) {
                    String p = d.path().equals("/") ? "/" + e.name() : d.path() + "/" + e.name();
                    if (e.inode().isDir()) {
                        dirs.push(new Dir(e.inode().id(), p));
                    } else if (e.inode().type() == FileType.FILE) {
                        checkFile(e.inode().id(), p, badChunks, counts, problems);
                    }
                }
                after = page.get(page.size() - 1).name();
            }
        }
        return new Replies.FsckReport(path, safe, safeMode.status(), counts[0], counts[1], counts[2], counts[3],
                counts[4], problems);
    }

    private void checkFile(long inode, String path, Set<String> badChunks, long[] counts,
                           List<Replies.FsckProblem> problems) throws IOException {
        counts[0]++;
        String worst = null;
        long from = 0;
        while (true) {
            final long f = from;
            record Row(ChunkRow chunk, List<String> replicas, List<String> bad) {
            }
            List<Row> rows = store.read(tx -> {
                List<Row> out = new ArrayList<>();
                List<ChunkRow> blobs = new ArrayList<>(tx.chunks(inode, f, 1000));
                if (!blobs.isEmpty()) { // the slices over those chunks are blobs to check too
                    for (SliceRow s : tx.slices(inode, f, blobs.get(blobs.size() - 1).index(), Integer.MAX_VALUE)) {
                        blobs.add(new ChunkRow(s.inode(), s.index(), s.id(), s.size(), s.length(), s.crc32c()));
                    }
                }
                for (ChunkRow c : blobs) {
                    out.add(new Row(c, tx.replicas(c.id()), badChunks.contains(c.id()) ? tx.badNodes(c.id()) : List.of()));
                }
                return out;
            });
            if (rows.isEmpty()) {
                break;
            }
            for (Row r : rows) {
                counts[1]++;
                long good = r.replicas().stream().filter(n -> nodes.isLive(n) && !r.bad().contains(n)).count();
                long counted = r.replicas().stream().filter(n -> nodes.isLive(n) && !nodes.isDraining(n)
                        && !r.bad().contains(n)).count();
                if (good == 0) {
                    counts[3]++;
                    worst = "missing";
                } else if (counted < replication) {
                    counts[2]++;
                    worst = worst == null || worst.equals("corrupt") ? "under-replicated" : worst;
                }
                if (!r.bad().isEmpty()) {
                    counts[4]++;
                    worst = worst == null ? "corrupt" : worst;
                }
            }
            from = rows.stream().mapToLong(r -> r.chunk().index()).max().orElse(f) + 1;
        }
        if (worst != null && problems.size() < MAX_PROBLEMS) {
            problems.add(new Replies.FsckProblem(path, worst));
        }
    }
}
