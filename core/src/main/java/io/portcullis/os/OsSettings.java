package io.portcullis.os;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code os.*} section: the passive OS fingerprint check through a p0f 3 daemon's API socket (its timeout, retry
 * window and in-flight cap) and the policies ({@link OsRules}). Immutable.
 */
public final class OsSettings {
    public static final Path DEFAULT_SOCKET = Paths.get("/var/run/p0f.sock");

    /** Off, the default socket, 500 ms timeout, 400 ms retry window, 200 in flight, no policy. */
    public static final OsSettings DEFAULTS = new OsSettings(false, DEFAULT_SOCKET, Duration.ofMillis(500),
            Duration.ofMillis(400), 200, OsRules.NONE);

    private final boolean enabled;
    private final Path socket;
    private final Duration timeout;
    private final Duration retry;
    private final int maxInFlight;
    private final OsRules rules;

    public OsSettings(boolean enabled, Path socket, Duration timeout, Duration retry, int maxInFlight,
            OsRules rules) {
        this.enabled = enabled;
        this.socket = Objects.requireNonNull(socket);
        if (timeout.isNegative() || timeout.isZero() || retry.isNegative() || maxInFlight <= 0) {
            throw new IllegalArgumentException("timeout and in-flight cap must be positive, the retry window not negative");
        }
        this.timeout = timeout;
        this.retry = retry;
        this.maxInFlight = maxInFlight;
        this.rules = Objects.requireNonNull(rules);
    }

    /** {@code os.enabled} (default false). */
    public boolean enabled() {
        return enabled;
    }

    /** {@code os.socket}: p0f's API socket ({@code p0f -s PATH}). */
    public Path socket() {
        return socket;
    }

    /** {@code os.timeout-ms}: the longest wait for one lookup, retries included. */
    public Duration timeout() {
        return timeout;
    }

    /** {@code os.retry-ms}: how long "no record" is asked again (p0f has not seen the SYN yet). */
    public Duration retry() {
        return retry;
    }

    /** {@code os.max-in-flight}. */
    public int maxInFlight() {
        return maxInFlight;
    }

    public OsRules rules() {
        return rules;
    }

    /** True when lookups should run on mail: enabled and some policy can score. */
    public boolean scoresAnything() {
        return enabled && !rules.isEmpty();
    }

    public OsSettings withEnabled(boolean on) {
        return new OsSettings(on, socket, timeout, retry, maxInFlight, rules);
    }

    public OsSettings withSocket(Path other) {
        return new OsSettings(enabled, other, timeout, retry, maxInFlight, rules);
    }

    public OsSettings withRules(OsRules other) {
        return new OsSettings(enabled, socket, timeout, retry, maxInFlight, other);
    }

    @Override
    public String toString() {
        return "OsSettings{enabled=" + enabled + ", socket=" + socket + ", timeout=" + timeout.toMillis() + "ms, retry="
                + retry.toMillis() + "ms, maxInFlight=" + maxInFlight + ", " + rules + "}";
    }
}
