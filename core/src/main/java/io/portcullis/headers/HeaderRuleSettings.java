package io.portcullis.headers;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which header rules are on and what each scores. Immutable; {@link #defaults()} enables every rule at
 * its default score.
 */
public final class HeaderRuleSettings {
    private static final HeaderRuleSettings DEFAULTS = new HeaderRuleSettings(allDefaults());

    private final Map<HeaderRule, Double> scores;

    private HeaderRuleSettings(EnumMap<HeaderRule, Double> scores) {
        this.scores = Collections.unmodifiableMap(scores);
    }

    private static EnumMap<HeaderRule, Double> allDefaults() {
        EnumMap<HeaderRule, Double> m = new EnumMap<>(HeaderRule.class);
        for (HeaderRule r : HeaderRule.values()) {
            m.put(r, r.defaultScore());
        }
        return m;
    }

    public static HeaderRuleSettings defaults() {
        return DEFAULTS;
    }

    /** A copy with {@code rule} enabled at {@code score}. */
    public HeaderRuleSettings withScore(HeaderRule rule, double score) {
        EnumMap<HeaderRule, Double> m = new EnumMap<>(HeaderRule.class);
        m.putAll(scores);
        m.put(rule, score);
        return new HeaderRuleSettings(m);
    }

    /** A copy with {@code rule} switched off. */
    public HeaderRuleSettings withDisabled(HeaderRule rule) {
        EnumMap<HeaderRule, Double> m = new EnumMap<>(HeaderRule.class);
        m.putAll(scores);
        m.remove(rule);
        return new HeaderRuleSettings(m);
    }

    public boolean enabled(HeaderRule rule) {
        return scores.containsKey(rule);
    }

    /** The configured score, or empty when the rule is switched off. */
    public Optional<Double> score(HeaderRule rule) {
        return Optional.ofNullable(scores.get(rule));
    }

    @Override
    public String toString() {
        return "HeaderRuleSettings" + scores;
    }
}
