package io.cairn.common.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.ChunkTokens.Op;
import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys with versions: the key file line, a datanode's ring, the sealed next key, and tokens and signatures under a version. */
class KeyVersionsTest {
    private static final String NODE = "0b6f1c0e-6d2a-4f51-9c4e-1f2d3c4b5a69";
    private static final String CHUNK = "00112233445566778899aabbccddeeff";
    private static final byte[] V1 = NodeKeys.newClusterKey();
    private static final byte[] V2 = NodeKeys.newClusterKey();

    @Test
    void aKeyLineOfBareHexIsVersionOneAndALineOfEntriesKeepsEachVersionAndItsEnd() {
        assertThat(VersionedKeys.parse(NodeKeys.toText(V1))).singleElement()
                .satisfies(e -> {
                    assertThat(e.version()).isEqualTo(1);
                    assertThat(e.key()).isEqualTo(V1);
                    assertThat(e.untilMs()).isEqualTo(Long.MAX_VALUE);
                });
        String line = VersionedKeys.format(List.of(new VersionedKeys.Entry(2, V2, Long.MAX_VALUE),
                new VersionedKeys.Entry(1, V1, 1234)));
        List<VersionedKeys.Entry> back = VersionedKeys.parse(line);
        assertThat(back).extracting(VersionedKeys.Entry::version).containsExactly(1, 2);
        assertThat(back.get(0).untilMs()).isEqualTo(1234);
        assertThat(back.get(1).key()).isEqualTo(V2);
        for (String bad : new String[] {"1:" + NodeKeys.toText(V1) + " 1:" + NodeKeys.toText(V2), "0:" + NodeKeys.toText(V1),
            "x:" + NodeKeys.toText(V1), "1:abcd", "1:" + NodeKeys.toText(V1) + "@-5", ":" + NodeKeys.toText(V1),
            "99999999:" + NodeKeys.toText(V1), "1:" + NodeKeys.toText(V1) + "@x"}) {
            assertThatThrownBy(() -> VersionedKeys.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRingTakesANewerKeySavedFirstAndKeepsTheOldOnesUntilTheMastersNoLongerHoldThem() throws Exception {
        ManualClock clock = new ManualClock();
        List<String> saved = new ArrayList<>();
        byte[] k1 = NodeKeys.nodeKey(V1, NODE);
        byte[] k2 = NodeKeys.nodeKey(V2, NODE);
        NodeKeyRing ring = NodeKeyRing.parse(NodeKeys.toText(k1), saved::add, clock);
        assertThat(ring.version()).isEqualTo(1);
        assertThat(ring.adopt(1, k2)).as("not newer").isFalse();
        assertThat(ring.adopt(2, k2)).isTrue();
        assertThat(ring.version()).isEqualTo(2);
        assertThat(ring.current()).isEqualTo(k2);
        assertThat(saved).singleElement().satisfies(line -> {
            NodeKeyRing again = NodeKeyRing.parse(line, l -> { }, clock);
            assertThat(again.version()).isEqualTo(2);
            assertThat(again.key(1)).isEqualTo(k1);
        });
        clock.advance(java.time.Duration.ofDays(30));
        ring.retain("1,2");
        assertThat(ring.key(1)).as("kept while the masters hold version 1").isEqualTo(k1);
        assertThat(saved).hasSize(1);
        ring.retain("x,2");
        assertThat(ring.key(1)).as("a malformed list changes nothing").isEqualTo(k1);
        ring.retain("2");
        assertThat(ring.key(1)).as("retired").isNull();
        assertThat(ring.key(2)).isEqualTo(k2);
        assertThat(saved).hasSize(2);
        assertThat(NodeKeyRing.parse(saved.get(1), l -> { }, clock).key(1)).as("on disk too").isNull();
        ring.retain("1,3");
        assertThat(ring.current()).as("the key it signs with is never dropped").isEqualTo(k2);
        assertThat(ring.adopt(1, k1)).isFalse();
        assertThat(ring.version()).isEqualTo(2);
    }

    @Test
    void aSealedKeyOpensOnlyWithTheOldKeyForTheSameNodeAndVersion() {
        byte[] old = NodeKeys.nodeKey(V1, NODE);
        byte[] next = NodeKeys.nodeKey(V2, NODE);
        String sealed = NodeKeys.seal(old, NODE, 2, next);
        assertThat(sealed).doesNotContain(NodeKeys.toText(next));
        VersionedKeys.Entry e = NodeKeys.unseal(old, NODE, sealed);
        assertThat(e.version()).isEqualTo(2);
        assertThat(e.key()).isEqualTo(next);
        assertThat(NodeKeys.unseal(NodeKeys.nodeKey(V2, NODE), NODE, sealed)).as("another key").isNull();
        assertThat(NodeKeys.unseal(old, "7e1d2c3b-4a59-4687-9a1b-2c3d4e5f6a7b", sealed)).as("another node").isNull();
        assertThat(NodeKeys.unseal(old, NODE, "3" + sealed.substring(1))).as("another version").isNull();
        char[] c = sealed.toCharArray();
        c[c.length - 5] = c[c.length - 5] == 'A' ? 'B' : 'A';
        assertThat(NodeKeys.unseal(old, NODE, new String(c))).as("altered").isNull();
        for (String bad : new String[] {"", ".", "2.", "x.AAAA", "2.!!!", "2." + "A".repeat(300)}) {
            assertThat(NodeKeys.unseal(old, NODE, bad)).as(bad).isNull();
        }
        assertThat(NodeKeys.unseal(old, NODE, null)).isNull();
    }

    @Test
    void aTokenUnderAVersionOpensOnlyWithThatVersionsKey() {
        byte[] k1 = NodeKeys.nodeKey(V1, NODE);
        byte[] k2 = NodeKeys.nodeKey(V2, NODE);
        long now = 1_800_000_000_000L;
        String t2 = ChunkTokens.mint(k2, 2, NODE, CHUNK, "r", now + 60_000);
        assertThat(t2).startsWith("v2.2." + NODE + ".");
        assertThat(ChunkTokens.mint(k1, 1, NODE, CHUNK, "r", now)).as("version 1 keeps the first format").startsWith("v1.");
        ChunkTokens.Keys both = v -> v == 1 ? k1 : v == 2 ? k2 : null;
        assertThatCode(() -> ChunkTokens.check(both, NODE, t2, CHUNK, Op.READ, now)).doesNotThrowAnyException();
        assertThatCode(() -> ChunkTokens.check(both, NODE, ChunkTokens.mint(k1, NODE, CHUNK, "r", now + 60_000), CHUNK,
                Op.READ, now)).doesNotThrowAnyException();
        refused(v -> v == 1 ? k1 : null, t2, now, "does not hold");
        refused(v -> k1, t2, now, "bad chunk token");
        refused(both, t2.replace("v2.2.", "v2.1."), now, "bad chunk token");
        refused(both, ChunkTokens.mint(k1, 2, NODE, CHUNK, "r", now + 60_000), now, "bad chunk token");
        assertThat(ChunkTokens.parse("v2.." + NODE + "." + CHUNK + ".r.5." + "A".repeat(43))).isNull();
        assertThat(ChunkTokens.parse("v2.0." + NODE + "." + CHUNK + ".r.5." + "A".repeat(43))).isNull();
        assertThat(ChunkTokens.parse("v2.99999999." + NODE + "." + CHUNK + ".r.5." + "A".repeat(43))).isNull();
    }

    @Test
    void aSignatureNamesItsKeyVersionAndAHeaderWithoutOneIsVersionOne() {
        byte[] k2 = NodeKeys.nodeKey(V2, NODE);
        byte[] body = "{}".getBytes();
        String h = NodeSignature.sign(k2, 2, NODE, "POST", "/api/v1/nodes/heartbeat", 5, body);
        NodeSignature.Claim c = NodeSignature.parse(h);
        assertThat(c.keyVersion()).isEqualTo(2);
        assertThat(NodeSignature.verify(k2, c, "POST", "/api/v1/nodes/heartbeat", body)).isTrue();
        assertThat(NodeSignature.verify(NodeKeys.nodeKey(V1, NODE), c, "POST", "/api/v1/nodes/heartbeat", body)).isFalse();
        String legacy = h.substring(0, h.lastIndexOf(' '));
        assertThat(NodeSignature.parse(legacy).keyVersion()).isEqualTo(1);
        for (String bad : new String[] {legacy + " 0", legacy + " x", legacy + " ", legacy + " 12345678", h + " 2"}) {
            assertThat(NodeSignature.parse(bad)).as(bad).isNull();
        }
    }

    private static void refused(ChunkTokens.Keys keys, String token, long now, String message) {
        assertThatThrownBy(() -> ChunkTokens.check(keys, NODE, token, CHUNK, Op.READ, now))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.EAUTH))
                .hasMessageContaining(message);
    }
}
