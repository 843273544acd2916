package io.portcullis.headers;

/**
 * Hand-written, linear parser for RFC 5322 date-time (3.3) including the obsolete syntax of 4.3:
 * comments and folding white space anywhere, two- and three-digit years, alphabetic zones and
 * military zones. Seconds may be 60 (leap second). Never throws.
 */
final class DateTimeParser {
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};
    private static final int MAX_LENGTH = 400;

    private DateTimeParser() {
    }

    static ParsedDate parse(String s) {
        return parse(s, false);
    }

    /**
     * Lenient variant for Received timestamps, where only the instant matters: also accepts a day name
     * without comma or in full, a {@code +hh:mm} zone, a named zone from {@link Zones} and trailing
     * text after the zone. Used for the trace only, never to judge the Date header.
     */
    static ParsedDate parseLenient(String s) {
        return parse(s, true);
    }

    private static ParsedDate parse(String s, boolean lenient) {
        if (s == null) {
            return ParsedDate.invalid("empty");
        }
        if (s.length() > MAX_LENGTH) {
            return ParsedDate.invalid("over-long date");
        }
        Cursor c = new Cursor(s);
        c.skipCfws();
        if (c.failed) {
            return ParsedDate.invalid("unterminated comment");
        }
        if (c.atEnd()) {
            return ParsedDate.invalid("empty");
        }
        int givenDow = -1;
        if (isAlpha(c.peek())) {
            String word = c.word();
            c.skipCfws();
            if (lenient) {
                givenDow = indexOf(DAYS, word.length() > 3 ? word.substring(0, 3) : word);
                if (givenDow >= 0 && c.peek() == ',') {
                    c.pos++;
                }
                if (givenDow < 0) {
                    return ParsedDate.invalid("'" + clip(word) + "' is not a day name");
                }
                givenDow = -1; // not judged in lenient mode
                c.skipCfws();
            } else if (c.peek() != ',') {
                if (indexOf(MONTHS, word) >= 0) {
                    return ParsedDate.invalid("month before day ('" + word + "'), not RFC 5322 order");
                }
                return ParsedDate.invalid(indexOf(DAYS, word) >= 0 ? "no comma after day name '" + word + "'"
                        : "unexpected word '" + clip(word) + "'");
            } else {
                givenDow = indexOf(DAYS, word);
                if (givenDow < 0) {
                    return ParsedDate.invalid("'" + clip(word) + "' is not a day name");
                }
                c.pos++;
                c.skipCfws();
            }
        }
        int dayStart = c.pos;
        int day = c.number(2);
        if (day < 0) {
            return ParsedDate.invalid("no day of month");
        }
        if (c.pos - dayStart > 2) {
            return ParsedDate.invalid("day of month has more than two digits");
        }
        c.skipCfws();
        String mon = c.word();
        int month = indexOf(MONTHS, mon);
        if (month < 0) {
            return ParsedDate.invalid(mon.isEmpty() ? "no month name" : "'" + clip(mon) + "' is not a month name");
        }
        c.skipCfws();
        int yStart = c.pos;
        int year = c.number(6);
        int yDigits = c.pos - yStart;
        if (year < 0) {
            return ParsedDate.invalid("no year");
        }
        if (yDigits > 4 && year > 9999) {
            return ParsedDate.invalid("year " + year + " out of range");
        }
        if (yDigits == 2) {
            year += year < 50 ? 2000 : 1900; // RFC 5322 4.3
        } else if (yDigits == 3) {
            year += 1900;
        } else if (yDigits < 2) {
            return ParsedDate.invalid("one-digit year");
        }
        if (year < 1900) {
            return ParsedDate.invalid("year " + year + " before 1900");
        }
        c.skipCfws();
        int hStart = c.pos;
        int hour = c.number(2);
        if (hour < 0 || c.pos - hStart > 2) {
            return ParsedDate.invalid("no time of day");
        }
        c.skipCfws();
        if (c.peek() != ':') {
            return ParsedDate.invalid("no ':' after hour");
        }
        c.pos++;
        c.skipCfws();
        int mStart = c.pos;
        int minute = c.number(2);
        if (minute < 0 || c.pos - mStart != 2) {
            return ParsedDate.invalid("minute is not two digits");
        }
        int second = 0;
        c.skipCfws();
        if (c.peek() == ':') {
            c.pos++;
            c.skipCfws();
            int sStart = c.pos;
            second = c.number(2);
            if (second < 0 || c.pos - sStart != 2) {
                return ParsedDate.invalid("second is not two digits");
            }
            c.skipCfws();
        }
        if (c.failed) {
            return ParsedDate.invalid("unterminated comment");
        }
        if (hour > 23 || minute > 59 || second > 60) {
            return ParsedDate.invalid(String.format("time %02d:%02d:%02d out of range", hour, minute, second));
        }
        // zone
        int offset;
        int zh = 0;
        int zm = 0;
        ParsedDate.ZoneKind kind;
        String zoneText;
        char z = c.peek();
        if (z == '+' || z == '-') {
            int zs = c.pos;
            c.pos++;
            int digitsStart = c.pos;
            int v = c.number(4);
            if (lenient && c.pos - digitsStart <= 2 && v >= 0 && c.peek() == ':') {
                c.pos++;
                int mmStart = c.pos;
                int mm = c.number(2);
                v = c.pos - mmStart == 2 && mm >= 0 ? v * 100 + mm : -1;
                digitsStart = c.pos - 4;
            }
            if (v < 0 || c.pos - digitsStart != 4) {
                return ParsedDate.invalid("zone '" + clip(s.substring(zs, Math.min(s.length(), zs + 8)))
                        + "' is not +hhmm/-hhmm");
            }
            zh = v / 100;
            zm = v % 100;
            offset = (zh * 60 + zm) * (z == '-' ? -1 : 1);
            kind = ParsedDate.ZoneKind.NUMERIC;
            zoneText = s.substring(zs, c.pos);
        } else if (isAlpha(z)) {
            String w = c.word();
            int obs = obsoleteZoneOffset(w);
            if (obs != Integer.MIN_VALUE) {
                offset = obs;
                kind = ParsedDate.ZoneKind.OBSOLETE_NAME;
            } else if (w.length() == 1 && Character.toUpperCase(w.charAt(0)) != 'J') {
                offset = 0;
                kind = ParsedDate.ZoneKind.MILITARY;
            } else if (lenient && Zones.offsetOf(w) != Integer.MIN_VALUE) {
                offset = Zones.offsetOf(w);
                kind = ParsedDate.ZoneKind.OBSOLETE_NAME;
            } else {
                return ParsedDate.invalid("'" + clip(w) + "' is not a zone");
            }
            zoneText = w;
        } else if (lenient) {
            offset = 0;
            kind = ParsedDate.ZoneKind.MILITARY;
            zoneText = "";
        } else if (c.atEnd()) {
            return ParsedDate.invalid("no zone");
        } else {
            return ParsedDate.invalid("unexpected '" + printable(z) + "' where the zone belongs");
        }
        c.lastComment = null;
        c.skipCfws();
        if (c.failed) {
            return ParsedDate.invalid("unterminated comment");
        }
        if (!c.atEnd() && !lenient) {
            return ParsedDate.invalid("text after the zone: '" + clip(s.substring(c.pos)) + "'");
        }
        int dim = daysInMonth(year, month + 1);
        if (day < 1 || day > dim) {
            return ParsedDate.invalid("day " + day + " does not exist in " + MONTHS[month] + " " + year);
        }
        long epochDay = epochDay(year, month + 1, day);
        long epoch = epochDay * 86400L + hour * 3600L + minute * 60L + second - offset * 60L;
        String mismatch = null;
        if (givenDow >= 0) {
            int actual = (int) Math.floorMod(epochDay + 3, 7L); // 1970-01-01 was a Thursday (index 3)
            if (actual != givenDow) {
                mismatch = DAYS[givenDow] + " given, but " + day + " " + MONTHS[month] + " " + year + " is a "
                        + DAYS[actual];
            }
        }
        return ParsedDate.valid(epoch, offset, zh, zm, kind, zoneText, c.lastComment, mismatch);
    }

    /** Offset in minutes of an obsolete alphabetic zone (RFC 5322 4.3), or MIN_VALUE. */
    static int obsoleteZoneOffset(String w) {
        switch (w.toUpperCase(java.util.Locale.ROOT)) {
            case "UT":
            case "GMT":
                return 0;
            case "EST":
                return -5 * 60;
            case "EDT":
                return -4 * 60;
            case "CST":
                return -6 * 60;
            case "CDT":
                return -5 * 60;
            case "MST":
                return -7 * 60;
            case "MDT":
                return -6 * 60;
            case "PST":
                return -8 * 60;
            case "PDT":
                return -7 * 60;
            default:
                return Integer.MIN_VALUE;
        }
    }

    static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
                return leap ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm). */
    static long epochDay(int y, int m, int d) {
        long yy = m <= 2 ? y - 1 : y;
        long era = Math.floorDiv(yy, 400);
        long yoe = yy - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    private static int indexOf(String[] names, String w) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(w)) {
                return i;
            }
        }
        return -1;
    }

    static boolean isAlpha(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static String clip(String w) {
        String t = w.length() > 24 ? w.substring(0, 24) + "..." : w;
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            sb.append(printable(t.charAt(i)));
        }
        return sb.toString();
    }

    private static char printable(char ch) {
        return ch >= 32 && ch < 127 ? ch : '?';
    }

    /** Position over the text with CFWS skipping. */
    private static final class Cursor {
        final String s;
        final int n;
        int pos;
        boolean failed;
        String lastComment;

        Cursor(String s) {
            this.s = s;
            this.n = s.length();
        }

        boolean atEnd() {
            return pos >= n;
        }

        char peek() {
            return pos < n ? s.charAt(pos) : '\0';
        }

        /** Skips white space and (nested) comments; remembers the last comment's text. */
        void skipCfws() {
            while (pos < n) {
                char ch = s.charAt(pos);
                if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
                    pos++;
                } else if (ch == '(') {
                    int start = pos + 1;
                    int close = Comments.end(s, pos);
                    pos = close < 0 ? n : close;
                    if (pos >= n) {
                        failed = true;
                        pos = n;
                        return;
                    }
                    lastComment = s.substring(start, pos).trim();
                    pos++;
                } else {
                    return;
                }
            }
        }

        String word() {
            int start = pos;
            while (pos < n && isAlpha(s.charAt(pos))) {
                pos++;
            }
            return s.substring(start, pos);
        }

        /** Reads up to {@code max} digits (more are consumed but make the result -1... see caller). */
        int number(int max) {
            int start = pos;
            long v = 0;
            while (pos < n && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                if (pos - start < 9) {
                    v = v * 10 + (s.charAt(pos) - '0');
                }
                pos++;
            }
            if (pos == start) {
                return -1;
            }
            if (pos - start > max + 3) {
                return Integer.MAX_VALUE;
            }
            return (int) Math.min(v, Integer.MAX_VALUE);
        }
    }
}
