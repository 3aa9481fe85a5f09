package io.cairn.common.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.ChunkTokens.Op;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkTokensTest {
    private static final byte[] CLUSTER = NodeKeys.newClusterKey();
    private static final String NODE = "0b6f1c0e-6d2a-4f51-9c4e-1f2d3c4b5a69";
    private static final String OTHER_NODE = "7e1d2c3b-4a59-4687-9a1b-2c3d4e5f6a7b";
    private static final String CHUNK = "00112233445566778899aabbccddeeff";
    private static final String OTHER_CHUNK = "ffeeddccbbaa99887766554433221100";
    private static final long NOW = 1_800_000_000_000L;
    private static final byte[] KEY = NodeKeys.nodeKey(CLUSTER, NODE);

    private static String token(String ops) {
        return ChunkTokens.mint(KEY, NODE, CHUNK, ops, NOW + ChunkTokens.LIFETIME.toMillis());
    }

    private static void refused(String token, String chunk, Op op, long now, ErrorCode code) {
        assertThatThrownBy(() -> ChunkTokens.check(KEY, NODE, token, chunk, op, now))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
    }

    @Test
    void aTokenOpensItsChunkForItsOperations() {
        String t = token("rwd");
        for (Op op : new Op[] {Op.READ, Op.WRITE, Op.DELETE}) {
            assertThatCode(() -> ChunkTokens.check(KEY, NODE, t, CHUNK, op, NOW)).doesNotThrowAnyException();
        }
        assertThat(t).startsWith("v1." + NODE + "." + CHUNK + ".rwd.").hasSizeLessThan(ChunkTokens.MAX_LENGTH);
    }

    @Test
    void aReadTokenDoesNotWriteOrDelete() {
        refused(token("r"), CHUNK, Op.WRITE, NOW, ErrorCode.EACCES);
        refused(token("r"), CHUNK, Op.DELETE, NOW, ErrorCode.EACCES);
        refused(token("rwd"), CHUNK, Op.STATUS, NOW, ErrorCode.EACCES);
    }

    @Test
    void aTokenForChunkADoesNotOpenChunkB() {
        refused(token("rwd"), OTHER_CHUNK, Op.READ, NOW, ErrorCode.EACCES);
    }

    @Test
    void aTokenForOneNodeOpensNothingOnAnother() {
        byte[] otherKey = NodeKeys.nodeKey(CLUSTER, OTHER_NODE);
        String forOther = ChunkTokens.mint(otherKey, OTHER_NODE, CHUNK, "rwd", NOW + 60_000);
        refused(forOther, CHUNK, Op.READ, NOW, ErrorCode.EACCES);
        // the other node's key claiming this node's id: a forgery, as this node's key did not make it
        String claimed = ChunkTokens.mint(otherKey, NODE, CHUNK, "rwd", NOW + 60_000);
        refused(claimed, CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
    }

    @Test
    void anExpiredTokenIsRefused() {
        String t = token("r");
        long expiry = NOW + ChunkTokens.LIFETIME.toMillis();
        assertThatCode(() -> ChunkTokens.check(KEY, NODE, t, CHUNK, Op.READ, expiry)).doesNotThrowAnyException();
        refused(t, CHUNK, Op.READ, expiry + ChunkTokens.SKEW.toMillis() + 1, ErrorCode.EAUTH);
    }

    @Test
    void aForgedTokenIsRefused() {
        String t = token("r");
        // more operations or a later expiry, with the MAC kept
        refused(t.replace(".r.", ".rwd."), CHUNK, Op.WRITE, NOW, ErrorCode.EAUTH);
        String later = t.replace("." + (NOW + ChunkTokens.LIFETIME.toMillis()) + ".", "." + (NOW + 86_400_000L) + ".");
        refused(later, CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        // the MAC of another chunk's token
        String other = ChunkTokens.mint(KEY, NODE, OTHER_CHUNK, "r", NOW + 60_000);
        String swapped = t.substring(0, t.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
        refused(swapped, CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        // one MAC character changed
        char last = t.charAt(t.length() - 2);
        refused(t.substring(0, t.length() - 2) + (last == 'A' ? 'B' : 'A') + t.charAt(t.length() - 1), CHUNK,
                Op.READ, NOW, ErrorCode.EAUTH);
        // made with a key of another cluster
        byte[] stranger = NodeKeys.nodeKey(NodeKeys.newClusterKey(), NODE);
        refused(ChunkTokens.mint(stranger, NODE, CHUNK, "r", NOW + 60_000), CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
    }

    @Test
    void truncatedMissingAndMalformedTokensAreRefused() {
        String t = token("r");
        for (int n = 0; n < t.length(); n++) {
            refused(t.substring(0, n), CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        }
        refused(null, CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        refused(t + "A", CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        refused(t + ".x", CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        refused("v2" + t.substring(2), CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        refused(t.replace(".r.", ".rr."), CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        refused(t.replace(".r.", ".x."), CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        refused(t.replace("." + CHUNK + ".", "." + CHUNK.toUpperCase() + "."), CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        refused("x".repeat(100_000), CHUNK, Op.READ, NOW, ErrorCode.EAUTH);
        assertThat(ChunkTokens.parse(t.replace("." + (NOW + ChunkTokens.LIFETIME.toMillis()) + ".", ".-5.")))
                .isNull();
    }

    @Test
    void theHeaderCarriesTheTokenAndNothingElse() {
        String t = token("r");
        assertThat(ChunkTokens.fromHeader(ChunkTokens.header(t))).isEqualTo(t);
        assertThat(ChunkTokens.fromHeader("Bearer " + t)).isNull();
        assertThat(ChunkTokens.fromHeader(null)).isNull();
        assertThat(ChunkTokens.fromHeader("CairnChunk " + "x".repeat(1000))).isNull();
    }
}
