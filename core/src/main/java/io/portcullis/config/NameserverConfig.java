package io.portcullis.config;

import io.portcullis.nameservers.NameserverSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code nameservers.*} section of the configuration: whether the shared-spam-nameserver check runs,
 * its {@link NameserverSettings} (caps, scores, {@code ns-name:}/{@code ns-ip:} lists, learning
 * thresholds, allow list), the operator's local list file and whether the learned source is consulted.
 * Immutable.
 */
public final class NameserverConfig {
    /** Off; all other values at their defaults. */
    public static final NameserverConfig DEFAULTS = new NameserverConfig(false, NameserverSettings.DEFAULTS, null,
            true, Duration.ofSeconds(5));

    private final boolean enabled;
    private final NameserverSettings settings;
    private final Path localList;
    private final boolean learnedEnabled;
    private final Duration localListCheckInterval;

    public NameserverConfig(boolean enabled, NameserverSettings settings, Path localList, boolean learnedEnabled,
            Duration localListCheckInterval) {
        this.enabled = enabled;
        this.settings = Objects.requireNonNull(settings);
        this.localList = localList;
        this.learnedEnabled = learnedEnabled;
        this.localListCheckInterval = Objects.requireNonNull(localListCheckInterval);
    }

    /** {@code nameservers.enabled}: run the check on every mail (default false). */
    public boolean enabled() {
        return enabled;
    }

    public NameserverSettings settings() {
        return settings;
    }

    /** {@code nameservers.local-list}: the operator's list file (absolute once parsed from a file). */
    public Optional<Path> localList() {
        return Optional.ofNullable(localList);
    }

    /** {@code nameservers.learned.enabled}: consult (and allow learning into) the state store (default true). */
    public boolean learnedEnabled() {
        return learnedEnabled;
    }

    /** How often the local list file's modification time is checked (5 s). */
    public Duration localListCheckInterval() {
        return localListCheckInterval;
    }

    public NameserverConfig withEnabled(boolean on) {
        return new NameserverConfig(on, settings, localList, learnedEnabled, localListCheckInterval);
    }

    public NameserverConfig withSettings(NameserverSettings other) {
        return new NameserverConfig(enabled, other, localList, learnedEnabled, localListCheckInterval);
    }

    public NameserverConfig withLocalList(Path file) {
        return new NameserverConfig(enabled, settings, file, learnedEnabled, localListCheckInterval);
    }

    public NameserverConfig withLearnedEnabled(boolean on) {
        return new NameserverConfig(enabled, settings, localList, on, localListCheckInterval);
    }

    @Override
    public String toString() {
        return "NameserverConfig{enabled=" + enabled + ", localList=" + localList + ", learned=" + learnedEnabled + ", "
                + settings + "}";
    }
}
