package io.cairn.common.security;

import io.cairn.common.error.CairnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secret files on a real disk, tokens, node keys and request signatures. */
class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void aSecretFileIsOwnerOnlyFromItsFirstByteAndALooseOneIsRefusedByName() throws Exception {
        Path f = dir.resolve("node.key");
        SecretFile.write(f, "s3cret", false);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(SecretFile.read(f)).isEqualTo("s3cret");
        assertThatThrownBy(() -> SecretFile.write(f, "other", false)).isInstanceOf(CairnException.class)
                .hasMessageContaining("already exists");
        assertThat(SecretFile.read(f)).as("not replaced").isEqualTo("s3cret");
        for (String loose : new String[] {"rw-r--r--", "rw-rw----", "rw-----w-"}) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(loose));
            assertThatThrownBy(() -> SecretFile.read(f)).isInstanceOf(CairnException.class)
                    .hasMessageContaining("chmod 600 " + f).hasMessageNotContaining("s3cret");
        }
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        SecretFile.write(f, "rotated", true);
        assertThat(SecretFile.read(f)).isEqualTo("rotated");
        assertThat(SecretFile.readIfPresent(dir.resolve("none"))).isNull();
        assertThatThrownBy(() -> SecretFile.read(dir.resolve("none"))).isInstanceOf(NoSuchFileException.class);
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, f);
        assertThatThrownBy(() -> SecretFile.read(link)).hasMessageContaining("not a regular file");
        Path two = dir.resolve("two");
        Files.writeString(two, "a\nb\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(two, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> SecretFile.read(two)).hasMessageContaining("exactly one line");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder("node.key", "link", "two");
        }
    }

    @Test
    void tokensAreRandomWellFormedAndHashed() {
        String a = Tokens.newToken(Tokens.CLIENT_PREFIX);
        String b = Tokens.newToken(Tokens.CLIENT_PREFIX);
        assertThat(a).startsWith("cairn_").hasSize(6 + 43).isNotEqualTo(b);
        assertThat(Tokens.wellFormed(a)).isTrue();
        assertThat(Tokens.wellFormed("has space")).isFalse();
        assertThat(Tokens.wellFormed("x".repeat(Tokens.MAX_LENGTH + 1))).isFalse();
        assertThat(Tokens.wellFormed("")).isFalse();
        assertThat(Tokens.hash(a)).hasSize(64).isEqualTo(Tokens.hash(a)).isNotEqualTo(Tokens.hash(b));
    }

    @Test
    void aNodeKeyIsTheNodesOwnAndASignatureHoldsForOneRequestOnly() {
        byte[] cluster = NodeKeys.newClusterKey();
        byte[] a = NodeKeys.nodeKey(cluster, "node-a");
        assertThat(a).isEqualTo(NodeKeys.nodeKey(cluster, "node-a")).isNotEqualTo(NodeKeys.nodeKey(cluster, "node-b"));
        assertThat(NodeKeys.nodeKey(NodeKeys.newClusterKey(), "node-a")).as("another cluster's key").isNotEqualTo(a);
        assertThat(NodeKeys.fromText(NodeKeys.toText(a))).isEqualTo(a);
        assertThatThrownBy(() -> NodeKeys.fromText("abcd")).isInstanceOf(IllegalArgumentException.class);

        byte[] body = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        String h = NodeSignature.sign(a, "node-a", "POST", "/api/v1/nodes/heartbeat", 1000, body);
        NodeSignature.Claim c = NodeSignature.parse(h);
        assertThat(c.nodeId()).isEqualTo("node-a");
        assertThat(c.timeMs()).isEqualTo(1000);
        assertThat(NodeSignature.verify(a, c, "POST", "/api/v1/nodes/heartbeat", body)).isTrue();
        assertThat(NodeSignature.verify(a, c, "POST", "/api/v1/nodes/report", body)).isFalse();
        assertThat(NodeSignature.verify(a, c, "PUT", "/api/v1/nodes/heartbeat", body)).isFalse();
        assertThat(NodeSignature.verify(a, c, "POST", "/api/v1/nodes/heartbeat", "{\"x\":2}".getBytes())).isFalse();
        assertThat(NodeSignature.verify(NodeKeys.nodeKey(cluster, "node-b"), c, "POST", "/api/v1/nodes/heartbeat", body))
                .isFalse();
        assertThat(NodeSignature.parse(h.replace(" 1000 ", " 1001 "))).satisfies(moved ->
                assertThat(NodeSignature.verify(a, moved, "POST", "/api/v1/nodes/heartbeat", body)).isFalse());
        assertThat(NodeSignature.parse(h.substring(0, h.length() - 3))).as("truncated").isNull();
        assertThat(NodeSignature.parse("Bearer x")).isNull();
        assertThat(NodeSignature.parse(NodeSignature.SCHEME + " a b c d")).isNull();
        assertThat(NodeSignature.parse(null)).isNull();
        String again = NodeSignature.sign(a, "node-a", "POST", "/api/v1/nodes/heartbeat", 1000, body);
        assertThat(NodeSignature.parse(again).nonce()).as("a fresh nonce each time").isNotEqualTo(c.nonce());
    }
}
