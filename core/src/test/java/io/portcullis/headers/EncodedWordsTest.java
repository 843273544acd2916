package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EncodedWordsTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "=?iso-8859-1?Q?Caf=E9?=", "=?UTF-8?B?Q2Fmw6k=?=", "=?utf-8?q?a_b=C3=A9?= =?utf-8?q?c?=",
        "Re: =?ISO-8859-1?Q?Caf=E9?= ok", "=?utf-8*en?Q?Caf=C3=A9?=", "=?utf-8?B?w6k=?=",
    })
    void wellFormedWords(String v) {
        EncodedWords.Scan s = EncodedWords.scan(v);
        assertThat(s.words).isPositive();
        assertThat(s.error).as(v).isNull();
        assertThat(s.allAsciiOnly()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "=?iso-8859-1?X?abc?=", "=??Q?abc?=", "=?iso-8859-1?Q?a b?=", "=?iso-8859-1?Q?abc", "=?utf-8?B?abc?=",
        "=?utf-8?B?ab!d?=", "=?utf-8?Q?=ZZ?=", "=?utf-8?Q?=E?=",
        "=?utf-8?Q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?=",
        "=?iso.8859?Q?a?=", "=?utf-8?BB?abcd?=",
    })
    void malformedWords(String v) {
        assertThat(EncodedWords.scan(v).error).as(v).isNotNull();
    }

    @Test
    void asciiOnlyEncodingIsRecognised() {
        assertThat(EncodedWords.scan("=?utf-8?B?SGVsbG8=?=").allAsciiOnly()).isTrue();
        assertThat(EncodedWords.scan("=?iso-8859-1?Q?John_Smith?=").allAsciiOnly()).isTrue();
        assertThat(EncodedWords.scan("=?utf-8?Q?John?= =?utf-8?Q?Sm=C3=A9th?=").allAsciiOnly()).isFalse();
        assertThat(EncodedWords.scan("=?utf-7?Q?+AGA-?=").allAsciiOnly()).as("UTF-7 is not ASCII text").isFalse();
        assertThat(EncodedWords.scan("plain text").words).isZero();
    }
    /** RFC 2047 case by case: words counted, those decoding to printable ASCII, the first error, the first good word. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // value | words | ASCII-only words | error | first well-formed word
            "=?utf-8?B?SGVsbG8=?=|1|1||=?utf-8?B?SGVsbG8=?=",
            "x =?utf-8?q?a?= y =?UTF-8?Q?b?=|2|2||=?utf-8?q?a?=",
            "=?iso-8859-1?Q?Caf=E9?=|1|0||=?iso-8859-1?Q?Caf=E9?=",
            // base64: every alphabet edge decodes; printable ASCII is 0x20..0x7e plus TAB
            "=?utf-8?B?AZaz09+/?=|1|0||=?utf-8?B?AZaz09+/?=",
            "=?utf-8?B?YWJj?=|1|1||=?utf-8?B?YWJj?=",
            "=?utf-8?B?MDk5?=|1|1||=?utf-8?B?MDk5?=",
            "=?utf-8?B?Pz8/?=|1|1||=?utf-8?B?Pz8/?=",
            "=?utf-8?B?Pj4+?=|1|1||=?utf-8?B?Pj4+?=",
            "=?utf-8?B?ZXp6?=|1|1||=?utf-8?B?ZXp6?=",
            "=?utf-8?B?QVo5?=|1|1||=?utf-8?B?QVo5?=",
            "=?utf-8?B?YQ==?=|1|1||=?utf-8?B?YQ==?=",
            "=?utf-8?B?YWI=?=|1|1||=?utf-8?B?YWI=?=",
            "=?utf-8?B?CQ==?=|1|1||=?utf-8?B?CQ==?=",
            "=?utf-8?B?IA==?=|1|1||=?utf-8?B?IA==?=",
            "=?utf-8?B?fg==?=|1|1||=?utf-8?B?fg==?=",
            "=?utf-8?B?fw==?=|1|0||=?utf-8?B?fw==?=",
            "=?utf-8?B?YWL/?=|1|0||=?utf-8?B?YWL/?=",
            "=?utf-8?B?Hw==?=|1|0||=?utf-8?B?Hw==?=",
            "=?utf-8?B??=|1|0|invalid base64 text in '=?utf-8?B??='|",
            "=?utf-8?B?YWJ?=|1|0|invalid base64 text in '=?utf-8?B?YWJ?='|",
            "=?utf-8?B?Y=Jj?=|1|0|invalid base64 text in '=?utf-8?B?Y=Jj?='|",
            "=?utf-8?B?YW=j?=|1|0|invalid base64 text in '=?utf-8?B?YW=j?='|",
            "=?utf-8?B?YWJ!?=|1|0|invalid base64 text in '=?utf-8?B?YWJ!?='|",
            // Q: =XX escapes (either case), '_' for space; no '?', no controls, no 8-bit
            "=?utf-8?Q?=41=7e=20_x?=|1|1||=?utf-8?Q?=41=7e=20_x?=",
            "=?utf-8?Q?=2F?=|1|1||=?utf-8?Q?=2F?=",
            "=?utf-8?Q?=7F?=|1|0||=?utf-8?Q?=7F?=",
            "=?utf-8?Q?=1f?=|1|0||=?utf-8?Q?=1f?=",
            "=?utf-8?Q?=aa=9A=0a?=|1|0||=?utf-8?Q?=aa=9A=0a?=",
            "=?utf-8?Q?~!?=|1|1||=?utf-8?Q?~!?=",
            "=?utf-8?Q?=E?=|1|0|invalid Q text in '=?utf-8?Q?=E?='|",
            "=?utf-8?Q?=G0?=|1|0|invalid Q text in '=?utf-8?Q?=G0?='|",
            "=?utf-8?Q?=0G?=|1|0|invalid Q text in '=?utf-8?Q?=0G?='|",
            "=?utf-8?Q?a?b?=|1|0|invalid Q text in '=?utf-8?Q?a?b?='|",
            "=?utf-8?Q?a\u007fb?=|1|0|invalid Q text in '=?utf-8?Q?a?b?='|",
            "=?utf-8?Q?a\u00e9b?=|1|0|invalid Q text in '=?utf-8?Q?a?b?='|",
            // charsets whose bytes are not ASCII: ASCII-looking text is not "ASCII only"
            "=?UTF-16?Q?a?= =?utf-32be?Q?a?= =?iso-2022-jp?Q?a?= =?HZ-GB-2312?Q?a?= =?utf-7?Q?a?=|5|0||=?UTF-16?Q?a?=",
            // structure
            "=?abc|1|0|'=?' without charset and encoding in '=?abc'|",
            "=?a b?Q?x?=|1|0|'=?' without charset and encoding in '=?a b?Q?x?='|",
            "=?a\tb?Q?x?=|1|0|'=?' without charset and encoding in '=?a?b?Q?x?='|",
            "=?a\u0001b?Q?x?=|1|0|'=?' without charset and encoding in '=?a?b?Q?x?='|",
            "=?=?utf-8?Q?a?=|2|1|'=?' without charset and encoding in '=?=?utf-8?Q?a?='|=?utf-8?Q?a?=",
            "=?abcdefghijklmnopqrstuvwxyz0123456789|1|0|'=?' without charset and encoding in '=?abcdefghijklmnopqrstuvwxyz01'|",
            "=??Q?abc?=|1|0|empty charset in '=??Q?abc?='|",
            "=?utf-8?Q|1|0|encoding is not a single letter B or Q in '=?utf-8?Q'|",
            "=?utf-8?|1|0|encoding is not a single letter B or Q in '=?utf-8?'|",
            "=?utf-8?BB?abcd?=|1|0|encoding is not a single letter B or Q in '=?utf-8?BB?abcd?='|",
            "=?utf-8?Q?abc d|1|0|no closing '?=' in '=?utf-8?Q?abc d'|",
            "=?utf-8?Q?a b?=|1|0|white space inside encoded-word in '=?utf-8?Q?a b?='|",
            "=?utf-8?Q?a\tb?=|1|0|white space inside encoded-word in '=?utf-8?Q?a?b?='|",
            "=?utf-8?Q?ab?= c d|1|1||=?utf-8?Q?ab?=",
            "=?utf-8?x?abc?= and more text after it|1|0|unknown encoding 'x' in '=?utf-8?x?abc?='|",
            "=?iso.8859?Q?a?=|1|0|bad charset token in '=?iso.8859?Q?a?='|",
            "=?a(b?Q?x?=|1|0|bad charset token in '=?a(b?Q?x?='|",
            "=?a\u007f?Q?a?=|1|0|bad charset token in '=?a??Q?a?='|",
            "=?a\u00e9?Q?a?=|1|0|bad charset token in '=?a??Q?a?='|",
            "=?a~!?Q?a?=|1|1||=?a~!?Q?a?=",
            "=?utf-8*en?Q?a?=|1|1||=?utf-8*en?Q?a?=",
            "=?utf-8?Q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?=|1|1||=?utf-8?Q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?=",
            "=?utf-8?Q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?=|1|0|longer than 75 characters in '=?utf-8?Q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'|",
            // the first error is kept, every word counted
            "=?utf-8?X?a?= =??Q?b?= =?utf-8?Q?c?=|3|1|unknown encoding 'X' in '=?utf-8?X?a?='|=?utf-8?Q?c?=",
    })
    void scannedExactly(String value, int words, int ascii, String error, String first) {
        EncodedWords.Scan s = EncodedWords.scan(value);
        assertThat(s.words).as("words").isEqualTo(words);
        assertThat(s.asciiOnlyWords).as("ASCII-only words").isEqualTo(ascii);
        assertThat(s.error).as("error").isEqualTo(error);
        assertThat(s.firstWord).as("first word").isEqualTo(first);
        assertThat(s.allAsciiOnly()).isEqualTo(words > 0 && error == null && ascii == words);
    }

    @Test
    void clippedErrorText() {
        // 40 characters shown as they are; non-printable ones as '?'
        String forty = "=?utf-8?Q?" + "b".repeat(26) + "?" + "?=";
        assertThat(forty).hasSize(39);
        assertThat(EncodedWords.scan(forty + " ").error).isEqualTo("invalid Q text in '" + forty + "'");
        String v = "=?utf-8?Q?" + "b".repeat(27) + "?" + "?=";
        assertThat(EncodedWords.scan(v).error).isEqualTo("invalid Q text in '" + v + "'");
        String v41 = "=?utf-8?Q?" + "b".repeat(28) + "?" + "?=";
        assertThat(EncodedWords.scan(v41).error).isEqualTo("invalid Q text in '" + v41.substring(0, 40) + "...'");
        assertThat(EncodedWords.scan("=?a b").error).isEqualTo("'=?' without charset and encoding in '=?a b'");
        assertThat(EncodedWords.scan("plain").allAsciiOnly()).isFalse();
        assertThat(EncodedWords.scan("plain").firstWord).isNull();
    }
}
