package io.portcullis.dnsbl;

import io.portcullis.dns.DnsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The configured DNS lists put together: a checker over the shared {@link DnsClient}, the lists'
 * self-test ({@link ListHealth}, when enabled) and the local allow list. One per James server (or per
 * {@code lookup} run). {@link #start()} runs the self-test now and then periodically;
 * {@link #close()} stops it (it does not close the DNS client, which it does not own). Thread-safe.
 */
public final class DnsblEngine implements AutoCloseable {
    private final DnsClient dns;
    private final DnsblSettings settings;
    private final ListHealth health;
    private final DnsblChecker checker;

    public DnsblEngine(DnsClient dns, DnsblSettings settings, ListHealth.Listener listener) {
        this.dns = dns;
        this.settings = settings;
        this.health = settings.selfTest() ? new ListHealth(dns, settings.lists(), listener) : null;
        this.checker = new DnsblChecker(dns, settings.lists(), health, settings.allow());
    }

    /** Runs the self-test now (asynchronously) and every {@link DnsblSettings#selfTestInterval()}. */
    public void start() {
        if (health != null && !settings.lists().isEmpty()) {
            health.start(settings.selfTestInterval());
        }
    }

    /** Runs the self-test once and waits for it (the {@code lookup} command). */
    public CompletableFuture<Void> selfTestOnce() {
        return health == null ? CompletableFuture.completedFuture(null) : health.runSelfTest();
    }

    /** Looks the targets up in the configured lists. */
    public CompletableFuture<List<ListResult>> check(DnsblTargets targets) {
        return checker.check(targets);
    }

    /**
     * A checker for the configured lists plus {@code extra} lists (ad-hoc lists of a matcher condition),
     * sharing the DNS client, the self-test state of the configured lists and the allow list.
     */
    public DnsblChecker withExtraLists(List<ListSpec> extra) {
        List<ListSpec> all = new ArrayList<>(settings.lists());
        all.addAll(extra);
        return new DnsblChecker(dns, all, health, settings.allow());
    }

    public DnsblSettings settings() {
        return settings;
    }

    /** The self-test state, or null when the self-test is switched off. */
    public ListHealth health() {
        return health;
    }

    @Override
    public void close() {
        if (health != null) {
            health.close();
        }
    }
}
