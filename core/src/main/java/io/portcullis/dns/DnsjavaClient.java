package io.portcullis.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * {@link DnsClient} on dnsjava's message model and a UDP transport of our own ({@link DnsTransport}), with its own
 * servers (ports allowed), a hard per-question timeout, joining of identical concurrent questions, and a bounded
 * cache that honours TTLs, negative answers included (RFC 2308). Failures are never cached.
 *
 * <p>Spoofing: every try of a question goes out on a socket of its own with a random source port and a random ID,
 * and only a datagram from the server that matches the try and the question is taken ({@link DnsTransport});
 * then only answer records owned by the question name, or by a name its CNAME chain leads to, are used.
 *
 * <p>Fairness: questions sent and not yet answered are bounded three ways, each refusal answered at once with
 * {@link DnsAnswer.Status#OVER_CAP}: all of them ({@code dns.max-in-flight}); those other than DNS list questions
 * ({@link DnsPurpose#OTHER}), which may not use the part kept for lists ({@code dns.reserved-for-lists}); and those
 * asked on behalf of one client network ({@link DnsRequester}, {@code dns.max-in-flight-per-client}). A lookup
 * answered from the cache or joined to an identical question in flight takes no place. Thread-safe;
 * {@link #close()} releases the I/O and callback threads.
 */
public final class DnsjavaClient implements DnsClient, AutoCloseable {
    private final DnsSettings settings;
    private final DnsTransport transport;
    private final ExecutorService callbacks;
    private final LongSupplier nanoClock;
    private final Map<String, CacheEntry> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<DnsAnswer>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final LongAdder queries = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder overCap = new LongAdder();
    /** Guards {@link #otherInFlight} and {@link #perRequester}, and admission against the cap. */
    private final Object capLock = new Object();
    private int otherInFlight;
    private final Map<DnsRequester, Integer> perRequester = new HashMap<>();
    private volatile DnsEvents events = DnsEvents.NONE;

    public DnsjavaClient(DnsSettings settings) {
        this(settings, System::nanoTime);
    }

    DnsjavaClient(DnsSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.callbacks = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "portcullis-dns");
            t.setDaemon(true);
            return t;
        });
        try {
            this.transport = new DnsTransport(settings.servers(), settings.queryTimeout(), callbacks);
        } catch (IOException e) {
            callbacks.shutdownNow();
            throw new UncheckedIOException("cannot open a selector for DNS", e);
        }
    }

    public DnsSettings settings() {
        return settings;
    }

    /** Sets the observer of questions, cache hits and failures (metrics); {@code null} for none. Returns this. */
    public DnsjavaClient events(DnsEvents observer) {
        this.events = observer == null ? DnsEvents.NONE : observer;
        return this;
    }

    /** Questions sent and not yet ended. */
    public int inFlight() {
        return outstanding.get();
    }

    /** A lookup on behalf of Portcullis itself ({@link DnsRequester#SYSTEM}, {@link DnsPurpose#OTHER}). */
    @Override
    public CompletableFuture<DnsAnswer> lookup(String name, DnsType type) {
        return lookup(name, type, DnsRequester.SYSTEM, DnsPurpose.OTHER);
    }

    @Override
    public CompletableFuture<DnsAnswer> lookup(String name, DnsType type, DnsRequester requester,
            DnsPurpose purpose) {
        DnsRequester who = requester == null ? DnsRequester.SYSTEM : requester;
        DnsPurpose why = purpose == null ? DnsPurpose.OTHER : purpose;
        // The cache is consulted before the name is parsed: a warm lookup costs a map access.
        String key = cacheKey(name, type);
        CacheEntry cached = cache.get(key);
        if (cached != null) {
            if (cached.expiresAtNanos - nanoClock.getAsLong() > 0) {
                cacheHits.increment();
                cacheHitEvent();
                return CompletableFuture.completedFuture(cached.answer);
            }
            cache.remove(key, cached);
        }
        final Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException | RuntimeException e) {
            errors.increment();
            refusedEvent();
            return CompletableFuture.completedFuture(DnsAnswer.failure(DnsAnswer.Status.ERROR,
                    "not a valid DNS name"));
        }
        // Joining an identical question in flight costs nothing: no share of the cap is taken.
        CompletableFuture<DnsAnswer> existing = inFlight.get(key);
        if (existing != null) {
            cacheHits.increment();
            cacheHitEvent();
            return existing;
        }
        String refusal = admit(who, why);
        if (refusal != null) {
            overCap.increment();
            overCapEvent(who, why);
            return CompletableFuture.completedFuture(DnsAnswer.overCap(refusal));
        }
        CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
        existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            release(who, why);
            cacheHits.increment();
            cacheHitEvent();
            return existing;
        }
        queries.increment();
        DnsEvents.Question observed = sentEvent(type);
        long sentNanos = System.nanoTime();
        Duration timeout = settings.queryTimeout();
        CompletableFuture<Message> sent;
        try {
            sent = transport.send(Record.newRecord(qname, type.code(), DClass.IN));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.orTimeout(timeout.toMillis() + 50, TimeUnit.MILLISECONDS)
                .handle((msg, err) -> {
                    DnsAnswer answer = err == null ? interpret(msg, qname, type) : failure(err, timeout);
                    endedEvent(observed, answer, err == null, System.nanoTime() - sentNanos);
                    return answer;
                })
                .thenAccept(answer -> {
                    release(who, why);
                    store(key, answer);
                    inFlight.remove(key, mine);
                    mine.complete(answer);
                });
        return mine;
    }

    /**
     * Takes a place in the cap for a question of {@code who} for {@code why}, or says why there is none: the
     * overall cap, the part of it open to non-list questions, the requester's share ({@link DnsRequester#SYSTEM}
     * has none).
     */
    private String admit(DnsRequester who, DnsPurpose why) {
        synchronized (capLock) {
            if (outstanding.get() >= settings.maxInFlight()) {
                return "too many DNS questions in flight (dns.max-in-flight = " + settings.maxInFlight() + ")";
            }
            if (why != DnsPurpose.LIST && otherInFlight >= settings.maxInFlightOther()) {
                return "too many non-list DNS questions in flight (" + settings.maxInFlightOther() + " of "
                        + settings.maxInFlight() + "; the rest is kept for DNS lists)";
            }
            if (!who.isSystem()) {
                int mine = perRequester.getOrDefault(who, 0);
                if (mine >= settings.maxInFlightPerClient()) {
                    return "too many DNS questions in flight for " + who + " (dns.max-in-flight-per-client = "
                            + settings.maxInFlightPerClient() + ")";
                }
                perRequester.put(who, mine + 1);
            }
            if (why != DnsPurpose.LIST) {
                otherInFlight++;
            }
            outstanding.incrementAndGet();
            return null;
        }
    }

    private void release(DnsRequester who, DnsPurpose why) {
        synchronized (capLock) {
            outstanding.decrementAndGet();
            if (why != DnsPurpose.LIST) {
                otherInFlight--;
            }
            if (!who.isSystem()) {
                perRequester.computeIfPresent(who, (k, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** Questions in flight on behalf of {@code requester} (for tests and diagnostics). */
    public int inFlight(DnsRequester requester) {
        synchronized (capLock) {
            return requester.isSystem() ? 0 : perRequester.getOrDefault(requester, 0);
        }
    }

    /** UDP sockets open now, one per try in flight (for tests and diagnostics). */
    int openSockets() {
        return transport.openSockets();
    }

    private DnsEvents.Question sentEvent(DnsType type) {
        try {
            DnsEvents.Question q = events.sent(type);
            return q == null ? DnsEvents.Question.NONE : q;
        } catch (RuntimeException e) {
            return DnsEvents.Question.NONE;
        }
    }

    private static void endedEvent(DnsEvents.Question q, DnsAnswer answer, boolean response, long nanos) {
        try {
            q.ended(answer.status(), response, nanos);
        } catch (RuntimeException e) {
            // an observer must not break DNS
        }
    }

    private void cacheHitEvent() {
        try {
            events.cacheHit();
        } catch (RuntimeException e) {
            // an observer must not break DNS
        }
    }

    private void overCapEvent(DnsRequester who, DnsPurpose why) {
        try {
            events.overCap(who, why);
        } catch (RuntimeException e) {
            // an observer must not break DNS
        }
    }

    private void refusedEvent() {
        try {
            events.refused();
        } catch (RuntimeException e) {
            // an observer must not break DNS
        }
    }

    /** Lower-case absolute name and type: names differing only in case share an entry (RFC 4343). */
    private static String cacheKey(String name, DnsType type) {
        String n = name.toLowerCase(Locale.ROOT);
        return (n.endsWith(".") ? n : n + ".") + "/" + type.name();
    }

    private DnsAnswer failure(Throwable err, Duration timeout) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (e instanceof TimeoutException || e instanceof SocketTimeoutException
                || (e instanceof IOException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("timed out"))) {
            timeouts.increment();
            return DnsAnswer.failure(DnsAnswer.Status.TIMEOUT, "no answer within " + timeout.toMillis() + " ms");
        }
        errors.increment();
        return DnsAnswer.failure(DnsAnswer.Status.ERROR, e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    /**
     * The answer to {@code qname}/{@code type} in a validated response. Only answer records whose owner is the
     * question name, or a name reached from it through the CNAME records of the answer, are used; records with
     * any other owner are dropped, and when none is left the answer is NODATA.
     */
    private DnsAnswer interpret(Message msg, Name qname, DnsType type) {
        int rcode = msg.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return DnsAnswer.nxdomain(negativeTtl(msg));
        }
        if (rcode == Rcode.SERVFAIL) {
            errors.increment();
            return DnsAnswer.failure(DnsAnswer.Status.SERVFAIL, "SERVFAIL");
        }
        if (rcode != Rcode.NOERROR) {
            errors.increment();
            return DnsAnswer.failure(DnsAnswer.Status.ERROR, Rcode.string(rcode));
        }
        List<Record> section = msg.getSection(Section.ANSWER);
        Set<Name> owners = DnsTransport.owners(qname, section);
        List<Record> records = new ArrayList<>();
        for (Record r : section) {
            if (r.getType() == type.code() && r.getDClass() == DClass.IN && owners.contains(r.getName())) {
                records.add(r);
            }
        }
        if (records.isEmpty()) {
            return DnsAnswer.nodata(negativeTtl(msg));
        }
        if (type == DnsType.MX) {
            records.sort(Comparator.comparingInt(r -> ((MXRecord) r).getPriority()));
        }
        List<String> values = new ArrayList<>(records.size());
        long ttl = Long.MAX_VALUE;
        for (Record r : records) {
            values.add(text(r));
            ttl = Math.min(ttl, r.getTTL());
        }
        return DnsAnswer.answer(values, ttl);
    }

    private static String text(Record r) {
        if (r instanceof ARecord) {
            return ((ARecord) r).getAddress().getHostAddress();
        }
        if (r instanceof AAAARecord) {
            return ((AAAARecord) r).getAddress().getHostAddress();
        }
        if (r instanceof TXTRecord) {
            // Raw bytes, not dnsjava's escaped presentation form: sanitising is the caller's job.
            StringBuilder sb = new StringBuilder();
            for (byte[] part : ((TXTRecord) r).getStringsAsByteArrays()) {
                sb.append(new String(part, StandardCharsets.ISO_8859_1));
            }
            return sb.toString();
        }
        if (r instanceof NSRecord) {
            return ((NSRecord) r).getTarget().toString(true);
        }
        if (r instanceof PTRRecord) {
            return ((PTRRecord) r).getTarget().toString(true);
        }
        if (r instanceof MXRecord) {
            return ((MXRecord) r).getTarget().toString(true);
        }
        return r.rdataToString();
    }

    private static long negativeTtl(Message msg) {
        for (Record r : msg.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord) {
                return Math.min(r.getTTL(), ((SOARecord) r).getMinimum());
            }
        }
        return 0;
    }

    private void store(String key, DnsAnswer answer) {
        if (!answer.status().isDefinite() || settings.cacheSize() == 0) {
            return;
        }
        long cap = answer.status() == DnsAnswer.Status.ANSWER ? settings.maxTtl().getSeconds()
                : settings.maxNegativeTtl().getSeconds();
        long ttl = Math.min(answer.ttlSeconds(), cap);
        if (ttl <= 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (cache.size() >= settings.cacheSize()) {
            evict(now);
        }
        cache.put(key, new CacheEntry(answer, now + TimeUnit.SECONDS.toNanos(ttl)));
    }

    /** Drops expired entries, then arbitrary ones, until the cache is at 90 % of its bound. */
    private void evict(long now) {
        cache.entrySet().removeIf(e -> e.getValue().expiresAtNanos - now <= 0);
        int target = settings.cacheSize() * 9 / 10;
        var it = cache.keySet().iterator();
        while (cache.size() > target && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    @Override
    public DnsStats stats() {
        return new DnsStats(queries.sum(), cacheHits.sum(), timeouts.sum(), errors.sum(), outstanding.get(),
                cache.size(), overCap.sum());
    }

    @Override
    public void close() {
        transport.close();
        callbacks.shutdownNow();
    }

    private static final class CacheEntry {
        final DnsAnswer answer;
        final long expiresAtNanos;

        CacheEntry(DnsAnswer answer, long expiresAtNanos) {
            this.answer = answer;
            this.expiresAtNanos = expiresAtNanos;
        }
    }
}
