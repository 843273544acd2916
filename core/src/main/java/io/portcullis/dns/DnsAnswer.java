package io.portcullis.dns;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one DNS question. Only {@link Status#ANSWER} carries values; {@link Status#NXDOMAIN} and
 * {@link Status#NODATA} are definite "nothing there"; {@link Status#SERVFAIL}, {@link Status#TIMEOUT} and
 * {@link Status#ERROR} mean "unknown" and must never be read as a listing; {@link Status#OVER_CAP} is "unknown"
 * too, because the question was refused for capacity and never sent. Immutable.
 */
public final class DnsAnswer {
    /** What the resolver said. */
    public enum Status {
        /** NOERROR with at least one record of the asked type. */
        ANSWER,
        /** The name does not exist. */
        NXDOMAIN,
        /** The name exists but has no record of the asked type. */
        NODATA,
        /** The server failed (SERVFAIL). */
        SERVFAIL,
        /** No answer within the time allowed. */
        TIMEOUT,
        /** Anything else: REFUSED, network error, malformed answer. */
        ERROR,
        /**
         * Not asked: the question would have gone over the in-flight cap ({@code dns.max-in-flight}), the share of
         * its requester ({@code dns.max-in-flight-per-client}) or the part of the cap open to non-list questions
         * ({@code dns.reserved-for-lists}). Unknown, like a timeout, but caused by load rather than by the server.
         */
        OVER_CAP;

        /** True when the answer is definite (listed or not listed), false when it is unknown. */
        public boolean isDefinite() {
            return this == ANSWER || this == NXDOMAIN || this == NODATA;
        }
    }

    private final Status status;
    private final List<String> values;
    private final long ttlSeconds;
    private final String error;

    private DnsAnswer(Status status, List<String> values, long ttlSeconds, String error) {
        this.status = status;
        this.values = values;
        this.ttlSeconds = ttlSeconds;
        this.error = error;
    }

    /**
     * Records found. Values are textual: dotted/colon addresses for A/AAAA, host names without the trailing
     * dot for NS/PTR/MX, and the joined character-strings (raw, unsanitised) for TXT.
     */
    public static DnsAnswer answer(List<String> values, long ttlSeconds) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("an ANSWER needs values; use nodata()");
        }
        return new DnsAnswer(Status.ANSWER, Collections.unmodifiableList(List.copyOf(values)), ttlSeconds, "");
    }

    public static DnsAnswer nxdomain(long ttlSeconds) {
        return new DnsAnswer(Status.NXDOMAIN, List.of(), ttlSeconds, "");
    }

    public static DnsAnswer nodata(long ttlSeconds) {
        return new DnsAnswer(Status.NODATA, List.of(), ttlSeconds, "");
    }

    public static DnsAnswer failure(Status status, String error) {
        if (status.isDefinite()) {
            throw new IllegalArgumentException(status + " is not a failure");
        }
        return new DnsAnswer(status, List.of(), 0, Objects.requireNonNullElse(error, ""));
    }

    /** A refusal for capacity ({@link Status#OVER_CAP}); {@code why} names the limit that was reached. */
    public static DnsAnswer overCap(String why) {
        return failure(Status.OVER_CAP, why);
    }

    public Status status() {
        return status;
    }

    public List<String> values() {
        return values;
    }

    /** How long the answer may be cached (positive: record TTL; negative: SOA minimum). */
    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** For failures, a short reason ("timed out after 1500 ms", "REFUSED"...). */
    public String error() {
        return error;
    }

    @Override
    public String toString() {
        return status + (values.isEmpty() ? "" : values.toString()) + (error.isEmpty() ? "" : " (" + error + ")");
    }
}
