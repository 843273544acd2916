package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Numeric zones that cannot be real, and zone comments that contradict the offset, case by case. */
class ZonesTest {
    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "+1400|-", "+1401|zone +1401 is not a real UTC offset (real zones are -1200 to +1400)",
        "-1200|-", "-1201|zone -1201 is not a real UTC offset (real zones are -1200 to +1400)",
        "+0060|zone +0060 is not a real UTC offset (real zones are -1200 to +1400)",
        "+0059|zone +0059 has minutes 59; real zones use 00, 30 or 45",
        "+0530|-", "+0545|-", "-0930|-", "+0015|zone +0015 has minutes 15; real zones use 00, 30 or 45",
        "+0000|-", "EST|-", "Z|-",
    })
    void impossibleZones(String zone, String expected) {
        ParsedDate d = DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 " + zone);
        assertThat(d.valid()).as(d.error()).isTrue();
        assertThat(orDash(Zones.impossible(d))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "-0500 (PST)|zone -0500 contradicts the named zone (PST)",
        "-0800 (PST)|-",
        "-0700 (PDT)|-",
        "+0100 (CEST)|zone +0100 contradicts the named zone (CEST)",
        "+0200 (CEST)|-",
        "+0100 (pst)|-",
        "+0100 (Pacific Standard Time)|-",
        "+0100 (NZDT)|zone +0100 contradicts the named zone (NZDT)",
        "+1300 (NZDT)|-",
        "+0100 (XYZ)|-",
        "+0100 ()|-",
        "+0100|-",
        "-0000 (PST)|-",
        "+0000 (PST)|zone +0000 contradicts the named zone (PST)",
        "GMT (PST)|zone GMT contradicts the named zone (PST)",
        "A (PST)|-",
    })
    void commentsNamingAnotherZone(String zone, String expected) {
        ParsedDate d = DateTimeParser.parse("Thu, 22 Aug 2002 12:34:56 " + zone);
        assertThat(d.valid()).as(d.error()).isTrue();
        assertThat(orDash(Zones.mismatch(d))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"CEST|120", "cest|120", "NZDT|780", "PST|-480", "NOPE|-2147483648"})
    void offsets(String name, int minutes) {
        assertThat(Zones.offsetOf(name)).isEqualTo(minutes);
    }
}
