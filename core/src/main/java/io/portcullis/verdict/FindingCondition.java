package io.portcullis.verdict;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The condition of a Portcullis matcher ({@code <mailet match="io.portcullis.matchers.X=CONDITION">}), judged
 * against the enforced findings of one check (observed ones never count) and, for matcher-specific items, some
 * evidence {@code E} of the mail (e.g. its network owners).
 *
 * <p>Syntax: tokens separated by commas and/or white space (commas only for a matcher whose items hold spaces,
 * {@link Syntax#commasOnly()}); the condition holds if any token holds.
 * <ul>
 *   <li>a number ({@code 4}, {@code 2.5}, {@code -1}, {@code .5}): the minimum summed score of the check's
 *       findings (negative scores count; no finding never reaches it). At most one.</li>
 *   <li>an id of the matcher's kinds ({@link #ids ids}: rule, list or source ids, whose case does not matter;
 *       or a matcher-specific {@link Kind}, e.g. {@code AS64496}): the kinds are tried in their order.</li>
 *   <li>no condition (absent, empty or blank): the matcher's {@link Syntax#defaultMinimum default minimum score}
 *       if it has one, else any finding with a positive score.</li>
 * </ul>
 * A bad condition fails with one message: {@code <Matcher>: bad condition '<condition>': token '<token>': <why>}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <E> the matcher-specific evidence its {@link Kind}s are tested against ({@code Void} when none)
 */
public final class FindingCondition<E> {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)");

    /**
     * One kind of token a matcher accepts beside the minimum score.
     *
     * @param <E> the evidence items of this kind are tested against
     * @param <T> a parsed item
     */
    public interface Kind<E, T> {
        /** What the token looks like, for the error message: {@code "AS<n>"}. */
        String describe();

        /**
         * The item a token stands for, or null when the token is not of this kind.
         *
         * @throws IllegalArgumentException the token is of this kind but bad (the message says why)
         */
        T parse(String token);

        /** True when the item holds for these findings (of the check) and this evidence. */
        boolean test(T item, List<Finding> findings, E evidence);

        /** True when {@link #test} reads the evidence (else it is not computed). */
        default boolean needsEvidence() {
            return false;
        }
    }

    /**
     * A kind tested against the matcher-specific evidence only.
     *
     * @param parse the item a token stands for, null when not of this kind; throws IllegalArgumentException when
     *     of this kind but bad
     */
    public static <E, T> Kind<E, T> onEvidence(String describe, Function<String, T> parse, BiPredicate<T, E> test) {
        return kind(describe, parse, (item, findings, evidence) -> test.test(item, evidence), true);
    }

    /** A kind tested against the check's findings only (see {@link #onEvidence} for {@code parse}). */
    public static <E, T> Kind<E, T> onFindings(String describe, Function<String, T> parse,
            BiPredicate<T, List<Finding>> test) {
        return kind(describe, parse, (item, findings, evidence) -> test.test(item, findings), false);
    }

    private interface Test<E, T> {
        boolean test(T item, List<Finding> findings, E evidence);
    }

    private static <E, T> Kind<E, T> kind(String describe, Function<String, T> parse, Test<E, T> test,
            boolean needsEvidence) {
        return new Kind<E, T>() {
            @Override
            public String describe() {
                return describe;
            }

            @Override
            public T parse(String token) {
                return parse.apply(token);
            }

            @Override
            public boolean test(T item, List<Finding> findings, E evidence) {
                return test.test(item, findings, evidence);
            }

            @Override
            public boolean needsEvidence() {
                return needsEvidence;
            }
        };
    }

    /**
     * Ids named by findings ({@link Finding#rule()}): rule, list or source ids, matched case-insensitively and kept
     * in their known spelling. An id holds when a finding names it; with {@code positiveOnly}, only a finding with
     * a positive score (a negative one is a "known good" signal).
     */
    public static <E> Kind<E, String> ids(String what, Collection<String> known, boolean positiveOnly) {
        List<String> ids = List.copyOf(known);
        return onFindings(what + " (" + String.join(", ", ids) + ")",
                token -> ids.stream().filter(id -> id.equalsIgnoreCase(token)).findFirst().orElse(null),
                (id, findings) -> findings.stream().anyMatch(f -> id.equals(f.rule())
                        && (!positiveOnly || f.score() > 0)));
    }

    /** The syntax of one matcher's condition: its item kinds and its default. Immutable; build with {@link #syntax}. */
    public static final class Syntax<E> {
        private final List<Kind<E, ?>> kinds;
        private final String scoreName;
        private final Double defaultMinimum;
        private final String separator;

        private Syntax(List<Kind<E, ?>> kinds, String scoreName, Double defaultMinimum, String separator) {
            this.kinds = kinds;
            this.scoreName = scoreName;
            this.defaultMinimum = defaultMinimum;
            this.separator = separator;
        }

        /** Adds a kind of token, tried after those added before. */
        public Syntax<E> with(Kind<E, ?> kind) {
            List<Kind<E, ?>> more = new ArrayList<>(kinds);
            more.add(kind);
            return new Syntax<>(List.copyOf(more), scoreName, defaultMinimum, separator);
        }

        /** What the number is called in messages ({@code score} unless set, e.g. {@code weight}). */
        public Syntax<E> scoreName(String name) {
            return new Syntax<>(kinds, name, defaultMinimum, separator);
        }

        /** No condition means this minimum score (instead of any positive finding). */
        public Syntax<E> defaultMinimum(double minimum) {
            return new Syntax<>(kinds, scoreName, minimum, separator);
        }

        /** Tokens are separated by commas only (white space around them is dropped): items may hold spaces. */
        public Syntax<E> commasOnly() {
            return new Syntax<>(kinds, scoreName, defaultMinimum, "\\s*,\\s*");
        }

        /**
         * Parses a condition.
         *
         * @param matcher the matcher's name, for the error message
         * @param condition the condition text; null or blank is no condition
         * @throws IllegalArgumentException {@code <matcher>: bad condition '<condition>': token '<token>': <why>}
         */
        public FindingCondition<E> parse(String matcher, String condition) {
            String text = condition == null ? "" : condition.trim();
            Double min = null;
            Map<Kind<E, ?>, List<Object>> items = new LinkedHashMap<>();
            for (String token : text.split(separator)) {
                if (token.isEmpty()) {
                    continue;
                }
                if (NUMBER.matcher(token).matches()) {
                    double d = Double.parseDouble(token);
                    if (Double.isInfinite(d)) {
                        throw bad(matcher, condition, token, "not a finite number");
                    }
                    if (min != null) {
                        throw bad(matcher, condition, token, "only one minimum " + scoreName + " may be given");
                    }
                    min = d;
                } else {
                    add(items, parseItem(matcher, condition, token));
                }
            }
            if (min == null && items.isEmpty()) {
                return new FindingCondition<>(defaultMinimum, Map.of(), true);
            }
            return new FindingCondition<>(min, items, false);
        }

        private Map.Entry<Kind<E, ?>, Object> parseItem(String matcher, String condition, String token) {
            List<String> expected = new ArrayList<>();
            expected.add("a minimum " + scoreName);
            for (Kind<E, ?> k : kinds) {
                Object item;
                try {
                    item = k.parse(token);
                } catch (IllegalArgumentException e) {
                    throw bad(matcher, condition, token, e.getMessage());
                }
                if (item != null) {
                    return Map.entry(k, item);
                }
                expected.add(k.describe());
            }
            throw bad(matcher, condition, token, "not " + String.join(", ", expected.subList(0, expected.size() - 1))
                    + (expected.size() > 1 ? " or " : "") + expected.get(expected.size() - 1));
        }

        private static <E> void add(Map<Kind<E, ?>, List<Object>> items, Map.Entry<Kind<E, ?>, Object> item) {
            List<Object> list = items.computeIfAbsent(item.getKey(), k -> new ArrayList<>());
            if (!list.contains(item.getValue())) {
                list.add(item.getValue());
            }
        }

        private static IllegalArgumentException bad(String matcher, String condition, String token, String why) {
            return new IllegalArgumentException(matcher + ": bad condition '" + condition + "': token '" + token
                    + "': " + why);
        }
    }

    /** A syntax with no kinds yet: only a minimum score; no condition means any positive finding. */
    public static <E> Syntax<E> syntax() {
        return new Syntax<>(List.of(), "score", null, "[,\\s]+");
    }

    private final Double minScore;
    private final Map<Kind<E, ?>, List<Object>> items;
    private final boolean isDefault;

    private FindingCondition(Double minScore, Map<Kind<E, ?>, List<Object>> items, boolean isDefault) {
        this.minScore = minScore;
        Map<Kind<E, ?>, List<Object>> copy = new LinkedHashMap<>();
        items.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.items = Collections.unmodifiableMap(copy);
        this.isDefault = isDefault;
    }

    /** The minimum summed score, or null when none applies. */
    public Double minScore() {
        return minScore;
    }

    /** True when no condition was given (the default applies). */
    public boolean isDefault() {
        return isDefault;
    }

    /** The items of one kind, in the order given, without repeats. */
    @SuppressWarnings("unchecked")
    public <T> List<T> items(Kind<E, T> kind) {
        return (List<T>) items.getOrDefault(kind, List.of());
    }

    /** True when judging needs the check's findings (a score, an item reading findings, or the default). */
    public boolean needsFindings() {
        if (minScore != null || isDefault) {
            return true;
        }
        for (Kind<E, ?> k : items.keySet()) {
            if (!k.needsEvidence()) {
                return true;
            }
        }
        return false;
    }

    /** True when judging needs the matcher-specific evidence. */
    public boolean needsEvidence() {
        for (Kind<E, ?> k : items.keySet()) {
            if (k.needsEvidence()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Judges the condition.
     *
     * @param findings the enforced findings of the matcher's check
     * @param evidence the matcher-specific evidence, asked for only when {@link #needsEvidence()}
     */
    public boolean matches(List<Finding> findings, Supplier<? extends E> evidence) {
        E ev = needsEvidence() ? evidence.get() : null;
        for (Map.Entry<Kind<E, ?>, List<Object>> e : items.entrySet()) {
            if (anyHolds(e.getKey(), e.getValue(), findings, ev)) {
                return true;
            }
        }
        double sum = 0;
        boolean anyPositive = false;
        for (Finding f : findings) {
            sum += f.score();
            anyPositive |= f.score() > 0;
        }
        if (minScore != null) {
            return !findings.isEmpty() && Math.round(sum * 1000.0) / 1000.0 >= minScore;
        }
        return isDefault && anyPositive;
    }

    @SuppressWarnings("unchecked")
    private static <E, T> boolean anyHolds(Kind<E, T> kind, List<Object> items, List<Finding> findings, E evidence) {
        for (Object item : items) {
            if (kind.test((T) item, findings, evidence)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(isDefault ? "default" : "");
        if (minScore != null) {
            sb.append(sb.length() > 0 ? " " : "").append(">= ").append(minScore);
        }
        items.values().forEach(v -> v.forEach(i -> sb.append(sb.length() > 0 ? " " : "").append(i)));
        return sb.toString();
    }
}
