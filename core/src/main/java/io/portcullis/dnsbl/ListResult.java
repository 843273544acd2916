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

    public ListResult(ListSpec list, Identity identity, String target, ListStatus status, List<String> codes,
            double weight, String label, String reason) {
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

    @Override
    public String toString() {
        return list.id() + "[" + identity.id() + " " + target + "]=" + status.id() + codes
                + (weight != 0 ? "*" + weight : "") + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
