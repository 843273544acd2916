package io.portcullis.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * The decision log settings ({@code log.*} keys of {@code portcullis.properties}), used by
 * {@code io.portcullis.log.DecisionLog} inside James. Immutable.
 *
 * <pre>
 * log.enabled         = true                     # one JSON line per decision (SMTP time and pipeline)
 * log.directory       = var/portcullis/decisions # daily files decisions-YYYY-MM-DD.jsonl; relative to James's working directory
 * log.retention-days  = 30                       # files older than this are deleted (0 = keep all)
 * log.queue-size      = 10000                    # decisions waiting for the writer; beyond, dropped and counted
 * log.node            =                          # this James's name in the log; default: the host name (no DNS)
 * </pre>
 */
public final class LogSettings {
    public static final String PREFIX = "log.";
    public static final String ENABLED = "log.enabled";
    public static final String DIRECTORY = "log.directory";
    public static final String RETENTION = "log.retention-days";
    public static final String QUEUE_SIZE = "log.queue-size";
    public static final String NODE = "log.node";
    public static final String DEFAULT_DIRECTORY = "var/portcullis/decisions";

    private static final List<String> KEYS = List.of(ENABLED, DIRECTORY, RETENTION, QUEUE_SIZE, NODE);

    /** Defaults (built without touching PortcullisConfig, whose own defaults refer to these). */
    public static final LogSettings DEFAULTS = new LogSettings(true, Paths.get(DEFAULT_DIRECTORY), 30, 10000, null);

    public final boolean enabled;
    /** As configured; may be relative (see {@link #resolvedDirectory(Path)}). */
    public final Path directory;
    public final int retentionDays;
    public final int queueSize;
    /** Null: the host name ({@code io.portcullis.log.LocalNode}). */
    public final String node;

    public LogSettings(boolean enabled, Path directory, int retentionDays, int queueSize, String node) {
        this.enabled = enabled;
        this.directory = directory;
        this.retentionDays = retentionDays;
        this.queueSize = queueSize;
        this.node = node;
    }

    /** A copy writing to another directory (tests, tools). */
    public LogSettings withDirectory(Path other) {
        return new LogSettings(enabled, other, retentionDays, queueSize, node);
    }

    private LogSettings(Map<String, String> v, String source) {
        enabled = PortcullisConfig.bool(v, source, ENABLED, true);
        String dir = v.get(DIRECTORY);
        try {
            directory = Paths.get(dir == null || dir.isEmpty() ? DEFAULT_DIRECTORY : dir);
        } catch (InvalidPathException e) {
            throw new ConfigException(source, DIRECTORY, dir, "not a path: " + e.getMessage());
        }
        String r = v.get(RETENTION);
        retentionDays = r == null || r.isEmpty() ? 30 : PortcullisConfig.nonNegativeInt(source, RETENTION, r);
        queueSize = PortcullisConfig.positiveInt(v, source, QUEUE_SIZE, 10000);
        String n = v.get(NODE);
        if (n != null && !n.isEmpty() && !n.matches("[A-Za-z0-9._:-]{1,100}")) {
            throw new ConfigException(source, NODE, n, "expected letters, digits, '.', '_', ':' or '-' (at most 100)");
        }
        node = n == null || n.isEmpty() ? null : n;
    }

    /** Parses the {@code log.*} keys of {@code values} (other keys are ignored; unknown {@code log.*} keys fail). */
    public static LogSettings parse(Map<String, String> values, String source) {
        for (String k : values.keySet()) {
            if (k.startsWith(PREFIX) && !KEYS.contains(k)) {
                throw ConfigException.unknownKey(source, k, values.get(k), KEYS);
            }
        }
        return new LogSettings(values, source);
    }

    public static List<String> keys() {
        return KEYS;
    }

    /** {@link #directory} resolved against {@code base} when relative (and a base is given). */
    public Path resolvedDirectory(Path base) {
        return directory.isAbsolute() || base == null ? directory.toAbsolutePath()
                : base.resolve(directory).toAbsolutePath().normalize();
    }

    @Override
    public String toString() {
        return "LogSettings{" + (enabled ? "enabled" : "disabled") + ", " + directory + ", " + retentionDays
                + " days, queue " + queueSize + (node == null ? "" : ", node " + node) + "}";
    }
}
