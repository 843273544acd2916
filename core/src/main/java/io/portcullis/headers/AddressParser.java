package io.portcullis.headers;

import java.util.ArrayList;
import java.util.List;

/**
 * Linear recursive-descent parser for RFC 5322 address lists over a small token stream. No regular
 * expressions, no recursion deeper than one group level; never throws.
 *
 * <p>8-bit octets are accepted as atom text here: whether they are allowed is judged separately
 * (RAW_8BIT_HEADER), so a single defect is not reported twice.
 */
final class AddressParser {
    private static final int MAX_TOKENS = 20_000;

    private enum T {
        ATOM, QSTRING, DLITERAL, DOT, AT, LT, GT, COMMA, COLON, SEMI
    }

    private final List<T> types = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    /** Per token: whether white space or a comment (CFWS) came right before it. */
    private final List<Boolean> spaced = new ArrayList<>();
    private boolean cfws;
    private String lexError;
    private int p;

    private AddressParser() {
    }

    static AddressList parse(String value) {
        AddressParser ap = new AddressParser();
        ap.lex(value == null ? "" : value);
        List<AddressList.Mailbox> out = new ArrayList<>();
        if (ap.lexError != null) {
            return new AddressList(out, 0, ap.lexError);
        }
        int[] groups = new int[1];
        String err = ap.addressList(out, groups);
        return new AddressList(out, groups[0], err);
    }

    // ---------------------------------------------------------------- lexer

