package io.portcullis.dnsbl;

import io.portcullis.net.Hosts;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One DNS list: what it is queried with, its zone, which answers count as listed, and the weight of a
 * listing. Written in one compact syntax accepted by the configuration file, matcher conditions and the
 * {@code lookup} command:
 *
 * <pre>[KIND:]ZONE[=FILTER][*WEIGHT]</pre>
 *
 * KIND is {@code ip} (default), {@code name}, {@code ns-name} (nameserver host names and their registered
 * domains) or {@code ns-ip} (nameserver addresses); FILTER is a {@link ReturnCodeFilter} (Postfix idiom or
 * {@code &MASK}); without a filter any 127.0.0.0/8 answer counts, except known error codes; WEIGHT
 * defaults to 1 and may be negative (allow lists such as DNSWL). Per-code labels and weights
 * ({@link #codes()}) refine the weight: a listing weighs the highest weight among its matched codes.
 * Immutable.
 */
public final class ListSpec {
    private final String id;
    private final ListKind kind;
    private final String zone;
    private final ReturnCodeFilter filter;
    private final double weight;
    private final Map<String, CodeInfo> codes;
    private final boolean fetchReason;
    /** Identities this list is asked about; null = every identity of its kind. */
    private final Set<Identity> identities;

    private ListSpec(String id, ListKind kind, String zone, ReturnCodeFilter filter, double weight,
            Map<String, CodeInfo> codes, boolean fetchReason, Set<Identity> identities) {
        this.id = id;
        this.kind = kind;
        this.zone = zone;
        this.filter = filter;
        this.weight = weight;
        this.codes = codes;
        this.fetchReason = fetchReason;
        this.identities = identities;
    }

    /**
     * Parses the compact syntax. The id is the zone.
     *
     * @throws IllegalArgumentException naming the spec and the problem
     */
    public static ListSpec parse(String spec) {
        String s = Objects.requireNonNull(spec, "spec").trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty list spec");
        }
        ListKind kind = ListKind.IP;
        int colon = s.indexOf(':');
        int eq = s.indexOf('=');
        if (colon > 0 && (eq < 0 || colon < eq)) {
            String k = s.substring(0, colon).toLowerCase(Locale.ROOT);
            if (k.equals("ip")) {
                kind = ListKind.IP;
            } else if (k.equals("name")) {
                kind = ListKind.NAME;
            } else if (k.equals("ns-name")) {
                kind = ListKind.NS_NAME;
            } else if (k.equals("ns-ip")) {
                kind = ListKind.NS_IP;
            } else {
                throw new IllegalArgumentException("list spec '" + spec + "': unknown kind '" + k
                        + "' (expected ip, name, ns-name or ns-ip)");
            }
            s = s.substring(colon + 1);
        }
        double weight = 1.0;
        int star = s.lastIndexOf('*');
        if (star >= 0) {
            String w = s.substring(star + 1).trim();
            try {
                weight = Double.parseDouble(w);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("list spec '" + spec + "': weight '" + w + "' is not a number");
            }
            if (Double.isNaN(weight) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("list spec '" + spec + "': weight must be finite");
            }
            s = s.substring(0, star);
        }
        ReturnCodeFilter filter = null;
        eq = s.indexOf('=');
        if (eq >= 0) {
            try {
                filter = ReturnCodeFilter.parse(s.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("list spec '" + spec + "': " + e.getMessage(), e);
            }
            s = s.substring(0, eq);
        }
        String zone = normaliseZone(spec, s);
        return new ListSpec(zone, kind, zone, filter, weight, Map.of(), true, null);
    }

    static String normaliseZone(String spec, String z) {
        String zone = z.trim().toLowerCase(Locale.ROOT);
        while (zone.endsWith(".")) {
            zone = zone.substring(0, zone.length() - 1);
        }
        if (zone.isEmpty() || zone.indexOf('.') < 0 || zone.length() > 200
                || !zone.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)+")) {
            throw new IllegalArgumentException("list spec '" + spec + "': '" + z + "' is not a DNS zone");
        }
        return zone;
    }

    /** A copy with another id (the short name used in reports, matcher conditions and configuration). */
    public ListSpec withId(String newId) {
        return new ListSpec(Objects.requireNonNull(newId), kind, zone, filter, weight, codes, fetchReason, identities);
    }

    /** A copy with per-code labels and weights (answer address to info). */
    public ListSpec withCodes(Map<String, CodeInfo> newCodes) {
        for (String code : newCodes.keySet()) {
            if (Hosts.ipv4(code) == null) {
                throw new IllegalArgumentException("list " + id + ": return code '" + code + "' is not an IPv4 address");
            }
        }
        return new ListSpec(id, kind, zone, filter, weight, Collections.unmodifiableMap(new LinkedHashMap<>(newCodes)),
                fetchReason, identities);
    }

    /** A copy that does (or does not) fetch the TXT reason of a listing. */
    public ListSpec withFetchReason(boolean fetch) {
        return new ListSpec(id, kind, zone, filter, weight, codes, fetch, identities);
    }

    /**
     * A copy asked only about these identities (e.g. a name list for HELO and rDNS only). Each must be
     * of the list's kind.
     *
     * @throws IllegalArgumentException naming an identity of another kind
     */
    public ListSpec withIdentities(Set<Identity> only) {
        for (Identity i : only) {
            boolean ok = kind == ListKind.IP || kind == ListKind.NAME ? i.kind() == kind : false;
            if (!ok) {
                throw new IllegalArgumentException("list " + id + " (" + kind.id() + "): identity " + i.id()
                        + " is not of this kind");
            }
        }
        Set<Identity> copy = only.isEmpty() ? null : Collections.unmodifiableSet(EnumSet.copyOf(only));
        return new ListSpec(id, kind, zone, filter, weight, codes, fetchReason, copy);
    }

    /** Whether this list is asked about {@code identity} (always false for another kind). */
    public boolean appliesTo(Identity identity) {
        return identity.kind() == kind && (identities == null || identities.contains(identity));
    }

    public String id() {
        return id;
    }

    public ListKind kind() {
        return kind;
    }

    public String zone() {
        return zone;
    }

    /** The configured filter; {@link ReturnCodeFilter#ANY_LOOPBACK} when none was given. */
    public ReturnCodeFilter filter() {
        return filter == null ? ReturnCodeFilter.ANY_LOOPBACK : filter;
    }

    public boolean hasExplicitFilter() {
        return filter != null;
    }

    public double weight() {
        return weight;
    }

    public Map<String, CodeInfo> codes() {
        return codes;
    }

    public boolean fetchReason() {
        return fetchReason;
    }

    /** True for allow lists (negative weight). */
    public boolean isAllowList() {
        return weight < 0;
    }

    /** The compact syntax of this list (without per-code info). */
    public String toSpec() {
        return (kind == ListKind.IP ? "" : kind.id() + ":") + zone + (filter == null ? "" : "=" + filter)
                + (weight == 1.0 ? "" : "*" + (weight == Math.rint(weight) ? String.valueOf((long) weight)
                : String.valueOf(weight)));
    }

    @Override
    public String toString() {
        return id.equals(zone) ? toSpec() : id + "=" + toSpec();
    }
}
