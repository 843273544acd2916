package io.portcullis.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * State that outlives a message: named <em>sets of members with a last-seen time</em>, aged out after the
 * store's {@link #retention()}. One primitive serves several checks: "the distinct sender domains seen in
 * spam for nameserver X in the last 30 days" is {@code count("ns:spam:host:X", now - 30 days)}, and "how
 * many distinct recipients did client 192.0.2.1 try in the last hour" would be the same call on another
 * set.
 *
 * <p>Set names and members are short printable strings (DNS names, addresses, ids); implementations
 * reject nothing but may escape characters of their own syntax. Recording a member that is already
 * present only moves its last-seen time forward, never back, so replays and concurrent writers are
 * harmless (the operation is idempotent and commutative).
 *
 * <p>Implementations are thread-safe. Methods never throw on bad input (null or empty names and members
 * are ignored); failures of the backing store (disk full, Redis down) complete the returned future
 * exceptionally with a {@link StoreException}, which callers treat as "unknown".
 */
public interface StateStore extends AutoCloseable {
    /**
     * Records that {@code member} was seen at {@code seen} in each of {@code sets}. Completes when the
     * change is durable to the store's own policy (see the implementation).
     */
    CompletableFuture<Void> record(Collection<String> sets, String member, Instant seen);

    /**
     * For each of {@code sets}, the number of distinct members whose last-seen time is at or after
     * {@code since}. Sets never recorded count 0. The answer map has one entry per distinct set name.
     */
    CompletableFuture<Map<String, Long>> count(Collection<String> sets, Instant since);

    /**
     * Adds {@code deltas} to the fields of each counter record in {@code keys} (creating it, with {@code at} as its
     * first-update time), removes the fields named in {@code drop}, sets its last-update time to {@code at}, and lets
     * the record expire {@code ttl} after this update unless updated again. Counter records live beside the sets
     * (another name space in the embedded store; keys under the same prefix in Redis: callers keep the names apart,
     * e.g. {@code rep:...}). Adding is not idempotent: a replayed add counts twice.
     *
     * <p>The default implementation fails: stores that keep no counters answer "unknown".
     */
    default CompletableFuture<Void> add(Collection<String> keys, Map<String, Long> deltas, Collection<String> drop,
            Instant at, Duration ttl) {
        return CompletableFuture.failedFuture(new StoreException("this store keeps no counters"));
    }

    /**
     * The counter records named {@code keys}, all at once (one round trip for a remote store). Records that do not
     * exist or have expired are absent from the answer.
     */
    default CompletableFuture<Map<String, Counters>> counters(Collection<String> keys) {
        return CompletableFuture.failedFuture(new StoreException("this store keeps no counters"));
    }

    /** How long a member is kept after it was last seen. */
    Duration retention();

    /** Releases files, locks or connections. Idempotent; never throws. */
    @Override
    void close();
}
