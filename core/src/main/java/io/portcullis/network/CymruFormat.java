package io.portcullis.network;

import io.portcullis.dnsbl.QueryNames;
import io.portcullis.json.Text;
import io.portcullis.net.Hosts;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Team Cymru IP-to-ASN DNS format (pure functions, never throw on input).
 *
 * <ul>
 *   <li>Origin, IPv4: TXT at {@code <reversed octets>.origin.asn.cymru.com}, IPv6: TXT at
 *       {@code <reversed nibbles>.origin6.asn.cymru.com}, each {@code "ASN [ASN...] | PREFIX | CC | REGISTRY | DATE"},
 *       e.g. {@code "64496 64497 | 192.0.2.0/24 | XX | ripencc | 2010-01-01"}. Several records can come back
 *       (covering prefixes): the most specific one that contains the address wins.</li>
 *   <li>AS name: TXT at {@code AS<n>.asn.cymru.com}, {@code "ASN | CC | REGISTRY | DATE | AS NAME"}.</li>
 * </ul>
 *
 * An answer that does not parse (no valid AS number, a prefix that is malformed, of the other family, too broad,
 * or does not contain the address) is rejected as a whole; a country or registry of an unexpected shape is
 * dropped. Texts are made printable ASCII and cut short.
 */
public final class CymruFormat {
    /** Registries the format knows (lower case). */
    public static final Set<String> REGISTRIES = Set.of("arin", "ripencc", "apnic", "lacnic", "afrinic");
    /** Longest AS name kept (after sanitising). */
    public static final int MAX_AS_NAME = 64;
    /** Most AS numbers kept from one answer. */
    static final int MAX_ASNS = 8;
    /** Broadest prefixes believed (a hostile /0 would otherwise cover every address). */
    static final int MIN_PREFIX_V4 = 8;
    static final int MIN_PREFIX_V6 = 16;

    private CymruFormat() {
    }

    /** One parsed origin record. */
    public static final class Origin {
        public final List<Long> asns;
        public final Cidr prefix;
        public final String country;
        public final String registry;

        Origin(List<Long> asns, Cidr prefix, String country, String registry) {
            this.asns = List.copyOf(asns);
            this.prefix = prefix;
            this.country = country;
            this.registry = registry;
        }
    }

    /** The question name for the origin of {@code address}: IPv4 (or v4-mapped) in {@code zone4}, else {@code zone6}. */
    public static String originName(InetAddress address, String zone4, String zone6) {
        InetAddress a = Cidr.normalise(address);
        return QueryNames.reverse(a) + "." + (a instanceof Inet4Address ? zone4 : zone6);
    }

    /** The question name of an AS's record: {@code AS64496.<zone>}. */
    public static String asName(long asn, String zone) {
        return "AS" + asn + "." + zone;
    }

