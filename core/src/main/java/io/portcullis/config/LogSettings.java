package io.portcullis.config;

import java.nio.file.Path;

/**
 * The decision log settings ({@code log.*} keys of {@code portcullis.properties}, documented in {@link Keys}), used
 * by {@code io.portcullis.log.DecisionLog} inside James. Immutable.
 */
public final class LogSettings {
    public final boolean enabled;
    /** As configured; may be relative (see {@link #resolvedDirectory(Path)}). */
    public final Path directory;
    public final int retentionDays;
    public final int queueSize;
    /** Null: the host name ({@code io.portcullis.log.LocalNode}). */
    public final String node;

    private LogSettings(boolean enabled, Path directory, int retentionDays, int queueSize, String node) {
        this.enabled = enabled;
        this.directory = directory;
        this.retentionDays = retentionDays;
        this.queueSize = queueSize;
        this.node = node;
    }

    /** The {@code log.*} keys. */
    static LogSettings parse(ConfigValues v) {
        String n = v.text(Keys.LOG_NODE);
        if (n != null && !n.matches("[A-Za-z0-9._:-]{1,100}")) {
            throw v.fail(Keys.LOG_NODE.name(), n, "expected letters, digits, '.', '_', ':' or '-' (at most 100)");
        }
        return new LogSettings(v.bool(Keys.LOG_ENABLED), v.path(Keys.LOG_DIRECTORY.name(), v.text(Keys.LOG_DIRECTORY),
                false), v.nonNegativeInt(Keys.LOG_RETENTION), v.positiveInt(Keys.LOG_QUEUE_SIZE), n);
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
