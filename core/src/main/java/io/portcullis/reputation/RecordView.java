package io.portcullis.reputation;

import io.portcullis.store.Counters;
import io.portcullis.verdict.Finding;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one entity's record says now, for people ({@code portcullis lookup}): counts per outcome in the window,
 * the ratio of bad outcomes (time-decayed, as the score uses it), the finding it gives (if any: none below
 * {@code min-observations} or within 0.05 of zero), first and last seen. Immutable.
 */
public final class RecordView {
    private final Entity entity;
    private final Map<Outcome, Long> counts;
    private final long observations;
    private final double ratio;
    private final boolean belowMinimum;
    private final Optional<Finding> finding;
    private final Instant first;
    private final Instant last;

    private RecordView(Entity entity, Map<Outcome, Long> counts, long observations, double ratio,
            boolean belowMinimum, Optional<Finding> finding, Instant first, Instant last) {
        this.entity = entity;
        this.counts = counts;
        this.observations = observations;
        this.ratio = ratio;
        this.belowMinimum = belowMinimum;
        this.finding = finding;
        this.first = first;
        this.last = last;
    }

    /** The view of {@code record} (the entity's counter record) at {@code now}. */
    public static RecordView of(Entity e, Counters record, ReputationSettings s, Instant now) {
        ReputationRecord r = ReputationRecord.of(record);
        ReputationRecord.Summary sum = r.summary(now, s.windowDays(), s.halfLifeDays());
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, sum.counts[o.ordinal()][2]);
        }
        long total = sum.total(2);
        double ratio = sum.bad + sum.good <= 0 ? Double.NaN : sum.bad / (sum.bad + sum.good);
        return new RecordView(e, Collections.unmodifiableMap(counts), total, ratio, total < s.minObservations(),
                Reputation.finding(e, record, s, now), r.first(), r.last());
    }

    public Entity entity() {
        return entity;
    }

    /** Outcomes in the window, per outcome (every outcome present, 0 when none). */
    public Map<Outcome, Long> counts() {
        return counts;
    }

    /** All outcomes in the window. */
    public long observations() {
        return observations;
    }

    /** Decayed bad / (bad + good), between 0 and 1; NaN when the window holds nothing. */
    public double ratio() {
        return ratio;
    }

    /** Fewer outcomes in the window than {@code reputation.min-observations}: no finding. */
    public boolean belowMinimum() {
        return belowMinimum;
    }

    /** The finding the record gives now (what the SMTP decision and the pipeline would add). */
    public Optional<Finding> finding() {
        return finding;
    }

    /** The score it gives now (0 without a finding). */
    public double score() {
        return finding.map(Finding::score).orElse(0.0);
    }

    public Instant first() {
        return first;
    }

    public Instant last() {
        return last;
    }
}
