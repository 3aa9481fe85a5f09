package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.client.Credentials;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.NodeSignature;
import io.cairn.common.security.ReplySignature;
import io.cairn.master.meta.MetaTx;
import io.cairn.server.Reply;
import io.cairn.server.Routes;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds who a request comes from, from its Authorization header: {@code Bearer <token>} for a
 * client, an admin or a datanode enrolling; {@link NodeSignature} for a datanode. Anything else,
 * or credentials that do not hold, is EAUTH (401) with a message that names the cause and never
 * the secret. A datanode's request, once its signature holds, has its successful replies signed
 * under the same node key ({@link ReplySignature}), so the orders they carry are the master's.
 */
public final class Authenticator {
    private final TokenStore tokens;
    private final ClusterKey key;
    private final Clock clock;
    /** Datanodes known to have enrolled (enrollment is never undone, so this only grows). */
    private final Set<String> enrolled = ConcurrentHashMap.newKeySet();

    public Authenticator(TokenStore tokens, ClusterKey key, Clock clock) {
        this.tokens = tokens;
        this.key = key;
        this.clock = clock;
    }

    public TokenStore tokens() {
        return tokens;
    }

    /** The principal of {@code ctx}'s request, put on it for handlers; or the refusal. */
    public Principal authenticate(Context ctx) throws IOException {
        Principal p = Principal.of(ctx);
        if (p != null) {
            return p;
        }
        String h = ctx.header("Authorization");
        if (h == null || h.isBlank()) {
            throw new CairnException(ErrorCode.EAUTH, "no credentials: this master needs a token"
                    + " (--token-file FILE or $CAIRN_TOKEN_FILE)");
        }
        if (h.startsWith("Bearer ")) {
            p = bearer(h.substring(7).trim());
        } else if (h.startsWith(NodeSignature.SCHEME + " ")) {
            p = node(ctx, h);
        } else {
            throw new CairnException(ErrorCode.EAUTH, "unknown kind of credentials (expected Bearer)");
        }
        ctx.attribute(Principal.ATTRIBUTE, p);
        return p;
    }

    /** Who {@code token} (a bearer token, from a page's cookie) stands for; EAUTH when nobody. */
    public Principal token(String token) throws IOException {
        if (token == null || token.isEmpty()) {
            throw new CairnException(ErrorCode.EAUTH, "no token");
        }
        return bearer(token);
    }

    private Principal bearer(String token) throws IOException {
        MetaTx.TokenRow row = tokens.lookup(token);
        if (row == null) {
            throw new CairnException(ErrorCode.EAUTH, "unknown, revoked or expired token");
        }
        if (row.scope().startsWith(Scope.JOIN.wire())) {
            return Principal.token(row.name(), Scope.JOIN);
        }
        return Principal.token(row.name(), Scope.ofClientToken(row.scope()), Subtree.of(row.subtree()),
                new Owners(row.uids(), row.gids(), row.squashRoot(), row.squashAll()));
    }

    private Principal node(Context ctx, String header) throws IOException {
        NodeSignature.Claim c = NodeSignature.parse(header);
        if (c == null || !PathRules.isNodeId(c.nodeId())) {
            throw new CairnException(ErrorCode.EAUTH, "malformed datanode signature");
        }
        long now = clock.millis();
        long skew = NodeSignature.SKEW.toMillis();
        if (Math.abs(now - c.timeMs()) > skew) {
            throw new CairnException(ErrorCode.EAUTH, "datanode request signed at a time " + (c.timeMs() - now)
                    + " ms from this master's clock (allowed: " + skew + " ms either way); check the clocks");
        }
        if (!enrolled.contains(c.nodeId())) {
            if (!tokens.enrolled(c.nodeId())) {
                throw new CairnException(ErrorCode.EAUTH, "datanode " + c.nodeId() + " has not enrolled");
            }
            enrolled.add(c.nodeId());
        }
        String q = ctx.queryString();
        String pathAndQuery = ctx.req().getRequestURI() + (q == null ? "" : "?" + q);
        byte[] body = Routes.bodyBytes(ctx);
        byte[] nodeKey = key.nodeKey(c.nodeId(), c.keyVersion());
        if (nodeKey == null) {
            throw new CairnException(ErrorCode.EAUTH, "datanode " + c.nodeId() + " signs with version " + c.keyVersion()
                    + " of its key, which this master does not hold (it holds " + key.versions() + "): a retired key"
                    + " is refused; give the datanode a new one with cairn admin join-token --node " + c.nodeId()
                    + ", or copy the newest cluster.key to this master");
        }
        if (!NodeSignature.verify(nodeKey, c, ctx.method().name(), pathAndQuery, body)) {
            throw new CairnException(ErrorCode.EAUTH, "bad datanode signature");
        }
        // kept in the metadata store, which every master of the cluster shares: none takes a request twice
        if (!tokens.takeNonce(c.nodeId(), c.nonce(), c.timeMs() + skew)) {
            throw new CairnException(ErrorCode.EAUTH, "replayed datanode request");
        }
        key.signedWith(c.nodeId(), c.keyVersion());
        int newest = key.current();
        byte[] newKey = newest > c.keyVersion() ? key.nodeKey(c.nodeId(), newest) : null;
        String held = key.versions().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        Reply.signWith(ctx, (reply, status, bytes) -> {
            reply.header(ReplySignature.KEY_VERSIONS, held); // the datanode keeps no key of another version
            reply.header(ReplySignature.HEADER, ReplySignature.sign(nodeKey, c.nodeId(), c.nonce(), status, bytes, held));
            if (newKey != null) { // the datanode's next key, which only its current one opens
                reply.header(Credentials.NEXT_KEY_HEADER, NodeKeys.seal(nodeKey, c.nodeId(), newest, newKey));
            }
        });
        return Principal.node(c.nodeId());
    }

    /** Forgets nonces of requests too old to be accepted anyway; how many. */
    public int forgetLapsed() throws IOException {
        return tokens.sweepNonces();
    }
}
