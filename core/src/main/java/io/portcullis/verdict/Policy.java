package io.portcullis.verdict;

/**
 * Maps a score to an {@link Action} with three thresholds: {@code tag <= tarpit <= reject}.
 * A score at or above a threshold takes that action; the most severe one wins.
 */
public final class Policy {
    /** Default thresholds: tag at 5, tarpit at 10, reject at 15. */
    public static final Policy DEFAULT = new Policy(5.0, 10.0, 15.0);

    private final double tagThreshold;
    private final double tarpitThreshold;
    private final double rejectThreshold;

    public Policy(double tagThreshold, double tarpitThreshold, double rejectThreshold) {
        if (!(tagThreshold <= tarpitThreshold && tarpitThreshold <= rejectThreshold)) {
            throw new IllegalArgumentException("thresholds must satisfy tag <= tarpit <= reject, got tag="
                    + tagThreshold + " tarpit=" + tarpitThreshold + " reject=" + rejectThreshold);
        }
        this.tagThreshold = tagThreshold;
        this.tarpitThreshold = tarpitThreshold;
        this.rejectThreshold = rejectThreshold;
    }

    public Action decide(double score) {
        if (score >= rejectThreshold) {
            return Action.REJECT;
        }
        if (score >= tarpitThreshold) {
            return Action.TARPIT;
        }
        if (score >= tagThreshold) {
            return Action.TAG;
        }
        return Action.ACCEPT;
    }

    public double tagThreshold() {
        return tagThreshold;
    }

    public double tarpitThreshold() {
        return tarpitThreshold;
    }

    public double rejectThreshold() {
        return rejectThreshold;
    }

    @Override
    public String toString() {
        return "Policy{tag=" + tagThreshold + ", tarpit=" + tarpitThreshold + ", reject=" + rejectThreshold + "}";
    }
}
