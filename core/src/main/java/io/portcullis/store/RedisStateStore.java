package io.portcullis.store;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link StateStore} in Redis (≥ 6.2; one server, a Sentinel group or a Cluster), so that several James nodes share
 * one view. Client: lettuce 6.x (one thread-safe connection, commands pipelined, never blocking the caller).
 *
 * <h2>Data model</h2>
 * One sorted set per store set: key {@code PREFIX + SET} (prefix default {@code portcullis:}, e.g.
 * {@code portcullis:ns:spam:host:ns1.example.net}), member = the member ({@code spamdomain.example}),
 * score = the member's last-seen time in epoch seconds. Commands:
 * <ul>
 *   <li>record: {@code ZADD key GT t member} (never moves a time back), {@code ZREMRANGEBYSCORE key -inf
 *   (now-retention} (ageing), {@code ZREMRANGEBYRANK key 0 -(max+1)} (keeps the {@code max} newest
 *   members, default 10,000) and {@code EXPIRE key retention} (a set nobody writes to disappears);</li>
 *   <li>count: {@code ZCOUNT key max(since, now-retention) +inf}: one command per set, pipelined.</li>
 * </ul>
 * Counter records ({@link #add}, {@link #counters}) are hashes: see {@link #add}.
 * Time is the caller's clock for scores and this process's clock for ageing; nodes should run NTP.
 *
 * <h2>One server, Sentinel, Cluster</h2>
 * The URI picks the deployment ({@link RedisUris}): {@code redis://} one server; {@code redis-sentinel://...#MASTER}
 * the master of a Sentinel group (the client asks the sentinels where the master is, and asks again when the
 * connection drops, as it does at a failover); {@code redis-cluster://seed[,seed...]} a Redis Cluster (lettuce's
 * cluster client: each command goes to the node owning its key's slot; the topology is re-read on redirections,
 * reconnects and every minute). Every command names a single key (no {@code MULTI}, no multi-key command, no
 * {@code KEYS} or {@code SCAN}), so nothing crosses slots, and keys are not hash-tagged: the records of one
 * transaction (its address, network, domains...) spread over the cluster's nodes like all other keys. A batch
 * (one {@link #counters} read, one {@link #add}) is written to every node involved without waiting for any answer
 * and completes with the last answer: one round trip per node, the nodes answering in parallel.
 *
 * <h2>Failures</h2>
 * The connection is made asynchronously at construction and again (at most once per reconnect interval,
 * 5 s) after a failed attempt; lettuce reconnects an established connection by itself (to each cluster node).
 * While Redis (or, on a cluster, the node owning a key) is unreachable, commands are rejected at once and futures
 * fail with {@link StoreException}, as do commands that take longer than the command timeout (default 500 ms).
 *
 * <p>Thread-safe. {@link #close()} shuts the client's threads down.
 */
public final class RedisStateStore implements StateStore {
    /** Default key prefix. */
    public static final String DEFAULT_PREFIX = "portcullis:";
    /** Default bound on members per set. */
    public static final int DEFAULT_MAX_MEMBERS = 10_000;
    /** Default command (and connect) timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    private static final long RECONNECT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** How often the cluster client re-reads the cluster's topology besides the adaptive triggers (MOVED, ASK, ...). */
    static final Duration CLUSTER_REFRESH = Duration.ofSeconds(60);

    private final AbstractRedisClient client;
    private final RedisUris.Mode mode;
    /** Standalone and Sentinel: the one URI; cluster: the seeds. */
    private final List<RedisURI> uris;
    /** The URI without its password, for messages. */
    private final String where;
    private final String prefix;
    private final Duration retention;
    private final int maxMembers;
    private final AtomicReference<CompletableFuture<StatefulConnection<String, String>>> connection =
            new AtomicReference<>();
    private volatile long lastAttemptNanos;
    private volatile boolean closed;

    /**
     * @param redisUri   one of the forms of {@link RedisUris}: {@code redis://[password@]host:port[/db]} (one server),
     *                   {@code redis-sentinel://host:port[,host:port...][/db]#master} (the master of a Sentinel
     *                   group) or {@code redis-cluster://host:port[,host:port...]} (a Redis Cluster)
     * @param prefix     key prefix (one per store; e.g. {@code portcullis:}); on a cluster it must not contain a
     *                   hash tag ({@code {...}}), which would put every key in one slot, on one node
     * @param retention  how long members are kept after they were last seen
     * @param maxMembers newest members kept per set
     * @param timeout    command and connect timeout
     * @throws IllegalArgumentException when the URI does not parse or a bound is not positive
     */
    public RedisStateStore(String redisUri, String prefix, Duration retention, int maxMembers, Duration timeout) {
        Objects.requireNonNull(redisUri, "redisUri");
        if (retention.isNegative() || retention.isZero() || maxMembers < 1 || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("retention, maxMembers and timeout must be positive");
        }
        this.prefix = prefix == null ? DEFAULT_PREFIX : prefix;
        this.retention = retention;
        this.maxMembers = maxMembers;
        this.where = RedisUris.redact(redisUri);
        RedisUris.Mode m = RedisUris.mode(redisUri);
        this.mode = m == null ? RedisUris.Mode.STANDALONE : m;
        List<String> texts = mode == RedisUris.Mode.CLUSTER ? seeds(redisUri) : List.of(redisUri.trim());
        if (mode == RedisUris.Mode.CLUSTER && hashTagged(this.prefix)) {
            throw new IllegalArgumentException("the key prefix '" + this.prefix + "' has a hash tag ({...}): on a Redis"
                    + " Cluster every key would land in one slot, on one node");
        }
        if (mode == RedisUris.Mode.SENTINEL && RedisUris.problem(redisUri) != null) {
            throw new IllegalArgumentException("'" + where + "': " + RedisUris.problem(redisUri));
        }
        List<RedisURI> parsed = new ArrayList<>();
        for (String t : texts) {
            RedisURI u;
            try {
                u = RedisURI.create(t);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + where + "' is not a Redis URI: " + e.getMessage(), e);
            }
            u.setTimeout(timeout);
            parsed.add(u);
        }
        this.uris = Collections.unmodifiableList(parsed);
        SocketOptions socket = SocketOptions.builder().connectTimeout(timeout).build();
        if (mode == RedisUris.Mode.CLUSTER) {
            RedisClusterClient c = RedisClusterClient.create(uris);
            c.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    // follow failovers and resharding: on MOVED/ASK redirections and reconnects, and once a minute
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers()
                            .enablePeriodicRefresh(CLUSTER_REFRESH)
                            .build())
                    .build());
            this.client = c;
        } else {
            RedisClient c = RedisClient.create();
            c.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .build());
            this.client = c;
        }
        connect();
    }

    /** With the default prefix, member bound and timeout. */
    public RedisStateStore(String redisUri, Duration retention) {
        this(redisUri, DEFAULT_PREFIX, retention, DEFAULT_MAX_MEMBERS, DEFAULT_TIMEOUT);
    }

    private static List<String> seeds(String uri) {
        try {
            return RedisUris.seeds(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + RedisUris.redact(uri) + "' is not a cluster URI: " + e.getMessage(),
                    e);
        }
    }

    /** Whether keys under {@code prefix} would all hash to one cluster slot (a non-empty {@code {...}} in it). */
    static boolean hashTagged(String prefix) {
        int open = prefix.indexOf('{');
        return open >= 0 && prefix.indexOf('}', open + 2) > open;
    }

    /** How this store reaches Redis. */
    public RedisUris.Mode mode() {
        return mode;
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<StatefulConnection<String, String>> connect() {
        lastAttemptNanos = System.nanoTime();
        CompletableFuture<StatefulConnection<String, String>> f;
        try {
            if (client instanceof RedisClusterClient) {
                // the cluster client connects asynchronously only once it knows the topology: read it first (from
                // the seeds, without blocking)
                RedisClusterClient cc = (RedisClusterClient) client;
                f = cc.refreshPartitionsAsync().toCompletableFuture()
                        .thenCompose(v -> cc.connectAsync(StringCodec.UTF8))
                        .thenApply(c -> (StatefulConnection<String, String>) c);
            } else {
                f = ((RedisClient) client).connectAsync(StringCodec.UTF8, uris.get(0)).toCompletableFuture()
                        .thenApply(c -> (StatefulConnection<String, String>) c);
            }
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        connection.set(f);
        return f;
    }

    /**
     * The commands of the connection: one server's (the Sentinel master's) or the cluster's, which sends each command to
     * the node owning its key's slot. Every command this store sends names one key, so none crosses slots.
     */
    private CompletableFuture<RedisClusterAsyncCommands<String, String>> commands() {
        if (closed) {
            return CompletableFuture.failedFuture(new StoreException("store closed"));
        }
        CompletableFuture<StatefulConnection<String, String>> f = connection.get();
        if (f.isCompletedExceptionally() && System.nanoTime() - lastAttemptNanos >= RECONNECT_INTERVAL_NANOS) {
            synchronized (this) {
                f = connection.get();
                if (f.isCompletedExceptionally() && System.nanoTime() - lastAttemptNanos >= RECONNECT_INTERVAL_NANOS) {
                    f = connect();
                }
            }
        }
        return f.thenApply(RedisStateStore::async);
    }

    @SuppressWarnings("unchecked")
    private static RedisClusterAsyncCommands<String, String> async(StatefulConnection<String, String> c) {
        return c instanceof StatefulRedisClusterConnection ? ((StatefulRedisClusterConnection<String, String>) c).async()
                : ((StatefulRedisConnection<String, String>) c).async();
    }

    @Override
    public CompletableFuture<Void> record(Collection<String> sets, String member, Instant seen) {
        if (sets == null || member == null || member.isEmpty() || seen == null) {
            return CompletableFuture.completedFuture(null);
        }
        List<String> keys = keys(sets);
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        double t = seen.getEpochSecond();
        double cutoff = Instant.now().minus(retention).getEpochSecond();
        long ttl = Math.max(1, retention.getSeconds());
        return wrap(commands().thenCompose(c -> {
            List<RedisFuture<?>> all = new ArrayList<>();
            for (String key : keys) {
                all.add(c.zadd(key, ZAddArgs.Builder.gt(), t, member));
                all.add(c.zremrangebyscore(key, Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(cutoff))));
                all.add(c.zremrangebyrank(key, 0, -(maxMembers + 1L)));
                all.add(c.expire(key, ttl));
            }
            return CompletableFuture.allOf(all.stream().map(RedisFuture::toCompletableFuture)
                    .toArray(CompletableFuture<?>[]::new));
        }), "record");
    }

    @Override
    public CompletableFuture<Map<String, Long>> count(Collection<String> sets, Instant since) {
        if (sets == null) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<String> names = new ArrayList<>(new LinkedHashSet<>(sets));
        names.removeIf(s -> s == null || s.isEmpty());
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        long cutoff = Instant.now().minus(retention).getEpochSecond();
        double from = Math.max(since == null ? cutoff : since.getEpochSecond(), cutoff);
        return wrap(commands().thenCompose(c -> {
            List<CompletableFuture<Long>> all = new ArrayList<>();
            for (String s : names) {
                all.add(c.zcount(prefix + s, Range.from(Range.Boundary.including(from), Range.Boundary.unbounded()))
                        .toCompletableFuture());
            }
            return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                Map<String, Long> out = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    Long n = all.get(i).join();
                    out.put(names.get(i), n == null ? 0L : n);
                }
                return Collections.unmodifiableMap(out);
            });
        }), "count");
    }

    /** Field names of a counter hash: the caller's fields carry this prefix, beside {@code first} and {@code last}. */
    static final String FIELD = "f:";

    /**
     * One hash per counter record, key {@code PREFIX + KEY}: {@code HINCRBY} per field (named {@code f:FIELD}),
     * {@code HDEL} of the dropped ones, {@code HSETNX first}, {@code HSET last} and {@code EXPIRE ttl}: all
     * pipelined on the one connection.
     */
    @Override
    public CompletableFuture<Void> add(Collection<String> keys, Map<String, Long> deltas, Collection<String> drop,
            Instant at, Duration ttl) {
        if (keys == null || at == null || ttl == null) {
            return CompletableFuture.completedFuture(null);
        }
        List<String> ks = keys(keys);
        if (ks.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String t = Long.toString(at.getEpochSecond());
        long seconds = Math.max(1, ttl.getSeconds());
        List<String> dropped = new ArrayList<>();
        if (drop != null) {
            for (String f : drop) {
                if (f != null && !f.isEmpty()) {
                    dropped.add(FIELD + f);
                }
            }
        }
        return wrap(commands().thenCompose(c -> {
            List<RedisFuture<?>> all = new ArrayList<>();
            for (String key : ks) {
                if (deltas != null) {
                    for (Map.Entry<String, Long> e : deltas.entrySet()) {
                        if (e.getKey() != null && !e.getKey().isEmpty() && e.getValue() != null) {
                            all.add(c.hincrby(key, FIELD + e.getKey(), e.getValue()));
                        }
                    }
                }
                if (!dropped.isEmpty()) {
                    all.add(c.hdel(key, dropped.toArray(new String[0])));
                }
                all.add(c.hsetnx(key, "first", t));
                all.add(c.hset(key, "last", t));
                all.add(c.expire(key, seconds));
            }
            return CompletableFuture.allOf(all.stream().map(RedisFuture::toCompletableFuture)
                    .toArray(CompletableFuture<?>[]::new));
        }), "add");
    }

    /** {@code HGETALL} of every key, pipelined: one round trip. */
    @Override
    public CompletableFuture<Map<String, Counters>> counters(Collection<String> keys) {
        if (keys == null) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<String> names = new ArrayList<>(new LinkedHashSet<>(keys));
        names.removeIf(s -> s == null || s.isEmpty());
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return wrap(commands().thenCompose(c -> {
            List<CompletableFuture<Map<String, String>>> all = new ArrayList<>();
            for (String k : names) {
                all.add(c.hgetall(prefix + k).toCompletableFuture());
            }
            return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                Map<String, Counters> out = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    Counters r = parseCounters(all.get(i).join());
                    if (r != null) {
                        out.put(names.get(i), r);
                    }
                }
                return Collections.unmodifiableMap(out);
            });
        }), "counters");
    }

    /** A hash as a record; null when empty or without times (a hash this store did not write). */
    static Counters parseCounters(Map<String, String> h) {
        if (h == null || h.isEmpty()) {
            return null;
        }
        try {
            long first = Long.parseLong(h.getOrDefault("first", ""));
            long last = Long.parseLong(h.getOrDefault("last", Long.toString(first)));
            Map<String, Long> fields = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : h.entrySet()) {
                if (e.getKey().startsWith(FIELD)) {
                    try {
                        fields.put(e.getKey().substring(FIELD.length()), Long.parseLong(e.getValue()));
                    } catch (NumberFormatException ignored) {
                        // a foreign field: skipped
                    }
                }
            }
            return new Counters(fields, Instant.ofEpochSecond(first), Instant.ofEpochSecond(Math.max(first, last)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private List<String> keys(Collection<String> sets) {
        List<String> keys = new ArrayList<>();
        for (String s : new LinkedHashSet<>(sets)) {
            if (s != null && !s.isEmpty()) {
                keys.add(prefix + s);
            }
        }
        return keys;
    }

    private <T> CompletableFuture<T> wrap(CompletableFuture<T> f, String what) {
        CompletableFuture<T> out = new CompletableFuture<>();
        f.whenComplete((v, err) -> {
            if (err == null) {
                out.complete(v);
                return;
            }
            Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            out.completeExceptionally(e instanceof StoreException ? e
                    : new StoreException("redis " + what + " failed (" + where + "): "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e));
        });
        return out;
    }

    @Override
    public Duration retention() {
        return retention;
    }

    /** The key prefix. */
    public String prefix() {
        return prefix;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<StatefulConnection<String, String>> f = connection.get();
        try {
            if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
                f.join().close();
            } else if (f != null) {
                f.thenAccept(StatefulConnection::close);
            }
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        try {
            // lettuce's blocking shutdown() waits without a bound for every resource to close, and a connection that
            // is still being made (or re-made) can keep it waiting for ever: bound the wait ourselves.
            client.shutdownAsync(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | RuntimeException ignored) {
            // best effort: closing anyway
        }
    }
}
