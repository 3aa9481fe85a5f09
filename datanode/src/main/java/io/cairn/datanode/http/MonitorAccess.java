package io.cairn.datanode.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.Tokens;
import io.cairn.server.Guard;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may read this datanode's metrics and status page: a caller with a status token the master
 * minted for this node ({@link ChunkAccess}), or Prometheus with a metrics token, sent as
 * {@code Authorization: Bearer TOKEN}. The datanode knows no token but its own: the master's
 * heartbeat replies (signed with this node's key) carry the SHA-256 hashes of the metrics tokens in
 * force, and a bearer token is let in when its hash is among them. A revoked or ended metrics token
 * stops working at the next heartbeat; other kinds of token never open anything here.
 */
public final class MonitorAccess {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final String BEARER = "Bearer ";

    private final ChunkAccess chunks;
    private volatile Set<String> hashes = Set.of();

    public MonitorAccess(ChunkAccess chunks) {
        this.chunks = chunks;
    }

    /** The hashes of the metrics tokens in force, as the last heartbeat reply gave them (malformed ones dropped). */
    public void accept(List<String> given) {
        hashes = given.stream().filter(h -> h != null && HASH.matcher(h).matches())
                .limit(1000).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Whether {@code token} is a metrics token in force (for the status page's cookie). */
    public boolean knows(String token) {
        return Tokens.wellFormed(token) && hashes.contains(Tokens.hash(token));
    }

    /** Why a page opened with {@code token} is refused. */
    String refusal() {
        return hashes.isEmpty() ? "this datanode knows no metrics token yet (the master tells it with each heartbeat)"
                : "not a metrics token of this cluster (or revoked, or ended)";
    }

    /** The guard of /metrics and of the status page. */
    public Guard guard() {
        return ctx -> {
            String header = ctx.header("Authorization");
            if (header != null && header.startsWith(BEARER)) {
                String token = header.substring(BEARER.length()).trim();
                if (knows(token)) {
                    return;
                }
                throw new CairnException(ErrorCode.EAUTH, refusal());
            }
            chunks.check(ChunkAccess.tokenOf(ctx), ChunkTokens.STATUS_CHUNK, ChunkTokens.Op.STATUS);
        };
    }
}
