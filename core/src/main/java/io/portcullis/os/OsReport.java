package io.portcullis.os;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What p0f said about one address: {@link Status#FOUND} (an answer with status OK: the OS, when recognised, its
 * distance, link, ...), {@link Status#NO_MATCH} (p0f has no record of the address, even after the brief retries), or
 * {@link Status#UNKNOWN} (no answer: p0f down, timeout, over the in-flight cap, bad query; {@link #reason()} says
 * which). Only a found report can give findings. Immutable.
 */
public final class OsReport {
    /** The outcome. */
    public enum Status {
        FOUND("found"), NO_MATCH("no-match"), UNKNOWN("unknown");

        private final String id;

        Status(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private final InetAddress address;
    private final Status status;
    private final P0fAnswer answer;
    private final String reason;
    private final int queries;

    private OsReport(InetAddress address, Status status, P0fAnswer answer, String reason, int queries) {
        this.address = address;
        this.status = Objects.requireNonNull(status);
        this.answer = answer;
        this.reason = reason == null ? "" : reason;
        this.queries = queries;
    }

    /** An answer of p0f: OK is found, NO_MATCH no match, BAD_QUERY unknown. */
    public static OsReport of(InetAddress address, P0fAnswer answer, int queries) {
        switch (answer.status()) {
            case OK:
                return new OsReport(address, Status.FOUND, answer, "", queries);
            case NO_MATCH:
                return new OsReport(address, Status.NO_MATCH, answer, "p0f has no record of the address", queries);
            default:
                return new OsReport(address, Status.UNKNOWN, answer, "p0f answered 'bad query'", queries);
        }
    }

    public static OsReport unknown(InetAddress address, String reason, int queries) {
        return new OsReport(address, Status.UNKNOWN, null, reason, queries);
    }

    public InetAddress address() {
        return address;
    }

    public Status status() {
        return status;
    }

    public boolean found() {
        return status == Status.FOUND;
    }

    /** The last answer of p0f, or null when none came. */
    public P0fAnswer answer() {
        return answer;
    }

    /** Why there is no usable answer; "" when found. */
    public String reason() {
        return reason;
    }

    /** Queries sent for this lookup (retries included; 0 when none could be sent). */
    public int queries() {
        return queries;
    }

    @Override
    public String toString() {
        return "OsReport{" + (address == null ? "?" : address.getHostAddress()) + " " + status.id()
                + (answer != null && found() ? " " + answer : "") + (reason.isEmpty() ? "" : " (" + reason + ")")
                + ", queries=" + queries + "}";
    }
}
