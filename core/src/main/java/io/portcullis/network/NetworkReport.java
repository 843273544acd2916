package io.portcullis.network;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * The network owner of one address: the origin AS number(s) of the most specific announced prefix covering it,
 * that prefix, the country and regional registry the address block was <em>assigned</em> through (not where the
 * host is), and the name of the (first) AS. Immutable.
 *
 * <p>{@link Status#FOUND} carries values; {@link Status#NOT_FOUND} is a definite "not announced" answer;
 * {@link Status#UNKNOWN} means the source gave no usable answer (timeout, SERVFAIL, a garbled or hostile answer,
 * a suspended source) and must never count against the sender. All texts are sanitised (printable ASCII).
 */
public final class NetworkReport {
    /** What the source said. */
    public enum Status {
        FOUND("found"), NOT_FOUND("not-found"), UNKNOWN("unknown");

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
    private final List<Long> asns;
    private final String prefix;
    private final String country;
    private final String registry;
    private final String asName;
    private final String source;
    private final String reason;

    NetworkReport(InetAddress address, Status status, List<Long> asns, String prefix, String country, String registry,
            String asName, String source, String reason) {
        this.address = address;
        this.status = Objects.requireNonNull(status);
        this.asns = List.copyOf(asns);
        this.prefix = prefix == null ? "" : prefix;
        this.country = country == null ? "" : country;
        this.registry = registry == null ? "" : registry;
        this.asName = asName == null ? "" : asName;
        this.source = source == null ? "" : source;
        this.reason = reason == null ? "" : reason;
    }

    /** A report with values (status {@link Status#FOUND}). */
    public static NetworkReport found(InetAddress address, List<Long> asns, String prefix, String country,
            String registry, String asName, String source) {
        return new NetworkReport(address, Status.FOUND, asns, prefix, country, registry, asName, source, "");
    }

    /** The source knows no route for the address. */
    public static NetworkReport notFound(InetAddress address, String source) {
        return new NetworkReport(address, Status.NOT_FOUND, List.of(), "", "", "", "", source, "");
    }

    /** The source gave no usable answer; {@code reason} says why. */
    public static NetworkReport unknown(InetAddress address, String source, String reason) {
        return new NetworkReport(address, Status.UNKNOWN, List.of(), "", "", "", "", source, reason);
    }

    /** The same network for another address (a cache hit in the same prefix). */
    NetworkReport forAddress(InetAddress other) {
        return other.equals(address) ? this
                : new NetworkReport(other, status, asns, prefix, country, registry, asName, source, reason);
    }

    /** The same report with an AS name. */
    NetworkReport withAsName(String name) {
        return new NetworkReport(address, status, asns, prefix, country, registry, name, source, reason);
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

    /** Origin AS numbers (several when a prefix is announced by more than one AS); empty unless found. */
    public List<Long> asns() {
        return asns;
    }

    /** The first origin AS number, or 0 when none. */
    public long asn() {
        return asns.isEmpty() ? 0 : asns.get(0);
    }

    /** The announced prefix in CIDR notation, or "" when unknown. */
    public String prefix() {
        return prefix;
    }

    /** ISO 3166 two-letter code of the assignment (upper case), or "". */
    public String country() {
        return country;
    }

    /** Regional registry (lower case: arin, ripencc, apnic, lacnic, afrinic), or "". */
    public String registry() {
        return registry;
    }

    /** The name of the first AS, or "" when not known (not asked, not answered). */
    public String asName() {
        return asName;
    }

    /** Where the data came from: {@code cymru:<zone>} or {@code mmdb:<file>}. */
    public String source() {
        return source;
    }

    /** Why the report is unknown, or "". */
    public String reason() {
        return reason;
    }

    /** {@code AS64496 AS64497 192.0.2.0/24 XX ripencc EXAMPLE-NET}, or the status and reason. */
    @Override
    public String toString() {
        if (!found()) {
            return status.id() + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
        StringBuilder sb = new StringBuilder();
        for (Long a : asns) {
            sb.append("AS").append(a).append(' ');
        }
        sb.append(prefix.isEmpty() ? "?" : prefix).append(' ').append(country.isEmpty() ? "?" : country).append(' ')
                .append(registry.isEmpty() ? "?" : registry);
        if (!asName.isEmpty()) {
            sb.append(' ').append(asName);
        }
        return sb.toString();
    }
}
