package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.cli.Main;
import io.cairn.common.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cairn command's contract (arguments, output, exit status) against a real in-process cluster. */
@Timeout(120)
class CliIT {
    static MiniCluster cluster;
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        cluster = MiniCluster.builder().datanodes(3).chunkSize(64 << 10).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    record Run(int exit, String out, String err) {
    }

    /** Runs `cairn SUB --master=THIS_CLUSTER ARGS...` in this JVM and captures what it prints. */
    static Run cairn(String... args) {
        if (args[0].startsWith("-")) {
            return capture(args);
        }
        return runAt(cluster.masterUrl(), args);
    }

    private static Run runAt(String master, String... args) {
        List<String> all = new ArrayList<>();
        all.add(args[0]);
        all.add("--master=" + master);
        if (!master.equals(cluster.masterUrl())) {
            all.add("--timeout=2s");
        } else {
            all.add("--token-file=" + cluster.adminTokenFile());
        }
        all.addAll(List.of(args).subList(1, args.length));
        return capture(all.toArray(String[]::new));
    }

    /** {@code cairn ARGS...} run in this JVM, with what it prints (one at a time: it swaps System.out and err). */
    static synchronized Run capture(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(Main.run(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void putThenGetGivesTheSameBytesAndCatPrintsThem() throws Exception {
        Path src = Data.randomFile(tmp.resolve("sample.bin"), 300_000, 1);
        assertThat(cairn("put", src.toString(), "/cli/a/sample.bin").exit()).isZero();
        Path copy = tmp.resolve("copy.bin");
        assertThat(cairn("get", "/cli/a/sample.bin", copy.toString()).exit()).isZero();
        assertThat(Data.sha256(copy)).isEqualTo(Data.sha256(src));
        Files.writeString(tmp.resolve("hello.txt"), "hello, cairn\n");
        assertThat(cairn("put", tmp.resolve("hello.txt").toString(), "/cli/hello.txt").exit()).isZero();
        Run cat = cairn("cat", "/cli/hello.txt");
        assertThat(cat.exit()).isZero();
        assertThat(cat.out()).isEqualTo("hello, cairn\n");
    }

    @Test
    void putRefusesToReplaceAFileUnlessForcedAndPutsIntoAnExistingDirectory() throws Exception {
        Path one = tmp.resolve("one.txt");
        Files.writeString(one, "first");
        assertThat(cairn("put", one.toString(), "/force/one.txt").exit()).isZero();
        Files.writeString(one, "second");
        Run refused = cairn("put", one.toString(), "/force/one.txt");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().strip()).contains("already exists").doesNotContain("\n");
        assertThat(cairn("cat", "/force/one.txt").out()).isEqualTo("first");
        assertThat(cairn("put", "-f", one.toString(), "/force/one.txt").exit()).isZero();
        assertThat(cairn("cat", "/force/one.txt").out()).isEqualTo("second");
        assertThat(cairn("put", one.toString(), "/force").exit()).as("into the directory under its own name").isEqualTo(1);
        assertThat(cairn("mkdir", "-p", "/into/dir").exit()).isZero();
        assertThat(cairn("put", one.toString(), "/into/dir").exit()).isZero();
        assertThat(cairn("cat", "/into/dir/one.txt").out()).isEqualTo("second");
        Run ls = cairn("ls", "/force");
        assertThat(ls.out().strip()).as("no temporary upload names are left behind").isEqualTo("one.txt");
    }

    @Test
    void getRefusesToOverwriteALocalFileUnlessForced() throws Exception {
        Files.writeString(tmp.resolve("g.txt"), "remote");
        cairn("put", tmp.resolve("g.txt").toString(), "/g.txt");
        Path local = tmp.resolve("local.txt");
        Files.writeString(local, "precious");
        Run r = cairn("get", "/g.txt", local.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(Files.readString(local)).isEqualTo("precious");
        assertThat(cairn("get", "-f", "/g.txt", local.toString()).exit()).isZero();
        assertThat(Files.readString(local)).isEqualTo("remote");
        Path dir = Files.createDirectory(tmp.resolve("d"));
        assertThat(cairn("get", "/g.txt", dir.toString()).exit()).isZero();
        assertThat(Files.readString(dir.resolve("g.txt"))).isEqualTo("remote");
    }

    @Test
    void mkdirMvRmAndLsBehaveLikeTheShell() throws Exception {
        assertThat(cairn("mkdir", "-p", "/a/b").exit()).isZero();
        assertThat(cairn("mkdir", "/a/b").exit()).isEqualTo(1);
        assertThat(cairn("mkdir", "/x/y").exit()).as("no -p: missing parent").isEqualTo(1);
        Files.writeString(tmp.resolve("f"), "data");
        cairn("put", tmp.resolve("f").toString(), "/a/b/f");
        assertThat(cairn("mv", "/a", "/c").exit()).isZero();
        assertThat(cairn("cat", "/c/b/f").out()).isEqualTo("data");
        assertThat(cairn("mkdir", "/target").exit()).isZero();
        assertThat(cairn("mv", "/c", "/target").exit()).as("into a directory").isZero();
        assertThat(cairn("ls", "/target").out().strip()).isEqualTo("c");
        Run ll = cairn("ls", "-l", "/target/c/b");
        assertThat(ll.out()).matches("(?s)-rw-r--r-- +1 +\\d+ +\\d+ +4 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d f\\n");
        Run notEmpty = cairn("rm", "/target");
        assertThat(notEmpty.exit()).isEqualTo(1);
        assertThat(notEmpty.err()).contains("is a directory");
        assertThat(cairn("rm", "-r", "/target").exit()).isZero();
        assertThat(cairn("ls", "/target").exit()).isEqualTo(1);
        assertThat(cairn("rm", "-f", "/nothing-here").exit()).isZero();
    }

    @Test
    void statJsonHasTheContractedKeys() throws Exception {
        Path src = Data.randomFile(tmp.resolve("s.bin"), 150_000, 2);
        cairn("put", src.toString(), "/stat/s.bin");
        Run r = cairn("stat", "/stat/s.bin", "--json");
        assertThat(r.exit()).isZero();
        JsonNode s = Json.mapper().readTree(r.out());
        assertThat(s.path("path").asText()).isEqualTo("/stat/s.bin");
        assertThat(s.path("type").asText()).isEqualTo("file");
        assertThat(s.path("size").asLong()).isEqualTo(150_000);
        for (String k : new String[] {"mode", "uid", "gid", "nlink", "atimeNs", "mtimeNs", "ctimeNs"}) {
            assertThat(s.has(k)).as(k).isTrue();
        }
        assertThat(s.path("chunks")).hasSize(3);
        JsonNode c0 = s.path("chunks").get(0);
        for (String k : new String[] {"index", "id", "size", "crc32c", "replicas"}) {
            assertThat(c0.has(k)).as(k).isTrue();
        }
        assertThat(c0.path("replicas")).hasSize(2);
        assertThat(cairn("stat", "/stat").exit()).isZero();
        Run human = cairn("stat", "/stat/s.bin");
        assertThat(human.out()).contains("Chunks: 3", "Size: 150000");
    }

    @Test
    void nodesJsonListsEveryDatanodeAsLive() throws Exception {
        Run r = cairn("nodes", "--json");
        assertThat(r.exit()).isZero();
        JsonNode nodes = Json.mapper().readTree(r.out());
        assertThat(nodes).hasSize(3);
        for (JsonNode n : nodes) {
            assertThat(n.path("state").asText()).isEqualTo("live");
            assertThat(n.path("address").asText()).startsWith("http://127.0.0.1:");
            assertThat(n.path("capacity").asLong()).isPositive();
            assertThat(n.has("used")).isTrue();
            assertThat(n.has("chunks")).isTrue();
            assertThat(n.path("id").asText()).hasSize(36);
        }
        assertThat(cairn("nodes").out()).contains("live");
    }

    @Test
    void failuresExitWithTheContractedStatusAndOneLine() throws Exception {
        Run missing = cairn("cat", "/no/such/file");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err().strip()).contains("no such file").doesNotContain("\n").doesNotContain("Exception");
        Run unreachable = runAt("http://127.0.0.1:9", "ls", "/");
        assertThat(unreachable.exit()).isEqualTo(2);
        assertThat(unreachable.err()).contains("cannot reach http://127.0.0.1:9");
        Run usage = cairn("put");
        assertThat(usage.exit()).isEqualTo(2);
        Run badName = cairn("mkdir", "/a/../b");
        assertThat(badName.exit()).isEqualTo(1);
        Run version = cairn("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("cairn ");
        for (String sub : new String[] {"master", "datanode", "mount", "put", "get", "cat", "ls", "stat", "mkdir", "mv", "rm", "nodes"}) {
            Run help = cairn(sub, "--help");
            assertThat(help.exit()).as(sub).isZero();
            assertThat(help.out()).as(sub).contains("Usage: cairn " + sub);
        }
    }
}
