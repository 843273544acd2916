package io.portcullis.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One counter record of a {@link StateStore}: named whole-number fields, the time of its first and of its last
 * update. Immutable.
 */
public final class Counters {
    private final Map<String, Long> fields;
    private final Instant first;
    private final Instant last;

    public Counters(Map<String, Long> fields, Instant first, Instant last) {
        this.fields = Map.copyOf(fields);
        this.first = Objects.requireNonNull(first);
        this.last = Objects.requireNonNull(last);
    }

    /** The fields (absent fields are 0). */
    public Map<String, Long> fields() {
        return fields;
    }

    public long get(String field) {
        Long v = fields.get(field);
        return v == null ? 0 : v;
    }

    /** The first update (never moves once set). */
    public Instant first() {
        return first;
    }

    /** The latest update. */
    public Instant last() {
        return last;
    }

    @Override
    public String toString() {
        return "Counters{" + fields + ", first=" + first + ", last=" + last + "}";
    }
}
