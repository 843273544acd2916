package io.portcullis.headers;

import java.util.List;

/**
 * What the Received trace (RFC 5322 3.6.7, RFC 5321 4.4) says: the earliest and latest parseable
 * timestamps, the first unparseable field and the first impossible IPv4 address. Immutable.
 *
 * <p>Each hop writes its timestamp after the last ';' of its Received field. All hops are used,
 * including those the receiving site added itself (a fetchmail or local-delivery hop): they can only
 * make the window wider, never narrower, so they cannot cause a false DATE_IN_* finding.
 */
final class ReceivedTrace {
    static final long NONE = Long.MIN_VALUE;

    final int fields;
    final int parsed;
    final long earliest;
    final long latest;
    final int unparseable;
    final String firstUnparseable;
    final int invalidIps;
    final String firstInvalidIp;
    /** Fields whose timestamp cannot be read even leniently (no ';', or no recognisable date-time). */
    final int garbled;
    final String firstGarbled;

    private ReceivedTrace(int fields, int parsed, long earliest, long latest, int unparseable,
            String firstUnparseable, int invalidIps, String firstInvalidIp, int garbled, String firstGarbled) {
        this.fields = fields;
        this.parsed = parsed;
        this.earliest = earliest;
        this.latest = latest;
        this.unparseable = unparseable;
        this.firstUnparseable = firstUnparseable;
        this.invalidIps = invalidIps;
        this.firstInvalidIp = firstInvalidIp;
        this.garbled = garbled;
        this.firstGarbled = firstGarbled;
    }

    static ReceivedTrace of(List<HeaderField> received) {
        long earliest = NONE;
        long latest = NONE;
        int parsed = 0;
        int unparseable = 0;
        String firstUnparseable = null;
        int invalidIps = 0;
        String firstInvalidIp = null;
        int garbled = 0;
        String firstGarbled = null;
        int index = 0;
        for (HeaderField f : received) {
            index++;
            String v = f.value();
            int semi = v.lastIndexOf(';');
            ParsedDate strict = semi < 0 ? null : DateTimeParser.parse(v.substring(semi + 1));
            ParsedDate d = strict == null || strict.valid() ? strict : DateTimeParser.parseLenient(v.substring(semi + 1));
            if (d != null && d.valid()) {
                parsed++;
                long t = d.epochSecond();
                earliest = earliest == NONE ? t : Math.min(earliest, t);
                latest = latest == NONE ? t : Math.max(latest, t);
            }
            if (d == null || !d.valid()) {
                garbled++;
                if (firstGarbled == null) {
                    firstGarbled = "Received #" + index + (semi < 0 ? " has no '; date-time'"
                            : " timestamp '" + HeaderChecker.clip(v.substring(semi + 1).trim()) + "' is not a date-time");
                }
            }
            if (strict == null || !strict.valid()) {
                unparseable++;
                if (firstUnparseable == null) {
                    firstUnparseable = "Received #" + index + (semi < 0 ? " has no '; date-time'"
                            : " date-time is invalid (" + strict.error() + ")");
                }
            }
            String ip = firstInvalidIp(v);
            if (ip != null) {
                invalidIps++;
                if (firstInvalidIp == null) {
                    firstInvalidIp = "Received #" + index + " names " + ip;
                }
            }
        }
        return new ReceivedTrace(received.size(), parsed, earliest, latest, unparseable, firstUnparseable,
                invalidIps, firstInvalidIp, garbled, firstGarbled);
    }

    /**
     * The first dotted-quad inside brackets or parentheses (where MTAs write the peer address) that is
     * impossible (an octet above 255) or can never be a sending host: 0.0.0.0/8 ("this network",
     * RFC 1122 3.2.1.3), 224.0.0.0/4 multicast and 240.0.0.0/4 reserved (RFC 6890). Null if none.
     */
    static String firstInvalidIp(String v) {
        int n = v.length();
        int[] oct = new int[4];
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9' || i == 0) {
                continue;
            }
            char prev = v.charAt(i - 1);
            if (prev != '[' && prev != '(') {
                continue;
            }
            int k = i;
            int g = 0;
            boolean ok = true;
            while (g < 4) {
                int s = k;
                int val = 0;
                while (k < n && v.charAt(k) >= '0' && v.charAt(k) <= '9' && k - s < 4) {
                    val = val * 10 + (v.charAt(k) - '0');
                    k++;
                }
                int digits = k - s;
                if (digits == 0 || digits > 3) {
                    ok = false;
                    break;
                }
                oct[g++] = val;
                if (g < 4) {
                    if (k < n && v.charAt(k) == '.') {
                        k++;
                    } else {
                        ok = false;
                        break;
                    }
                }
            }
            if (!ok) {
                continue;
            }
            char next = k < n ? v.charAt(k) : ']';
            if (next != ']' && next != ')' && next != ':') {
                continue;
            }
            for (int o : oct) {
                if (o > 255) {
                    return v.substring(i, k) + " (octet above 255)";
                }
            }
            if (oct[0] == 0) {
                return v.substring(i, k) + " (0.0.0.0/8 is not a host address)";
            }
            if (oct[0] >= 224) {
                return v.substring(i, k) + (oct[0] < 240 ? " (multicast)" : " (reserved 240.0.0.0/4)");
            }
            i = k;
        }
        return null;
    }
}
