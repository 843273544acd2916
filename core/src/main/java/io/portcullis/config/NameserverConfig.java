package io.portcullis.config;

import io.portcullis.nameservers.LocalNsList;
import io.portcullis.nameservers.NameserverSettings;
import io.portcullis.nameservers.NsAllowList;
import io.portcullis.dnsbl.ListSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code nameservers.*} section of the configuration: whether the shared-spam-nameserver check runs,
 * its {@link NameserverSettings} (caps, scores, {@code ns-name:}/{@code ns-ip:} lists, learning
 * thresholds, allow list), the operator's local list file and whether the learned source is consulted.
 * Immutable.
 */
public final class NameserverConfig {
    private final boolean enabled;
    private final NameserverSettings settings;
    private final Path localList;
    private final boolean learnedEnabled;
    private final Duration localListCheckInterval;

    private NameserverConfig(boolean enabled, NameserverSettings settings, Path localList, boolean learnedEnabled,
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

    /** The {@code nameservers.*} keys (lists: {@link ListKeys}). */
    static NameserverConfig parse(ConfigValues v) {
        List<ListSpec> lists = ListKeys.NAMESERVERS.parse(v);
        NameserverSettings.Builder b = NameserverSettings.builder();
        int names = v.positiveInt(Keys.NS_MAX_NAMES);
        v.check(Keys.NS_MAX_NAMES.name(), v.given(Keys.NS_MAX_NAMES.name()), () -> b.maxNames(names));
        int hosts = v.positiveInt(Keys.NS_MAX_HOSTS);
        v.check(Keys.NS_MAX_HOSTS.name(), v.given(Keys.NS_MAX_HOSTS.name()), () -> b.maxHosts(hosts));
        int addresses = v.positiveInt(Keys.NS_MAX_ADDRESSES);
        v.check(Keys.NS_MAX_ADDRESSES.name(), v.given(Keys.NS_MAX_ADDRESSES.name()), () -> b.maxAddresses(addresses));
        b.localListScore(v.number(Keys.NS_LOCAL_LIST_SCORE));
        b.learnedScore(v.number(Keys.NS_LEARNED_SCORE));
        b.lists(lists);
        int domains = v.positiveInt(Keys.NS_LEARNED_MIN_SPAM_DOMAINS);
        v.check(Keys.NS_LEARNED_MIN_SPAM_DOMAINS.name(), v.given(Keys.NS_LEARNED_MIN_SPAM_DOMAINS.name()),
                () -> b.learnedMinSpamDomains(domains));
        double ratio = v.number(Keys.NS_LEARNED_MIN_SPAM_RATIO);
        v.check(Keys.NS_LEARNED_MIN_SPAM_RATIO.name(), v.given(Keys.NS_LEARNED_MIN_SPAM_RATIO.name()),
                () -> b.learnedMinSpamRatio(ratio));
        b.learnedWindow(Duration.ofDays(v.positiveInt(Keys.NS_LEARNED_WINDOW)));
        String allow = v.text(Keys.NS_LEARNED_ALLOW);
        String base = allow.equalsIgnoreCase("default") ? String.join(" ", NsAllowList.DEFAULT_ENTRIES)
                : allow.equalsIgnoreCase("none") ? "" : allow;
        v.parsed(Keys.NS_LEARNED_ALLOW.name(), v.given(Keys.NS_LEARNED_ALLOW.name()), s -> NsAllowList.parse(base));
        String extra = v.given(Keys.NS_LEARNED_ALLOW_EXTRA.name());
        String all = base + " " + (extra == null ? "" : extra);
        b.allowList(v.parsed(Keys.NS_LEARNED_ALLOW_EXTRA.name(), extra == null ? "" : extra,
                s -> NsAllowList.parse(all)));
        String ll = v.text(Keys.NS_LOCAL_LIST);
        Path localList = ll == null ? null : v.path(Keys.NS_LOCAL_LIST.name(), ll, true);
        return new NameserverConfig(v.bool(Keys.NS_ENABLED), b.build(), localList, v.bool(Keys.NS_LEARNED_ENABLED),
                LocalNsList.DEFAULT_CHECK_INTERVAL);
    }

    @Override
    public String toString() {
        return "NameserverConfig{enabled=" + enabled + ", localList=" + localList + ", learned=" + learnedEnabled + ", "
                + settings + "}";
    }
}
