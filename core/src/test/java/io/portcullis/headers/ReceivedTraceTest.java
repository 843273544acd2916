package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Received trace (RFC 5321 4.4) case by case: timestamps, unreadable ones, impossible peer addresses. */
class ReceivedTraceTest {
    private static ReceivedTrace trace(String... received) {
        StringBuilder sb = new StringBuilder();
        for (String r : received) {
            sb.append("Received: ").append(r).append("\r\n");
        }
        sb.append("\r\n");
        return ReceivedTrace.of(HeaderParser.parse(sb.toString().getBytes(StandardCharsets.ISO_8859_1))
                .all("received"));
    }

    private static String time(long t) {
        return t == ReceivedTrace.NONE ? "none" : Instant.ofEpochSecond(t).toString();
    }

    @Test
    void earliestAndLatestOfAllHops() {
        ReceivedTrace t = trace("from a by b; Thu, 22 Aug 2002 12:00:00 +0000",
                "from c by d; Thu, 22 Aug 2002 11:00:00 +0000",
                "from e by f; Thu, 22 Aug 2002 13:00:00 +0000");
        assertThat(t.fields).isEqualTo(3);
        assertThat(t.parsed).isEqualTo(3);
        assertThat(time(t.earliest)).isEqualTo("2002-08-22T11:00:00Z");
        assertThat(time(t.latest)).isEqualTo("2002-08-22T13:00:00Z");
        assertThat(t.unparseable).isZero();
        assertThat(t.firstUnparseable).isNull();
        assertThat(t.garbled).isZero();
        assertThat(t.firstGarbled).isNull();
        assertThat(t.invalidIps).isZero();
        assertThat(t.firstInvalidIp).isNull();
        ReceivedTrace desc = trace("from a by b; Thu, 22 Aug 2002 13:00:00 +0000",
                "from a by b; Thu, 22 Aug 2002 12:00:00 +0000");
        assertThat(time(desc.earliest)).isEqualTo("2002-08-22T12:00:00Z");
        assertThat(time(desc.latest)).isEqualTo("2002-08-22T13:00:00Z");
    }

    @Test
    void theTimestampFollowsTheLastSemicolon() {
        ReceivedTrace t = trace("from a (b; c) by d; Thu, 22 Aug 2002 12:00:00 +0100");
        assertThat(t.parsed).isEqualTo(1);
        assertThat(time(t.earliest)).isEqualTo("2002-08-22T11:00:00Z");
    }

    @Test
    void lenientlyReadTimestampsCountButAreUnparseable() {
        ReceivedTrace t = trace("from a by b; Thu, 22 Aug 2002 12:00:00 +0000",
                "from a by b; Thu 22 Aug 2002 12:00:00 CEST");
        assertThat(t.parsed).isEqualTo(2);
        assertThat(time(t.earliest)).isEqualTo("2002-08-22T10:00:00Z");
        assertThat(t.garbled).isZero();
        assertThat(t.unparseable).isEqualTo(1);
        assertThat(t.firstUnparseable).isEqualTo("Received #2 date-time is invalid (no comma after day name 'Thu')");
    }

    @Test
    void garbledAndMissingTimestamps() {
        ReceivedTrace t = trace("from a by b; Thu, 22 Aug 2002 12:00:00 +0000", "from a by b",
                "from a by b; yesterday", "from c by d");
        assertThat(t.fields).isEqualTo(4);
        assertThat(t.parsed).isEqualTo(1);
        assertThat(t.garbled).isEqualTo(3);
        assertThat(t.firstGarbled).isEqualTo("Received #2 has no '; date-time'");
        assertThat(t.unparseable).isEqualTo(3);
        assertThat(t.firstUnparseable).isEqualTo("Received #2 has no '; date-time'");
        ReceivedTrace g = trace("from a by b;   yesterday  ");
        assertThat(g.firstGarbled).isEqualTo("Received #1 timestamp 'yesterday' is not a date-time");
        assertThat(g.firstUnparseable).isEqualTo("Received #1 date-time is invalid (unexpected word 'yesterday')");
        assertThat(time(g.earliest)).isEqualTo("none");
        assertThat(time(g.latest)).isEqualTo("none");
        ReceivedTrace none = trace();
        assertThat(none.fields).isZero();
        assertThat(none.parsed).isZero();
        assertThat(time(none.earliest)).isEqualTo("none");
    }

