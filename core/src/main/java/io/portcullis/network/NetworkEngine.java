package io.portcullis.network;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsType;
import io.portcullis.json.Text;
import io.portcullis.network.CymruFormat.Origin;
import io.portcullis.verdict.Finding;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
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
import java.util.function.LongSupplier;

/**
 * The network owner check: looks the origin AS, prefix, country, registry and AS name of an address up (a local
 * MaxMind-format database first when configured, else Team Cymru-format TXT records through the shared
 * {@link DnsClient}), caches the answers by prefix, and turns them into findings with the {@link NetworkRules}.
 *
 * <p>Fail open: a timeout, SERVFAIL, a garbled or hostile answer, or a zone suspended by the self-test gives a
 * {@link NetworkReport.Status#UNKNOWN} report, which never scores. The AS name needs a second question; it is
 * awaited only when AS-name patterns are configured (or the caller asks), otherwise fetched in the background so
 * the check adds no round trip. A later address in a cached prefix is answered without DNS.
 *
 * <p>Self-test (like RFC 5782's for DNS lists): the origin of a known address ({@code network.self-test.ipv4},
 * {@code .ipv6}) must answer in the Cymru format, and the AS record of its AS too; a zone that answers "no such
 * name" or garbage is suspended (lookups give "unknown" without asking it) until a later test passes; a test
 * without a definite answer (timeout, SERVFAIL) leaves the state as it was. One per James server; thread-safe;
 * never completes exceptionally.
 */
public final class NetworkEngine implements AutoCloseable {
    /** {@link Finding#check()} of network findings. */
    public static final String CHECK = NetworkRules.CHECK;
    /** Shortest and longest time an answer is kept in the prefix and name caches. */
    static final long MIN_TTL_SECONDS = 60;
    static final long MAX_TTL_SECONDS = 86_400;

    /** Lookups and self-test state changes (the James side counts and logs them). Must be cheap, never throw. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** A lookup completed ({@code cached}: answered from the prefix cache or a local database). */
        default void looked(NetworkReport report, boolean cached) {
        }

        default void suspended(String zone, String why) {
        }

        default void resumed(String zone) {
        }

