package io.portcullis.verdict;

import java.util.Objects;

/**
 * One observation made by a check: which check, which rule (or list), how much it weighs and why.
 *
 * <p>Immutable. {@code detail} is a short human explanation; it is not guaranteed to be safe for an
 * SMTP reply or a header: adapters sanitise it with {@link io.portcullis.json.Text#headerSafe}.
 */
public final class Finding {
    private final String check;
    private final String rule;
    private final double score;
    private final String detail;
    private final String zone;

    public Finding(String check, String rule, double score, String detail) {
        this(check, rule, score, detail, null);
    }

    /** A finding of a DNS list: {@code rule} is the list id, {@code zone} the list's DNS zone. */
    public Finding(String check, String rule, double score, String detail, String zone) {
        this.check = Objects.requireNonNull(check, "check");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.score = score;
        this.detail = detail == null ? "" : detail;
        this.zone = zone == null ? "" : zone;
    }

    /** The check that produced this finding, for example {@code headers} or {@code dnsbl}. */
    public String check() {
        return check;
    }

    /** Stable rule or list identifier, for example {@code MISSING_DATE}. */
    public String rule() {
        return rule;
    }

    /** Weight added to the message score (may be negative for allow lists). */
    public double score() {
        return score;
    }

    /** Short explanation. */
    public String detail() {
        return detail;
    }

    /** The DNS zone of the list named by {@link #rule()} ({@code bl.example}); empty for other findings. */
    public String zone() {
        return zone;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Finding)) {
            return false;
        }
        Finding f = (Finding) o;
        return Double.compare(score, f.score) == 0 && check.equals(f.check) && rule.equals(f.rule)
                && detail.equals(f.detail) && zone.equals(f.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(check, rule, score, detail, zone);
    }

    @Override
    public String toString() {
        return check + "/" + rule + "(" + score + "): " + detail;
    }
}
