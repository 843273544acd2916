package io.portcullis.dnsbl;

import io.portcullis.dns.DnsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Self-test of DNS lists (RFC 5782 section 5): an IP list must list 127.0.0.2 and must not list
 * 127.0.0.1; a name list must list {@code test} and must not list {@code invalid}. A list that lists the
 * negative entry (answers everything, as dead lists do), answers with error codes, or does not list its
 * positive entry is suspended: its lookups give {@link ListStatus#UNKNOWN} until a later self-test passes.
 * A test that gets no definite answer (timeout, SERVFAIL) leaves the state as it was. Thread-safe.
 */
public final class ListHealth implements AutoCloseable {
    /** Receives state changes (the James side logs them loudly and counts them). */
    public interface Listener {
        void suspended(ListSpec list, String why);

        void resumed(ListSpec list);

        /** The test got no definite answer; the state is unchanged. */
        default void inconclusive(ListSpec list, String why) {
        }

        /** The test passed (the list is in service; {@link #resumed} comes first if it was suspended). */
        default void passed(ListSpec list) {
        }
    }

    private final DnsClient dns;
    private final List<ListSpec> lists;
    private final Listener listener;
    private final Map<String, String> suspended = new ConcurrentHashMap<>();
    private final AtomicLong suspensions = new AtomicLong();
    private volatile ScheduledExecutorService timer;

    public ListHealth(DnsClient dns, List<ListSpec> lists, Listener listener) {
        this.dns = dns;
        this.lists = List.copyOf(lists);
        this.listener = listener;
    }

    /** Why the list is suspended, or empty when it is in service. */
    public Optional<String> suspension(ListSpec list) {
        return Optional.ofNullable(suspended.get(list.id()));
    }

    /** Currently suspended lists (id to reason). */
    public Map<String, String> suspendedLists() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(suspended));
    }

    /** How many times a list has been suspended since start. */
    public long suspensionCount() {
        return suspensions.get();
    }

    /** Tests every list once; completes when all tests are done. Never completes exceptionally. */
    public CompletableFuture<Void> runSelfTest() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (ListSpec list : lists) {
            all.add(test(list));
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null);
    }

    private CompletableFuture<Void> test(ListSpec list) {
        boolean ip = list.kind().queriesAddresses();
        String positive = ip ? "2.0.0.127" : "test";
        String negative = ip ? "1.0.0.127" : "invalid";
        Identity identity = ip ? Identity.CLIENT_IP : Identity.HELO;
        CompletableFuture<ListResult> pos = DnsblChecker.lookup(dns, list.withFetchReason(false), identity,
                ip ? "127.0.0.2" : "test", positive + "." + list.zone());
        CompletableFuture<ListResult> neg = DnsblChecker.lookup(dns, list.withFetchReason(false), identity,
                ip ? "127.0.0.1" : "invalid", negative + "." + list.zone());
        return pos.thenAcceptBoth(neg, (p, n) -> judge(list, p, n, positive, negative));
    }

    private void judge(ListSpec list, ListResult p, ListResult n, String positive, String negative) {
        String problem = null;
        if (n.status() == ListStatus.LISTED) {
            problem = "lists its negative test entry " + negative + " " + n.codes() + ": it answers everything";
        } else if (n.status() == ListStatus.BLOCKED) {
            problem = "answers with an error code: " + n.reason();
        } else if (p.status() == ListStatus.BLOCKED) {
            problem = "answers with an error code: " + p.reason();
        } else if (p.status() == ListStatus.CLEAN && n.status() == ListStatus.CLEAN) {
            problem = "does not list its positive test entry " + positive
                    + (p.codes().isEmpty() ? "" : " (answer " + p.codes() + " not selected by filter " + list.filter() + ")");
        }
        if (problem != null) {
            String before = suspended.put(list.id(), problem);
            if (before == null) {
                suspensions.incrementAndGet();
                listener.suspended(list, problem);
            }
            return;
        }
        if (p.status() == ListStatus.UNKNOWN || n.status() == ListStatus.UNKNOWN) {
            listener.inconclusive(list, (p.status() == ListStatus.UNKNOWN ? p.reason() : n.reason()));
            return;
        }
        if (suspended.remove(list.id()) != null) {
            listener.resumed(list);
        }
        listener.passed(list);
    }

    /** Runs the self-test now and then every {@code interval} on one daemon thread. */
    public synchronized void start(Duration interval) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portcullis-dnsbl-selftest");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> runSelfTest().join(), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
