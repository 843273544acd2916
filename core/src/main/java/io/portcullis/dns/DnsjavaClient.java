package io.portcullis.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * {@link DnsClient} on dnsjava's message model and a UDP transport of our own ({@link DnsTransport}), with its own servers (ports allowed), a hard
 * per-question timeout, a bound on outstanding questions, joining of identical concurrent questions,
 * and a bounded cache that honours TTLs, negative answers included (RFC 2308). Failures are never
 * cached. Thread-safe; {@link #close()} releases the callback threads.
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

    @Override
    public CompletableFuture<DnsAnswer> lookup(String name, DnsType type) {
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
        CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
        CompletableFuture<DnsAnswer> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            cacheHits.increment();
            cacheHitEvent();
            return existing;
        }
        if (outstanding.incrementAndGet() > settings.maxInFlight()) {
            outstanding.decrementAndGet();
            inFlight.remove(key, mine);
            errors.increment();
            refusedEvent();
            mine.complete(DnsAnswer.failure(DnsAnswer.Status.ERROR, "too many DNS queries in flight (max "
                    + settings.maxInFlight() + ")"));
            return mine;
        }
        queries.increment();
        DnsEvents.Question observed = sentEvent(type);
        long sentNanos = System.nanoTime();
        Duration timeout = settings.queryTimeout();
        CompletableFuture<Message> sent;
        try {
            Message query = Message.newQuery(Record.newRecord(qname, type.code(), DClass.IN));
            sent = transport.send(query);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.orTimeout(timeout.toMillis() + 50, TimeUnit.MILLISECONDS)
                .handle((msg, err) -> {
                    DnsAnswer answer = err == null ? interpret(msg, type) : failure(err, timeout);
                    endedEvent(observed, answer, err == null, System.nanoTime() - sentNanos);
                    return answer;
                })
                .thenAccept(answer -> {
                    outstanding.decrementAndGet();
                    store(key, answer);
                    inFlight.remove(key, mine);
                    mine.complete(answer);
                });
        return mine;
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

    private DnsAnswer interpret(Message msg, DnsType type) {
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
        List<Record> records = new ArrayList<>();
        for (Record r : msg.getSection(Section.ANSWER)) {
            if (r.getType() == type.code()) {
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
                cache.size());
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
