package io.portcullis.config;

import io.portcullis.reputation.EntityKind;
import io.portcullis.reputation.ReputationSettings;

/**
 * The {@code reputation.*} keys ({@link ReputationSettings}; documented in {@link Keys}); {@code reputation.mode}
 * and {@code reputation.<kind>.mode} are mode keys ({@link ModeSettings}). Bad values fail naming the key and the
 * value.
 */
public final class ReputationConfig {
    private ReputationConfig() {
    }

    /** {@code reputation.ip.weight}, ... */
    public static String weightKey(EntityKind k) {
        return "reputation." + k.id() + ".weight";
    }

    static ReputationSettings parse(ConfigValues v) {
        ReputationSettings.Builder b = ReputationSettings.DEFAULTS.toBuilder();
        b.enabled(v.bool(Keys.REPUTATION_ENABLED));
        for (EntityKind k : EntityKind.values()) {
            ConfigKey key = Keys.find(weightKey(k));
            double w = v.number(key);
            v.check(key.name(), String.valueOf(w), () -> b.weight(k, w));
        }
        int min = v.positiveInt(Keys.REPUTATION_MIN_OBSERVATIONS);
        v.check(Keys.REPUTATION_MIN_OBSERVATIONS.name(), String.valueOf(min), () -> b.minObservations(min));
        double half = v.number(Keys.REPUTATION_HALF_LIFE);
        v.check(Keys.REPUTATION_HALF_LIFE.name(), String.valueOf(half), () -> b.halfLifeDays(half));
        int window = v.positiveInt(Keys.REPUTATION_WINDOW);
        v.check(Keys.REPUTATION_WINDOW.name(), String.valueOf(window), () -> b.windowDays(window));
        int expire = v.positiveInt(Keys.REPUTATION_EXPIRE);
        v.check(Keys.REPUTATION_EXPIRE.name(), String.valueOf(expire), () -> b.expireDays(expire));
        double good = v.number(Keys.REPUTATION_GOOD_FACTOR);
        v.check(Keys.REPUTATION_GOOD_FACTOR.name(), String.valueOf(good), () -> b.goodFactor(good));
        b.spf(v.bool(Keys.REPUTATION_SPF));
        int spfMs = v.positiveInt(Keys.REPUTATION_SPF_TIMEOUT);
        v.check(Keys.REPUTATION_SPF_TIMEOUT.name(), String.valueOf(spfMs), () -> b.spfTimeoutMs(spfMs));
        String given = v.given(Keys.REPUTATION_SPAM_FOLDER.name());
        String folder = given == null ? Keys.REPUTATION_SPAM_FOLDER.defaultValue() : given.trim();
        v.check(Keys.REPUTATION_SPAM_FOLDER.name(), folder, () -> b.spamFolder(folder));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw v.fail(Keys.REPUTATION_EXPIRE.name(), String.valueOf(expire), e.getMessage() + " ("
                    + Keys.REPUTATION_WINDOW.name() + " = " + window + ")");
        }
    }
}
