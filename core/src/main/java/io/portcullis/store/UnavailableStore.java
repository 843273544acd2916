package io.portcullis.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Stands in for a store that could not be opened: every call fails with a {@link StoreException} naming why, so what
 * depends on it is "unknown" (never a hit, never an exception). Whoever would share a store checks for this class and
 * opens its own instead.
 */
public final class UnavailableStore implements StateStore {
    private final String why;
    private final Duration retention;

    public UnavailableStore(String why, Duration retention) {
        this.why = "state store unavailable: " + why;
        this.retention = retention;
    }

    @Override
    public CompletableFuture<Void> record(Collection<String> sets, String member, Instant seen) {
        return CompletableFuture.failedFuture(new StoreException(why));
    }

    @Override
    public CompletableFuture<Map<String, Long>> count(Collection<String> sets, Instant since) {
        return CompletableFuture.failedFuture(new StoreException(why));
    }

    @Override
    public Duration retention() {
        return retention;
    }

    @Override
    public void close() {
    }
}
