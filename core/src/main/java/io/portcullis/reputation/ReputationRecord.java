package io.portcullis.reputation;

import io.portcullis.store.Counters;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The history of one entity, read from its counter record: per outcome, one count per UTC day (fields
 * {@code OUTCOME:EPOCH_DAY}, e.g. {@code refused:20419}); first and last seen. Immutable.
 *
 * <p>Two views of the same buckets: plain counts over a window (1, 7, 30 days: what the finding's detail shows) and
 * a time-decayed sum, where a day's count weighs {@code 0.5^(age/half-life)} (what the score uses): yesterday's spam
 * counts almost fully, last month's little.
 */
public final class ReputationRecord {
    private final Map<Outcome, Map<Long, Long>> buckets = new EnumMap<>(Outcome.class);
    private final Instant first;
    private final Instant last;

    private ReputationRecord(Instant first, Instant last) {
        this.first = first;
        this.last = last;
    }

    /** The record of a counter record (foreign fields are ignored). */
    public static ReputationRecord of(Counters c) {
        ReputationRecord r = new ReputationRecord(c.first(), c.last());
        for (Map.Entry<String, Long> e : c.fields().entrySet()) {
            String f = e.getKey();
            int colon = f.indexOf(':');
            Outcome o = colon < 0 ? null : Outcome.ofId(f.substring(0, colon));
            if (o == null || e.getValue() == null || e.getValue() <= 0) {
                continue;
            }
            try {
                long day = Long.parseLong(f.substring(colon + 1));
                r.buckets.computeIfAbsent(o, k -> new java.util.HashMap<>()).merge(day, e.getValue(), Long::sum);
            } catch (NumberFormatException ignored) {
                // foreign field
            }
        }
        return r;
    }

    /** The store field of an outcome on a day. */
    public static String field(Outcome o, long epochDay) {
        return o.id() + ":" + epochDay;
    }

    static long epochDay(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 86_400L);
    }

    public Instant first() {
        return first;
    }

    public Instant last() {
        return last;
    }

    /** Outcomes {@code o} of the last {@code days} days (today counts as the first). */
    public long count(Outcome o, Instant now, int days) {
        long today = epochDay(now);
        long n = 0;
        for (Map.Entry<Long, Long> e : buckets.getOrDefault(o, Map.of()).entrySet()) {
            long age = today - e.getKey();
            if (age >= 0 && age < days) {
                n += e.getValue();
            }
        }
        return n;
    }

    /** All outcomes of the last {@code days} days. */
    public long total(Instant now, int days) {
        long n = 0;
        for (Outcome o : Outcome.values()) {
            n += count(o, now, days);
        }
        return n;
    }

    /** Outcomes {@code o} of the last {@code days} days, each day weighted by {@code 0.5^(age/halfLife)}. */
    public double decayed(Outcome o, Instant now, int days, double halfLifeDays) {
        long today = epochDay(now);
        double sum = 0;
        for (Map.Entry<Long, Long> e : buckets.getOrDefault(o, Map.of()).entrySet()) {
            long age = Math.max(0, today - e.getKey());
            if (age < days) {
                sum += e.getValue() * Math.pow(0.5, age / halfLifeDays);
            }
        }
        return sum;
    }

    /**
     * One pass over the buckets: per outcome the counts of the last day, the last {@code min(7, window)} days and the
     * window, and the decayed bad and good sums (each outcome weighted by {@link Outcome#bad()} / {@link
     * Outcome#good()}).
     */
    Summary summary(Instant now, int windowDays, double halfLifeDays) {
        long today = epochDay(now);
        int week = Math.min(7, windowDays);
        Summary out = new Summary(week, windowDays);
        for (Map.Entry<Outcome, Map<Long, Long>> o : buckets.entrySet()) {
            int k = o.getKey().ordinal();
            for (Map.Entry<Long, Long> e : o.getValue().entrySet()) {
                long age = Math.max(0, today - e.getKey());
                if (age >= windowDays) {
                    continue;
                }
                long c = e.getValue();
                out.counts[k][2] += c;
                if (age < week) {
                    out.counts[k][1] += c;
                }
                if (age < 1) {
                    out.counts[k][0] += c;
                }
                double d = age == 0 ? c : c * Math.pow(0.5, age / halfLifeDays);
                out.bad += d * o.getKey().bad();
                out.good += d * o.getKey().good();
            }
        }
        return out;
    }

    /** See {@link #summary}. */
    static final class Summary {
        /** [outcome ordinal][0: 1 day, 1: week, 2: window]. */
        final long[][] counts = new long[Outcome.values().length][3];
        final int week;
        final int window;
        double bad;
        double good;

        Summary(int week, int window) {
            this.week = week;
            this.window = window;
        }

        long total(int w) {
            long n = 0;
            for (long[] c : counts) {
                n += c[w];
            }
            return n;
        }

        long bad(int w) {
            return counts[Outcome.REFUSED.ordinal()][w] + counts[Outcome.TAGGED.ordinal()][w]
                    + counts[Outcome.REPORTED_SPAM.ordinal()][w];
        }
    }
}
