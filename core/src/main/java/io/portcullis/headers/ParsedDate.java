package io.portcullis.headers;

/**
 * Result of parsing an RFC 5322 date-time (section 3.3, with the obsolete forms of section 4.3).
 * Either {@link #valid()} with the instant and zone details, or invalid with a reason. Immutable.
 */
final class ParsedDate {
    /** How the zone was written. */
    enum ZoneKind {
        /** {@code +hhmm} / {@code -hhmm}. */
        NUMERIC,
        /** An obsolete alphabetic zone: UT, GMT, EST, EDT, CST, CDT, MST, MDT, PST, PDT. */
        OBSOLETE_NAME,
        /** A one-letter military zone; RFC 5322 4.3 says to treat it as -0000. */
        MILITARY
    }

    private final String error;
    private final long epochSecond;
    private final int offsetMinutes;
    private final int zoneHours;
    private final int zoneMinutes;
    private final ZoneKind zoneKind;
    private final String zoneText;
    private final String zoneComment;
    private final String weekdayMismatch;

    private ParsedDate(String error, long epochSecond, int offsetMinutes, int zoneHours, int zoneMinutes,
            ZoneKind zoneKind, String zoneText, String zoneComment, String weekdayMismatch) {
        this.error = error;
        this.epochSecond = epochSecond;
        this.offsetMinutes = offsetMinutes;
        this.zoneHours = zoneHours;
        this.zoneMinutes = zoneMinutes;
        this.zoneKind = zoneKind;
        this.zoneText = zoneText;
        this.zoneComment = zoneComment;
        this.weekdayMismatch = weekdayMismatch;
    }

    static ParsedDate invalid(String error) {
        return new ParsedDate(error, 0, 0, 0, 0, null, null, null, null);
    }

    static ParsedDate valid(long epochSecond, int offsetMinutes, int zoneHours, int zoneMinutes, ZoneKind kind,
            String zoneText, String zoneComment, String weekdayMismatch) {
        return new ParsedDate(null, epochSecond, offsetMinutes, zoneHours, zoneMinutes, kind, zoneText, zoneComment,
                weekdayMismatch);
    }

    boolean valid() {
        return error == null;
    }

    /** Why the text is not a date-time; null when valid. */
    String error() {
        return error;
    }

    /** Seconds since the epoch (UTC). A leap second 60 counts as the next second. */
    long epochSecond() {
        return epochSecond;
    }

    /** Signed offset from UTC in minutes. */
    int offsetMinutes() {
        return offsetMinutes;
    }

    /** The hh of a numeric zone (unsigned, may be up to 99). */
    int zoneHours() {
        return zoneHours;
    }

    /** The mm of a numeric zone (may be up to 99). */
    int zoneMinutes() {
        return zoneMinutes;
    }

    ZoneKind zoneKind() {
        return zoneKind;
    }

    /** The zone as written, e.g. {@code -0500} or {@code EST}. */
    String zoneText() {
        return zoneText;
    }

    /** The text of a comment following the zone, trimmed (e.g. {@code PST}), or null. */
    String zoneComment() {
        return zoneComment;
    }

    /** When the day-of-week disagrees with the date, e.g. "Mon given, 22 Aug 2002 is a Thu"; else null. */
    String weekdayMismatch() {
        return weekdayMismatch;
    }
}
