package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.Finding;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Whole finding lists, exactly (rule, score, detail), for crafted messages: the details name what was wrong and
 * counts are right; the bulk-style cap is applied in catalogue order.
 */
class HeaderCheckerFindingsTest {
    private static final HeaderChecker CHECKER = new HeaderChecker(HeaderRuleSettings.defaults());

    private static String findings(Msg m) {
        return show(CHECKER.check(m.input()));
    }

    private static String findings(Msg m, Instant arrival) {
        return show(CHECKER.check(HeaderInput.of(m.bytes(), arrival, false)));
    }

    private static String show(List<Finding> fs) {
        return fs.stream().map(f -> f.rule() + " " + f.score() + " " + f.detail()).collect(Collectors.joining("\n"));
    }

    private static final String DATE = "; Thu, 22 Aug 2002 12:30:00 +0100";

    static Object[][] cases() {
        return new Object[][] {
            {"good", Msg.good(),
                    ""},
            {"bulk cap reached exactly, then nothing left", Msg.good().remove("To").remove("Message-ID").remove("Subject"),
                    "NO_DESTINATION_HEADERS 0.5 none of To, Cc, Bcc present" + "\n"
                    + "MISSING_SUBJECT 1.0 no Subject header" + "\n"
                    + "MISSING_MESSAGE_ID 0.0 no Message-ID header [bulk-style signals count at most 1.5 together]"},
            {"bulk cap partly left", Msg.good().remove("To").remove("Message-ID"),
                    "NO_DESTINATION_HEADERS 0.5 none of To, Cc, Bcc present" + "\n"
                    + "MISSING_MESSAGE_ID 1.0 no Message-ID header [bulk-style signals count at most 1.5 together]"},
            {"foreign address in name", Msg.good().set("From", "From: \"bob@bank.example.com\" <eve@evil.example.net>"),
                    "FROM_NAME_FOREIGN_ADDRESS 1.5 From display name shows bob@bank.example.com but the address is eve@evil.example.net"},
            {"own address in name", Msg.good().set("From", "From: \"Bob@Example.ORG\" <bob@example.org>"),
                    ""},
            {"two From mailboxes", Msg.good().set("From", "From: alice@example.org, carol@example.org"),
                    "MULTIPLE_FROM_NO_SENDER 3.0 From holds 2 mailboxes and there is no Sender"},
            {"two From mailboxes, Sender", Msg.good().set("From", "From: alice@example.org, carol@example.org")
                    .add("Sender: alice@example.org"),
                    ""},
            {"Sender of two", Msg.good().add("Sender: a@example.org, b@example.org"),
                    "SENDER_NOT_ONE_MAILBOX 2.0 Sender 'a@example.org, b@example.org': 2 mailboxes"},
            {"Sender group", Msg.good().add("Sender: g: a@example.org;"),
                    "SENDER_NOT_ONE_MAILBOX 2.0 Sender 'g: a@example.org;': 1 mailboxes in a group"},
            {"Sender bad", Msg.good().add("Sender: <a@example.org"),
                    "SENDER_NOT_ONE_MAILBOX 2.0 Sender '<a@example.org': missing '>'"},
            {"From without '@'", Msg.good().set("From", "From: <alice>"),
                    "INVALID_FROM_ADDRESS 3.5 From '<alice>': no '@' in address <alice>"},
            {"'?=' before the encoded word's start", Msg.good().set("To", "To: x?==?y?=@example.net"),
                    "INVALID_RECIPIENT_ADDRESS 2.5 To 'x?==?y?=@example.net': encoded-word inside the address "
                    + "x?==?y?=@example.net (RFC 2047 5 forbids it in an addr-spec)\n"
                    + "BAD_ENCODED_WORD 2.0 To: encoding is not a single letter B or Q in '=?y?=@example.net'"},
            {"subjects differing in a space", Msg.good().add("Subject: Lunch onFriday"),
                    "DUPLICATE_SUBJECT 2.5 Subject appears 2 times with 2 different values; RFC allows one"},
            {"subjects differing in spacing only", Msg.good().add("Subject: Lunch   on \tFriday"), ""},
            {"From group", Msg.good().set("From", "From: g: a@example.org;"),
                    "INVALID_FROM_ADDRESS 3.5 From 'g: a@example.org;': group syntax is not allowed in From"},
            {"From encoded local part", Msg.good().set("From", "From: =?utf-8?Q?a?=@example.org"),
                    "INVALID_FROM_ADDRESS 3.5 From '=?utf-8?Q?a?=@example.org': encoded-word inside the address =?utf-8?Q?a?=@example.org (RFC 2047 5 forbids it in an addr-spec)" + "\n"
                    + "UNNECESSARY_ENCODING 1.0 From encodes plain ASCII text: =?utf-8?Q?a?="},
            {"To no encoded word", Msg.good().set("To", "To: =??=@example.net"),
                    "BAD_ENCODED_WORD 2.0 To: empty charset in '=??=@example.net'"},
            {"To encoded domain", Msg.good().set("To", "To: bob@=?utf-8?Q?x?=.example.net"),
                    "INVALID_RECIPIENT_ADDRESS 2.5 To 'bob@=?utf-8?Q?x?=.example.net': encoded-word inside the address bob@=?utf-8?Q?x?=.example.net (RFC 2047 5 forbids it in an addr-spec)"},
            {"empty To and Cc", Msg.good().set("To", "To:   ").add("Cc: (nobody)"),
                    "EMPTY_ADDRESS_FIELD 1.5 To is present but holds no address (2 occurrences)"},
            {"HELO literal not the peer's", Msg.good().add("Received: from [203.0.113.9] ([198.51.100.20]) by mx.example.net"
                    + " id AAAAAAA" + DATE),
                    "RECEIVED_HELO_IP_MISMATCH 2.0 Received #3: the client at [198.51.100.20] greeted as [203.0.113.9], a public address that is not its own" + "\n"
                    + "TRACE_BELOW_ORIGINATOR 3.0 Received #3 (from [198.51.100.20]) stands below the originator fields: relays prepend their trace, so the sender wrote it"},
            {"HELO literal of the peer's /24", Msg.good().add("Received: from [198.51.100.9] ([198.51.100.20]) by mx" + DATE),
                    "TRACE_BELOW_ORIGINATOR 3.0 Received #3 (from [198.51.100.20]) stands below the originator fields: relays prepend their trace, so the sender wrote it"},
            {"HELO literal private", Msg.good().add("Received: from [10.0.0.9] ([198.51.100.20]) by mx" + DATE),
                    "TRACE_BELOW_ORIGINATOR 3.0 Received #3 (from [198.51.100.20]) stands below the originator fields: relays prepend their trace, so the sender wrote it"},
            {"HELO literal, peer private", Msg.good().add("Received: from [203.0.113.9] ([10.0.0.20]) by mx" + DATE),
                    ""},
            {"forged provider HELO", Msg.good().add("Received: from mail.yahoo.com (host.evil.example [203.0.113.5]) by mx"
                    + DATE),
                    "RECEIVED_FORGED_PROVIDER_HELO 3.5 Received #3: the client greeted as mail.yahoo.com but its address [203.0.113.5] has the reverse name host.evil.example" + "\n"
                    + "TRACE_BELOW_ORIGINATOR 3.0 Received #3 (from [203.0.113.5]) stands below the originator fields: relays prepend their trace, so the sender wrote it"},
            {"forged provider HELO, no address", Msg.good().add("Received: from mail.yahoo.com (host.evil.example) by mx"
                    + DATE),
                    "RECEIVED_FORGED_PROVIDER_HELO 3.5 Received #3: the client greeted as mail.yahoo.com but its address has the reverse name host.evil.example"},
            {"provider's own host", Msg.good().add("Received: from mail.yahoo.com (rx.aol.com [203.0.113.5]) by mx" + DATE),
                    "TRACE_BELOW_ORIGINATOR 3.0 Received #3 (from [203.0.113.5]) stands below the originator fields: relays prepend their trace, so the sender wrote it"},
            {"below the originator via HTTP", Msg.good().add("Received: from x ([203.0.113.5]) by mx via HTTP" + DATE),
                    ""},
            {"too many fields", tooManyFields(),
                    "HEADER_TOO_LARGE 2.0 header exceeds 2000 fields; checked only that far"},
            {"too many octets", tooManyOctets(),
                    "HEADER_TOO_LARGE 2.0 header exceeds 1048576 octets; checked only that far"},
            {"bare CR", Msg.good().set("Subject", "Subject: a\rb"),
                    "BARE_LINE_ENDING 3.0 1 bare CR in the header"},
            {"mixed line ends", Msg.good().set("Subject", "Subject: Lunch\nX-A: b"),
                    "BARE_LINE_ENDING 3.0 line ends mix CRLF (13) and bare LF (1)"},
            {"all bare LF", Msg.good().eol("\n"),
                    ""},
            {"long lines", Msg.good().add("X-Long: " + "a".repeat(1000)).add("X-Long2: " + "a".repeat(1200)),
                    "LINE_TOO_LONG 2.0 line 14 is 1209 octets, the limit is 998 (2 occurrences)"},
            {"bad names", Msg.good().add("X-A: 1").add("Bad Name: 2").add("Bad  Name: 3"),
                    "BAD_FIELD_NAME 3.0 line 14 'Bad Name:': white space inside field name (2 occurrences)"},
            {"8-bit", Msg.good().set("Subject", "Subject: Caf\u00e9").add("X-B: \u00e9"),
                    "RAW_8BIT_HEADER 1.5 Subject holds unencoded 8-bit octets (no SMTPUTF8) (2 occurrences)"},
            {"padded subject", Msg.good().set("Subject", "Subject: Lunch" + " ".repeat(10) + "[ad]"),
                    "SUBJECT_PADDED_TAG 3.5 Subject has 10 blanks in a row before more text: 'Lunch          [ad]'"},
            {"almost padded subject", Msg.good().set("Subject", "Subject: Lunch" + " ".repeat(9) + "[ad]"),
                    ""},
            {"same To twice, spacing and case differ", Msg.good().add("To:  BOB   <bob@example.NET>"),
                    ""},
            {"two To", Msg.good().add("To: carol@example.net").add("To: dave@example.net"),
                    "DUPLICATE_TO 1.0 To appears 3 times with 3 different values; RFC allows one"},
            {"HTML without MIME-Version", Msg.good().remove("MIME-Version").set("Content-Type", "Content-Type: text/html"),
                    "MISSING_MIME_VERSION 2.5 Content-Type text/html needs MIME but there is no MIME-Version" + "\n"
                    + "CONTENT_TYPE_HTML_ONLY 1.0 Content-Type 'text/html': the message is HTML only, with no plain-text version"},
            {"base64 without MIME-Version", Msg.good().remove("MIME-Version").add("Content-Transfer-Encoding: base64"),
                    "MISSING_MIME_VERSION 2.5 Content-Transfer-Encoding base64 needs MIME but there is no MIME-Version"},
            {"8bit without MIME-Version", Msg.good().remove("MIME-Version").add("Content-Transfer-Encoding: 8bit"),
                    ""},
            {"7bit without MIME-Version", Msg.good().remove("MIME-Version").add("Content-Transfer-Encoding: 7BIT"),
                    ""},
            {"trailing ';'", Msg.good().set("Content-Type", "Content-Type: text/plain; charset=us-ascii;"),
                    "CONTENT_TYPE_TRAILING_SEMICOLON 1.5 Content-Type 'text/plain; charset=us-ascii;' ends with ';' (no parameter follows)"},
            {"trailing ';' before comments", Msg.good().set("Content-Type", "Content-Type: text/plain; (a) (b)"),
                    "CONTENT_TYPE_TRAILING_SEMICOLON 1.5 Content-Type 'text/plain; (a) (b)' ends with ';' (no parameter follows)"},
            {"comments only", Msg.good().set("Content-Type", "Content-Type: text/plain (a) (b)"),
                    ""},
            {"unbalanced ')'", Msg.good().set("Content-Type", "Content-Type: text/plain;)"),
                    ""},
            {"plain ASCII encoded", Msg.good().set("Subject", "Subject: =?utf-8?Q?Lunch?=")
                    .set("From", "From: =?utf-8?B?QWxpY2U=?= <alice@example.org>"),
                    "UNNECESSARY_ENCODING 1.0 Subject encodes plain ASCII text: =?utf-8?Q?Lunch?= (2 occurrences)"},
            {"plain ASCII encoded in To and Reply-To", Msg.good().set("To", "To: =?utf-8?Q?Bob?= <bob@example.net>")
                    .add("Reply-To: =?utf-8?Q?Al?= <al@example.org>"),
                    "UNNECESSARY_ENCODING 1.0 Reply-To encodes plain ASCII text: =?utf-8?Q?Al?="},
            {"bad encoded word", Msg.good().add("Comments: =?utf-8?X?abc?="),
                    "BAD_ENCODED_WORD 2.0 Comments: unknown encoding 'X' in '=?utf-8?X?abc?='"},
            {"relay-made Message-ID", Msg.good().set("Message-ID", "Message-ID: <ABCDEF@mx.example.net>")
                    .add("Received: from x (y [203.0.113.5]) by mx.example.net id ABCDEF" + DATE),
                    "MESSAGE_ID_FROM_RELAY 1.5 Message-ID <ABCDEF@mx.example.net> holds queue id ABCDEF of mx.example.net, which took the message from [203.0.113.5] (Received #3): the sender wrote no Message-ID" + "\n"
                    + "TRACE_BELOW_ORIGINATOR 3.0 Received #3 (from [203.0.113.5]) stands below the originator fields: relays prepend their trace, so the sender wrote it"},
            {"short queue id", Msg.good().set("Message-ID", "Message-ID: <ABCDE@mx.example.net>")
                    .add("Received: from x (y [203.0.113.5]) by mx.example.net id ABCDE" + DATE),
                    "TRACE_BELOW_ORIGINATOR 3.0 Received #3 (from [203.0.113.5]) stands below the originator fields: relays prepend their trace, so the sender wrote it"},
            {"relay-made id, host with more labels", Msg.good().set("Message-ID", "Message-ID: <ABCDEF@mx>")
                    .add("Received: from x (y [203.0.113.5]) by mx.example.net id ABCDEF" + DATE),
                    "MESSAGE_ID_FROM_RELAY 1.5 Message-ID <ABCDEF@mx> holds queue id ABCDEF of mx.example.net, which took the message from [203.0.113.5] (Received #3): the sender wrote no Message-ID" + "\n"
                    + "TRACE_BELOW_ORIGINATOR 3.0 Received #3 (from [203.0.113.5]) stands below the originator fields: relays prepend their trace, so the sender wrote it"},
            {"queue id of another host", Msg.good().set("Message-ID", "Message-ID: <ABCDEF@mxb.example.net>")
                    .add("Received: from x (y [203.0.113.5]) by mx id ABCDEF" + DATE),
                    "TRACE_BELOW_ORIGINATOR 3.0 Received #3 (from [203.0.113.5]) stands below the originator fields: relays prepend their trace, so the sender wrote it"},
            {"relay-made id from a private peer", Msg.good().set("Message-ID", "Message-ID: <ABCDEF@mx.example.net>")
                    .add("Received: from x (y [10.0.0.5]) by mx.example.net id ABCDEF" + DATE),
                    ""},
            {"date 5 days before the trace", Msg.good().set("Date", "Date: Sat, 17 Aug 2002 12:35:00 +0100"),
                    ""},
            {"date just over 5 days before", Msg.good().set("Date", "Date: Sat, 17 Aug 2002 12:34:59 +0100"),
                    "DATE_IN_PAST 1.5 Date is 5 days before the first hop received the message"},
        };
    }

