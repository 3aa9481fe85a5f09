package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.security.SecretFile;
import io.cairn.common.security.Tokens;
import io.cairn.common.wire.Replies;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Bearer tokens, kept in the metadata store as SHA-256 hashes under a name, so every master of a
 * cluster sees the same ones. A token is looked up by its hash and the answer (found or not) is
 * remembered for less than {@link #REMEMBER}, so a token revoked on any master stops working on
 * every master within a second. Join tokens are tokens of scope {@code join} that end on their own
 * and are used once.
 */
public final class TokenStore {
    private static final Logger LOG = LoggerFactory.getLogger(TokenStore.class);
    /** How long a look-up's answer is used before the store is asked again. */
    static final Duration REMEMBER = Duration.ofMillis(900);
    /** The most look-ups remembered; past it the memory is emptied. */
    static final int REMEMBER_MOST = 10_000;
    public static final String ADMIN_TOKEN_FILE = "admin.token";
    public static final String FIRST_ADMIN = "admin";
    public static final Duration DEFAULT_JOIN_TTL = Duration.ofHours(1);
    public static final Duration MAX_JOIN_TTL = Duration.ofDays(7);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String JOIN_SCOPE = "join";

    private final MetadataStore store;
    private final Clock clock;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    private record Remembered(MetaTx.TokenRow row, long atNanos) {
    }

    public TokenStore(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Makes sure the cluster has an admin token: on the first start (no admin token kept and no
     * {@code admin.token} file), one is made and written to that file (0600) in {@code dataDir}; a file
     * whose token the store does not hold (written just before a crash) is taken into the store.
     */
    public void ensureAdmin(Path dataDir) throws IOException {
        Path file = dataDir.resolve(ADMIN_TOKEN_FILE);
        String have = SecretFile.readIfPresent(file);
        boolean anyAdmin = store.read(tx -> tx.tokens().stream().anyMatch(t -> t.scope().equals(Scope.ADMIN.wire())));
        if (have == null) {
            if (anyAdmin) {
                return; // another master made it, or the operator moved the file away
            }
            have = Tokens.newToken(Tokens.CLIENT_PREFIX);
            SecretFile.write(file, have, false); // the file first: a crash before the row leaves a file to take in
        }
        String hash = Tokens.hash(have);
        long now = clock.millis();
        boolean added = store.write(tx -> tx.tokenByHash(hash) == null
                && tx.insertToken(new MetaTx.TokenRow(freeName(tx, FIRST_ADMIN), hash, Scope.ADMIN.wire(), now, 0,
                "first start")));
        if (added) {
            LOG.info("made the first admin token: {} (give it with --token-file; it is shown nowhere else)", file);
        }
    }

    private static String freeName(MetaTx tx, String base) throws IOException {
        List<String> names = tx.tokens().stream().map(MetaTx.TokenRow::name).toList();
        String name = base;
        for (int i = 2; names.contains(name); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    /**
     * The token {@code token} stands for, or null when it is unknown, revoked or ended. A join
     * token is returned too; the caller checks the scope.
     */
    public MetaTx.TokenRow lookup(String token) throws IOException {
        if (!Tokens.wellFormed(token)) {
            return null;
        }
        String hash = Tokens.hash(token);
        long now = System.nanoTime();
        Remembered r = remembered.get(hash);
        if (r == null || now - r.atNanos() >= REMEMBER.toNanos()) {
            MetaTx.TokenRow row = store.read(tx -> tx.tokenByHash(hash));
            if (remembered.size() >= REMEMBER_MOST) {
                remembered.clear();
            }
            r = new Remembered(row, now);
            remembered.put(hash, r);
        }
        MetaTx.TokenRow row = r.row();
        if (row == null || row.expiresMs() != 0 && row.expiresMs() <= clock.millis()) {
            return null;
        }
        return row;
    }

    /** Makes a client token for the whole namespace; the answer is the only place the token is ever shown. */
    public Replies.TokenMade create(String name, String scopeName, Long ttlMs, String madeBy) throws IOException {
        return create(name, scopeName, ttlMs, Subtree.WHOLE, Owners.ANY, madeBy);
    }

    /**
     * Makes a client token; the answer is the only place the token is ever shown. A read-write or
     * read-only token may be confined to directory {@code subtree} (the caller checks that it is
     * one): its {@code /} is then that directory; and limited in the owners it gives files.
     */
    public Replies.TokenMade create(String name, String scopeName, Long ttlMs, Subtree confined, Owners owners,
                                    String madeBy) throws IOException {
        String n = name(name);
        Scope scope = Scope.ofClientToken(scopeName);
        if ((!confined.whole() || !owners.any()) && scope != Scope.READ_WRITE && scope != Scope.READ_ONLY) {
            throw new CairnException(ErrorCode.EINVAL, "only a read-write or read-only token can be confined to a"
                    + " directory or to owners, not a" + (scope == Scope.ADMIN ? "n " : " ") + scope.wire() + " token");
        }
        String kept = confined.whole() ? null : confined.root();
        long ttl = ttlMs == null ? 0 : ttlMs;
        if (ttl < 0) {
            throw new CairnException(ErrorCode.EINVAL, "a token's lifetime cannot be negative");
        }
        String token = Tokens.newToken(Tokens.CLIENT_PREFIX);
        long now = clock.millis();
        long expires = ttl == 0 ? 0 : now + ttl;
        boolean added = store.write(tx -> tx.insertToken(new MetaTx.TokenRow(n, Tokens.hash(token), scope.wire(), now,
                expires, madeBy, kept, owners.uids(), owners.gids(), owners.squashRoot(), owners.squashAll())));
        if (!added) {
            throw new CairnException(ErrorCode.EEXIST, "there is already a token named " + n);
        }
        LOG.info("{} made token {} ({}{}{})", madeBy, n, scope.wire(), kept == null ? "" : ", in " + kept,
                owners.any() ? "" : ", " + owners);
        return new Replies.TokenMade(n, scope.wire(), token, expires);
    }

    /** The most metrics tokens whose hashes datanodes are given. */
    public static final int MONITOR_HASHES_MOST = 100;
    private volatile List<String> monitorHashes = List.of();
    private volatile long monitorHashesAt;
    private volatile boolean monitorHashesRead;

    /**
     * The SHA-256 hashes of the metrics tokens in force (at most {@link #MONITOR_HASHES_MOST}), read
     * again at most once per {@link #REMEMBER}: heartbeat replies carry them, so that a datanode can
     * let Prometheus in with a metrics token without ever being shown another kind of token.
     */
    public List<String> monitorHashes() throws IOException {
        long now = System.nanoTime();
        if (!monitorHashesRead || now - monitorHashesAt >= REMEMBER.toNanos()) {
            long wall = clock.millis();
            monitorHashes = store.read(MetaTx::tokens).stream()
                    .filter(t -> Scope.METRICS.wire().equals(t.scope()) && (t.expiresMs() == 0 || t.expiresMs() > wall))
                    .map(MetaTx.TokenRow::hash).limit(MONITOR_HASHES_MOST).toList();
            monitorHashesAt = now;
            monitorHashesRead = true;
        }
        return monitorHashes;
    }

    /** Every token, without the tokens or their hashes. */
    public List<Replies.TokenInfo> list() throws IOException {
        return store.read(MetaTx::tokens).stream()
                .map(t -> new Replies.TokenInfo(t.name(), t.scope(), t.createdMs(), t.expiresMs(), t.madeBy(), t.subtree(),
                        t.uids(), t.gids(), t.squashRoot(), t.squashAll()))
                .toList();
    }

    /** Revokes the token named {@code name}: within {@link #REMEMBER} it opens nothing on any master. */
    public void revoke(String name, String by) throws IOException {
        String n = name(name);
        store.write(tx -> {
            List<MetaTx.TokenRow> all = tx.tokens();
            MetaTx.TokenRow t = all.stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
            if (t == null) {
                throw new CairnException(ErrorCode.ENOENT, "no token named " + n);
            }
            long admins = all.stream().filter(x -> x.scope().equals(Scope.ADMIN.wire()) && x.expiresMs() == 0).count();
            if (t.scope().equals(Scope.ADMIN.wire()) && t.expiresMs() == 0 && admins == 1) {
                throw new CairnException(ErrorCode.EPERM, "token " + n + " is the last admin token; make another"
                        + " admin token before revoking it");
            }
            tx.deleteToken(n);
            return null;
        });
        LOG.info("{} revoked token {}", by, n);
    }

    /** Makes a one-time join token for a datanode (for {@code nodeId} only, when it is given). */
    public Replies.TokenMade createJoin(String nodeId, Long ttlMs, String madeBy) throws IOException {
        if (nodeId != null) {
            PathRules.nodeId(nodeId);
        }
        long ttl = ttlMs == null || ttlMs == 0 ? DEFAULT_JOIN_TTL.toMillis() : ttlMs;
        if (ttl < 0 || ttl > MAX_JOIN_TTL.toMillis()) {
            throw new CairnException(ErrorCode.EINVAL, "a join token lasts between 1 ms and " + MAX_JOIN_TTL.toDays()
                    + " days");
        }
        String token = Tokens.newToken(Tokens.JOIN_PREFIX);
        String name = "join-" + Tokens.hash(token).substring(0, 12);
        long now = clock.millis();
        String scope = nodeId == null ? JOIN_SCOPE : JOIN_SCOPE + ":" + nodeId;
        store.write(tx -> tx.insertToken(new MetaTx.TokenRow(name, Tokens.hash(token), scope, now, now + ttl, madeBy)));
        LOG.info("{} made join token {}{}", madeBy, name, nodeId == null ? "" : " for datanode " + nodeId);
        return new Replies.TokenMade(name, scope, token, now + ttl);
    }

    /**
     * Uses up join token {@code token} to enroll datanode {@code nodeId}, in one transaction: a
     * token for another node, an ended or used token, or a node already enrolled (unless the token
     * names it) is refused.
     *
     * @return the name of the join token used
     */
    public String enroll(String token, String nodeId) throws IOException {
        PathRules.nodeId(nodeId);
        if (!Tokens.wellFormed(token)) {
            throw new CairnException(ErrorCode.EAUTH, "not a join token");
        }
        String hash = Tokens.hash(token);
        long now = clock.millis();
        String used = store.write(tx -> {
            MetaTx.TokenRow t = tx.tokenByHash(hash);
            if (t == null || !t.scope().startsWith(JOIN_SCOPE) || t.expiresMs() <= now) {
                throw new CairnException(ErrorCode.EAUTH, "unknown, used or expired join token");
            }
            boolean forThisNode = t.scope().equals(JOIN_SCOPE + ":" + nodeId);
            if (!forThisNode && !t.scope().equals(JOIN_SCOPE)) {
                throw new CairnException(ErrorCode.EACCES, "this join token is for another datanode");
            }
            if (!tx.enroll(nodeId, now) && !forThisNode) {
                throw new CairnException(ErrorCode.EACCES, "datanode " + nodeId + " has enrolled already; to give it"
                        + " its key again, make a join token for it (cairn admin join-token --node " + nodeId + ")");
            }
            tx.deleteToken(t.name());
            return t.name();
        });
        remembered.remove(hash);
        return used;
    }

    /** Whether datanode {@code nodeId} has enrolled. */
    public boolean enrolled(String nodeId) throws IOException {
        return store.read(tx -> tx.enrolledAt(nodeId)) != null;
    }

    /** Forgets tokens that have ended; returns how many. */
    public int sweep() throws IOException {
        long now = clock.millis();
        return store.write(tx -> {
            int n = 0;
            for (MetaTx.TokenRow t : tx.tokens()) {
                if (t.expiresMs() != 0 && t.expiresMs() <= now && tx.deleteToken(t.name())) {
                    n++;
                }
            }
            return n;
        });
    }

    /**
     * Keeps the nonce of a signed datanode request in the metadata store until {@code expiresMs},
     * so that every master of the cluster sees it; false when it was kept already (a replay).
     */
    public boolean takeNonce(String nodeId, String nonce, long expiresMs) throws IOException {
        return store.write(tx -> tx.takeNonce(nodeId + "/" + nonce, expiresMs));
    }

    /** Forgets the nonces that can no longer be accepted anyway; how many. */
    public int sweepNonces() throws IOException {
        long now = clock.millis();
        int total = 0;
        for (int n = NONCE_SWEEP_BATCH; n == NONCE_SWEEP_BATCH; total += n) {
            n = store.write(tx -> tx.deleteNoncesBefore(now, NONCE_SWEEP_BATCH));
        }
        return total;
    }

    private static final int NONCE_SWEEP_BATCH = 10_000;

    private static String name(String name) throws CairnException {
        if (name == null || !NAME.matcher(name).matches() || name.startsWith("join-")) {
            throw new CairnException(ErrorCode.EINVAL, "a token's name is 1 to 64 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit, and not join-...");
        }
        return name;
    }
}
