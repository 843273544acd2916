package io.portcullis.reputation;

import io.portcullis.store.Counters;
import io.portcullis.store.StateStore;
import io.portcullis.verdict.Finding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reputation records in a {@link StateStore}: all of a transaction's entities read at once (one round trip to
 * Redis), learned at once. Never fails: a store that does not answer gives no records (so no finding: mail flows)
 * and loses the learning, both counted. Thread-safe.
 */
public final class ReputationStore {
    private final StateStore store;
    private final ReputationSettings settings;
    private final Clock clock;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong readFailures = new AtomicLong();
    private final AtomicLong learned = new AtomicLong();
    private final AtomicLong learnFailures = new AtomicLong();

    public ReputationStore(StateStore store, ReputationSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    public ReputationSettings settings() {
        return settings;
    }

    public StateStore stateStore() {
        return store;
    }

    public Clock clock() {
        return clock;
    }

    /** The records of {@code entities} that exist; empty on a store failure. */
    public CompletableFuture<Map<Entity, Counters>> read(Collection<Entity> entities) {
        return read(entities, List.of()).thenApply(Snapshot::records);
    }

    /**
     * The records of {@code entities} (only when reputation is enabled) and the raw counter records
     * {@code extraKeys} (the greylist's, read even when it is not), in one batch: one round trip to Redis. Never
     * fails: a store failure gives an empty snapshot with {@link Snapshot#failed()} set.
     */
    public CompletableFuture<Snapshot> read(Collection<Entity> entities, Collection<String> extraKeys) {
        Map<String, Entity> byKey = new LinkedHashMap<>();
        if (settings.enabled() && entities != null) {
            for (Entity e : entities) {
                byKey.put(e.storeKey(), e);
            }
        }
        List<String> keys = new ArrayList<>(byKey.keySet());
        if (extraKeys != null) {
            keys.addAll(extraKeys);
        }
        if (keys.isEmpty() || store == null) {
            return CompletableFuture.completedFuture(store == null ? Snapshot.FAILED : Snapshot.EMPTY);
        }
        reads.incrementAndGet();
        CompletableFuture<Map<String, Counters>> f;
        try {
            f = store.counters(keys);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((m, err) -> {
            if (err != null || m == null) {
                readFailures.incrementAndGet();
                return Snapshot.FAILED;
            }
            Map<Entity, Counters> records = new LinkedHashMap<>();
            for (Map.Entry<String, Entity> e : byKey.entrySet()) {
                Counters c = m.get(e.getKey());
                if (c != null) {
                    records.put(e.getValue(), c);
                }
            }
            return new Snapshot(records, m, false);
        });
    }

    /** One batched read: the entities' records and the raw records by store key. Immutable. */
    public static final class Snapshot {
        /** Nothing asked. */
        public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), false);
        /** The store did not answer. */
        public static final Snapshot FAILED = new Snapshot(Map.of(), Map.of(), true);
        private final Map<Entity, Counters> records;
        private final Map<String, Counters> raw;
        private final boolean failed;

        Snapshot(Map<Entity, Counters> records, Map<String, Counters> raw, boolean failed) {
            this.records = records;
            this.raw = raw;
            this.failed = failed;
        }

        /** The records that exist, by entity. */
        public Map<Entity, Counters> records() {
            return records;
        }

        /** A raw record by store key, or null. */
        public Counters raw(String key) {
            return raw.get(key);
        }

        /** The store did not answer. */
        public boolean failed() {
            return failed;
        }
    }

    /** The findings of {@code entities} now; empty on a store failure. */
    public CompletableFuture<List<Finding>> findings(Collection<Entity> entities) {
        return read(entities).thenApply(m -> Reputation.findings(m, settings, clock.instant()));
    }

    /** Learns {@code outcome} for every entity (one update per entity, batched). Never fails. */
    public CompletableFuture<Void> learn(Collection<Entity> entities, Outcome outcome) {
        if (!settings.enabled() || entities == null || entities.isEmpty() || outcome == null || store == null) {
            return CompletableFuture.completedFuture(null);
        }
        Instant now = clock.instant();
        List<String> keys = new ArrayList<>();
        for (Entity e : entities) {
            keys.add(e.storeKey());
        }
        CompletableFuture<Void> f;
        try {
            f = store.add(keys, Reputation.deltas(outcome, now), Reputation.expiredFields(now, settings), now,
                    Duration.ofDays(settings.expireDays()));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((v, err) -> {
            if (err == null) {
                learned.addAndGet(keys.size());
            } else {
                learnFailures.incrementAndGet();
            }
            return null;
        });
    }

    /** Reads asked, reads that failed, entity updates learned, learning batches that failed. */
    public long[] counters() {
        return new long[] {reads.get(), readFailures.get(), learned.get(), learnFailures.get()};
    }
}
