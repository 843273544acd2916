package io.portcullis.dnsbl;

import io.portcullis.net.Hosts;
import java.util.ArrayList;
import java.util.List;

/**
 * Which A answers of a list count as a listing, in Postfix's idiom ({@code postconf(5)},
 * {@code reject_rbl_client}): four dot-separated octet patterns, each a number or a bracketed list of
 * numbers and ranges separated by {@code ;}, e.g. {@code 127.0.0.[2..11]} or {@code 127.0.[0;1].[2..99]}.
 * A bitmask form {@code &N} (e.g. {@code &14}) matches answers in {@code 127.0.0.0/24} whose last octet
 * shares a bit with N, as URIBL/SURBL-style lists encode their sub-lists. Immutable.
 */
public final class ReturnCodeFilter {
    /** Matches every answer in 127.0.0.0/8 (known error codes are excluded elsewhere). */
    public static final ReturnCodeFilter ANY_LOOPBACK = new ReturnCodeFilter("127.[0..255].[0..255].[0..255]",
            parseOctets("127.[0..255].[0..255].[0..255]"), -1);

    private final String text;
    private final long[][] octets;
    private final int mask;

    private ReturnCodeFilter(String text, long[][] octets, int mask) {
        this.text = text;
        this.octets = octets;
        this.mask = mask;
    }

    /**
     * Parses a filter.
     *
     * @throws IllegalArgumentException with a message naming the filter and the problem
     */
    public static ReturnCodeFilter parse(String text) {
        String t = text.trim();
        if (t.startsWith("&")) {
            int m;
            try {
                m = Integer.decode(t.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad bitmask filter '" + text + "': expected &N with N in 1..255");
            }
            if (m < 1 || m > 255) {
                throw new IllegalArgumentException("bad bitmask filter '" + text + "': N must be 1..255");
            }
            return new ReturnCodeFilter(t, null, m);
        }
        return new ReturnCodeFilter(t, parseOctets(t), -1);
    }

    /** Each octet becomes a list of {low, high} pairs packed as low<<8|high. */
    private static long[][] parseOctets(String t) {
        List<String> parts = splitOctets(t);
        if (parts.size() != 4) {
            throw new IllegalArgumentException("bad return-code filter '" + t
                    + "': expected four octets like 127.0.0.[2..11]");
        }
        long[][] out = new long[4][];
        for (int i = 0; i < 4; i++) {
            String p = parts.get(i);
            if (p.startsWith("[") && p.endsWith("]")) {
                String[] items = p.substring(1, p.length() - 1).split(";", -1);
                out[i] = new long[items.length];
                for (int k = 0; k < items.length; k++) {
                    out[i][k] = range(t, items[k].trim());
                }
            } else {
                out[i] = new long[] {range(t, p)};
            }
        }
        return out;
    }

    private static List<String> splitOctets(String t) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == '.' && depth == 0) {
                parts.add(t.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(t.substring(start));
        return parts;
    }

    private static long range(String filter, String item) {
        int dots = item.indexOf("..");
        int lo;
        int hi;
        try {
            if (dots >= 0) {
                lo = Integer.parseInt(item.substring(0, dots));
                hi = Integer.parseInt(item.substring(dots + 2));
            } else {
                lo = Integer.parseInt(item);
                hi = lo;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad return-code filter '" + filter + "': '" + item
                    + "' is not a number or a range n..m");
        }
        if (lo < 0 || hi > 255 || lo > hi) {
            throw new IllegalArgumentException("bad return-code filter '" + filter + "': range '" + item
                    + "' must lie within 0..255 with low <= high");
        }
        return ((long) lo << 8) | hi;
    }

    /** True when the dotted IPv4 answer matches. Non-IPv4 text never matches. */
    public boolean matches(String answer) {
        int[] a = Hosts.ipv4(answer);
        if (a == null) {
            return false;
        }
        if (mask > 0) {
            return a[0] == 127 && a[1] == 0 && a[2] == 0 && (a[3] & mask) != 0;
        }
        for (int i = 0; i < 4; i++) {
            boolean ok = false;
            for (long r : octets[i]) {
                if (a[i] >= (r >> 8) && a[i] <= (r & 0xff)) {
                    ok = true;
                    break;
                }
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
