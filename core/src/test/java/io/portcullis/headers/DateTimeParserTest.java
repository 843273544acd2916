package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DateTimeParserTest {
    private static long epoch(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Thu, 22 Aug 2002 12:34:56 +0100|2002-08-22T11:34:56Z",
        "22 Aug 2002 12:34:56 -0000|2002-08-22T12:34:56Z",
        "Thu, 22 Aug 2002 12:34 +0100|2002-08-22T11:34:00Z",
        "Thu, 22 Aug 02 12:34:56 +0100|2002-08-22T11:34:56Z",
        "Sun, 22 Aug 99 12:34:56 +0000|1999-08-22T12:34:56Z",
        "Fri, 22 Aug 102 12:34:56 +0000|2002-08-22T12:34:56Z",
        "Thu, 22 Aug 2002 12:34:56 EDT|2002-08-22T16:34:56Z",
        "Thu, 22 Aug 2002 12:34:56 GMT|2002-08-22T12:34:56Z",
        "Thu, 22 Aug 2002 12:34:56 UT|2002-08-22T12:34:56Z",
        "Thu, 22 Aug 2002 12:34:56 PST|2002-08-22T20:34:56Z",
        "Thu, 22 Aug 2002 12:34:56 Z|2002-08-22T12:34:56Z",
        "Thu, 22 Aug 2002 12:34:56 A|2002-08-22T12:34:56Z",
        "Wed, 31 Dec 2008 23:59:60 +0000|2009-01-01T00:00:00Z",
        "(comment) Thu , 22 (x) Aug 2002 12 : 34 : 56 +0100 (IST)|2002-08-22T11:34:56Z",
        "thu, 22 aug 2002 12:34:56 +0100|2002-08-22T11:34:56Z",
        "Thu,\t22 Aug 2002\t12:34:56\t+0100|2002-08-22T11:34:56Z",
        "Thu, 29 Feb 2024 00:00:00 +0000|2024-02-29T00:00:00Z",
    })
    void validDates(String text, String iso) {
        ParsedDate d = DateTimeParser.parse(text);
        assertThat(d.valid()).as(d.error()).isTrue();
        assertThat(d.epochSecond()).isEqualTo(epoch(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "Thu, 22 Aug 2002", "Thu, 22 Aug 2002 12:34:56", "Thu 22 Aug 2002 12:34:56 +0100",
        "Thursday, 22 Aug 2002 12:34:56 +0100", "Aug 22 2002 12:34:56 +0100", "22 Agu 2002 12:34:56 +0100",
        "Thu, 22 Aug 0102 12:34:56 +0100", "Thu, 22 Aug 2002 24:00:00 +0000", "Thu, 22 Aug 2002 12:60:00 +0000",
        "Thu, 22 Aug 2002 12:34:61 +0000", "Fri, 30 Feb 2002 12:00:00 +0000", "Thu, 22 Aug 2002 12:34:56 +01:00",
        "Thu, 22 Aug 2002 12:34:56 GMT+1", "Thu, 22 Aug 2002 12:34:56 +0100 junk", "Thu, 22 Aug 2002 12:34:56 J",
        "Thu, 22 Aug 2002 12:34:56 (unterminated", "2002-08-22T12:34:56Z", "Thu, 123 Aug 2002 12:34:56 +0000",
        "Thu, 22 Aug 2 12:34:56 +0000", "Thu, 22 Aug 99999999999 12:34:56 +0000",
    })
    void invalidDates(String text) {
        assertThat(DateTimeParser.parse(text).valid()).as(text).isFalse();
    }

    @Test
    void weekdayMismatchIsReported() {
        assertThat(DateTimeParser.parse("Mon, 22 Aug 2002 12:34:56 +0100").weekdayMismatch()).contains("Thu");
        assertThat(DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 +0100").weekdayMismatch()).isNull();
    }

    @Test
    void zoneDetailsAreKept() {
        ParsedDate d = DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 -0500 (PST)");
        assertThat(d.zoneComment()).isEqualTo("PST");
        assertThat(d.offsetMinutes()).isEqualTo(-300);
        assertThat(Zones.mismatch(d)).contains("PST");
        assertThat(Zones.impossible(d)).isNull();
        assertThat(Zones.mismatch(DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 -0800 (PST)"))).isNull();
        assertThat(Zones.mismatch(DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 +0800 (CST)"))).isNull();
        assertThat(Zones.mismatch(DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 -0000 (PST)"))).isNull();
        assertThat(Zones.mismatch(DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 +0200 (Romance Daylight Time)")))
                .isNull();
        assertThat(Zones.impossible(DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 +1900"))).isNotNull();
        assertThat(Zones.impossible(DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 +0017"))).isNotNull();
        assertThat(Zones.impossible(DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 +0545"))).isNull();
        assertThat(Zones.impossible(DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 +1400"))).isNull();
    }

    @Test
    void lenientParsingForTraceTimestamps() {
        assertThat(DateTimeParser.parseLenient("Thu, 22 Aug 2002 04:00:00 -08:00").epochSecond())
                .isEqualTo(epoch("2002-08-22T12:00:00Z"));
        assertThat(DateTimeParser.parseLenient("Wed 28 Aug 2002 10:45:49 CEST").valid()).isTrue();
        assertThat(DateTimeParser.parseLenient("Thu, 22 Aug 2002 12:00:00 +0100 ]").valid()).isTrue();
        assertThat(DateTimeParser.parseLenient("Aug, 22 2002 4:00:00 AM -0800").valid()).isFalse();
    }
    /** Every detail of a result: "! error", or "instant offset zh:zm KIND 'zone' (comment) [mismatch]". */
    private static String describe(ParsedDate d) {
        if (!d.valid()) {
            return "! " + d.error();
        }
        return Instant.ofEpochSecond(d.epochSecond()) + " " + d.offsetMinutes() + " " + d.zoneHours() + ":"
                + d.zoneMinutes() + " " + d.zoneKind() + " '" + d.zoneText() + "'"
                + (d.zoneComment() == null ? "" : " (" + d.zoneComment() + ")")
                + (d.weekdayMismatch() == null ? "" : " [" + d.weekdayMismatch() + "]");
    }

    /** RFC 5322 3.3 and 4.3, strict (the Date header), case by case with the exact result. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // zones: numeric, obsolete names (any case), military letters
        "Mon, 26 Aug 2002 12:34:56 +0130|2002-08-26T11:04:56Z 90 1:30 NUMERIC '+0130'",
        "26 Aug 2002 12:34:56 -0130|2002-08-26T14:04:56Z -90 1:30 NUMERIC '-0130'",
        "26 Aug 2002 12:34:56 +0000|2002-08-26T12:34:56Z 0 0:0 NUMERIC '+0000'",
        "26 Aug 2002 12:34:56 EST|2002-08-26T17:34:56Z -300 0:0 OBSOLETE_NAME 'EST'",
        "26 Aug 2002 12:34:56 edt|2002-08-26T16:34:56Z -240 0:0 OBSOLETE_NAME 'edt'",
        "26 Aug 2002 12:34:56 CST|2002-08-26T18:34:56Z -360 0:0 OBSOLETE_NAME 'CST'",
        "26 Aug 2002 12:34:56 CDT|2002-08-26T17:34:56Z -300 0:0 OBSOLETE_NAME 'CDT'",
        "26 Aug 2002 12:34:56 MST|2002-08-26T19:34:56Z -420 0:0 OBSOLETE_NAME 'MST'",
        "26 Aug 2002 12:34:56 MDT|2002-08-26T18:34:56Z -360 0:0 OBSOLETE_NAME 'MDT'",
        "26 Aug 2002 12:34:56 PST|2002-08-26T20:34:56Z -480 0:0 OBSOLETE_NAME 'PST'",
        "26 Aug 2002 12:34:56 PDT|2002-08-26T19:34:56Z -420 0:0 OBSOLETE_NAME 'PDT'",
        "26 Aug 2002 12:34:56 GMT|2002-08-26T12:34:56Z 0 0:0 OBSOLETE_NAME 'GMT'",
        "26 Aug 2002 12:34:56 ut|2002-08-26T12:34:56Z 0 0:0 OBSOLETE_NAME 'ut'",
        "26 Aug 2002 12:34:56 z|2002-08-26T12:34:56Z 0 0:0 MILITARY 'z'",
        "26 Aug 2002 12:34:56 j|! 'j' is not a zone",
        "26 Aug 2002 12:34:56 CEST|! 'CEST' is not a zone",
        "26 Aug 2002 12:34:56 +01|! zone '+01' is not +hhmm/-hhmm",
        "26 Aug 2002 12:34:56 +01000|! zone '+01000' is not +hhmm/-hhmm",
        "26 Aug 2002 12:34:56 +01:00|! zone '+01:00' is not +hhmm/-hhmm",
        "26 Aug 2002 12:34:56 -|! zone '-' is not +hhmm/-hhmm",
        "26 Aug 2002 12:34:56|! no zone",
        "26 Aug 2002 12:34:56 ]|! unexpected ']' where the zone belongs",
        "26 Aug 2002 12:34:56 ~|! unexpected '~' where the zone belongs",
        "26 Aug 2002 12:34:56 \u007f|! unexpected '?' where the zone belongs",
        "`26 Aug 2002 12:34:56 \u0001`|! unexpected '?' where the zone belongs",
        "26 Aug 2002 12:34:56 +0000 junk|! text after the zone: 'junk'",
        "26 Aug 2002 12:34:56 +0000 junk more|! text after the zone: 'junk more'",
        "26 Aug 2002 12:34:56 +0000 abcdefghijklmnopqrstuvwx|! text after the zone: 'abcdefghijklmnopqrstuvwx'",
        "26 Aug 2002 12:34:56 +0000 abcdefghijklmnopqrstuvwxy|! text after the zone: 'abcdefghijklmnopqrstuvwx...'",
        "26 Aug 2002 12:34:56 +0000 (open|! unterminated comment",
        // comments: only one after the zone is kept
        "26 Aug 2002 12:34:56 (x) -0800 ( PST )|2002-08-26T20:34:56Z -480 8:0 NUMERIC '-0800' (PST)",
        "26 Aug 2002 12:34:56 (PST) -0800|2002-08-26T20:34:56Z -480 8:0 NUMERIC '-0800'",
        "(open|! unterminated comment",
        "26 Aug 2002 12:34 (open|! unterminated comment",
        "`   `|! empty",
        "(only a comment)|! empty",
        // day names
        "Mon, 26 Aug 2002 00:00 +0000|2002-08-26T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "Sun, 26 Aug 2002 00:00 +0000|2002-08-26T00:00:00Z 0 0:0 NUMERIC '+0000' [Sun given, but 26 Aug 2002 is a Mon]",
        "Tue, 26 Aug 2002 00:00 +0000|2002-08-26T00:00:00Z 0 0:0 NUMERIC '+0000' [Tue given, but 26 Aug 2002 is a Mon]",
        "Mon 26 Aug 2002 00:00 +0000|! no comma after day name 'Mon'",
        "Foo 26 Aug 2002 00:00 +0000|! unexpected word 'Foo'",
        "Foo, 26 Aug 2002 00:00 +0000|! 'Foo' is not a day name",
        "Jan 26 2002 00:00 +0000|! month before day ('Jan'), not RFC 5322 order",
        "Dec 26 2002 00:00 +0000|! month before day ('Dec'), not RFC 5322 order",
        // day and month
        "Mon, Aug 2002 00:00 +0000|! no day of month",
        "0 Aug 2002 00:00 +0000|! day 0 does not exist in Aug 2002",
        "123 Aug 2002 00:00 +0000|! day of month has more than two digits",
        "26 2002 00:00 +0000|! no month name",
        "26 Agu 2002 00:00 +0000|! 'Agu' is not a month name",
        "31 Jan 2002 00:00 +0000|2002-01-31T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "32 Jan 2002 00:00 +0000|! day 32 does not exist in Jan 2002",
        "28 Feb 2023 00:00 +0000|2023-02-28T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "29 Feb 2023 00:00 +0000|! day 29 does not exist in Feb 2023",
        "29 Feb 2024 00:00 +0000|2024-02-29T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "29 Feb 2000 00:00 +0000|2000-02-29T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "29 Feb 1900 00:00 +0000|! day 29 does not exist in Feb 1900",
        "29 Feb 2100 00:00 +0000|! day 29 does not exist in Feb 2100",
        "1 Mar 2024 00:00 +0000|2024-03-01T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "30 Apr 2002 00:00 +0000|2002-04-30T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "31 Apr 2002 00:00 +0000|! day 31 does not exist in Apr 2002",
        "31 Jun 2002 00:00 +0000|! day 31 does not exist in Jun 2002",
        "31 Sep 2002 00:00 +0000|! day 31 does not exist in Sep 2002",
        "31 Nov 2002 00:00 +0000|! day 31 does not exist in Nov 2002",
        "31 Dec 2002 23:59:59 +0000|2002-12-31T23:59:59Z 0 0:0 NUMERIC '+0000'",
        // years (RFC 5322 4.3: 2 digits 00-49 are 20xx, 50-99 19xx; 3 digits add 1900)
        "1 Jan 49 00:00 +0000|2049-01-01T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "1 Jan 50 00:00 +0000|1950-01-01T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "1 Jan 00 00:00 +0000|2000-01-01T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "1 Jan 099 00:00 +0000|1999-01-01T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "1 Jan 1900 00:00 +0000|1900-01-01T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "31 Dec 1899 00:00 +0000|! year 1899 before 1900",
        "1 Jan 0102 00:00 +0000|! year 102 before 1900",
        "1 Jan 2 00:00 +0000|! one-digit year",
        "1 Jan x 00:00 +0000|! no year",
        "1 Jan 09999 00:00 +0000|9999-01-01T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "1 Jan 10000 00:00 +0000|! year 10000 out of range",
        "1 Jan 123456789 00:00 +0000|! year 123456789 out of range",
        "1 Jan 12345678901 00:00 +0000|! year 2147483647 out of range",
        // time of day
        "1 Jan 2002 :00 +0000|! no time of day",
        "1 Jan 2002 123:00 +0000|! no time of day",
        "1 Jan 2002 12 00 +0000|! no ':' after hour",
        "1 Jan 2002 12:0 +0000|! minute is not two digits",
        "1 Jan 2002 12:000 +0000|! minute is not two digits",
        "1 Jan 2002 12:00:0 +0000|! second is not two digits",
        "1 Jan 2002 12:00:000 +0000|! second is not two digits",
        "1 Jan 2002 24:00 +0000|! time 24:00:00 out of range",
        "1 Jan 2002 23:60 +0000|! time 23:60:00 out of range",
        "1 Jan 2002 23:59:61 +0000|! time 23:59:61 out of range",
        "1 Jan 2002 23:59:60 +0000|2002-01-02T00:00:00Z 0 0:0 NUMERIC '+0000'",
        "1 Jan 2002 9:05 +0000|2002-01-01T09:05:00Z 0 0:0 NUMERIC '+0000'",
    })
    void strictExactly(String text, String expected) {
        assertThat(describe(DateTimeParser.parse(text))).isEqualTo(expected);
    }

    /** The lenient variant for Received timestamps, case by case. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "Monday, 26 Aug 2002 12:00 +0000|2002-08-26T12:00:00Z 0 0:0 NUMERIC '+0000'",
        "Mon, 26 Aug 2002 12:00 +0000|2002-08-26T12:00:00Z 0 0:0 NUMERIC '+0000'",
        "Sun 26 Aug 2002 12:00 +0000|2002-08-26T12:00:00Z 0 0:0 NUMERIC '+0000'",
        "Mo 26 Aug 2002 12:00 +0000|! 'Mo' is not a day name",
        "26 Aug 2002 12:00 +05:30|2002-08-26T06:30:00Z 330 5:30 NUMERIC '+05:30'",
        "26 Aug 2002 12:00 +00:00|2002-08-26T12:00:00Z 0 0:0 NUMERIC '+00:00'",
        "26 Aug 2002 12:00 -5:00|2002-08-26T17:00:00Z -300 5:0 NUMERIC '-5:00'",
        "26 Aug 2002 12:00 +05:3|! zone '+05:3' is not +hhmm/-hhmm",
        "26 Aug 2002 12:00 +005:30|! zone '+005:30' is not +hhmm/-hhmm",
        "26 Aug 2002 12:00 +0530|2002-08-26T06:30:00Z 330 5:30 NUMERIC '+0530'",
        "26 Aug 2002 12:00 CEST|2002-08-26T10:00:00Z 120 0:0 OBSOLETE_NAME 'CEST'",
        "26 Aug 2002 12:00 XYZT|! 'XYZT' is not a zone",
        "26 Aug 2002 12:00|2002-08-26T12:00:00Z 0 0:0 MILITARY ''",
        "26 Aug 2002 12:00 ]|2002-08-26T12:00:00Z 0 0:0 MILITARY ''",
        "26 Aug 2002 12:00 +0000 trailing text|2002-08-26T12:00:00Z 0 0:0 NUMERIC '+0000'",
        "Sun, 26 Aug 2002 12:00 +0000|2002-08-26T12:00:00Z 0 0:0 NUMERIC '+0000'",
    })
    void lenientExactly(String text, String expected) {
        assertThat(describe(DateTimeParser.parseLenient(text))).isEqualTo(expected);
    }

    @Test
    void lengthLimitAndNull() {
        String date = "26 Aug 2002 12:34:56 +0000";
        String atLimit = date + " ".repeat(400 - date.length());
        assertThat(describe(DateTimeParser.parse(atLimit))).isEqualTo("2002-08-26T12:34:56Z 0 0:0 NUMERIC '+0000'");
        assertThat(describe(DateTimeParser.parse(atLimit + " "))).isEqualTo("! over-long date");
        assertThat(describe(DateTimeParser.parse(null))).isEqualTo("! empty");
        assertThat(describe(DateTimeParser.parseLenient(null))).isEqualTo("! empty");
    }

    @Test
    void epochDaysAcrossTheCalendar() {
        for (String iso : new String[] {"1970-01-01", "1969-12-31", "2000-02-29", "2000-03-01", "1900-03-01",
            "2024-12-31", "1600-01-01", "2400-02-29", "2001-01-01"}) {
            java.time.LocalDate d = java.time.LocalDate.parse(iso);
            assertThat(DateTimeParser.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth())).as(iso)
                    .isEqualTo(d.toEpochDay());
        }
    }
}
