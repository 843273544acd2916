package io.portcullis.verdict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which checks, lists and rules run in <em>observe</em> mode: their findings are computed, attached and logged
 * (with the action they <em>would</em> have caused), but they add nothing to the score that decides, so mail is
 * accepted and left untouched by them. Everything else is enforced. Immutable.
 *
 * <p>A finding is observed when its whole check is ({@code headers}, {@code dnsbl}, {@code nameservers},
 * {@code smtp}), or when its rule is: a header rule id, a DNS list id (check {@code dnsbl}), a nameserver source
 * (check {@code nameservers}: {@code local-list}, {@code learned}, {@code ns-name:<id>}, {@code ns-ip:<id>}), or
 * {@code PREGREET} (check {@code smtp}, the greeting test).
 */
public final class CheckModes {
    /** Everything enforced (the default). */
    public static final CheckModes ENFORCE_ALL = new CheckModes(Set.of(), Map.of());

    private final Set<String> checks;
    private final Map<String, Set<String>> rules;

    private CheckModes(Set<String> checks, Map<String, Set<String>> rules) {
        this.checks = checks;
        this.rules = rules;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when nothing is observed. */
    public boolean enforcesAll() {
        return checks.isEmpty() && rules.isEmpty();
    }

    /** The whole check ({@code headers}, {@code dnsbl}, ...) is observed. */
    public boolean observesCheck(String check) {
        return checks.contains(check);
    }

    /** The rule (list id, header rule, nameserver source) of {@code check} is observed, or its whole check is. */
    public boolean observes(String check, String rule) {
        if (checks.contains(check)) {
            return true;
        }
        Set<String> r = rules.get(check);
        return r != null && r.contains(rule);
    }

    /** The finding comes from an observed check, list or rule. */
    public boolean observes(Finding f) {
        return observes(f.check(), f.rule());
    }

    /** The enforced findings of {@code findings}, in order. */
    public List<Finding> enforced(List<Finding> findings) {
        if (enforcesAll()) {
            return findings;
        }
        List<Finding> out = new ArrayList<>(findings.size());
        for (Finding f : findings) {
            if (!observes(f)) {
                out.add(f);
            }
        }
        return out;
    }

    /** The observed findings of {@code findings}, in order. */
    public List<Finding> observed(List<Finding> findings) {
        if (enforcesAll()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            if (observes(f)) {
                out.add(f);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        if (enforcesAll()) {
            return "CheckModes{enforce all}";
        }
        return "CheckModes{observe checks=" + checks + ", rules=" + rules + "}";
    }

    /** Collects observed checks and rules. */
    public static final class Builder {
        private final Set<String> checks = new TreeSet<>();
        private final Map<String, Set<String>> rules = new TreeMap<>();

        private Builder() {
        }

        /** Observe the whole check. */
        public Builder observeCheck(String check) {
            checks.add(check);
            return this;
        }

        /** Observe one rule (list id, header rule id, nameserver source) of a check. */
        public Builder observeRule(String check, String rule) {
            rules.computeIfAbsent(check, k -> new TreeSet<>()).add(rule);
            return this;
        }

        public CheckModes build() {
            if (checks.isEmpty() && rules.isEmpty()) {
                return ENFORCE_ALL;
            }
            Map<String, Set<String>> r = new TreeMap<>();
            rules.forEach((k, v) -> r.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
            return new CheckModes(Collections.unmodifiableSet(new TreeSet<>(checks)), Collections.unmodifiableMap(r));
        }
    }
}