    @Test
    void aValueThatIsOnlyTheTimestamp() {
        ReceivedTrace t = trace("; Thu, 22 Aug 2002 12:00:00 +0000");
        assertThat(t.parsed).isEqualTo(1);
        assertThat(t.garbled).isZero();
        assertThat(t.unparseable).isZero();
        ReceivedTrace junk = trace("; junk");
        assertThat(junk.firstGarbled).isEqualTo("Received #1 timestamp 'junk' is not a date-time");
        assertThat(junk.firstUnparseable).isEqualTo("Received #1 date-time is invalid (unexpected word 'junk')");
    }

    @Test
    void impossiblePeerAddressesAreCountedFirstNamed() {
        ReceivedTrace t = trace("from a ([192.0.2.1]) by b; Thu, 22 Aug 2002 12:00:00 +0000",
                "from a ([0.1.2.3]) by b; Thu, 22 Aug 2002 12:00:00 +0000",
                "from a ([224.1.2.3]) by b; Thu, 22 Aug 2002 12:00:00 +0000");
        assertThat(t.invalidIps).isEqualTo(2);
        assertThat(t.firstInvalidIp).isEqualTo("Received #2 names 0.1.2.3 (0.0.0.0/8 is not a host address)");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '#', quoteCharacter = '`', value = {
        "from a ([0.1.2.3]) by b#0.1.2.3 (0.0.0.0/8 is not a host address)",
        "from a (0.1.2.3) by b#0.1.2.3 (0.0.0.0/8 is not a host address)",
        "from a [0.1.2.3:25] by b#0.1.2.3 (0.0.0.0/8 is not a host address)",
        "from a [0.1.2.3#0.1.2.3 (0.0.0.0/8 is not a host address)",
        "from a [0.1.2.3x] by b#-",
        "from a [0.1.2.3.4] by b#-",
        "from a x0.1.2.3] by b#-",
        "0.1.2.3]#-",
        "[1.2.3.4]#-",
        "[223.255.255.255]#-",
        "[224.0.0.1]#224.0.0.1 (multicast)",
        "[239.255.255.255]#239.255.255.255 (multicast)",
        "[240.0.0.1]#240.0.0.1 (reserved 240.0.0.0/4)",
        "[255.255.255.255]#255.255.255.255 (reserved 240.0.0.0/4)",
        "[256.1.1.1]#256.1.1.1 (octet above 255)",
        "[1.2.3.256]#1.2.3.256 (octet above 255)",
        "[9.300.1.1]#9.300.1.1 (octet above 255)",
        "(1.2.3.255)#-",
        "[1234.1.1.1]#-",
        "[0.1.2]#-",
        "[0.1.2#-",
        "[0.1.2.30]#0.1.2.30 (0.0.0.0/8 is not a host address)",
        "[0.1.2.39]#0.1.2.39 (0.0.0.0/8 is not a host address)",
        "[0.1.2.]#-",
        "[0..1.2]#-",
        "[10.0.0.1] then [0.0.0.1]#0.0.0.1 (0.0.0.0/8 is not a host address)",
        "[10.0.0.1] then [224.0.0.9)#224.0.0.9 (multicast)",
        "``#-",
    })
    void firstInvalidIp(String value, String expected) {
        String ip = ReceivedTrace.firstInvalidIp(value);
        assertThat(ip == null ? "-" : ip).isEqualTo(expected);
    }
}
