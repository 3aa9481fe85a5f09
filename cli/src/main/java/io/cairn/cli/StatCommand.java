package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.json.Json;
import io.cairn.common.units.Units;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.NodeInfo;
import io.cairn.common.wire.Replica;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

@Command(name = "stat", mixinStandardHelpOptions = true,
        description = "Show a path's attributes and, for a file, its chunks and the datanodes holding each replica.")
final class StatCommand extends ClientCommand {
    @Parameters(paramLabel = "PATH")
    String path;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    int run(Cluster c) throws Exception {
        String p = Remote.path(path);
        Attr a = c.master().attr(p);
        List<ChunkRef> chunks = new ArrayList<>();
        if (a.isFile()) {
            Long from = 0L;
            while (from != null) {
                FileLayout page = c.master().layout(a.inode(), from, 4096);
                chunks.addAll(page.chunks());
                from = page.next();
            }
        }
        Set<String> live = new HashSet<>();
        for (NodeInfo n : c.master().nodes()) {
            if ("live".equals(n.state())) {
                live.add(n.id());
            }
        }
        int replication = c.master().status().replication();
        PrintStream out = System.out;
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("path", p);
            o.put("inode", a.inode());
            o.put("type", a.type().wireName());
            o.put("size", a.size());
            o.put("mode", a.mode());
            o.put("uid", a.uid());
            o.put("gid", a.gid());
            o.put("nlink", a.nlink());
            o.put("atimeNs", a.atimeNs());
            o.put("mtimeNs", a.mtimeNs());
            o.put("ctimeNs", a.ctimeNs());
            if (a.target() != null) {
                o.put("target", a.target());
            }
            if (a.rdev() != 0) {
                o.put("rdev", a.rdev());
            }
            List<Map<String, Object>> cs = new ArrayList<>();
            int under = 0;
            for (ChunkRef ch : chunks) {
                Map<String, Object> co = new LinkedHashMap<>();
                co.put("index", ch.index());
                co.put("id", ch.id());
                co.put("size", ch.size());
                co.put("length", ch.length());
                co.put("crc32c", ch.crc32c());
                co.put("replicas", ch.replicas().stream().map(Replica::id).toList());
                long liveCopies = ch.replicas().stream().filter(r -> live.contains(r.id())).count();
                co.put("liveReplicas", liveCopies);
                if (liveCopies < replication) {
                    under++;
                }
                cs.add(co);
            }
            o.put("chunks", cs);
            o.put("underReplicatedChunks", under);
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(o));
            return 0;
        }
        out.printf("  Path: %s%n", p);
        out.printf("  Type: %s%s%n", a.type().wireName(), a.target() != null ? " -> " + a.target() : "");
        out.printf("  Size: %d (%s)%n", a.size(), Units.formatSize(a.size()));
        out.printf("  Mode: %04o (%s)  Links: %d  Uid: %d  Gid: %d  Inode: %d%n", a.mode(), Format.modeString(a),
                a.nlink(), a.uid(), a.gid(), a.inode());
        out.printf("Access: %s%nModify: %s%nChange: %s%n", Format.fullTime(a.atimeNs()), Format.fullTime(a.mtimeNs()),
                Format.fullTime(a.ctimeNs()));
        if (a.isFile()) {
            out.printf("Chunks: %d (replication %d)%n", chunks.size(), replication);
            for (ChunkRef ch : chunks) {
                List<String> reps = new ArrayList<>();
                int liveCopies = 0;
                for (Replica r : ch.replicas()) {
                    boolean up = live.contains(r.id());
                    liveCopies += up ? 1 : 0;
                    reps.add(r.id().substring(0, 8) + "@" + r.address() + (up ? "" : " (dead)"));
                }
                out.printf("  #%d %s %d bytes crc32c=%08x on %s%s%n", ch.index(), ch.id(), ch.length(), ch.crc32c(),
                        String.join(", ", reps), liveCopies < replication ? "  UNDER-REPLICATED" : "");
            }
        }
        return 0;
    }
}
