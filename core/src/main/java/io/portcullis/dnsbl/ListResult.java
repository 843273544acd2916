package io.portcullis.dnsbl;

import java.util.List;
import java.util.Objects;

/** The outcome of one target on one list. Immutable. */
public final class ListResult {
    private final ListSpec list;
    private final Identity identity;
    private final String target;
    private final ListStatus status;
    private final List<String> codes;
    private final double weight;
    private final String label;
    private final String reason;
    private final boolean overCap;

    public ListResult(ListSpec list, Identity identity, String target, ListStatus status, List<String> codes,
            double weight, String label, String reason) {
        this(list, identity, target, status, codes, weight, label, reason, false);
    }

    private ListResult(ListSpec list, Identity identity, String target, ListStatus status, List<String> codes,
            double weight, String label, String reason, boolean overCap) {
        this.overCap = overCap && status == ListStatus.UNKNOWN;
        this.list = Objects.requireNonNull(list);
        this.identity = Objects.requireNonNull(identity);
        this.target = Objects.requireNonNull(target);
        this.status = Objects.requireNonNull(status);
        this.codes = List.copyOf(codes);
        this.weight = weight;
        this.label = label == null ? "" : label;
        this.reason = reason == null ? "" : reason;
    }

    public ListSpec list() {
        return list;
    }

    public Identity identity() {
        return identity;
    }

    /** The address or domain that was looked up. */
    public String target() {
        return target;
    }

    public ListStatus status() {
        return status;
    }

    /** The A answers received (listing codes, or the error codes for BLOCKED). */
    public List<String> codes() {
        return codes;
    }

    /** Weight contributed to the score: non-zero only when LISTED. */
    public double weight() {
        return weight;
    }

    /** Labels of the matched codes (e.g. {@code SBL,XBL}), empty when the list has no code table. */
    public String label() {
        return label;
    }

    /** Sanitised TXT reason (LISTED), the error explanation (BLOCKED/UNKNOWN), or empty. */
    public String reason() {
        return reason;
    }

    /**
     * An {@link ListStatus#UNKNOWN} result because the question was refused for capacity and never asked
     * ({@link io.portcullis.dns.DnsAnswer.Status#OVER_CAP}): the DNS client's in-flight cap, or the share of the
     * requester the lookup was made for. {@code reason} says which.
     */
    public static ListResult overCap(ListSpec list, Identity identity, String target, String reason) {
        return new ListResult(list, identity, target, ListStatus.UNKNOWN, List.of(), 0, "", reason, true);
    }

    /** True when the result is unknown because the question was refused for capacity (see {@link #overCap}). */
    public boolean overCap() {
        return overCap;
    }

    @Override
    public String toString() {
        return list.id() + "[" + identity.id() + " " + target + "]=" + status.id() + codes
                + (weight != 0 ? "*" + weight : "") + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
