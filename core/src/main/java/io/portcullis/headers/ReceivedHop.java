package io.portcullis.headers;

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
    /**
     * The reverse name the receiving MTA recorded for the peer (lower case; {@code unknown} when it
     * wrote that), or null when the field records none.
     */
    final String rdns;

    private ReceivedHop(String helo, String peerIp, String by, String id, String rdns) {
        this.rdns = rdns;
        this.helo = helo;
        this.peerIp = peerIp;
        this.by = by;
        this.id = id;
    }

    static ReceivedHop parse(String value) {
        String v = value == null ? "" : value;
        int n = v.length();
        int start = skipSpace(v, 0, n);
        boolean from = word(v, start, "from");
        int byAt = word(v, start, "by") ? start : findWord(v, "by", start + 1, n);
        int fromEnd = byAt < 0 ? n : byAt;
        String helo = null;
        String ip = null;
        String rdns = null;
        if (from) {
            int afterFrom = start + 4;
            String first = token(v, afterFrom, fromEnd);
            int exim = v.indexOf("helo=", afterFrom);
            exim = exim >= fromEnd ? -1 : exim;
            helo = exim >= 0 ? token(v, exim + 5, fromEnd) : first;
            // Exim records the peer first ("([ip] helo=...)"); sendmail-style fields start with the
            // HELO name, which may itself be an address literal, so it is skipped
            int quadFrom = afterFrom;
            if (exim < 0 && first != null) {
                quadFrom = v.indexOf(first, afterFrom) + first.length();
            }
            ip = firstQuad(v, quadFrom, fromEnd);
            rdns = reverseName(v, exim >= 0 ? afterFrom : quadFrom, fromEnd, exim >= 0 ? first : null);
        }
        String by = byAt < 0 ? null : token(v, byAt + 2, n);
        String id = null;
        int idAt = byAt < 0 ? -1 : findWord(v, "id", byAt + 2, n);
        if (idAt >= 0) {
            id = token(v, idAt + 2, n);
            if (id != null) {
                int s = id.startsWith("<") ? 1 : 0;
                int e = id.length();
                while (e > s && (id.charAt(e - 1) == '>' || id.charAt(e - 1) == ';')) {
                    e--;
                }
                id = e > s ? id.substring(s, e) : null;
            }
        }
        return new ReceivedHop(helo, ip, by, id, rdns);
    }

    /**
     * Exim: the first token, unless it is an address literal. Sendmail/Postfix: the name inside the
     * parenthesis after the HELO name, before the '[' of the address ({@code user@} removed).
     */
    private static String reverseName(String v, int from, int end, String eximFirst) {
        if (eximFirst != null) {
            return eximFirst.startsWith("[") || quadAt(eximFirst, 0) != null ? null : eximFirst.toLowerCase(java.util.Locale.ROOT);
        }
        int p = skipSpace(v, from, end);
        if (p >= end || v.charAt(p) != '(') {
            return null;
        }
        String t = token(v, p + 1, end);
        if (t == null || t.startsWith("[") || quadAt(t, 0) != null) {
            return null;
        }
        int at = t.lastIndexOf('@');
        if (at >= 0) {
            t = t.substring(at + 1);
        }
        return t.isEmpty() || t.startsWith("[") ? null : t.toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static int skipSpace(String v, int i, int end) {
        while (i < end && space(v.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether the two-to-four letter keyword {@code w} (lower case) stands at {@code i}, followed by white space. */
    private static boolean word(String v, int i, String w) {
        int e = i + w.length();
        return e < v.length() && v.regionMatches(true, i, w, 0, w.length()) && space(v.charAt(e));
    }

    /** The first position in [from, end) where keyword {@code w} stands between white space, or -1. */
    private static int findWord(String v, String w, int from, int end) {
        char lower = w.charAt(0);
        char upper = Character.toUpperCase(lower);
        for (int i = Math.max(from, 1); i < end; i++) {
            char c = v.charAt(i);
            if ((c == lower || c == upper) && space(v.charAt(i - 1)) && word(v, i, w)) {
                return i;
            }
        }
        return -1;
    }

    /** The run of characters from {@code start} up to white space, '(' or ')' (before {@code end}), or null. */
    private static String token(String v, int start, int end) {
        int s = skipSpace(v, start, end);
        int e = s;
        while (e < end && !space(v.charAt(e)) && v.charAt(e) != '(' && v.charAt(e) != ')') {
            e++;
        }
        return e > s ? v.substring(s, e) : null;
    }

    /** The first dotted quad in [from, end) that follows '[' or '(' , or null. */
    private static String firstQuad(String v, int from, int end) {
        for (int i = Math.max(from, 1); i < end; i++) {
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
