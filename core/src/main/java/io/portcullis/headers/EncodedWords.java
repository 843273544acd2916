package io.portcullis.headers;

/**
 * Scans a header value for RFC 2047 encoded-words ({@code =?charset?B|Q?text?=}) and judges them:
 * malformed words (RFC 2047 section 2, 4, 5) and words whose decoded text is plain printable ASCII
 * (encoding that was not needed). Linear; never throws.
 */
final class EncodedWords {
    /** RFC 2047 2: an encoded-word may not be more than 75 characters long. */
    static final int MAX_WORD_LENGTH = 75;

    /** Summary of one value. Immutable. */
    static final class Scan {
        final int words;
        final int asciiOnlyWords;
        final String error;
        final String firstWord;

        Scan(int words, int asciiOnlyWords, String error, String firstWord) {
            this.words = words;
            this.asciiOnlyWords = asciiOnlyWords;
            this.error = error;
            this.firstWord = firstWord;
        }

        /** Every encoded-word is well formed and decodes to printable ASCII. */
        boolean allAsciiOnly() {
            return words > 0 && error == null && asciiOnlyWords == words;
        }
    }

    private static final Scan NONE = new Scan(0, 0, null, null);

    private EncodedWords() {
    }

    static Scan scan(String v) {
        int idx = v.indexOf("=?");
        if (idx < 0) {
            return NONE;
        }
        int n = v.length();
        int words = 0;
        int ascii = 0;
        String error = null;
        String first = null;
        int i = idx;
        while (i >= 0 && i < n) {
            // i points at "=?"
            int csStart = i + 2;
            int q1 = indexOfStop(v, '?', csStart);
            String problem = null;
            int wordEnd = -1;
            if (q1 < 0) {
                problem = "'=?' without charset and encoding";
            } else if (q1 == csStart) {
                problem = "empty charset";
            } else if (q1 + 2 >= n || v.charAt(q1 + 2) != '?') {
                problem = "encoding is not a single letter B or Q";
            } else {
                char enc = Character.toUpperCase(v.charAt(q1 + 1));
                int textStart = q1 + 3;
                int close = v.indexOf("?=", textStart);
                int ws = firstWhitespace(v, textStart, close < 0 ? n : close);
                if (close < 0) {
                    problem = "no closing '?='";
                } else if (ws >= 0) {
                    problem = "white space inside encoded-word";
                } else {
                    wordEnd = close + 2;
                    if (enc != 'B' && enc != 'Q') {
                        problem = "unknown encoding '" + v.charAt(q1 + 1) + "'";
                    } else if (!charsetToken(v, csStart, q1)) {
                        problem = "bad charset token";
                    } else if (wordEnd - i > MAX_WORD_LENGTH) {
                        problem = "longer than 75 characters";
                    } else {
                        int res = enc == 'B' ? checkBase64(v, textStart, close) : checkQ(v, textStart, close);
                        if (res == BAD) {
                            problem = enc == 'B' ? "invalid base64 text" : "invalid Q text";
                        } else {
                            words++;
                            if (res == ASCII && !asciiIncompatible(v, csStart, q1)) {
                                ascii++;
                            }
                            if (first == null) {
                                first = v.substring(i, wordEnd);
                            }
                        }
                    }
                }
            }
            if (problem != null) {
                words++;
                if (error == null) {
                    int to = wordEnd > 0 ? wordEnd : Math.min(n, i + 30);
                    error = problem + " in '" + clip(v.substring(i, to)) + "'";
                }
            }
            int next = wordEnd > 0 ? wordEnd : i + 2;
            i = v.indexOf("=?", next);
        }
        return new Scan(words, ascii, error, first);
    }

    private static final int BAD = 0;
    private static final int ASCII = 1;
    private static final int NON_ASCII = 2;

    private static int indexOfStop(String v, char c, int from) {
        for (int k = from; k < v.length(); k++) {
            char d = v.charAt(k);
            if (d == c) {
                return k;
            }
            if (d == ' ' || d == '\t' || d == '=' || d < 32) {
                return -1;
            }
        }
        return -1;
    }

    private static int firstWhitespace(String v, int from, int to) {
        for (int k = from; k < to; k++) {
            char d = v.charAt(k);
            if (d == ' ' || d == '\t') {
                return k;
            }
        }
        return -1;
    }

    /** RFC 2047 token (with optional RFC 2231 "*language"): no specials, no controls, no space. */
    private static boolean charsetToken(String v, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = v.charAt(k);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?.=".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Charsets whose bytes are not ASCII-compatible, so ASCII-looking output does not mean "ASCII". */
    private static boolean asciiIncompatible(String v, int from, int to) {
        String cs = v.substring(from, to).toLowerCase(java.util.Locale.ROOT);
        return cs.startsWith("utf-7") || cs.startsWith("utf-16") || cs.startsWith("utf-32")
                || cs.startsWith("iso-2022") || cs.startsWith("hz");
    }

    private static int checkBase64(String v, int from, int to) {
        int len = to - from;
        if (len == 0 || len % 4 != 0) {
            return BAD;
        }
        int bits = 0;
        int acc = 0;
        boolean ascii = true;
        int pad = 0;
        for (int k = from; k < to; k++) {
            char c = v.charAt(k);
            int d;
            if (c >= 'A' && c <= 'Z') {
                d = c - 'A';
            } else if (c >= 'a' && c <= 'z') {
                d = c - 'a' + 26;
            } else if (c >= '0' && c <= '9') {
                d = c - '0' + 52;
            } else if (c == '+') {
                d = 62;
            } else if (c == '/') {
                d = 63;
            } else if (c == '=') {
                if (k < to - 2) {
                    return BAD;
                }
                pad++;
                continue;
            } else {
                return BAD;
            }
            if (pad > 0) {
                return BAD;
            }
            acc = (acc << 6) | d;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                int octet = (acc >> bits) & 0xff;
                if (octet < 0x20 || octet > 0x7e) {
                    if (!(octet == '\t')) {
                        ascii = false;
                    }
                }
            }
        }
        return ascii ? ASCII : NON_ASCII;
    }

    private static int checkQ(String v, int from, int to) {
        boolean ascii = true;
        for (int k = from; k < to; k++) {
            char c = v.charAt(k);
            if (c == '=') {
                if (k + 2 >= to || !isHex(v.charAt(k + 1)) || !isHex(v.charAt(k + 2))) {
                    return BAD;
                }
                int octet = Character.digit(v.charAt(k + 1), 16) * 16 + Character.digit(v.charAt(k + 2), 16);
                if (octet < 0x20 || octet > 0x7e) {
                    ascii = false;
                }
                k += 2;
            } else if (c <= 32 || c >= 127 || c == '?') {
                return BAD;
            }
        }
        return ascii ? ASCII : NON_ASCII;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
    }

    private static String clip(String w) {
        String t = w.length() > 40 ? w.substring(0, 40) + "..." : w;
        StringBuilder sb = new StringBuilder(t.length());
        for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            sb.append(c >= 32 && c < 127 ? c : '?');
        }
        return sb.toString();
    }
}
