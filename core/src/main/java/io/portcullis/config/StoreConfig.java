package io.portcullis.config;

import io.portcullis.store.JournalStateStore;
import io.portcullis.store.RedisStateStore;
import io.portcullis.store.StateStore;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code store.*} section of the configuration: where state that outlives a message (learned
 * nameservers) is kept. Immutable.
 * <ul>
 *   <li>{@code embedded} (default): {@link JournalStateStore} in {@link #directory()} (default
 *   {@code var/portcullis/state}, relative to James's working directory); one James per directory.</li>
 *   <li>{@code redis}: {@link RedisStateStore} at {@link #redisUri()}, shared by several James nodes.</li>
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
    public static final String DEFAULT_DIRECTORY = "var/portcullis/state";
    /** Defaults: embedded in var/portcullis/state, 30 days, fsync every second. */
    public static final StoreConfig DEFAULTS = new StoreConfig(Type.EMBEDDED, Paths.get(DEFAULT_DIRECTORY),
            Duration.ofDays(30), Duration.ofSeconds(1), null, RedisStateStore.DEFAULT_PREFIX,
            Duration.ofMillis(500)); // = RedisStateStore.DEFAULT_TIMEOUT, written out: reading it would load lettuce
                                     // classes, which the offline commands do not have

    private final Type type;
    private final Path directory;
    private final Duration retention;
    private final Duration fsyncInterval;
    private final String redisUri;
    private final String redisPrefix;
    private final Duration redisTimeout;

    public StoreConfig(Type type, Path directory, Duration retention, Duration fsyncInterval, String redisUri,
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

    /** The Redis URI ({@code redis://host:port[/db]}), or null when the store is embedded. */
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
            return "redis " + String.valueOf(redisUri).replaceAll("//[^@/]*@", "//***@") + " (prefix " + redisPrefix + ")";
        }
        return "embedded " + resolvedDirectory(baseDirectory);
    }

    @Override
    public String toString() {
        return "StoreConfig{" + type.id() + ", directory=" + directory + ", retention=" + retention
                + ", fsyncInterval=" + fsyncInterval + (redisUri == null ? "" : ", redis prefix=" + redisPrefix) + "}";
    }
}
