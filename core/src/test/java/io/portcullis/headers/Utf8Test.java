package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Strict UTF-8 (RFC 3629) at every edge: lead bytes, lengths, overlongs, surrogates, the top code point. */
class Utf8Test {
    static byte[] hex(String h) {
        String s = h.replace(" ", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "'', true",
            "41 7f, true",
            "c2 80, true",          // U+0080, smallest 2-byte
            "df bf, true",          // U+07FF
            "e0 a0 80, true",       // U+0800, smallest 3-byte
            "ed 9f bf, true",       // U+D7FF, just below the surrogates
            "ee 80 80, true",       // U+E000, just above them
            "ef bf bf, true",       // U+FFFF
            "f0 90 80 80, true",    // U+10000, smallest 4-byte
            "f4 8f bf bf, true",    // U+10FFFF, the last code point
            "41 c3 a9 42, true",
            "80, false",            // lone continuation byte
            "bf, false",
            "c0 80, false",         // overlong lead bytes
            "c1 bf, false",
            "e0 9f bf, false",      // overlong 3-byte (U+07FF)
            "f0 8f bf bf, false",   // overlong 4-byte (U+FFFF)
            "ed a0 80, false",      // U+D800 surrogate
            "ed bf bf, false",      // U+DFFF surrogate
            "f4 90 80 80, false",   // U+110000
            "f5 80 80 80, false",   // lead byte beyond F4
            "ff, false",
            "c3, false",            // truncated at the end
            "e2 82, false",
            "f0 90 80, false",
            "c3 41, false",         // continuation byte missing
            "e2 28 a1, false",
            "e2 82 28, false",
            "f0 90 28 80, false",
            "f0 90 80 28, false",
            "c3 c3, false",         // a lead byte where a continuation byte belongs
    })
    void wellFormedness(String bytes, boolean valid) {
        byte[] b = hex(bytes);
        assertThat(Utf8.isValid(b, 0, b.length)).isEqualTo(valid);
        StringBuilder octets = new StringBuilder();
        for (byte x : b) {
            octets.append((char) (x & 0xff));
        }
        assertThat(Utf8.isValid(octets.toString())).isEqualTo(valid);
        // the same bytes inside a larger buffer, checked as a range
        byte[] wrapped = new byte[b.length + 2];
        wrapped[0] = (byte) 0xff;
        System.arraycopy(b, 0, wrapped, 1, b.length);
        wrapped[wrapped.length - 1] = (byte) 0xc3;
        assertThat(Utf8.isValid(wrapped, 1, 1 + b.length)).isEqualTo(valid);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "192.0.2.1, true", "0.0.0.0, true", "999.999.999.999, true", "1.2.3.4, true",
            "1.2.3, false", "1.2.3.4.5, false", "1.2.3., false", ".1.2.3, false", "1..2.3, false",
            "1234.1.1.1, false", "1.2.3.4a, false", "a.b.c.d, false", "'', false", "1.2.3./, false",
            "1.2.3.:, false", "9.9.9.9, true",
    })
    void dottedQuads(String s, boolean quad) {
        assertThat(HeaderChecker.isDottedQuad(s)).isEqualTo(quad);
    }
}
