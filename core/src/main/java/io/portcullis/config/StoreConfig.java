package io.portcullis.config;

import io.portcullis.store.JournalStateStore;
import io.portcullis.store.RedisStateStore;
import io.portcullis.store.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code store.*} section of the configuration: where state that outlives a message (learned
 * nameservers) is kept. Immutable.
 * <ul>
 *   <li>{@code embedded} (default): {@link JournalStateStore} in {@link #directory()} (default
 *   {@code var/portcullis/state}, relative to James's working directory); one James per directory.</li>
 *   <li>{@code redis}: {@link RedisStateStore} at {@link #redisUri()} (one server, a Sentinel group or a Cluster),
 *   shared by several James nodes.</li>
 * </ul>
 */
public final class StoreConfig {
    /** Store kinds. */
    public enum Type {
        EMBEDDED,
        REDIS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Default directory of the embedded store, relative to James's working directory. */
    public static final String DEFAULT_DIRECTORY = Keys.STORE_DIRECTORY.defaultValue();

    private final Type type;
    private final Path directory;
    private final Duration retention;
    private final Duration fsyncInterval;
    private final String redisUri;
    private final String redisPrefix;
    private final Duration redisTimeout;

    /**
     * The {@code store.*} keys; {@code ns} (parsed first) is checked against the retention: the learning window
     * cannot outlast it.
     */
    static StoreConfig parse(ConfigValues v, NameserverConfig ns) {
        Type type = v.choice(Keys.STORE_TYPE, "embedded", "redis").equals("redis") ? Type.REDIS : Type.EMBEDDED;
        Path directory = v.path(Keys.STORE_DIRECTORY.name(), v.text(Keys.STORE_DIRECTORY), false);
        int retentionDays = v.positiveInt(Keys.STORE_RETENTION);
        if (ns.settings().learnedWindow().compareTo(Duration.ofDays(retentionDays)) > 0) {
            throw v.fail(Keys.NS_LEARNED_WINDOW.name(), String.valueOf(ns.settings().learnedWindow().toDays()),
                    "the learning window cannot be longer than " + Keys.STORE_RETENTION.name() + " (" + retentionDays
                            + ")");
        }
        long fsyncMs = v.nonNegativeInt(Keys.STORE_FSYNC_INTERVAL);
        String uri = v.text(Keys.STORE_REDIS_URI);
        if (type == Type.REDIS) {
            if (uri == null) {
                throw v.fail(Keys.STORE_REDIS_URI.name(), null, Keys.STORE_TYPE.name() + " = redis needs "
                        + Keys.STORE_REDIS_URI.name() + " (" + io.portcullis.store.RedisUris.FORMS + ")");
            }
            String problem = io.portcullis.store.RedisUris.problem(uri);
            if (problem != null) {
                throw v.fail(Keys.STORE_REDIS_URI.name(), io.portcullis.store.RedisUris.redact(uri), problem);
            }
        }
        String prefix = v.text(Keys.STORE_REDIS_PREFIX);
        if (prefix.matches(".*\\s.*")) {
            throw v.fail(Keys.STORE_REDIS_PREFIX.name(), prefix, "the key prefix cannot contain spaces");
        }
        if (type == Type.REDIS && prefix.matches(".*\\{[^}]+}.*")
                && io.portcullis.store.RedisUris.mode(uri) == io.portcullis.store.RedisUris.Mode.CLUSTER) {
            throw v.fail(Keys.STORE_REDIS_PREFIX.name(), prefix, "a hash tag ({...}) in the key prefix would put every"
                    + " key in one slot of the cluster, on one node: leave it out");
        }
        return new StoreConfig(type, directory, Duration.ofDays(retentionDays), Duration.ofMillis(fsyncMs), uri,
                prefix, Duration.ofMillis(v.positiveInt(Keys.STORE_REDIS_TIMEOUT)));
    }

    private StoreConfig(Type type, Path directory, Duration retention, Duration fsyncInterval, String redisUri,
            String redisPrefix, Duration redisTimeout) {
        this.type = Objects.requireNonNull(type);
        this.directory = Objects.requireNonNull(directory);
        this.retention = Objects.requireNonNull(retention);
        this.fsyncInterval = Objects.requireNonNull(fsyncInterval);
        this.redisUri = redisUri;
        this.redisPrefix = redisPrefix == null ? RedisStateStore.DEFAULT_PREFIX : redisPrefix;
        this.redisTimeout = Objects.requireNonNull(redisTimeout);
    }

    public Type type() {
        return type;
    }

    /** The embedded store's directory as configured (may be relative: see {@link #open(Path)}). */
    public Path directory() {
        return directory;
    }

    public Duration retention() {
        return retention;
    }

    public Duration fsyncInterval() {
        return fsyncInterval;
    }

    /**
     * The Redis URI ({@code redis://host:port[/db]}, {@code redis-sentinel://host:port[,...]#master} or
     * {@code redis-cluster://host:port[,...]}: {@link io.portcullis.store.RedisUris}), or null when the store is
     * embedded.
     */
    public String redisUri() {
        return redisUri;
    }

    public String redisPrefix() {
        return redisPrefix;
    }

    public Duration redisTimeout() {
        return redisTimeout;
    }

    /** A copy of this configuration with another embedded directory. */
    public StoreConfig withDirectory(Path other) {
        return new StoreConfig(type, other, retention, fsyncInterval, redisUri, redisPrefix, redisTimeout);
    }

    /**
     * Opens the store: the embedded one in {@link #directory()} (resolved against {@code baseDirectory} when
     * relative and a base is given), or a Redis client (which connects in the background).
     *
     * @throws io.portcullis.store.StoreException when the embedded directory cannot be opened or is in use
     * @throws IllegalArgumentException when the Redis URI is not valid
     */
    public StateStore open(Path baseDirectory) {
        if (type == Type.REDIS) {
            return new RedisStateStore(redisUri, redisPrefix, retention, RedisStateStore.DEFAULT_MAX_MEMBERS,
                    redisTimeout);
        }
        return JournalStateStore.open(resolvedDirectory(baseDirectory),
                JournalStateStore.Options.DEFAULTS.withRetention(retention).withSyncInterval(fsyncInterval));
    }

    /**
     * Opens the store for reading only (tools such as {@code lookup}, while James holds it): the embedded store's
     * files as they are now, without its lock and without writing; a Redis client as {@link #open} does.
     *
     * @throws io.portcullis.store.StoreException when the embedded directory does not exist or cannot be read
     * @throws IllegalArgumentException when the Redis URI is not valid
     */
    public StateStore openForReading(Path baseDirectory) {
        if (type == Type.REDIS) {
            return open(baseDirectory);
        }
        return JournalStateStore.openReadOnly(resolvedDirectory(baseDirectory),
                JournalStateStore.Options.DEFAULTS.withRetention(retention));
    }

    /** {@link #directory()} resolved against {@code baseDirectory} when relative (and a base is given). */
    public Path resolvedDirectory(Path baseDirectory) {
        return directory.isAbsolute() || baseDirectory == null ? directory.toAbsolutePath()
                : baseDirectory.resolve(directory).toAbsolutePath().normalize();
    }

    /** Where the store is, for logs: the directory or the Redis URI without its password. */
    public String describe(Path baseDirectory) {
        if (type == Type.REDIS) {
            return "redis " + io.portcullis.store.RedisUris.redact(redisUri) + " (prefix " + redisPrefix + ")";
        }
        return "embedded " + resolvedDirectory(baseDirectory);
    }

    @Override
    public String toString() {
        return "StoreConfig{" + type.id() + ", directory=" + directory + ", retention=" + retention
                + ", fsyncInterval=" + fsyncInterval + (redisUri == null ? "" : ", redis prefix=" + redisPrefix) + "}";
    }
}
