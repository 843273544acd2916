package io.portcullis.james;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.StoreConfig;
import io.portcullis.verdict.Action;
import io.portcullis.reputation.Entities;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.Greylist;
import io.portcullis.reputation.Outcome;
import io.portcullis.reputation.Reputation;
import io.portcullis.reputation.ReputationStore;
import io.portcullis.reputation.ReputationStore.Snapshot;
import io.portcullis.store.Counters;
import io.portcullis.store.StateStore;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sender reputation and the greylist on James: owns (or borrows) the state store, reads a transaction's records in
 * one batch, learns outcomes. The store is the one of the learned nameservers when that is open (one journal, or one
 * Redis, for both), else one opened from {@code store.*} on first use. A store that cannot be opened or does not
 * answer gives no records: no reputation finding, no greylisting, mail flows. Thread-safe; never throws.
 *
 * <p>The SMTP handler attaches the transaction's entities to the mail (attribute {@value #ENTITIES_NAME}, store keys
 * as strings) so the pipeline learns for the very records SMTP read, verification included.
 */
public final class ReputationService implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(ReputationService.class);
    public static final String ENTITIES_NAME = "io.portcullis.reputation.entities";
    public static final AttributeName ENTITIES = AttributeName.of(ENTITIES_NAME);
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");
    /** Set on a mail whose outcome was learned (so a mail passing twice is learned once). */
    public static final AttributeName LEARNED = AttributeName.of("io.portcullis.reputation.learned");

    private final PortcullisConfig config;
    private final NameserverService nameservers;
    private final Path workingDirectory;
    private final Clock clock;
    private volatile ReputationStore store;
    private volatile StateStore owned;
    private volatile boolean failed;
    /**
     * Store writes (learning, greylist) run here, never on the caller's thread: the SMTP handler calls from James's
     * event loops, and the embedded store writes (and now and then forces) its journal on the calling thread. One
     * daemon thread, a bounded queue; beyond it, updates are dropped and counted.
     */
    private final java.util.concurrent.ThreadPoolExecutor writer = new java.util.concurrent.ThreadPoolExecutor(1, 1,
            0, TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "portcullis-reputation-writer");
                t.setDaemon(true);
                return t;
            }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong greylisted = new AtomicLong();
    private final AtomicLong greylistPassed = new AtomicLong();
    /** Counters of this instance (not JVM-wide), by metric name; also sent to James's metrics. */
    private final Map<String, AtomicLong> counts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Metrics metrics;

    ReputationService(PortcullisConfig config, NameserverService nameservers, Path workingDirectory, Clock clock) {
        this(config, nameservers, workingDirectory, clock, null);
    }

    ReputationService(PortcullisConfig config, NameserverService nameservers, Path workingDirectory, Clock clock,
            Metrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.nameservers = nameservers;
        this.workingDirectory = workingDirectory;
        this.clock = clock;
    }

    /** Opens the store now (at James's start, so no event loop ever opens it) when reputation or greylisting is on. */
    void openNow() {
        if (enabled() || greylistOn()) {
            store();
        }
    }

    /** Runs a store write on the writer thread; its future completes when the write did (never fails). */
    private CompletableFuture<Void> write(java.util.function.Supplier<CompletableFuture<Void>> update) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            writer.execute(() -> {
                try {
                    update.get().whenComplete((v, e) -> done.complete(null));
                } catch (RuntimeException e) {
                    done.complete(null);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            dropped.incrementAndGet();
            done.complete(null);
        }
        return done;
    }

    /** Whether reputation scores or learns ({@code reputation.enabled}). */
    public boolean enabled() {
        return config.reputation().enabled();
    }

    /** Whether the greylist band is configured. */
    public boolean greylistOn() {
        return !Double.isInfinite(config.smtp().greylistThreshold);
    }

    public Greylist greylist() {
        return config.smtp().greylist;
    }

    /** The store adapter, opened on first use; null when it cannot be opened. */
    public ReputationStore store() {
        ReputationStore s = store;
        if (s != null || failed) {
            return s;
        }
        synchronized (this) {
            if (store == null && !failed) {
                StateStore shared = nameservers == null ? null : nameservers.store();
                String where;
                try {
                    if (shared != null && !(shared instanceof io.portcullis.store.UnavailableStore)) {
                        where = "the shared state store (with the learned nameservers)";
                    } else {
                        StoreConfig sc = config.store();
                        shared = sc.open(workingDirectory);
                        owned = shared;
                        where = sc.describe(workingDirectory);
                    }
                    store = new ReputationStore(shared, config.reputation(), clock);
                    LOGGER.info("Portcullis: reputation {} in {}", config.reputation(), where);
                } catch (RuntimeException e) {
                    failed = true;
                    LOGGER.error("Portcullis: reputation store unavailable: {}; no reputation, no greylisting",
                            e.toString());
                }
            }
            return store;
        }
    }

    /**
     * The records of {@code entities} and the raw counter records {@code extraKeys} (the greylist's), in one batch.
     * Never fails: a store failure gives an empty snapshot with {@link Snapshot#failed()} set.
     */
    public CompletableFuture<Snapshot> read(Collection<Entity> entities, Collection<String> extraKeys) {
        ReputationStore s = store();
        return s == null ? CompletableFuture.completedFuture(Snapshot.FAILED) : s.read(entities, extraKeys);
    }

    /** The findings of a snapshot's records now. */
    public List<Finding> findings(Snapshot snap) {
        return Reputation.findings(snap.records(), config.reputation(), clock.instant());
    }

    /** Learns {@code outcome} for {@code entities}; never fails. */
    public CompletableFuture<Void> learn(Collection<Entity> entities, Outcome outcome) {
        ReputationStore s = enabled() ? store() : null;
        if (s == null || entities.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Entity> copy = List.copyOf(entities);
        count(LEARNED_PREFIX + outcome.id());
        return write(() -> s.learn(copy, outcome));
    }

    /** Counter name prefix of learned transactions, by outcome ({@code refused}, {@code tagged}, {@code clean}, ...). */
    public static final String LEARNED_PREFIX = "portcullis_reputation_learned_";
    /** A triplet's first attempt got 451 (greylisted). */
    public static final String GREYLIST_FIRST = "portcullis_greylist_first_attempt";
    /** A retry before the delay got 451 again. */
    public static final String GREYLIST_EARLY = "portcullis_greylist_early_retry";
    /** A retry after the delay, within the window, passed (the network is remembered). */
    public static final String GREYLIST_PASSED = "portcullis_greylist_passed";
    /** A transaction in the greylist band passed at once: its network passed the greylist before. */
    public static final String GREYLIST_REMEMBERED = "portcullis_greylist_remembered_pass";

    /** Counts {@code name} on this instance and in James's metrics. */
    private void count(String name) {
        counts.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
        if (metrics != null) {
            metrics.count(name);
        }
    }

    /** The counter {@code name} of this instance (0 when never counted). */
    public long counter(String name) {
        AtomicLong n = counts.get(name);
        return n == null ? 0 : n.get();
    }

    /** The counters of this instance, by name (a copy). */
    public Map<String, Long> counts() {
        Map<String, Long> out = new java.util.TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** A retry of a greylisted triplet before the delay (answered 451 again). */
    public void greylistEarly() {
        count(GREYLIST_EARLY);
    }

    /** A transaction in the greylist band let through because its network passed the greylist before. */
    public void greylistRemembered() {
        count(GREYLIST_REMEMBERED);
    }

    /** Records a greylisted first attempt of the triplet. */
    public void greylistAttempt(String network, String sender, String recipient) {
        ReputationStore s = store();
        greylisted.incrementAndGet();
        count(GREYLIST_FIRST);
        if (s == null) {
            return;
        }
        Instant now = clock.instant();
        write(() -> s.stateStore().add(List.of(Greylist.tripletKey(network, sender)),
                Map.of(Greylist.attemptField(recipient, now), 1L), List.of(), now, greylist().window()));
    }

    /** Records that the client's network retried properly: not greylisted again for the remember period. */
    public void greylistPassed(String network) {
        ReputationStore s = store();
        greylistPassed.incrementAndGet();
        count(GREYLIST_PASSED);
        if (s == null) {
            return;
        }
        Instant now = clock.instant();
        write(() -> s.stateStore().add(List.of(Greylist.passedKey(network)), Map.of("pass", 1L), List.of(), now,
                greylist().remember()));
    }

    public Clock clock() {
        return clock;
    }

    /** Greylisted attempts, proper retries, store updates dropped for a full writer queue (since start). */
    public long[] greylistCounts() {
        return new long[] {greylisted.get(), greylistPassed.get(), dropped.get()};
    }

    // ------------------------------------------------------------------ entities on the mail

    /** Attaches the transaction's entities to the mail. */
    public static void storeEntities(Mail mail, List<Entity> entities) {
        List<AttributeValue<?>> v = new ArrayList<>();
        for (Entity e : entities) {
            v.add(AttributeValue.of(e.storeKey()));
        }
        mail.setAttribute(new Attribute(ENTITIES, AttributeValue.of(v)));
    }

    /**
     * The mail's entities: as the SMTP handler attached them, else from the mail itself (client address and its
     * network; envelope sender and From domains keyed with the client's network: unverified).
     */
    public static List<Entity> entities(Mail mail) {
        Optional<Attribute> a = mail.getAttribute(ENTITIES);
        if (a.isPresent() && a.get().getValue().value() instanceof Collection) {
            List<Entity> out = new ArrayList<>();
            for (Object o : (Collection<?>) a.get().getValue().value()) {
                Object v = o instanceof AttributeValue ? ((AttributeValue<?>) o).value() : o;
                Entity e = v instanceof String ? Entity.ofStoreKey((String) v) : null;
                if (e != null) {
                    out.add(e);
                }
            }
            return out;
        }
        Entities b = Entities.builder();
        b.client(Entities.parseAddress(mail.getRemoteAddr()));
        mail.getMaybeSender().asOptional().ifPresent(s -> b.mailFrom(s.getDomain().asString(), false));
        MailTargets.fromDomain(mail).ifPresent(b::from);
        return b.build();
    }

    /**
     * The outcome to learn from the pipeline's verdict on {@code mail} (reject → refused, tag or tarpit → tagged,
     * accept → clean), unless reputation decided it (the no-feedback rule): empty then.
     */
    public Optional<Outcome> pipelineOutcome(List<Finding> findings, io.portcullis.verdict.CheckModes modes) {
        java.util.function.Function<List<Finding>, Outcome> classify = fs -> outcome(
                Verdict.of(fs, config.policy(), modes).action());
        return Reputation.learnable(classify.apply(findings), findings, classify);
    }

    static Outcome outcome(Action a) {
        return a == Action.REJECT ? Outcome.REFUSED : a == Action.ACCEPT ? Outcome.CLEAN : Outcome.TAGGED;
    }

    /** The reputation findings of a mail now, reading within {@code budgetMs} (pipeline-only deployments). */
    public List<Finding> findings(Mail mail, long budgetMs) {
        if (!enabled()) {
            return List.of();
        }
        try {
            return findings(read(entities(mail), List.of()).get(budgetMs, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (Exception e) {
            return List.of();
        }
    }

    // ------------------------------------------------------------------ users moving mail (spam folder)

    /** Prefix of the store record that keeps a delivered message's entities for users' later reports. */
    public static final String DELIVERY_PREFIX = "repmsg:";
    private static final String REPORTED_FIELD = "reported:";

    /**
     * The key of a delivered message: a digest of its topmost {@code Received} header (whitespace runs collapsed),
     * which this server wrote when it received the message (it names the SMTP session's ID and time, so a sender
     * cannot make two messages share one); null without one.
     */
    public static String deliveryKey(String topmostReceived) {
        if (topmostReceived == null) {
            return null;
        }
        String v = WHITESPACE.matcher(topmostReceived).replaceAll(" ").trim();
        if (v.isEmpty()) {
            return null;
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(DELIVERY_PREFIX);
            for (int i = 0; i < 16; i++) {
                sb.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            return null;
        }
    }

    /**
     * Remembers the entities of a delivered message under its {@link #deliveryKey} for as long as the reputation
     * window, so a user moving it into or out of the spam folder later reports the very records SMTP read. Written
     * off the caller's thread; never fails.
     */
    public CompletableFuture<Void> rememberDelivery(String key, List<Entity> entities) {
        ReputationStore s = enabled() && !config.reputation().spamFolder().isEmpty() ? store() : null;
        if (s == null || key == null || entities.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, Long> fields = new java.util.LinkedHashMap<>();
        for (Entity e : entities) {
            fields.put(e.storeKey(), 1L);
        }
        Instant now = clock.instant();
        java.time.Duration ttl = java.time.Duration.ofDays(config.reputation().windowDays());
        return write(() -> s.stateStore().add(List.of(key), fields, List.of(), now, ttl));
    }

    /**
     * A user's report about a delivered message: learns {@code outcome} for the entities remembered under
     * {@code key}, once per user and outcome. Completes with the entities learned (empty: nothing remembered, already
     * reported, store unavailable). Never fails; waits for nothing on the caller's thread beyond the store's answer.
     */
    public CompletableFuture<List<Entity>> learnReport(String key, String user, Outcome outcome) {
        ReputationStore s = enabled() ? store() : null;
        if (s == null || key == null || outcome == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        String reported = REPORTED_FIELD + outcome.id() + ":" + (user == null ? "" : user);
        CompletableFuture<Map<String, Counters>> read;
        try {
            read = s.stateStore().counters(List.of(key));
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return read.thenCompose(m -> {
            Counters c = m == null ? null : m.get(key);
            if (c == null || c.get(reported) > 0) {
                return CompletableFuture.completedFuture(List.<Entity>of());
            }
            List<Entity> entities = new ArrayList<>();
            for (String f : c.fields().keySet()) {
                Entity e = Entity.ofStoreKey(f);
                if (e != null) {
                    entities.add(e);
                }
            }
            if (entities.isEmpty()) {
                return CompletableFuture.completedFuture(List.<Entity>of());
            }
            Instant now = clock.instant();
            java.time.Duration ttl = java.time.Duration.ofDays(config.reputation().windowDays());
            return write(() -> s.stateStore().add(List.of(key), Map.of(reported, 1L), List.of(), now, ttl))
                    .thenCompose(v -> learn(entities, outcome)).thenApply(v -> (List<Entity>) entities);
        }).exceptionally(e -> List.of());
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StateStore s = owned;
        if (s != null) {
            s.close();
        }
    }
}