    private void lex(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (types.size() > MAX_TOKENS) {
                lexError = "too many tokens";
                return;
            }
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                cfws = true;
                i++;
            } else if (c == '(') {
                i = Comments.end(s, i);
                if (i < 0) {
                    lexError = "unterminated comment";
                    return;
                }
                cfws = true;
                i++;
            } else if (c == '"') {
                int start = i;
                i++;
                while (i < n && s.charAt(i) != '"') {
                    i += s.charAt(i) == '\\' ? 2 : 1;
                }
                if (i >= n) {
                    lexError = "unterminated quoted string";
                    return;
                }
                i++;
                add(T.QSTRING, s.substring(start, i));
            } else if (c == '[') {
                int start = i;
                i++;
                while (i < n && s.charAt(i) != ']') {
                    char d = s.charAt(i);
                    if (d == '[') {
                        lexError = "'[' inside domain literal";
                        return;
                    }
                    i += d == '\\' ? 2 : 1;
                }
                if (i >= n) {
                    lexError = "unterminated domain literal";
                    return;
                }
                i++;
                add(T.DLITERAL, s.substring(start, i));
            } else if (c == '.') {
                add(T.DOT, ".");
                i++;
            } else if (c == '@') {
                add(T.AT, "@");
                i++;
            } else if (c == '<') {
                add(T.LT, "<");
                i++;
            } else if (c == '>') {
                add(T.GT, ">");
                i++;
            } else if (c == ',') {
                add(T.COMMA, ",");
                i++;
            } else if (c == ':') {
                add(T.COLON, ":");
                i++;
            } else if (c == ';') {
                add(T.SEMI, ";");
                i++;
            } else if (isAtext(c)) {
                int start = i;
                while (i < n && isAtext(s.charAt(i))) {
                    i++;
                }
                add(T.ATOM, s.substring(start, i));
            } else {
                lexError = c == ')' ? "unbalanced ')'" : c == ']' ? "unbalanced ']'" : c == '\\' ? "stray '\\'"
                        : "illegal character 0x" + Integer.toHexString(c);
                return;
            }
        }
    }

    private void add(T t, String text) {
        types.add(t);
        texts.add(text);
        spaced.add(cfws);
        cfws = false;
    }

    static boolean isAtext(char c) {
        if (c >= 0x80) {
            return c <= 0xff; // 8-bit octet: judged elsewhere
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    // ---------------------------------------------------------------- parser

    private T peek() {
        return p < types.size() ? types.get(p) : null;
    }

    private String addressList(List<AddressList.Mailbox> out, int[] groups) {
        boolean any = false;
        while (p < types.size()) {
            if (peek() == T.COMMA) { // obs-addr-list allows empty elements
                p++;
                continue;
            }
            String err = address(out, groups, false);
            if (err != null) {
                return err;
            }
            any = true;
            T t = peek();
            if (t == null) {
                break;
            }
            if (t != T.COMMA) {
                return "unexpected '" + texts.get(p) + "' after an address";
            }
        }
        return any ? null : "no address";
    }

    /** Parses one address (mailbox or group). */
    private String address(List<AddressList.Mailbox> out, int[] groups, boolean inGroup) {
        int start = p;
        // phrase: 1*(word / ".")  (obs-phrase), or a local-part
        while (peek() == T.ATOM || peek() == T.QSTRING || peek() == T.DOT) {
            p++;
        }
        int phraseEnd = p;
        T t = peek();
        if (t == T.LT) {
            if (phraseEnd > start && types.get(start) == T.DOT) {
                return "display name starts with '.'";
            }
            p++;
            // obs-route: 1*("@" domain *("," ...)) ":"
            if (peek() == T.AT) {
                while (peek() == T.AT || peek() == T.COMMA) {
                    if (peek() == T.AT) {
                        p++;
                        if (domain() == null) {
                            return "bad route domain";
                        }
                    } else {
                        p++;
                    }
                }
                if (peek() != T.COLON) {
                    return "bad source route";
                }
                p++;
            }
            if (peek() == T.GT) {
                return "empty address '<>'";
            }
            int lpStart = p;
            String lp = localPart();
            if (lp == null) {
                return lpStart < types.size() && types.get(lpStart) == T.AT ? "no local part before '@'"
                        : "bad local part";
            }
            if (peek() != T.AT) {
                return "no '@' in address <" + lp + ">";
            }
            p++;
            String dom = domain();
            if (dom == null) {
                return "bad or missing domain in <" + lp + "@...>";
            }
            if (peek() != T.GT) {
                return peek() == null ? "missing '>'" : "unexpected '" + texts.get(p) + "' inside <...>";
            }
            p++;
            out.add(new AddressList.Mailbox(phrase(start, phraseEnd), lp, dom));
            return null;
        }
        if (t == T.COLON && !inGroup) {
            if (phraseEnd == start) {
                return "group without a name";
            }
            p++;
            groups[0]++;
            while (peek() != null && peek() != T.SEMI) {
                if (peek() == T.COMMA) {
                    p++;
                    continue;
                }
                String err = address(out, groups, true);
                if (err != null) {
                    return err;
                }
                if (peek() == T.COMMA) {
                    p++;
                } else if (peek() != T.SEMI) {
                    return peek() == null ? "group not terminated by ';'" : "unexpected '" + texts.get(p)
                            + "' in group";
                }
            }
            if (peek() != T.SEMI) {
                return "group not terminated by ';'";
            }
            p++;
            return null;
        }
        if (t == T.AT) {
            // addr-spec: the phrase must be a valid local-part
            p = start;
            String lp = localPart();
            if (lp == null || p != phraseEnd) {
                return phraseEnd == start ? "no local part before '@'" : "bad local part '" + join(start, phraseEnd)
                        + "'";
            }
            p++;
            String dom = domain();
            if (dom == null) {
                return "bad or missing domain after '" + lp + "@'";
            }
            if (peek() == T.AT) {
                return "more than one '@' in " + lp + "@" + dom;
            }
            out.add(new AddressList.Mailbox("", lp, dom));
            return null;
        }
        if (phraseEnd > start) {
            if (t == T.GT) {
                return "'>' without '<'";
            }
            return "'" + phrase(start, phraseEnd) + "' is not an address (no '@')";
        }
        return t == null ? "no address" : "unexpected '" + texts.get(p) + "'";
    }

    /** local-part = word *("." word); returns its text or null. */
    private String localPart() {
        int start = p;
        if (peek() != T.ATOM && peek() != T.QSTRING) {
            return null;
        }
        p++;
        while (peek() == T.DOT) {
            p++;
            if (peek() != T.ATOM && peek() != T.QSTRING) {
                return null;
            }
            p++;
        }
        return join(start, p);
    }

    /** domain = dot-atom / domain-literal; returns its text or null. */
    private String domain() {
        if (peek() == T.DLITERAL) {
            return texts.get(p++);
        }
        int start = p;
        if (peek() != T.ATOM) {
            return null;
        }
        p++;
        while (peek() == T.DOT) {
            p++;
            if (peek() != T.ATOM) {
                return null;
            }
            p++;
        }
        return join(start, p);
    }

    /** The text of a dot-atom, local part or domain: its tokens without the CFWS between them. */
    private String join(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(texts.get(i));
        }
        return sb.toString();
    }

    /**
     * The text of a phrase (a display name): its words separated by one space, as RFC 5322 reads
     * {@code 1*word}; an obs-phrase {@code '.'} keeps the spacing it had ("Alice B. Cooper", "J.R.R. Tolkien").
     */
    private String phrase(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from && (spaced.get(i) || types.get(i) != T.DOT && types.get(i - 1) != T.DOT)) {
                sb.append(' ');
            }
            sb.append(texts.get(i));
        }
        return sb.toString();
    }
}
