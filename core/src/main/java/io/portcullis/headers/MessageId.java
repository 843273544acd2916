package io.portcullis.headers;

/**
 * An RFC 5322 msg-id (3.6.4) checked for syntax: {@code [CFWS] "<" id-left "@" id-right ">" [CFWS]},
 * id-left a dot-atom-text or quoted string (obs-id-left), id-right a dot-atom-text or a no-fold
 * literal. Comments around the brackets are accepted, white space inside is not. Immutable; never
 * throws.
 */
final class MessageId {
    private final String left;
    private final String right;
    private final String error;

    private MessageId(String left, String right, String error) {
        this.left = left;
        this.right = right;
        this.error = error;
    }

    /** The id-left, or null when invalid. */
    String left() {
        return left;
    }

    /** The id-right, or null when invalid. */
    String right() {
        return right;
    }

    /** The inner text {@code left@right} without brackets, or null when invalid. */
    String inner() {
        return left == null ? null : left + "@" + right;
    }

    String error() {
        return error;
    }

    boolean valid() {
        return error == null;
    }

    static MessageId parse(String v) {
        int n = v.length();
        int i = skipCfws(v, 0);
        if (i < 0) {
            return bad("unterminated comment");
        }
        if (i >= n) {
            return bad("empty");
        }
        if (v.charAt(i) != '<') {
            return bad(v.indexOf('@') >= 0 ? "not enclosed in '<' '>'" : "no '<' and no '@'");
        }
        int start = i + 1;
        int gt = v.indexOf('>', start);
        if (gt < 0) {
            return bad("missing '>'");
        }
        int after = skipCfws(v, gt + 1);
        if (after < 0) {
            return bad("unterminated comment");
        }
        if (after < n) {
            return bad(v.charAt(after) == '<' ? "more than one id" : "text after '>'");
        }
        // id-left
        int at;
        if (start < gt && v.charAt(start) == '"') {
            int q = start + 1;
            while (q < gt && v.charAt(q) != '"') {
                q += v.charAt(q) == '\\' ? 2 : 1;
            }
            if (q >= gt) {
                return bad("unterminated quoted id-left");
            }
            at = q + 1;
            if (at >= gt || v.charAt(at) != '@') {
                return bad("no '@' after quoted id-left");
            }
        } else {
            at = -1;
            for (int k = start; k < gt; k++) {
                if (v.charAt(k) == '@') {
                    at = k;
                    break;
                }
            }
            if (at < 0) {
                return bad("no '@'");
            }
            String e = dotAtomProblem(v, start, at, "id-left");
            if (e != null) {
                return bad(e);
            }
        }
        // id-right
        int rs = at + 1;
        if (rs < gt && v.charAt(rs) == '[') {
            if (v.charAt(gt - 1) != ']') {
                return bad("unterminated literal in id-right");
            }
            for (int k = rs + 1; k < gt - 1; k++) {
                char c = v.charAt(k);
                if (c <= 32 || c >= 127 || c == '[' || c == ']' || c == '\\') {
                    return bad(describe(c) + " in id-right literal");
                }
            }
        } else {
            String e = dotAtomProblem(v, rs, gt, "id-right");
            if (e != null) {
                return bad(e);
            }
        }
        return new MessageId(v.substring(start, at), v.substring(rs, gt), null);
    }

    private static MessageId bad(String why) {
        return new MessageId(null, null, why);
    }

    private static String dotAtomProblem(String v, int from, int to, String part) {
        if (from >= to) {
            return "empty " + part;
        }
        if (v.charAt(from) == '.' || v.charAt(to - 1) == '.') {
            return part + " starts or ends with '.'";
        }
        char prev = 0;
        for (int k = from; k < to; k++) {
            char c = v.charAt(k);
            if (c == '.') {
                if (prev == '.') {
                    return "'..' in " + part;
                }
            } else if (!AddressParser.isAtext(c) || c >= 0x80) {
                return describe(c) + " in " + part;
            }
            prev = c;
        }
        return null;
    }

    private static String describe(char c) {
        if (c == ' ' || c == '\t') {
            return "white space";
        }
        if (c >= 0x80) {
            return "8-bit octet";
        }
        if (c < 32 || c == 127) {
            return "control character";
        }
        return "'" + c + "'";
    }

    /** Skips white space and nested comments from {@code i}; -1 if a comment is unterminated. */
    static int skipCfws(String v, int i) {
        int n = v.length();
        while (i < n) {
            char c = v.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '(') {
                i = Comments.end(v, i);
                if (i < 0) {
                    return -1;
                }
                i++;
            } else {
                return i;
            }
        }
        return i;
    }
}
