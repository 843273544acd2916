package io.portcullis.config;

import io.portcullis.reputation.EntityKind;
import io.portcullis.reputation.ReputationSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code reputation.*} keys ({@link ReputationSettings} documents them); {@code reputation.mode} and
 * {@code reputation.<kind>.mode} are mode keys ({@link ModeSettings}). Unknown keys and bad values fail naming the
 * key and the value.
 */
public final class ReputationConfig {
    public static final String PREFIX = "reputation.";
    public static final String ENABLED = "reputation.enabled";
    public static final String MIN_OBSERVATIONS = "reputation.min-observations";
    public static final String HALF_LIFE = "reputation.half-life-days";
    public static final String WINDOW = "reputation.window-days";
    public static final String EXPIRE = "reputation.expire-days";
    public static final String GOOD_FACTOR = "reputation.good-factor";
    public static final String SPF = "reputation.spf";
    public static final String SPF_TIMEOUT = "reputation.spf.timeout-ms";
    public static final String SPAM_FOLDER = "reputation.spam-folder";

    private ReputationConfig() {
    }

    /** {@code reputation.ip.weight}, ... */
    public static String weightKey(EntityKind k) {
        return PREFIX + k.id() + ".weight";
    }

    static List<String> keys() {
        List<String> keys = new ArrayList<>(List.of(ENABLED, MIN_OBSERVATIONS, HALF_LIFE, WINDOW, EXPIRE, GOOD_FACTOR,
                SPF, SPF_TIMEOUT, SPAM_FOLDER));
        for (EntityKind k : EntityKind.values()) {
            keys.add(weightKey(k));
        }
        return keys;
    }

    static ReputationSettings parse(Map<String, String> v, String source) {
        List<String> known = keys();
        for (String k : v.keySet()) {
            if (k.startsWith(PREFIX) && !known.contains(k)) {
                throw new ConfigException(source, k, v.get(k), "unknown key (known reputation keys: "
                        + String.join(", ", known) + ", reputation.mode, reputation.<kind>.mode)");
            }
        }
        ReputationSettings.Builder b = ReputationSettings.DEFAULTS.toBuilder();
        b.enabled(PortcullisConfig.bool(v, source, ENABLED, true));
        for (EntityKind k : EntityKind.values()) {
            String key = weightKey(k);
            double w = PortcullisConfig.number(v, source, key, ReputationSettings.DEFAULTS.weight(k));
            apply(source, key, String.valueOf(w), () -> b.weight(k, w));
        }
        String s = v.get(MIN_OBSERVATIONS);
        if (s != null && !s.isEmpty()) {
            int n = PortcullisConfig.positiveInt(v, source, MIN_OBSERVATIONS, 5);
            b.minObservations(n);
        }
        double half = PortcullisConfig.number(v, source, HALF_LIFE, ReputationSettings.DEFAULTS.halfLifeDays());
        apply(source, HALF_LIFE, String.valueOf(half), () -> b.halfLifeDays(half));
        int window = PortcullisConfig.positiveInt(v, source, WINDOW, ReputationSettings.DEFAULTS.windowDays());
        apply(source, WINDOW, String.valueOf(window), () -> b.windowDays(window));
        int expire = PortcullisConfig.positiveInt(v, source, EXPIRE, ReputationSettings.DEFAULTS.expireDays());
        apply(source, EXPIRE, String.valueOf(expire), () -> b.expireDays(expire));
        double good = PortcullisConfig.number(v, source, GOOD_FACTOR, ReputationSettings.DEFAULTS.goodFactor());
        apply(source, GOOD_FACTOR, String.valueOf(good), () -> b.goodFactor(good));
        b.spf(PortcullisConfig.bool(v, source, SPF, true));
        int spfMs = PortcullisConfig.positiveInt(v, source, SPF_TIMEOUT, (int) ReputationSettings.DEFAULTS.spfTimeoutMs());
        apply(source, SPF_TIMEOUT, String.valueOf(spfMs), () -> b.spfTimeoutMs(spfMs));
        String folder = v.get(SPAM_FOLDER);
        if (folder != null) {
            apply(source, SPAM_FOLDER, folder, () -> b.spamFolder(folder));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, EXPIRE, String.valueOf(expire), e.getMessage() + " (" + WINDOW + " = "
                    + window + ")");
        }
    }

    private static void apply(String source, String key, String value, Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, key, value, e.getMessage());
        }
    }
}
