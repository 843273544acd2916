package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5322 3.4 address lists, case by case: the mailboxes and groups found, or the error named. */
class AddressParserTest {
    private static String mailboxes(AddressList l) {
        return l.mailboxes().stream().map(m -> m.displayName + "/" + m.localPart + "/" + m.domain)
                .collect(Collectors.joining(" + "));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // value | mailboxes (display/local/domain) | groups
            "alice@example.com|/alice/example.com|0",
            "Alice <alice@example.com>|Alice/alice/example.com|0",
            "Alice Cooper <a.b@example.com>|Alice Cooper/a.b/example.com|0",
            "\"Doe, John\" <john@example.com>, bob@example.org|\"Doe, John\"/john/example.com + /bob/example.org|0",
            "<@route.example,@r2.example:user@example.com>|/user/example.com|0",
            "undisclosed-recipients:;|``|1",
            "team: a@x.example, b@y.example;|/a/x.example + /b/y.example|1",
            "team: a@x.example,, b@y.example;, c@z.example|/a/x.example + /b/y.example + /c/z.example|1",
            ",, a@x.example ,|/a/x.example|0",
            "user@[192.0.2.1]|/user/[192.0.2.1]|0",
            "\"quoted local\"@example.com|/\"quoted local\"/example.com|0",
            "(comment) a@b.example (more)|/a/b.example|0",
            "(a\\) b) x@y.example|/x/y.example|0",
            "a\u0080\u00ff@b.example|/a\u0080\u00ff/b.example|0",
            "azAZ09!#$%&'*+-/=?^_{}~@b.example|/azAZ09!#$%&'*+-/=?^_{}~/b.example|0",
            "a@[1\\]2]|/a/[1\\]2]|0",
            // phrase = 1*word, words separated by one space; obs-phrase allows '.', which keeps its spacing
            "Alice B. Cooper <a@example.com>|Alice B. Cooper/a/example.com|0",
            "J.R.R. Tolkien <jrr@example.com>|J.R.R. Tolkien/jrr/example.com|0",
            "Alice   B.    Cooper <a@example.com>|Alice B. Cooper/a/example.com|0",
            "Alice B .Cooper <a@example.com>|Alice B .Cooper/a/example.com|0",
            "Alice(the)Cooper <a@example.com>|Alice Cooper/a/example.com|0",
            "\"Doe\"John <j@example.com>|\"Doe\" John/j/example.com|0",
            "Dr. \"J. R.\" Doe <j@example.com>|Dr. \"J. R.\" Doe/j/example.com|0",
            // obs-local-part and obs-domain: CFWS around the dots is no part of the address
            "john . doe @ example . com|/john.doe/example.com|0",
            "Doe <john (x) . doe@ example.com>|Doe/john.doe/example.com|0",
    })
    void valid(String value, String expected, int groups) {
        AddressList l = AddressParser.parse(value);
        assertThat(l.error()).as(value).isNull();
        assertThat(l.valid()).isTrue();
        assertThat(mailboxes(l)).isEqualTo(expected == null ? "" : expected);
        assertThat(l.groups()).isEqualTo(groups);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "winner|'winner' is not an address (no '@')",
            "Alice B. Cooper|'Alice B. Cooper' is not an address (no '@')",
            "``|no address",
            ",,|no address",
            ". Bad <a@b.example>|display name starts with '.'",
            "<@route.example user@b.example>|bad source route",
            "<@:user@b.example>|bad route domain",
            "Name <>|empty address '<>'",
            "<@b.example>|bad source route",
            "<.a@b.example>|bad local part",
            "<alice>|no '@' in address <alice>",
            "<a@>|bad or missing domain in <a@...>",
            "<a@b.example|missing '>'",
            "<a@b.example c>|unexpected 'c' inside <...>",
            ": a@b.example;|group without a name",
            "team: a@b.example|group not terminated by ';'",
            "team: a@b.example c;|unexpected 'c' in group",
            "@b.example|no local part before '@'",
            "a..b@c.example|bad local part 'a..b'",
            "a@|bad or missing domain after 'a@'",
            "a@b@c|more than one '@' in a@b",
            "a@b.example c@d.example|unexpected 'c' after an address",
            "Name >|'>' without '<'",
            "; a@b|unexpected ';'",
            "a@b..c|bad or missing domain after 'a@'",
            // the lexer
            "a@b.example)|unbalanced ')'",
            "a@b.example]|unbalanced ']'",
            "a\\b@c.example|stray '\\'",
            "a\u0001@b.example|illegal character 0x1",
            "a\u007f@b.example|illegal character 0x7f",
            "a\u0100@b.example|illegal character 0x100",
            "(open a@b.example|unterminated comment",
            "\"abc|unterminated quoted string",
            "\"abc\\|unterminated quoted string",
            "a@[1.2|unterminated domain literal",
            "a@[1.2\\|unterminated domain literal",
            "a@[1[2]|'[' inside domain literal",
            // parser corners
            "Name <|bad local part",
            "<@a.example:@b.example>|no local part before '@'",
            "<a.@b.example>|bad local part",
            "a.@b.example|bad local part 'a.'",
            "team: <a@b.example;|unexpected ';' inside <...>",
            "team: a@b.example,|group not terminated by ';'",
    })
    void invalid(String value, String error) {
        AddressList l = AddressParser.parse(value);
        assertThat(l.valid()).isFalse();
        assertThat(l.error()).isEqualTo(error);
    }

    @org.junit.jupiter.api.Test
    void tokenLimit() {
        String full = "a@b,".repeat(5000); // 20,000 tokens
        assertThat(AddressParser.parse(full + " ").error()).isNull();
        assertThat(AddressParser.parse(full + " ").mailboxes()).hasSize(5000);
        assertThat(AddressParser.parse(full + "a@b").error()).isEqualTo("too many tokens");
        assertThat(AddressParser.parse(null).error()).isEqualTo("no address");
    }
}
