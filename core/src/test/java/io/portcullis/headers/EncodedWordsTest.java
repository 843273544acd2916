package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
}
