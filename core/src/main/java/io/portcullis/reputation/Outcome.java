package io.portcullis.reputation;

import java.util.Locale;

/** What happened to a message (or a transaction), as learned for each of its entities. */
public enum Outcome {
    /** Refused at SMTP time on strong evidence (score at or above the reject threshold). */
    REFUSED(1, 0),
    /** Accepted and tagged as spam by the pipeline. */
    TAGGED(0.5, 0),
    /** Accepted and not tagged. */
    CLEAN(0, 1),
    /** A user reported it as spam. */
    REPORTED_SPAM(3, 0),
    /** A user reported it as not spam. */
    REPORTED_HAM(0, 3);

    private final double bad;
    private final double good;

    Outcome(double bad, double good) {
        this.bad = bad;
        this.good = good;
    }

    /** Weight of one such outcome on the bad side. */
    public double bad() {
        return bad;
    }

    /** Weight of one such outcome on the good side. */
    public double good() {
        return good;
    }

    /** {@code refused}, {@code tagged}, {@code clean}, {@code spam}, {@code ham}: the field word in the store. */
    public String id() {
        switch (this) {
            case REPORTED_SPAM:
                return "spam";
            case REPORTED_HAM:
                return "ham";
            default:
                return name().toLowerCase(Locale.ROOT);
        }
    }

    public static Outcome ofId(String id) {
        for (Outcome o : values()) {
            if (o.id().equals(id)) {
                return o;
            }
        }
        return null;
    }
}