    private static Msg tooManyFields() {
        Msg m = Msg.good();
        for (int i = 0; i < HeaderParser.MAX_FIELDS; i++) {
            m.add("X-F: " + i);
        }
        return m;
    }

    private static Msg tooManyOctets() {
        Msg m = Msg.good();
        for (int i = 0; i < 1100; i++) {
            m.add("X-F: " + "v".repeat(990));
        }
        return m;
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> messages() {
        return java.util.Arrays.stream(cases()).map(org.junit.jupiter.params.provider.Arguments::of);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("messages")
    void findingsExactly(String name, Msg message, String expected) {
        assertThat(findings(message)).isEqualTo(expected);
    }

    /** The Date (11:34:56Z) against the arrival time: 6 hours of slack, then hours, from 2 days on days. */
    @Test
    void dateInTheFutureOfTheArrival() {
        Instant date = Instant.parse("2002-08-22T11:34:56Z");
        assertThat(findings(Msg.good(), date.minusSeconds(6 * 3600))).isEmpty();
        assertThat(findings(Msg.good(), date.minusSeconds(6 * 3600 + 1)))
                .isEqualTo("DATE_IN_FUTURE 3.5 Date is 6 hours after the message was received");
        assertThat(findings(Msg.good(), date.minusSeconds(2 * 86400 - 1)))
                .isEqualTo("DATE_IN_FUTURE 3.5 Date is 47 hours after the message was received");
        assertThat(findings(Msg.good(), date.minusSeconds(2 * 86400)))
                .isEqualTo("DATE_IN_FUTURE 3.5 Date is 2 days after the message was received");
        assertThat(findings(Msg.good(), date.minusSeconds(3 * 86400 + 5)))
                .isEqualTo("DATE_IN_FUTURE 3.5 Date is 3 days after the message was received");
        assertThat(findings(Msg.good(), Instant.parse("2002-08-30T12:00:00Z"))).as("arrival long after").isEmpty();
        // without an arrival time the last Received timestamp (12:36:16 +0100) is the reference
        assertThat(findings(Msg.good().set("Date", "Date: Thu, 22 Aug 2002 18:36:16 +0100"))).isEmpty();
        assertThat(findings(Msg.good().set("Date", "Date: Thu, 22 Aug 2002 18:36:17 +0100"))).isEqualTo(
                "DATE_IN_FUTURE 3.5 Date is 6 hours after the message was last received (Received trace)");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "[{index}] {0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '#', quoteCharacter = '\'', value = {
        "bob@example.com#bob@example.com", "Bob (bob@example.com)#bob@example.com",
        "\"bob@example.com\"#bob@example.com", "mail bob@example.com.#bob@example.com",
        "aAzZ09.-_+@aAzZ09.-_+.x#aAzZ09.-_+@aAzZ09.-_+.x", "`a@b.c{#a@b.c", "@a@b.c#-", "[a@b.c]#a@b.c",
        "/a@b.c:#a@b.c", "b.@example#-", "bob@.example.com#bob@.example.com", "x @example.com#-", "bob@ example.com#-", "bob@example#-", "bob@example...#-",
        "@example.com#-", "bob@#-", "Bob#-", "''#-", "bob@exa`mple.com#-",
    })
    void addressShownInADisplayName(String name, String expected) {
        String shown = HeaderChecker.addressInName(name);
        assertThat(shown == null ? "-" : shown).isEqualTo(expected);
    }

    @Test
    void providerGroupsAndNetworks() {
        assertThat(HeaderChecker.providerGroup("mail.yahoo.com")).isEqualTo(0);
        assertThat(HeaderChecker.providerGroup("yahoo.com")).isEqualTo(0);
        assertThat(HeaderChecker.providerGroup("YAHOO.com.")).isEqualTo(0);
        assertThat(HeaderChecker.providerGroup("cs.com")).isEqualTo(0);
        assertThat(HeaderChecker.providerGroup("notyahoo.com")).isEqualTo(-1);
        assertThat(HeaderChecker.providerGroup("mx.outlook.com")).isEqualTo(1);
        assertThat(HeaderChecker.providerGroup("mx.GMAIL.com")).isEqualTo(2);
        assertThat(HeaderChecker.providerGroup("gmail.com")).isEqualTo(2);
        assertThat(HeaderChecker.providerGroup("earthlink.net")).isEqualTo(3);
        assertThat(HeaderChecker.providerGroup("netzero.net")).isEqualTo(4);
        assertThat(HeaderChecker.providerGroup("a.mail.com")).isEqualTo(5);
        assertThat(HeaderChecker.providerGroup("com")).isEqualTo(-1);
        assertThat(HeaderChecker.providerGroup(".")).isEqualTo(-1);
        assertThat(HeaderChecker.providerGroup("")).isEqualTo(-1);
        assertThat(HeaderChecker.providerGroup(null)).isEqualTo(-1);
        assertThat(HeaderChecker.sameSlash24("198.51.100.9", "198.51.100.20")).isTrue();
        assertThat(HeaderChecker.sameSlash24("198.51.100.9", "198.51.101.9")).isFalse();
        assertThat(HeaderChecker.sameSlash24("198.51.100.9", "198.51.10.9")).isFalse();
        assertThat(HeaderChecker.sameSlash24(".1", ".2")).as("no network part").isFalse();
    }

    /** A public SMTP hop below the first originator field (From, Date, Subject, Message-ID, To) was written by the sender. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '#', value = {
        "From: a@example.org#true", "Date: Thu, 22 Aug 2002 12:34:56 +0100#true", "Subject: s#true",
        "Message-ID: <a@example.org>#true", "To: b@example.net#true", "Cc: b@example.net#false",
        "X-Mailer: m#false",
    })
    void traceBelowEachOriginatorField(String field, boolean below) {
        String raw = "X-First: 1\r\n" + field + "\r\nReceived: from x ([203.0.113.5]) by mx" + DATE + "\r\n\r\nbody";
        List<Finding> fs = CHECKER.check(HeaderInput.of(raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        assertThat(fs.stream().anyMatch(f -> f.rule().equals("TRACE_BELOW_ORIGINATOR"))).isEqualTo(below);
    }

    /** Without a valid Date a Microsoft-format id is judged against the earliest Received time (11:35:00Z). */
    @Test
    void microsoftIdAgainstTheTraceWhenTheDateIsInvalid() {
        Msg m = Msg.good().set("Date", "Date: someday").set("Message-ID", "Message-ID: <001201c249cf$f064f000$0a01a8c0@pc>");
        assertThat(findings(m)).doesNotContain("RATWARE_MS_HEADERS").startsWith("INVALID_DATE");
        Msg late = Msg.good().set("Date", "Date: someday").set("Message-ID", "Message-ID: <001201c24000$f064f000$0a01a8c0@pc>");
        assertThat(findings(late)).contains("RATWARE_MS_HEADERS");
    }

    @Test
    void theCheckerKeepsItsSettingsAndInput() {
        HeaderRuleSettings s = HeaderRuleSettings.defaults().withDisabled(HeaderRule.MISSING_DATE);
        assertThat(new HeaderChecker(s).settings()).isSameAs(s);
        byte[] raw = Msg.good().bytes();
        assertThat(HeaderInput.of(raw).raw()).isEqualTo(raw);
        assertThat(HeaderRule.Kind.RFC.id()).isEqualTo("rfc");
        assertThat(HeaderRule.Kind.HEURISTIC.id()).isEqualTo("heuristic");
        assertThat(new Finding("headers", "R", 1.0, "d", "zone.example").zone()).isEqualTo("zone.example");
    }
}
