package io.portcullis.headers;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the raw header block into fields without any MIME library. Linear in the input, bounded by
 * {@link #MAX_HEADER_BYTES} and {@link #MAX_FIELDS}; never throws on any byte sequence.
 *
 * <p>Line ends: LF ends a line; a CR directly before it belongs to the line end (CRLF). A CR not
 * followed by LF is counted as a bare CR and otherwise treated as data. The header ends at the first
 * empty line, at a line that is neither a field nor a continuation (the body began without the empty
 * line), at the end of the input, or at a limit.
 */
final class HeaderParser {
    /** At most this many octets of header are examined (1 MiB); callers read one more to show it is exceeded. */
    static final int MAX_HEADER_BYTES = HeaderInput.MAX_HEADER_BYTES;
    /** At most this many fields are read. */
    static final int MAX_FIELDS = 2_000;
    /** RFC 5322 2.1.1: a line MUST NOT exceed 998 characters, excluding the CRLF. */
    static final int MAX_LINE_LENGTH = 998;

    private HeaderParser() {
    }

    static ParsedHeader parse(byte[] b) {
        final int n = b.length;
        final int limit = Math.min(n, MAX_HEADER_BYTES);
        List<HeaderField> fields = new ArrayList<>(32);
        int crlf = 0;
        int bareLf = 0;
        int bareCr = 0;
        int longLines = 0;
        int longest = 0;
        int longestLineNo = 0;
        int badNames = 0;
        String firstBad = null;
        ParsedHeader.End end = null;
        String bodyStart = null;

        // the field being assembled
        int fStart = -1; // offset of the first value octet (after the colon)
        int fEnd = -1; // end of the value (exclusive, before the line end of its last line)
        int fLine = 0;
        String fName = null;
        String fLower = null;

        int pos = 0;
        int lineNo = 0;
        while (true) {
            if (pos >= limit) {
                end = limit < n ? ParsedHeader.End.LIMIT : ParsedHeader.End.END_OF_INPUT;
                break;
            }
            lineNo++;
            int lineStart = pos;
            int i = pos;
            while (i < limit && b[i] != '\n') {
                if (b[i] == '\r' && (i + 1 >= limit || b[i + 1] != '\n')) {
                    if (i + 1 < limit || limit == n) {
                        bareCr++;
                    }
                }
                i++;
            }
            int contentEnd = i;
            if (i < limit) {
                // b[i] == '\n'
                if (i > lineStart && b[i - 1] == '\r') {
                    crlf++;
                    contentEnd = i - 1;
                } else {
                    bareLf++;
                }
                pos = i + 1;
            } else {
                pos = limit;
                if (limit < n) {
                    // The limit cut this line: it is not judged (a field, a continuation or the separator's CR).
                    end = ParsedHeader.End.LIMIT;
                    break;
                }
            }
            int len = contentEnd - lineStart;
            if (len > MAX_LINE_LENGTH) {
                longLines++;
                if (len > longest) {
                    longest = len;
                    longestLineNo = lineNo;
                }
            }
            if (len == 0) {
                // (an empty line always has its LF here: a line ending at the limit or the input has content)
                end = ParsedHeader.End.SEPARATOR;
                break;
            }
            byte first = b[lineStart];
            if (first == ' ' || first == '\t') {
                if (fName != null) {
                    fEnd = contentEnd; // continuation of the current field
                    continue;
                }
                badNames++;
                if (firstBad == null) {
                    firstBad = "line " + lineNo + " is a continuation line with no field before it";
                }
                continue;
            }
            // a new field (or the body)
            int colon = -1;
            for (int j = lineStart; j < contentEnd; j++) {
                if (b[j] == ':') {
                    colon = j;
                    break;
                }
            }
            if (colon < 0) {
                end = ParsedHeader.End.BODY_WITHOUT_SEPARATOR;
                bodyStart = shorten(b, lineStart, contentEnd);
                break;
            }
            if (fName != null) {
                fields.add(makeField(b, fName, fLower, fStart, fEnd, fLine));
                fName = null;
                if (fields.size() >= MAX_FIELDS) {
                    end = ParsedHeader.End.LIMIT;
                    break;
                }
            }
            // validate the name: 1*ftext (33..126 except ':'); obsolete syntax allows WSP before ':'
            int nameEnd = colon;
            while (nameEnd > lineStart && (b[nameEnd - 1] == ' ' || b[nameEnd - 1] == '\t')) {
                nameEnd--;
            }
            String problem = null;
            if (nameEnd == lineStart) {
                // (the first octet is no white space, so only ":" at the line start leaves the name empty)
                problem = "empty field name";
            } else {
                for (int j = lineStart; j < nameEnd; j++) {
                    int c = b[j] & 0xff;
                    if (c < 33 || c > 126) {
                        problem = c == ' ' || c == '\t' ? "white space inside field name"
                                : c > 126 ? "8-bit octet in field name" : "control character in field name";
                        break;
                    }
                }
                if (problem == null && nameEnd != colon) {
                    problem = "white space before the colon";
                }
            }
            if (problem != null) {
                badNames++;
                if (firstBad == null) {
                    firstBad = "line " + lineNo + " '" + shorten(b, lineStart, Math.min(colon + 1, contentEnd)) + "': "
                            + problem;
                }
            }
            fName = latin1(b, lineStart, nameEnd);
            fLower = asciiLower(fName);
            fStart = colon + 1;
            fEnd = contentEnd;
            fLine = lineNo;
        }
        if (fName != null) {
            fields.add(makeField(b, fName, fLower, fStart, fEnd, fLine));
        }
        return new ParsedHeader(fields, end, bodyStart, crlf, bareLf, bareCr, longLines, longest, longestLineNo,
                badNames, firstBad, pos);
    }

    private static HeaderField makeField(byte[] b, String name, String lower, int start, int end, int line) {
        // skip leading white space of the value
        int s = start;
        while (s < end && (b[s] == ' ' || b[s] == '\t')) {
            s++;
        }
        char[] out = new char[Math.max(0, end - s)];
        int k = 0;
        boolean eightBit = false;
        int run = 0;
        int longestRun = 0;
        boolean lineStarted = false;
        for (int j = s; j < end; j++) {
            int c = b[j] & 0xff;
            if (c == '\r' || c == '\n') {
                run = 0;
                lineStarted = false;
                continue;
            }
            if (c == ' ' || c == '\t') {
                if (lineStarted) {
                    run++;
                }
            } else {
                if (run > longestRun) {
                    longestRun = run;
                }
                run = 0;
                lineStarted = true;
            }
            if (c >= 0x80) {
                eightBit = true;
            }
            out[k++] = (char) c;
        }
        // trailing white space is not part of the value
        while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t')) {
            k--;
        }
        for (int j = 0; j < name.length() && !eightBit; j++) {
            if (name.charAt(j) >= 0x80) {
                eightBit = true;
            }
        }
        boolean utf8 = !eightBit || (Utf8.isValid(b, s, end) && Utf8.isValid(name));
        return new HeaderField(name, lower, new String(out, 0, k), line, eightBit, utf8, longestRun);
    }

    static String latin1(byte[] b, int from, int to) {
        char[] c = new char[to - from];
        for (int j = from; j < to; j++) {
            c[j - from] = (char) (b[j] & 0xff);
        }
        return new String(c);
    }

    static String asciiLower(String s) {
        for (int j = 0; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c >= 'A' && c <= 'Z') {
                char[] a = s.toCharArray();
                for (int k = j; k < a.length; k++) {
                    if (a[k] >= 'A' && a[k] <= 'Z') {
                        a[k] = (char) (a[k] + 32);
                    }
                }
                return new String(a);
            }
        }
        return s;
    }

    private static String shorten(byte[] b, int from, int to) {
        int end = Math.min(to, from + 40);
        StringBuilder sb = new StringBuilder(end - from + 3);
        for (int j = from; j < end; j++) {
            int c = b[j] & 0xff;
            sb.append(c >= 32 && c < 127 ? (char) c : '?');
        }
        if (end < to) {
            sb.append("...");
        }
        return sb.toString();
    }
}
