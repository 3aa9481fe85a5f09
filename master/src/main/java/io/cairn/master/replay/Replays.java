package io.cairn.master.replay;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * Write transactions that answer a replayed request with its first answer. The answer of a change
 * made under a request id is written in the same transaction as the change, so both commit or
 * neither does; a request whose id has an answer gets that answer, and its body does not run. Only
 * changes that committed are remembered: a refused request changed nothing, and sent again it is
 * judged again. Answers are kept {@link #KEEP} and at most {@link #MAX_ANSWERS} of them (far longer
 * and more than any retry within a call's deadline needs); {@link #sweep} forgets the rest.
 */
public final class Replays {
    /** How long an answer is kept. */
    public static final Duration KEEP = Duration.ofMinutes(15);
    /** Most answers kept; the oldest beyond go first. */
    public static final int MAX_ANSWERS = 100_000;
    private static final int SWEEP_BATCH = 10_000;

    private final MetadataStore store;
    private final Clock clock;

    public Replays(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Runs {@code body} as one write transaction and, under {@code requestId} (null: none), records
     * its answer in it; or, when that id already has an answer, returns it without running the body.
     *
     * @param op   the operation the id belongs to: an id sent with another operation is EINVAL
     * @param type the answer's type (a JSON record)
     */
    public <T> T write(String requestId, String op, Class<T> type, MetadataStore.TxBody<T> body) throws IOException {
        if (requestId == null) {
            return store.write(body);
        }
        long now = clock.millis();
        return store.write(tx -> {
            MetaTx.Answer first = tx.answer(requestId);
            if (first != null) {
                if (!first.op().equals(op)) {
                    throw new CairnException(ErrorCode.EINVAL, "request id " + requestId + " belongs to a " + first.op()
                            + ", not a " + op);
                }
                return Json.mapper().readValue(first.answer(), type);
            }
            T answer = body.run(tx);
            tx.putAnswer(requestId, op, Json.mapper().writeValueAsString(answer), now);
            return answer;
        });
    }

    /** Forgets answers older than {@link #KEEP}, then the oldest beyond {@link #MAX_ANSWERS}; returns how many. */
    public int sweep() throws IOException {
        int total = deleteBefore(clock.millis() - KEEP.toMillis());
        Long cut = store.read(tx -> tx.answerTime(MAX_ANSWERS));
        if (cut != null) {
            total += deleteBefore(cut + 1);
        }
        return total;
    }

    private int deleteBefore(long ms) throws IOException {
        int total = 0;
        while (true) {
            int n = store.write(tx -> tx.deleteAnswersBefore(ms, SWEEP_BATCH));
            total += n;
            if (n < SWEEP_BATCH) {
                return total;
            }
        }
    }
}
