package io.portcullis.reputation;

import io.portcullis.store.Counters;
import io.portcullis.verdict.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reputation as findings, and what to learn. Pure and thread-safe.
 *
 * <h2>Score</h2>
 * For an entity with at least {@code min-observations} outcomes in the window: {@code bad} and {@code good} are the
 * time-decayed sums of its outcomes weighted as {@link Outcome} says (refused 1, tagged 0.5, reported spam 3 on the
 * bad side; clean 1, reported not-spam 3 on the good side) and {@code ratio = bad / (bad + good)}. The finding
 * (check {@value #CHECK}, rule = the kind, e.g. {@code IP}) scores {@code weight * (2 * ratio - 1)} when the ratio
 * is above one half, and {@code -weight * good-factor * (1 - 2 * ratio)} below (only for kinds that may be good:
 * {@link EntityKind#mayBeGood()}), so it is bounded by the kind's weight. Scores within 0.05 of zero give no
 * finding.
 *
 * <h2>No feedback</h2>
 * Reputation must never learn from a verdict it decided itself, or one bad day would refuse a sender for ever
 * (its refusals confirming its own bad reputation). {@link #learnable} takes the outcome out of the verdict's hands:
 * the outcome is learned only when the other findings alone (reputation's own contribution subtracted) lead to the
 * same outcome.
 */
public final class Reputation {
    /** The check id of reputation findings. */
    public static final String CHECK = "reputation";

    private Reputation() {
    }

    /** The finding for one entity's record, if its history says anything. */
    public static Optional<Finding> finding(Entity e, Counters c, ReputationSettings s, Instant now) {
        if (c == null || !s.enabled()) {
            return Optional.empty();
        }
        double weight = s.weight(e.kind());
        if (weight <= 0) {
            return Optional.empty();
        }
        ReputationRecord r = ReputationRecord.of(c);
        ReputationRecord.Summary sum = r.summary(now, s.windowDays(), s.halfLifeDays());
        if (sum.total(2) < s.minObservations() || sum.bad + sum.good <= 0) {
            return Optional.empty();
        }
        double ratio = sum.bad / (sum.bad + sum.good);
        double score = ratio >= 0.5 ? weight * (2 * ratio - 1)
                : e.kind().mayBeGood() ? -weight * s.goodFactor() * (1 - 2 * ratio) : 0;
        score = Math.round(score * 100) / 100.0;
        if (Math.abs(score) < 0.05) {
            return Optional.empty();
        }
        return Optional.of(new Finding(CHECK, e.kind().rule(), score, detail(e, r, sum, ratio)));
    }

    /** {@code ip 192.0.2.1: 12 refused, 0 tagged, 3 clean, 0 spam, 0 ham in 30d; bad 5/12/12 of 5/13/15 (1d/7d/30d); ratio 0.80; first 2026-11-01, last 2026-11-27}. */
    static String detail(Entity e, ReputationRecord r, ReputationRecord.Summary sum, double ratio) {
        StringBuilder b = new StringBuilder(200);
        String key = e.key().length() > 80 ? e.key().substring(0, 80) : e.key();
        b.append(e.kind().id()).append(' ').append(key).append(": ");
        for (Outcome o : Outcome.values()) {
            b.append(sum.counts[o.ordinal()][2]).append(' ').append(o.id())
                    .append(o == Outcome.REPORTED_HAM ? "" : ", ");
        }
        b.append(" in ").append(sum.window).append("d; bad ").append(sum.bad(0)).append('/').append(sum.bad(1))
                .append('/').append(sum.bad(2)).append(" of ").append(sum.total(0)).append('/').append(sum.total(1))
                .append('/').append(sum.total(2)).append(" (1d/").append(sum.week).append("d/").append(sum.window)
                .append("d); ratio ");
        long pct = Math.round(ratio * 100);
        b.append(pct / 100).append('.').append(pct % 100 < 10 ? "0" : "").append(pct % 100);
        b.append("; first ").append(r.first().toString(), 0, 10).append(", last ").append(r.last().toString(), 0, 10);
        return b.toString();
    }

    /** The findings of every record that says something, in the order of {@code records}. */
    public static List<Finding> findings(Map<Entity, Counters> records, ReputationSettings s, Instant now) {
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<Entity, Counters> e : records.entrySet()) {
            finding(e.getKey(), e.getValue(), s, now).ifPresent(out::add);
        }
        return out;
    }

    /** The fields to add when learning {@code o} at {@code at}: one count in today's bucket. */
    public static Map<String, Long> deltas(Outcome o, Instant at) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(ReputationRecord.field(o, ReputationRecord.epochDay(at)), 1L);
        return m;
    }

    /**
     * The buckets that have just left the window (the week before it, all outcomes), removed on each update so a
     * record's size stays bounded by the window.
     */
    public static List<String> expiredFields(Instant at, ReputationSettings s) {
        long today = ReputationRecord.epochDay(at);
        List<String> out = new ArrayList<>();
        for (long d = today - s.windowDays() - 7; d <= today - s.windowDays(); d++) {
            for (Outcome o : Outcome.values()) {
                out.add(ReputationRecord.field(o, d));
            }
        }
        return out;
    }

    /** The findings without reputation's own. */
    public static List<Finding> withoutReputation(List<Finding> findings) {
        List<Finding> out = new ArrayList<>(findings.size());
        for (Finding f : findings) {
            if (!CHECK.equals(f.check())) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The no-feedback rule: {@code actual} (the outcome the verdict gave, with every finding) may be learned only
     * if {@code classify}, applied to the findings without reputation's, gives the same outcome. Empty: reputation
     * decided this verdict; learn nothing from it.
     */
    public static Optional<Outcome> learnable(Outcome actual, List<Finding> findings,
            Function<List<Finding>, Outcome> classify) {
        Objects.requireNonNull(actual);
        Outcome without = classify.apply(withoutReputation(findings));
        return without == actual ? Optional.of(actual) : Optional.empty();
    }
}