    /** The most specific valid record of the answer's TXT values for {@code address}, or empty. */
    public static Optional<Origin> parseOrigin(InetAddress address, List<String> txtValues) {
        InetAddress a = Cidr.normalise(address);
        Origin best = null;
        for (String v : txtValues) {
            Origin o = parseOriginRecord(a, v);
            if (o != null && (best == null || o.prefix.length() > best.prefix.length())) {
                best = o;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Origin parseOriginRecord(InetAddress address, String txt) {
        if (txt == null || txt.length() > 1024) {
            return null;
        }
        String[] f = txt.split("\\|", -1);
        if (f.length < 2) {
            return null;
        }
        List<Long> asns = asns(f[0]);
        if (asns.isEmpty()) {
            return null;
        }
        Cidr prefix = Cidr.parse(f[1].trim()).orElse(null);
        if (prefix == null || !prefix.contains(address)
                || prefix.length() < (prefix.isV4() ? MIN_PREFIX_V4 : MIN_PREFIX_V6)) {
            return null;
        }
        return new Origin(asns, prefix, f.length > 2 ? country(f[2]) : "", f.length > 3 ? registry(f[3]) : "");
    }

    /** The AS name from the TXT values of {@code AS<asn>.<zone>}, sanitised; empty when none matches the AS. */
    public static Optional<String> parseAsName(long asn, List<String> txtValues) {
        for (String v : txtValues) {
            if (v == null || v.length() > 2048) {
                continue;
            }
            String[] f = v.split("\\|", 5);
            if (f.length < 5) {
                continue;
            }
            List<Long> first = asns(f[0]);
            if (first.size() != 1 || first.get(0) != asn) {
                continue;
            }
            String name = Text.headerSafe(f[4], MAX_AS_NAME);
            if (!name.isEmpty()) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** Space-separated decimal AS numbers (1..4294967295), at most {@link #MAX_ASNS}; empty if any is bad. */
    static List<Long> asns(String field) {
        List<Long> out = new ArrayList<>();
        for (String t : field.trim().split("\\s+")) {
            if (t.isEmpty()) {
                continue;
            }
            Long n = asn(t);
            if (n == null) {
                return List.of();
            }
            if (out.size() < MAX_ASNS && !out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** {@code 64496} or {@code AS64496} (any case) as a number, or null. */
    public static Long asn(String token) {
        String t = token.trim();
        if (t.regionMatches(true, 0, "AS", 0, 2)) {
            t = t.substring(2);
        }
        if (!t.matches("\\d{1,10}")) {
            return null;
        }
        long n = Long.parseLong(t);
        return n >= 1 && n <= 0xFFFF_FFFFL ? n : null;
    }

    /** Two ASCII letters, upper-cased; "" otherwise. */
    static String country(String field) {
        String t = field.trim();
        return t.matches("[A-Za-z]{2}") ? t.toUpperCase(Locale.ROOT) : "";
    }

    /** A known registry, lower-cased; "" otherwise. */
    static String registry(String field) {
        String t = field.trim().toLowerCase(Locale.ROOT);
        return REGISTRIES.contains(t) ? t : "";
    }

    /** An IPv4 or IPv6 prefix. Immutable. */
    public static final class Cidr {
        private final byte[] network;
        private final int length;

        private Cidr(byte[] network, int length) {
            this.network = network;
            this.length = length;
        }

        /** {@code 192.0.2.0/24} or {@code 2001:db8::/32} (literals only, no DNS); host bits are cleared. */
        public static Optional<Cidr> parse(String s) {
            int slash = s.indexOf('/');
            if (slash <= 0 || slash == s.length() - 1 || s.length() > 64) {
                return Optional.empty();
            }
            String addr = s.substring(0, slash);
            String len = s.substring(slash + 1);
            InetAddress a = Hosts.address(addr);
            if (a == null || !len.matches("\\d{1,3}")) {
                return Optional.empty();
            }
            byte[] b = a.getAddress();
            int n = Integer.parseInt(len);
            if (addr.indexOf(':') >= 0 && b.length == 4) { // ::ffff:a.b.c.d came back as IPv4
                return Optional.empty();
            }
            return n > b.length * 8 ? Optional.empty() : Optional.of(new Cidr(mask(b, n), n));
        }

        /** The prefix of {@code length} bits containing {@code address}. */
        public static Cidr of(InetAddress address, int length) {
            byte[] b = normalise(address).getAddress();
            return new Cidr(mask(b, Math.min(length, b.length * 8)), Math.min(length, b.length * 8));
        }

        static byte[] mask(byte[] b, int n) {
            byte[] out = b.clone();
            for (int i = 0; i < out.length; i++) {
                int bits = n - i * 8;
                if (bits <= 0) {
                    out[i] = 0;
                } else if (bits < 8) {
                    out[i] = (byte) (out[i] & (0xff << (8 - bits)));
                }
            }
            return out;
        }

        /** IPv4-mapped IPv6 addresses as IPv4. */
        static InetAddress normalise(InetAddress a) {
            if (a instanceof Inet6Address) {
                byte[] b = a.getAddress();
                boolean mapped = true;
                for (int i = 0; i < 10 && mapped; i++) {
                    mapped = b[i] == 0;
                }
                if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                    try {
                        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                    } catch (UnknownHostException e) {
                        return a;
                    }
                }
            }
            return a;
        }

        public boolean isV4() {
            return network.length == 4;
        }

        public int length() {
            return length;
        }

        /** The network bytes (a copy). */
        public byte[] network() {
            return network.clone();
        }

        public boolean contains(InetAddress address) {
            byte[] b = normalise(address).getAddress();
            if (b.length != network.length) {
                return false;
            }
            return java.util.Arrays.equals(mask(b, length), network);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr && ((Cidr) o).length == length && java.util.Arrays.equals(((Cidr) o).network, network);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(network) * 31 + length;
        }

        @Override
        public String toString() {
            try {
                String a = InetAddress.getByAddress(network).getHostAddress();
                if (!isV4()) {
                    a = compress(a);
                }
                return a + "/" + length;
            } catch (UnknownHostException e) {
                return "?/" + length;
            }
        }

        /** Java writes {@code 2001:db8:0:0:0:0:0:0}; shorten the longest zero run to {@code ::}. */
        static String compress(String full) {
            String[] g = full.split(":");
            int bestStart = -1;
            int bestLen = 0;
            for (int i = 0; i < g.length; ) {
                if (g[i].equals("0")) {
                    int j = i;
                    while (j < g.length && g[j].equals("0")) {
                        j++;
                    }
                    if (j - i > bestLen && j - i > 1) {
                        bestStart = i;
                        bestLen = j - i;
                    }
                    i = j;
                } else {
                    i++;
                }
            }
            if (bestStart < 0) {
                return full;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < bestStart; i++) {
                sb.append(i == 0 ? "" : ":").append(g[i]);
            }
            sb.append("::");
            for (int i = bestStart + bestLen; i < g.length; i++) {
                sb.append(g[i]).append(i == g.length - 1 ? "" : ":");
            }
            return sb.toString();
        }
    }
}
