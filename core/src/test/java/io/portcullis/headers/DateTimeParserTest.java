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
}
