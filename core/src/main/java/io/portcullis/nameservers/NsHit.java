package io.portcullis.nameservers;

import java.util.Objects;

/**
 * One source listing one nameserver: the source ({@code local-list}, {@code learned}, or a DNS list as
 * {@code ns-name:ZONE-ID} / {@code ns-ip:ZONE-ID}), what it listed (the host, its domain or an address),
 * the score of the source and a sanitised explanation ("ns1.example.net serves 37 spam domains seen in the
 * last 30 days"). Immutable.
 */
public final class NsHit {
    private final String source;
    private final String target;
    private final double score;
    private final String explanation;

    /** The DNS zone when the source is a list ({@code ns-name:}/{@code ns-ip:}); empty otherwise. */
    private final String zone;

    public NsHit(String source, String target, double score, String explanation) {
        this(source, target, score, explanation, null);
    }

    /** The DNS zone of a list source ({@code ns-name:}/{@code ns-ip:}), empty for the local list and learned. */
    public String zone() {
        return zone;
    }

    /** A hit of a list source, which is in {@code zone}. */
    public NsHit(String source, String target, double score, String explanation, String zone) {
        this.zone = zone == null ? "" : zone;
        this.source = Objects.requireNonNull(source);
        this.target = Objects.requireNonNull(target);
        this.score = score;
        this.explanation = explanation == null ? "" : explanation;
    }

    public String source() {
        return source;
    }

    public String target() {
        return target;
    }

    public double score() {
        return score;
    }

    public String explanation() {
        return explanation;
    }

    @Override
    public String toString() {
        return source + "(" + score + "): " + explanation;
    }
}
