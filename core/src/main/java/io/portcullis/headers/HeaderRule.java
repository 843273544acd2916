package io.portcullis.headers;

/**
 * The catalogue of header-conformance rules. Each rule has a stable id (the enum name, used in
 * configuration, reports and attributes), the clause it enforces (or "heuristic"), a default score and
 * a one-line summary.
 */
public enum HeaderRule {
    // Placeholder entries: the full catalogue is filled in by the header checker implementation.
    MISSING_DATE("RFC 5322 3.6", 1.0, "no Date header"),
    MISSING_FROM("RFC 5322 3.6", 1.0, "no From header");

    private final String reference;
    private final double defaultScore;
    private final String summary;

    HeaderRule(String reference, double defaultScore, String summary) {
        this.reference = reference;
        this.defaultScore = defaultScore;
        this.summary = summary;
    }

    /** Stable identifier, e.g. {@code MISSING_DATE}. */
    public String id() {
        return name();
    }

    /** The RFC clause the rule enforces, or {@code heuristic}. */
    public String reference() {
        return reference;
    }

    public double defaultScore() {
        return defaultScore;
    }

    public String summary() {
        return summary;
    }
}