        /** The self-test got no definite answer; the state is unchanged. */
        default void inconclusive(String zone, String why) {
        }
    }

    /** A source answering from memory (a local database); null when it does not know the address. */
    public interface LocalSource extends AutoCloseable {
        NetworkReport lookup(InetAddress address);

        @Override
        default void close() {
        }
    }

    private final DnsClient dns;
    private final NetworkSettings settings;
    private final Listener listener;
    private final LocalSource local;
    private final PrefixCache cache;
    private final Map<Long, Named> names = new ConcurrentHashMap<>();
    private final Map<String, String> suspended = new ConcurrentHashMap<>();
    private final AtomicLong suspensions = new AtomicLong();
    private final LongSupplier clock;
    private final boolean awaitNames;
    private volatile ScheduledExecutorService timer;

    private static final class Named {
        final String name;
        final long expiresNanos;

        Named(String name, long expiresNanos) {
            this.name = name;
            this.expiresNanos = expiresNanos;
        }
    }

    /**
     * @param dns      the shared client (may be null only when all three zones are off)
     * @param local    a local database consulted first, or null
     * @param listener events, or {@link Listener#NONE}
     */
    public NetworkEngine(DnsClient dns, NetworkSettings settings, LocalSource local, Listener listener) {
        this(dns, settings, local, listener, System::nanoTime);
    }

    NetworkEngine(DnsClient dns, NetworkSettings settings, LocalSource local, Listener listener, LongSupplier clock) {
        this.dns = dns;
        this.settings = settings;
        this.local = local;
        this.listener = listener == null ? Listener.NONE : listener;
        this.cache = new PrefixCache(settings.cacheSize());
        this.clock = clock;
        this.awaitNames = !settings.rules().asNames().isEmpty();
        if (dns == null && !(settings.originZone().isEmpty() && settings.origin6Zone().isEmpty())) {
            throw new IllegalArgumentException("a DNS client is needed for the zones of " + settings);
        }
    }

    public NetworkSettings settings() {
        return settings;
    }

    public NetworkRules rules() {
        return settings.rules();
    }

    /** The network owner of {@code address}; the AS name awaited only when a policy needs it. */
    public CompletableFuture<NetworkReport> lookup(InetAddress address) {
        return lookup(address, awaitNames);
    }

    /** The network owner of {@code address}; with {@code withName} the AS name is awaited (the lookup command). */
    public CompletableFuture<NetworkReport> lookup(InetAddress address, boolean withName) {
        try {
            return lookupUnsafe(CymruFormat.Cidr.normalise(address), withName || awaitNames).exceptionally(
                    e -> NetworkReport.unknown(address, "", "internal error: " + e.getClass().getSimpleName()));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(
                    NetworkReport.unknown(address, "", "internal error: " + e.getClass().getSimpleName()));
        }
    }

    private CompletableFuture<NetworkReport> lookupUnsafe(InetAddress a, boolean withName) {
        NetworkReport fromLocal = null;
        if (local != null) {
            fromLocal = local.lookup(a);
            if (fromLocal != null && fromLocal.found() && !fromLocal.asns().isEmpty()) {
                listener.looked(fromLocal, true);
                return CompletableFuture.completedFuture(fromLocal);
            }
        }
        boolean v4 = a instanceof Inet4Address;
        String zone = v4 ? settings.originZone() : settings.origin6Zone();
        if (zone.isEmpty()) {
            NetworkReport r = fromLocal != null ? fromLocal : NetworkReport.unknown(a, "",
                    "no source for IPv" + (v4 ? "4" : "6") + " (network.zone." + (v4 ? "origin" : "origin6") + ")");
            listener.looked(r, true);
            return CompletableFuture.completedFuture(r);
        }
        String source = "cymru:" + zone;
        NetworkReport hit = cache.get(a, clock.getAsLong());
        if (hit != null) {
            listener.looked(hit, true);
            return withName(hit, withName);
        }
        String why = suspended.get(zone);
        if (why != null) {
            NetworkReport r = NetworkReport.unknown(a, source, "source suspended: " + why);
            listener.looked(r, false);
            return CompletableFuture.completedFuture(r);
        }
        final NetworkReport countryOnly = fromLocal;
        return dns.lookup(CymruFormat.originName(a, settings.originZone(), settings.origin6Zone()), DnsType.TXT)
                .thenCompose(answer -> {
                    NetworkReport r = interpret(a, source, answer);
                    if (r.found()) {
                        Origin o = CymruFormat.parseOrigin(a, answer.values()).get();
                        if (r.country().isEmpty() && countryOnly != null && !countryOnly.country().isEmpty()) {
                            r = NetworkReport.found(a, r.asns(), r.prefix(), countryOnly.country(), r.registry(), "",
                                    source);
                        }
                        cache.put(o.prefix, r, clock.getAsLong(), ttlNanos(answer.ttlSeconds()));
                    }
                    listener.looked(r, false);
                    return r.found() ? withName(r, withName) : CompletableFuture.completedFuture(r);
                });
    }

    /** Classifies an origin answer. Pure; public for tests. */
    public static NetworkReport interpret(InetAddress a, String source, DnsAnswer answer) {
        switch (answer.status()) {
            case NXDOMAIN:
            case NODATA:
                return NetworkReport.notFound(a, source);
            case ANSWER:
                Optional<Origin> o = CymruFormat.parseOrigin(a, answer.values());
                if (o.isEmpty()) {
                    return NetworkReport.unknown(a, source, "unexpected answer: "
                            + Text.headerSafe(String.join(" ", answer.values()), 60));
                }
                Origin x = o.get();
                return NetworkReport.found(a, x.asns, x.prefix.toString(), x.country, x.registry, "", source);
            default:
                return NetworkReport.unknown(a, source, answer.status().name()
                        + (answer.error().isEmpty() ? "" : ": " + Text.headerSafe(answer.error(), 60)));
        }
    }

    private static long ttlNanos(long ttlSeconds) {
        return TimeUnit.SECONDS.toNanos(Math.max(MIN_TTL_SECONDS, Math.min(MAX_TTL_SECONDS, ttlSeconds)));
    }

    /** Adds the AS name: from the name cache, else asked (awaited when {@code wait}, else in the background). */
    private CompletableFuture<NetworkReport> withName(NetworkReport r, boolean wait) {
        String zone = settings.asnZone();
        if (!r.asName().isEmpty() || zone.isEmpty() || r.asns().isEmpty() || r.source().startsWith("mmdb")) {
            return CompletableFuture.completedFuture(r);
        }
        long asn = r.asn();
        long now = clock.getAsLong();
        Named n = names.get(asn);
        if (n != null && n.expiresNanos - now > 0) {
            return CompletableFuture.completedFuture(n.name.isEmpty() ? r : r.withAsName(n.name));
        }
        if (suspended.containsKey(zone)) {
            return CompletableFuture.completedFuture(r);
        }
        CompletableFuture<String> name = dns.lookup(CymruFormat.asName(asn, zone), DnsType.TXT).thenApply(answer -> {
            if (!answer.status().isDefinite()) {
                return null; // not cached: asked again next time
            }
            String found = answer.status() == DnsAnswer.Status.ANSWER
                    ? CymruFormat.parseAsName(asn, answer.values()).orElse("") : "";
            putName(asn, found, answer.ttlSeconds());
            return found;
        });
        if (!wait) {
            return CompletableFuture.completedFuture(r);
        }
        return name.handle((s, e) -> s == null || s.isEmpty() ? r : r.withAsName(s));
    }

    private void putName(long asn, String name, long ttlSeconds) {
        int max = Math.max(16, settings.cacheSize());
        if (names.size() >= max) {
            Iterator<Long> it = names.keySet().iterator();
            for (int k = 0; k < max / 8 + 1 && it.hasNext(); k++) {
                it.next();
                it.remove();
            }
        }
        names.put(asn, new Named(name, clock.getAsLong() + ttlNanos(ttlSeconds)));
    }

    /** Findings of the configured policies for the client address. */
    public List<Finding> findings(NetworkReport r) {
        return settings.rules().findings(r);
    }

    /** Findings of the configured policies, the detail naming {@code identity} (client-ip, received-ip). */
    public List<Finding> findings(NetworkReport r, String identity) {
        return settings.rules().findings(r, identity);
    }

    /**
     * The network findings of an SMTP client, for the connect stage: empty at once when the address is null or no
     * policy is configured; otherwise completes when the lookup does (DNS timeout at the latest), unknown giving an
     * empty list. Never completes exceptionally.
     */
    public CompletableFuture<List<Finding>> clientFindings(InetAddress client) {
        if (client == null || !settings.scoresAnything()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return lookup(client).thenApply(this::findings).exceptionally(e -> List.of());
    }

    // --- self-test -------------------------------------------------------------------------------------------

    /** Zones suspended by the self-test (zone to reason). */
    public Map<String, String> suspendedZones() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(suspended));
    }

    public long suspensionCount() {
        return suspensions.get();
    }

    /** Runs the self-test now and every {@link NetworkSettings#selfTestInterval()} (if enabled) on a daemon thread. */
    public synchronized void start() {
        if (timer != null || !settings.selfTest() || dns == null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portcullis-network-selftest");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> selfTestOnce().join(), 0, settings.selfTestInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Tests the zones once; completes when done. Never completes exceptionally. */
    public CompletableFuture<Void> selfTestOnce() {
        if (dns == null || !settings.selfTest()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<?>> all = new ArrayList<>();
        if (!settings.originZone().isEmpty()) {
            all.add(testOrigin(settings.originZone(), settings.selfTestV4()).thenCompose(asn -> asn == null
                    ? CompletableFuture.completedFuture(null) : testAsn(asn)));
        }
        if (!settings.origin6Zone().isEmpty()) {
            CompletableFuture<Long> v6 = testOrigin(settings.origin6Zone(), settings.selfTestV6());
            all.add(settings.originZone().isEmpty() ? v6.thenCompose(asn -> asn == null
                    ? CompletableFuture.completedFuture(null) : testAsn(asn)) : v6);
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null);
    }

    /** Tests one origin zone; completes with the AS number of the test address when the zone passed. */
    private CompletableFuture<Long> testOrigin(String zone, InetAddress known) {
        String qname = CymruFormat.originName(known, settings.originZone(), settings.origin6Zone());
        return dns.lookup(qname, DnsType.TXT).thenApply(answer -> {
            NetworkReport r = interpret(known, "cymru:" + zone, answer);
            switch (r.status()) {
                case FOUND:
                    pass(zone);
                    return r.asn();
                case NOT_FOUND:
                    fail(zone, "no origin record for the known address " + known.getHostAddress() + " (" + qname
                            + " " + answer.status() + ")");
                    return null;
                default:
                    if (answer.status() == DnsAnswer.Status.ANSWER) {
                        fail(zone, "the known address " + known.getHostAddress() + " answers in an unexpected format: "
                                + r.reason());
                    } else {
                        listener.inconclusive(zone, r.reason());
                    }
                    return null;
            }
        }).exceptionally(e -> null);
    }

    private CompletableFuture<Void> testAsn(long asn) {
        String zone = settings.asnZone();
        if (zone.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return dns.lookup(CymruFormat.asName(asn, zone), DnsType.TXT).thenAccept(answer -> {
            if (!answer.status().isDefinite()) {
                listener.inconclusive(zone, answer.status().name());
            } else if (answer.status() == DnsAnswer.Status.ANSWER
                    && CymruFormat.parseAsName(asn, answer.values()).isPresent()) {
                pass(zone);
            } else {
                fail(zone, "the AS record AS" + asn + " of the known address " + (answer.status()
                        == DnsAnswer.Status.ANSWER ? "answers in an unexpected format: "
                        + Text.headerSafe(String.join(" ", answer.values()), 60) : "is missing (" + answer.status() + ")"));
            }
        }).exceptionally(e -> null);
    }

    private void pass(String zone) {
        if (suspended.remove(zone) != null) {
            listener.resumed(zone);
        }
    }

    private void fail(String zone, String why) {
        if (suspended.put(zone, why) == null) {
            suspensions.incrementAndGet();
            listener.suspended(zone, why);
        }
    }

    /** Entries in the prefix cache (tests, benchmarks). */
    int cachedPrefixes() {
        return cache.size();
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        if (local != null) {
            try {
                local.close();
            } catch (RuntimeException e) {
                // nothing to do
            }
        }
    }
}
