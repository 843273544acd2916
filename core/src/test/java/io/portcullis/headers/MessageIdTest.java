package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5322 3.6.4 msg-id syntax, case by case: what is valid, and the error named otherwise. */
class MessageIdTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // value | left | right
            "<a.b@example.com>|a.b|example.com",
            " (comment) <x@y> (another (nested)) |x|y",
            "\t<x@y>|x|y",
            "<\"quoted id\"@example.com>|\"quoted id\"|example.com",
            "<\"q\\\"x\"@example.com>|\"q\\\"x\"|example.com",
            "<abc@[192.0.2.1]>|abc|[192.0.2.1]",
            "<a!#$%&'*+/=?^_{}~-z@h>|a!#$%&'*+/=?^_{}~-z|h",
    })
    void valid(String value, String left, String right) {
        MessageId m = MessageId.parse(value);
        assertThat(m.valid()).as("%s: %s", value, m.error()).isTrue();
        assertThat(m.error()).isNull();
        assertThat(m.left()).isEqualTo(left);
        assertThat(m.right()).isEqualTo(right);
        assertThat(m.inner()).isEqualTo(left + "@" + right);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``|empty",
            "(unterminated <a@b>|unterminated comment",
            "a@b|not enclosed in '<' '>'",
            "garbage|no '<' and no '@'",
            "<a@b|missing '>'",
            "<a@b> (open|unterminated comment",
            "<a@b> <c@d>|more than one id",
            "<a@b> x|text after '>'",
            "<\"open@b>|unterminated quoted id-left",
            "<\"q\">|no '@' after quoted id-left",
            "<\"q\"x@b>|no '@' after quoted id-left",
            "<ab>|no '@'",
            "<@b>|empty id-left",
            "<a@>|empty id-right",
            "<.a@b>|id-left starts or ends with '.'",
            "<a.@b>|id-left starts or ends with '.'",
            "<a@b.>|id-right starts or ends with '.'",
            "<a..b@c>|'..' in id-left",
            "<a@b..c>|'..' in id-right",
            "<a b@c>|white space in id-left",
            "<a@b\tc>|white space in id-right",
            "<a(b@c>|'(' in id-left",
            "<a@b,c>|',' in id-right",
            "<a@[1.2.3.4>|unterminated literal in id-right",
            "<a@[1 2]>|white space in id-right literal",
            "<a@[1[2]>|'[' in id-right literal",
            "<a@[1\\2]>|'\\' in id-right literal",
            "<a@[1]2]>|']' in id-right literal",
            "<a\u00e9@b>|8-bit octet in id-left",
            "<a\u0080@b>|8-bit octet in id-left",
            "<a@[1\u00802]>|8-bit octet in id-right literal",
            "<a\u007f@b>|control character in id-left",
            "@x|not enclosed in '<' '>'",
            "<a\u0001@b>|control character in id-left",
            "<a\u007f@b>|control character in id-left",
            "<a@[x\u007fy]>|control character in id-right literal",
            "<a@[x\u00e9y]>|8-bit octet in id-right literal",
    })
    void invalid(String value, String error) {
        MessageId m = MessageId.parse(value);
        assertThat(m.valid()).isFalse();
        assertThat(m.error()).isEqualTo(error);
        assertThat(m.left()).isNull();
        assertThat(m.right()).isNull();
        assertThat(m.inner()).isNull();
    }
}
