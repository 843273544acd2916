package io.portcullis.cli;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.StoreConfig;
import io.portcullis.dnsbl.QueryNames;
import io.portcullis.reputation.Entities;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.EntityKind;
import io.portcullis.reputation.Outcome;
import io.portcullis.reputation.RecordView;
import io.portcullis.reputation.ReputationSettings;
import io.portcullis.store.Counters;
import io.portcullis.store.StateStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code "reputation"} section of {@code lookup}: the records a target has in the configured state store
 * ({@code store.*}: the embedded store's files read without taking its lock, or Redis). An IP target: its address,
 * its /24 or /64 and (when the network owner was found) its AS; a domain target: the domain's records as a verified
 * HELO, envelope sender and From domain, and the name as a nameserver host, plus with {@code --client ADDRESS} the
 * records keyed with that client's network ({@code domain@network}: the domain not verified for it).
 *
 * <pre>{@code
 * "reputation": {"store": "embedded /var/...", "status": "ok", "records": [
 *     {"entity": "ip", "key": "192.0.2.1", "status": "found", "counts": {"refused": 12, "tagged": 0, "clean": 3,
 *      "spam": 0, "ham": 0}, "observations": 15, "window_days": 30, "ratio": 0.8, "below_minimum": false,
 *      "score": 2.4, "first_seen": "2026-11-01T...Z", "last_seen": "...", "detail": "ip 192.0.2.1: ..."},
 *     {"entity": "net", "key": "192.0.2.0/24", "status": "no record"}], "score": 2.4}
 * }</pre>
 * A store that cannot be opened or does not answer gives {@code "status": "unavailable", "reason": "..."} (never a
 * stack trace); {@code reputation.enabled = false} gives {@code "status": "off"}. Not thread-safe (one command).
 */
final class ReputationLookup implements AutoCloseable {
    private final ReputationSettings settings;
    private final String where;
    private final StateStore store;
    private final String openFailure;
    private final Clock clock;
    private final long timeoutMs;

    private ReputationLookup(ReputationSettings settings, String where, StateStore store, String openFailure,
            Clock clock, long timeoutMs) {
        this.settings = settings;
        this.where = where;
        this.store = store;
        this.openFailure = openFailure;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Opens the configured store for reading ({@code stateDir} replaces {@code store.directory}); never throws. A
     * relative {@code store.directory} is resolved as James resolves it, against James's working directory: the
     * parent of the configuration file's {@code conf/} folder ({@code JAMES/conf/portcullis.properties}), else the
     * current directory.
     */
    static ReputationLookup open(PortcullisConfig config, Path configFile, Path stateDir, Clock clock) {
        ReputationSettings s = config.reputation();
        StoreConfig sc = stateDir == null ? config.store() : config.store().withDirectory(stateDir);
        Path base = jamesHome(configFile);
        String where = sc.describe(base);
        if (!s.enabled()) {
            return new ReputationLookup(s, where, null, null, clock, 0);
        }
        long timeout = Math.max(1000, sc.redisTimeout().toMillis() * 2);
        try {
            return new ReputationLookup(s, where, sc.openForReading(base), null, clock, timeout);
        } catch (RuntimeException e) {
            return new ReputationLookup(s, where, null, reason(e), clock, timeout);
        }
    }

    /** James's working directory for a configuration file: the parent of its {@code conf/} folder, else ".". */
    static Path jamesHome(Path configFile) {
        Path dir = configFile == null ? null : configFile.toAbsolutePath().getParent();
        if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("conf")
                && dir.getParent() != null) {
            return dir.getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    boolean enabled() {
        return settings.enabled();
    }

    /** The entities of a target (see the class comment); {@code asn} when the network owner found one. */
    static List<Entity> entities(String target, InetAddress address, Long asn, InetAddress client) {
        if (address != null) {
            return Entities.builder().client(address).asn(asn).build();
        }
        List<Entity> out = new ArrayList<>();
        String name = target.trim().toLowerCase(Locale.ROOT);
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        Optional<String> domain = QueryNames.registeredDomain(name);
        if (domain.isPresent()) {
            for (EntityKind k : List.of(EntityKind.HELO, EntityKind.MAIL_FROM, EntityKind.FROM)) {
                out.add(new Entity(k, domain.get()));
            }
            if (client != null) {
                String net = Entities.network(client);
                for (EntityKind k : List.of(EntityKind.HELO, EntityKind.MAIL_FROM, EntityKind.FROM)) {
                    out.add(new Entity(k, domain.get() + "@" + net));
                }
            }
        }
        for (Entity e : Entities.builder().nameservers(List.of(name)).mailFrom(name, true).build()) {
            if (e.kind() == EntityKind.NS) {
                out.add(e);
            }
        }
        return out;
    }

    /** The section of {@code entities}: one read of all their records. */
    Map<String, Object> section(List<Entity> entities) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("store", where);
        if (!settings.enabled()) {
            m.put("status", "off");
            return m;
        }
        if (store == null) {
            m.put("status", "unavailable");
            m.put("reason", openFailure);
            return m;
        }
        List<String> keys = new ArrayList<>();
        for (Entity e : entities) {
            keys.add(e.storeKey());
        }
        Map<String, Counters> found;
        try {
            found = store.counters(keys).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            m.put("status", "unavailable");
            m.put("reason", "interrupted");
            return m;
        } catch (Exception e) {
            m.put("status", "unavailable");
            m.put("reason", reason(e));
            return m;
        }
        m.put("status", "ok");
        Instant now = clock.instant();
        List<Object> records = new ArrayList<>();
        double score = 0;
        for (Entity e : entities) {
            Counters c = found == null ? null : found.get(e.storeKey());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("entity", e.kind().id());
            r.put("key", e.key());
            if (c == null) {
                r.put("status", "no record");
                records.add(r);
                continue;
            }
            RecordView v = RecordView.of(e, c, settings, now);
            r.put("status", "found");
            Map<String, Object> counts = new LinkedHashMap<>();
            for (Outcome o : Outcome.values()) {
                counts.put(o.id(), v.counts().get(o));
            }
            r.put("counts", counts);
            r.put("observations", v.observations());
            r.put("window_days", settings.windowDays());
            r.put("ratio", Double.isNaN(v.ratio()) ? null : Math.round(v.ratio() * 100) / 100.0);
            r.put("below_minimum", v.belowMinimum());
            r.put("score", v.score());
            r.put("first_seen", v.first().toString());
            r.put("last_seen", v.last().toString());
            v.finding().ifPresent(f -> r.put("detail", f.detail()));
            score += v.score();
            records.add(r);
        }
        m.put("records", records);
        m.put("score", Math.round(score * 1000.0) / 1000.0);
        return m;
    }

    /** The section's score (0 when off, unavailable or without records). */
    static double score(Map<String, Object> section) {
        Object s = section.get("score");
        return s instanceof Number ? ((Number) s).doubleValue() : 0;
    }

    /** One line, no stack trace: the failure's class and message (wrappers of futures taken off). */
    private static String reason(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        String text = t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        text = text.replaceAll("[\\r\\n\\t]+", " ");
        return text.length() > 300 ? text.substring(0, 300) : text;
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
