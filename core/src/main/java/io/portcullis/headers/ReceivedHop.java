package io.portcullis.headers;

import java.util.Locale;

/**
 * The parts of one Received field (RFC 5321 4.4) that the relay checks need: the name the client
 * gave in HELO/EHLO, the peer address the receiving MTA recorded, the receiving host ("by") and its
 * queue id ("id"). Read by plain scanning, bounded by the field's length; anything not found is null.
 * Never throws.
 *
 * <p>Two common layouts are understood: sendmail/Postfix style {@code from HELO (rdns [ip]) by HOST
 * ... id ID} (also {@code from HELO (ip)}) and Exim style {@code from rdns ([ip] helo=HELO) by HOST
 * ... id ID}.
 */
final class ReceivedHop {
    /** The HELO/EHLO argument as written (brackets kept), or null. */
    final String helo;
    /** The dotted-quad peer address from the from-clause, or null. */
    final String peerIp;
    /** The receiving host named after "by", or null. */
    final String by;
    /** The queue id after " id " (angle brackets removed), or null. */
    final String id;

    private ReceivedHop(String helo, String peerIp, String by, String id) {
        this.helo = helo;
        this.peerIp = peerIp;
        this.by = by;
        this.id = id;
    }

    static ReceivedHop parse(String value) {
        String v = collapse(value == null ? "" : value);
        String lower = v.toLowerCase(Locale.ROOT);
        int byAt = lower.startsWith("by ") ? 0 : lower.indexOf(" by ");
        String fromPart = byAt < 0 ? v : v.substring(0, byAt);
        String helo = null;
        String ip = null;
        if (lower.startsWith("from ")) {
            String first = token(v, 5);
            int exim = fromPart.toLowerCase(Locale.ROOT).indexOf("helo=");
            helo = exim >= 0 ? token(fromPart, exim + 5) : first;
            // Exim records the peer first ("([ip] helo=...)"); sendmail-style fields start with the
            // HELO name, which may itself be an address literal, so it is skipped
            ip = firstQuad(fromPart, exim >= 0 ? 5 : 5 + (first == null ? 0 : first.length()));
        }
        String by = byAt < 0 ? null : token(v, byAt + (byAt == 0 ? 3 : 4));
        String id = null;
        int idAt = byAt < 0 ? -1 : lower.indexOf(" id ", byAt);
        if (idAt >= 0) {
            id = token(v, idAt + 4);
            if (id != null) {
                int s = id.startsWith("<") ? 1 : 0;
                int e = id.length();
                while (e > s && (id.charAt(e - 1) == '>' || id.charAt(e - 1) == ';')) {
                    e--;
                }
                id = e > s ? id.substring(s, e) : null;
            }
        }
        return new ReceivedHop(helo, ip, by, id);
    }

    /** White space runs (unfolding leaves tabs and several spaces) as one space, trimmed. */
    private static String collapse(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        boolean space = false;
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == ' ' || ch == '\t') {
                space = true;
                continue;
            }
            if (space && sb.length() > 0) {
                sb.append(' ');
            }
            space = false;
            sb.append(ch);
        }
        return sb.toString();
    }

    /** The run of characters from {@code start} up to white space, '(' or ')', or null if empty. */
    private static String token(String v, int start) {
        int s = start;
        while (s < v.length() && (v.charAt(s) == ' ' || v.charAt(s) == '\t')) {
            s++;
        }
        int e = s;
        while (e < v.length() && v.charAt(e) != ' ' && v.charAt(e) != '\t' && v.charAt(e) != '('
                && v.charAt(e) != ')') {
            e++;
        }
        return e > s ? v.substring(s, e) : null;
    }

    /** The first dotted quad at or after {@code from} that follows '[' or '(' , or null. */
    private static String firstQuad(String v, int from) {
        for (int i = Math.max(from, 1); i < v.length(); i++) {
            char p = v.charAt(i - 1);
            if (p != '[' && p != '(') {
                continue;
            }
            String q = quadAt(v, i);
            if (q != null) {
                return q;
            }
        }
        return null;
    }

    /** A dotted quad of four 1-3 digit groups (each at most 255) starting exactly at {@code i}, or null. */
    static String quadAt(String v, int i) {
        int k = i;
        for (int g = 0; g < 4; g++) {
            int s = k;
            int val = 0;
            while (k < v.length() && k - s < 3 && v.charAt(k) >= '0' && v.charAt(k) <= '9') {
                val = val * 10 + (v.charAt(k) - '0');
                k++;
            }
            if (k == s || val > 255 || (k < v.length() && v.charAt(k) >= '0' && v.charAt(k) <= '9')) {
                return null;
            }
            if (g < 3) {
                if (k >= v.length() || v.charAt(k) != '.') {
                    return null;
                }
                k++;
            }
        }
        return v.substring(i, k);
    }

    /** The HELO argument as a dotted quad when it is an address literal ({@code [1.2.3.4]} or bare), else null. */
    String heloIp() {
        if (helo == null) {
            return null;
        }
        String h = helo.startsWith("[") && helo.endsWith("]") && helo.length() > 2
                ? helo.substring(1, helo.length() - 1) : helo;
        String q = quadAt(h, 0);
        return q != null && q.length() == h.length() ? q : null;
    }

    /**
     * Whether a dotted quad is a public unicast address: not loopback, "this network", RFC 1918
     * private, link-local, CGNAT shared space (RFC 6598), multicast or reserved.
     */
    static boolean isPublic(String quad) {
        int[] o = new int[4];
        int g = 0;
        int val = 0;
        for (int i = 0; i <= quad.length(); i++) {
            if (i == quad.length() || quad.charAt(i) == '.') {
                if (g < 4) {
                    o[g] = val;
                }
                g++;
                val = 0;
            } else {
                val = val * 10 + (quad.charAt(i) - '0');
            }
        }
        return !(o[0] == 0 || o[0] == 10 || o[0] == 127 || o[0] >= 224
                || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) || (o[0] == 192 && o[1] == 168)
                || (o[0] == 169 && o[1] == 254) || (o[0] == 100 && o[1] >= 64 && o[1] <= 127));
    }
}
