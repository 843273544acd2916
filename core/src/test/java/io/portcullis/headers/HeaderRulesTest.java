package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.Finding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One focused case per rule: it fires on a crafted defect, and the well-formed message is silent. */
class HeaderRulesTest {
    private static final HeaderChecker CHECKER = new HeaderChecker(HeaderRuleSettings.defaults());

    static List<Finding> check(byte[] raw) {
        return CHECKER.check(HeaderInput.of(raw));
    }

    static List<Finding> check(Msg m) {
        return CHECKER.check(m.input());
    }

    static Set<String> rules(List<Finding> fs) {
        return fs.stream().map(Finding::rule).collect(Collectors.toSet());
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Stream<Arguments> defects() {
        List<Arguments> a = new ArrayList<>();
        a.add(Arguments.of(HeaderRule.NO_HEADERS, latin1("\r\nJust a body\r\n")));
        a.add(Arguments.of(HeaderRule.NO_HEADERS, latin1("X-Foo: bar\r\nX-Bar: baz\r\n\r\nbody")));
        a.add(Arguments.of(HeaderRule.MISSING_HEADER_BODY_SEPARATOR,
                Msg.good().noSeparator().body("This body starts right away\r\n").bytes()));
        a.add(Arguments.of(HeaderRule.BARE_LINE_ENDING, latin1(new String(Msg.good().bytes(),
                StandardCharsets.ISO_8859_1).replaceFirst("Subject: Lunch on Friday\r\n", "Subject: Lunch on Friday\n"))));
        a.add(Arguments.of(HeaderRule.BARE_LINE_ENDING, Msg.good().set("Subject", "Subject: a\rb").bytes()));
        Msg big = Msg.good();
        for (int i = 0; i < HeaderParser.MAX_FIELDS + 5; i++) {
            big.add("X-Filler-" + i + ": v");
        }
        a.add(Arguments.of(HeaderRule.HEADER_TOO_LARGE, big.bytes()));
        a.add(Arguments.of(HeaderRule.LINE_TOO_LONG, Msg.good().add("X-Long: " + "a".repeat(1000)).bytes()));
        a.add(Arguments.of(HeaderRule.BAD_FIELD_NAME, Msg.good().add("X-Test : value").bytes()));
        a.add(Arguments.of(HeaderRule.BAD_FIELD_NAME, Msg.good().add("Bad Name: value").bytes()));
        a.add(Arguments.of(HeaderRule.RAW_8BIT_HEADER, Msg.good().set("Subject", "Subject: Caf\u00e9").bytes()));
        a.add(Arguments.of(HeaderRule.MISSING_DATE, Msg.good().remove("Date").bytes()));
        a.add(Arguments.of(HeaderRule.MISSING_FROM, Msg.good().remove("From").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_DATE, Msg.good().add("Date: Thu, 22 Aug 2002 12:00:00 +0100").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_FROM, Msg.good().add("From: eve@example.com").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_SENDER,
                Msg.good().add("Sender: a@example.org").add("Sender: b@example.org").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_REPLY_TO,
                Msg.good().add("Reply-To: a@example.org").add("Reply-To: b@example.org").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_TO, Msg.good().add("To: carol@example.net").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_CC, Msg.good().add("Cc: a@example.net").add("Cc: b@example.net").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_BCC, Msg.good().add("Bcc: a@example.net").add("Bcc: b@example.net").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_MESSAGE_ID, Msg.good().add("Message-ID: <other@example.org>").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_IN_REPLY_TO,
                Msg.good().add("In-Reply-To: <a@example.org>").add("In-Reply-To: <b@example.org>").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_REFERENCES,
                Msg.good().add("References: <a@example.org>").add("References: <b@example.org>").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_SUBJECT, Msg.good().add("Subject: Dinner instead").bytes()));
        a.add(Arguments.of(HeaderRule.MULTIPLE_FROM_NO_SENDER,
                Msg.good().set("From", "From: alice@example.org, carol@example.org").bytes()));
        a.add(Arguments.of(HeaderRule.SENDER_NOT_ONE_MAILBOX,
                Msg.good().add("Sender: a@example.org, b@example.org").bytes()));
        a.add(Arguments.of(HeaderRule.INVALID_FROM_ADDRESS,
                Msg.good().set("From", "From: alice@example.org <alice@example.org>").bytes()));
        a.add(Arguments.of(HeaderRule.INVALID_FROM_ADDRESS, Msg.good().set("From", "From: <alice>").bytes()));
        a.add(Arguments.of(HeaderRule.INVALID_RECIPIENT_ADDRESS, Msg.good().set("To", "To: bob@@example.net").bytes()));
        a.add(Arguments.of(HeaderRule.INVALID_RECIPIENT_ADDRESS, Msg.good().add("Reply-To: <bob@example.net").bytes()));
        a.add(Arguments.of(HeaderRule.EMPTY_ADDRESS_FIELD, Msg.good().add("Cc: ").bytes()));
        a.add(Arguments.of(HeaderRule.NO_DESTINATION_HEADERS, Msg.good().remove("To").bytes()));
        a.add(Arguments.of(HeaderRule.MISSING_SUBJECT, Msg.good().remove("Subject").bytes()));
        a.add(Arguments.of(HeaderRule.SUBJECT_PADDED_TAG,
                Msg.good().set("Subject", "Subject: Lowest rates" + " ".repeat(30) + "qkdjt").bytes()));
        a.add(Arguments.of(HeaderRule.FROM_NAME_FOREIGN_ADDRESS,
                Msg.good().set("From", "From: \"support@bank.example\" <eve@phish.example>").bytes()));
        a.add(Arguments.of(HeaderRule.MISSING_MESSAGE_ID, Msg.good().remove("Message-ID").bytes()));
        a.add(Arguments.of(HeaderRule.INVALID_MESSAGE_ID, Msg.good().set("Message-ID", "Message-ID: 1234@example.org").bytes()));
        a.add(Arguments.of(HeaderRule.INVALID_MESSAGE_ID, Msg.good().set("Message-ID", "Message-ID: <12 34@example.org>").bytes()));
        a.add(Arguments.of(HeaderRule.MESSAGE_ID_IP_LITERAL,
                Msg.good().set("Message-ID", "Message-ID: <abc.1@[192.0.2.1]>").bytes()));
        a.add(Arguments.of(HeaderRule.INVALID_DATE, Msg.good().set("Date", "Date: Thu, 22 Aug 0102 12:34:56 +0100").bytes()));
        a.add(Arguments.of(HeaderRule.INVALID_DATE, Msg.good().set("Date", "Date: Thu, 22 Aug 2002 12:34:56").bytes()));
        a.add(Arguments.of(HeaderRule.DATE_WRONG_WEEKDAY, Msg.good().set("Date", "Date: Mon, 22 Aug 2002 12:34:56 +0100").bytes()));
        a.add(Arguments.of(HeaderRule.ABSURD_DATE_ZONE, Msg.good().set("Date", "Date: Thu, 22 Aug 2002 02:34:56 -1600").bytes()));
        a.add(Arguments.of(HeaderRule.DATE_ZONE_MISMATCH,
                Msg.good().set("Date", "Date: Thu, 22 Aug 2002 06:34:56 -0500 (PST)").bytes()));
        a.add(Arguments.of(HeaderRule.DATE_IN_FUTURE, Msg.good().set("Date", "Date: Sat, 24 Aug 2002 12:34:56 +0100").bytes()));
        a.add(Arguments.of(HeaderRule.DATE_IN_PAST, Msg.good().set("Date", "Date: Mon, 22 Jul 2002 12:34:56 +0100").bytes()));
        a.add(Arguments.of(HeaderRule.BAD_ENCODED_WORD, Msg.good().set("Subject", "Subject: =?iso-8859-1?X?abc?=").bytes()));
        a.add(Arguments.of(HeaderRule.UNNECESSARY_ENCODING, Msg.good().set("Subject", "Subject: =?utf-8?B?SGVsbG8=?=").bytes()));
        a.add(Arguments.of(HeaderRule.MISSING_MIME_VERSION,
                Msg.good().remove("MIME-Version").set("Content-Type", "Content-Type: text/html").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_CONTENT_TYPE, Msg.good().add("Content-Type: text/html").bytes()));
        a.add(Arguments.of(HeaderRule.DUPLICATE_CONTENT_TRANSFER_ENCODING,
                Msg.good().add("Content-Transfer-Encoding: 7bit").add("Content-Transfer-Encoding: base64").bytes()));
        a.add(Arguments.of(HeaderRule.CONTENT_TYPE_TRAILING_SEMICOLON,
                Msg.good().set("Content-Type", "Content-Type: text/plain; charset=us-ascii;").bytes()));
        a.add(Arguments.of(HeaderRule.UNPARSEABLE_RECEIVED,
                Msg.good().add("Received: from a by b.example.net; Thu, 22 Aug 2002 04:00:00 -08:00").bytes()));
        a.add(Arguments.of(HeaderRule.RECEIVED_DATE_GARBLED, Msg.good().add("Received: from a by b.example.net").bytes()));
        a.add(Arguments.of(HeaderRule.RECEIVED_DATE_GARBLED,
                Msg.good().add("Received: from a by b.example.net; Aug, 22 2002 4:00:00 AM -0800").bytes()));
        a.add(Arguments.of(HeaderRule.RECEIVED_INVALID_IP,
                Msg.good().add("Received: from x ([300.1.2.3]) by b.example.net; Thu, 22 Aug 2002 12:35:00 +0100").bytes()));
        a.add(Arguments.of(HeaderRule.RECEIVED_INVALID_IP,
                Msg.good().add("Received: from x ([0.1.2.3]) by b.example.net; Thu, 22 Aug 2002 12:35:00 +0100").bytes()));
        a.add(Arguments.of(HeaderRule.FORGED_MUA,
                Msg.good().add("X-Mailer: Microsoft Outlook Express 6.00.2800.1106").bytes()));
        a.add(Arguments.of(HeaderRule.FORGED_MUA, Msg.good().add("X-Mailer: The Bat! (v1.61) Personal").bytes()));
        a.add(Arguments.of(HeaderRule.FORGED_MUA,
                Msg.good().add("User-Agent: Mozilla/5.0 (X11; U; Linux i686) Gecko/20020823").bytes()));
        a.add(Arguments.of(HeaderRule.MS_PRIORITY_WITHOUT_MIMEOLE, Msg.good().add("X-MSMail-Priority: Normal").bytes()));
        // an id in the Microsoft shape whose FILETIME is years away from the Date
        a.add(Arguments.of(HeaderRule.RATWARE_MS_HEADERS,
                Msg.good().set("Message-ID", "Message-ID: <000c84d37aae$7338a0a4$3ab55ec5@pc>").bytes()));
        a.add(Arguments.of(HeaderRule.FORGED_MUA, Msg.good().add("X-MSMail-Priority: Normal")
                .set("Message-ID", "Message-ID: <000c84d37aae$7338a0a4$3ab55ec5@pc>").bytes()));
        a.add(Arguments.of(HeaderRule.TRACE_BELOW_ORIGINATOR, Msg.good()
                .add("Received: from pc.example.org ([198.51.100.7]) by relay.example.com with SMTP id 4F2;")
                .add(" Thu, 22 Aug 2002 12:35:00 +0100").bytes()));
        a.add(Arguments.of(HeaderRule.FORGED_MUA_RELAY_ID,
                relayMadeId().add("X-Mailer: Microsoft Outlook Express 6.00.2800.1106").bytes()));
        a.add(Arguments.of(HeaderRule.RATWARE_MS_HEADERS,
                Msg.good().set("Message-ID", "Message-ID: <00006d7c3c7f$00007797$00005ea5@mail.example.com>").bytes()));
        a.add(Arguments.of(HeaderRule.BULK_MAILER, Msg.good().add("X-Mailer: Group Mail 4.0").bytes()));
        a.add(Arguments.of(HeaderRule.MESSAGE_ID_FROM_RELAY, relayMadeId().bytes()));
        a.add(Arguments.of(HeaderRule.CONTENT_TYPE_HTML_ONLY,
                Msg.good().set("Content-Type", "Content-Type: text/html; charset=us-ascii").bytes()));
        a.add(Arguments.of(HeaderRule.RECEIVED_HELO_IP_MISMATCH, Msg.good()
                .set("Received: from mail", "Received: from [203.0.113.9] (mail.example.org [192.0.2.10])").bytes()));
        a.add(Arguments.of(HeaderRule.RECEIVED_HELO_IP_MISMATCH, Msg.good()
                .set("Received: from mail", "Received: from mail.example.org ([192.0.2.10] helo=203.0.113.9)").bytes()));
        a.add(Arguments.of(HeaderRule.PRIORITY_WITHOUT_MAILER, Msg.good().add("X-Priority: 1").bytes()));
        a.add(Arguments.of(HeaderRule.RECEIVED_FORGED_PROVIDER_HELO, Msg.good()
                .set("Received: from mail", "Received: from mx1.mail.yahoo.com (dsl-55.example.net [192.0.2.10])").bytes()));
        a.add(Arguments.of(HeaderRule.RECEIVED_FORGED_PROVIDER_HELO, Msg.good()
                .set("Received: from mail", "Received: from dsl-55.example.net ([192.0.2.10] helo=hotmail.com)").bytes()));
        return a.stream();
    }

    @Test
    void wellFormedMessageHasNoFindings() {
        assertThat(check(Msg.good())).isEmpty();
        assertThat(check(Msg.good().eol("\n"))).as("uniform LF (local storage format)").isEmpty();
    }

    @Test
    void everyRuleHasAFocusedCase() {
        Set<HeaderRule> covered = EnumSet.noneOf(HeaderRule.class);
        defects().forEach(a -> covered.add((HeaderRule) a.get()[0]));
        assertThat(covered).containsExactlyInAnyOrder(HeaderRule.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defects")
    void ruleFiresOnItsDefect(HeaderRule rule, byte[] raw) {
        List<Finding> fs = check(raw);
        assertThat(rules(fs)).contains(rule.id());
        Finding f = fs.stream().filter(x -> x.rule().equals(rule.id())).findFirst().orElseThrow();
        assertThat(f.check()).isEqualTo("headers");
        assertThat(f.score()).isEqualTo(rule.defaultScore());
        assertThat(f.detail()).isNotBlank();
        assertThat(fs.stream().filter(x -> x.rule().equals(rule.id())).count()).isEqualTo(1);
    }

    @Test
    void findingsComeInCatalogueOrder() {
        List<Finding> fs = check(Msg.good().remove("Date").remove("From").remove("Subject"));
        assertThat(fs).extracting(Finding::rule)
                .containsExactly("MISSING_DATE", "MISSING_FROM", "MISSING_SUBJECT");
    }

    // ------------------------------------------------------------------ near misses stay silent

    @Test
    void identicalDuplicateIsNotReported() {
        assertThat(rules(check(Msg.good().add("Subject: Lunch on Friday")))).doesNotContain("DUPLICATE_SUBJECT");
    }

    @Test
    void duplicateCountIsInDetail() {
        List<Finding> fs = check(Msg.good().add("To: a@example.net").add("To: b@example.net"));
        assertThat(fs).filteredOn(f -> f.rule().equals("DUPLICATE_TO")).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("3 times"));
    }

    @Test
    void microsoftIdIsJudgedByTheTimeItEncodes() {
        // 01c249cf:f064f000 is 22 Aug 2002 11:34:56 UTC, the Date of the good message
        Msg genuine = Msg.good().add("X-Mailer: Microsoft Outlook Express 6.00.2800.1106")
                .set("Message-ID", "Message-ID: <001201c249cf$f064f000$0a01a8c0@pc>");
        assertThat(rules(check(genuine))).doesNotContain("RATWARE_MS_HEADERS", "FORGED_MUA");
        assertThat(MuaSignatures.msIdEpochSecond("001201c249cf$f064f000$0a01a8c0@pc")).isEqualTo(1030016096L);
        // the same id three days before the Date: not the engine's clock
        Msg late = genuine.set("Date", "Date: Sun, 25 Aug 2002 12:34:56 +0100");
        assertThat(rules(check(late))).contains("RATWARE_MS_HEADERS", "FORGED_MUA");
    }

    @Test
    void bulkStyleSignalsCountAtMostTheCapTogether() {
        // HTML only (1.0) + X-Priority without a client (1.0) + X-MSMail-Priority without X-MimeOLE (1.0)
        List<Finding> fs = check(Msg.good().set("Content-Type", "Content-Type: text/html; charset=us-ascii")
                .add("X-Priority: 3").add("X-MSMail-Priority: Normal"));
        assertThat(rules(fs)).containsExactlyInAnyOrder("CONTENT_TYPE_HTML_ONLY", "PRIORITY_WITHOUT_MAILER",
                "MS_PRIORITY_WITHOUT_MIMEOLE");
        assertThat(fs.stream().mapToDouble(Finding::score).sum()).isEqualTo(HeaderRule.BULK_STYLE_CAP);
        assertThat(fs.get(2).detail()).contains("at most");
    }

    @Test
    void traceFromPrivateOrWebmailHopsBelowTheOriginatorIsNotJudged() {
        assertThat(rules(check(Msg.good().add("Received: from [192.168.1.5] by web1.example.com via HTTP;")
                .add(" Thu, 22 Aug 2002 12:35:00 +0100")))).doesNotContain("TRACE_BELOW_ORIGINATOR");
        assertThat(rules(check(Msg.good().add("Received: from [198.51.100.7] by web1.example.com via HTTP;")
                .add(" Thu, 22 Aug 2002 12:35:00 +0100")))).doesNotContain("TRACE_BELOW_ORIGINATOR");
    }

    /**
     * The scoring principle: no heuristic rule reaches the default tag threshold on its own; only an rfc
     * rule may. Fails when someone raises a heuristic to the threshold.
     */
    @Test
    void noHeuristicReachesTheDefaultTagThreshold() {
        double tag = io.portcullis.verdict.Policy.DEFAULT.tagThreshold();
        for (HeaderRule r : HeaderRule.values()) {
            if (r.kind() == HeaderRule.Kind.HEURISTIC) {
                assertThat(r.defaultScore()).as("%s is a heuristic", r).isLessThan(tag);
            }
        }
        assertThat(HeaderRule.BULK_STYLE_CAP).isLessThan(tag);
        assertThat(HeaderRule.values()).filteredOn(r -> r.defaultScore() >= tag)
                .allMatch(r -> r.kind() == HeaderRule.Kind.RFC);
    }

    @Test
    void providerHostsGreetingWithTheirOwnNamesAreNotForged() {
        assertThat(rules(check(Msg.good().set("Received: from mail",
                "Received: from web13705.mail.yahoo.com (web13705.mail.yahoo.com [216.136.175.138])"))))
                .doesNotContain("RECEIVED_FORGED_PROVIDER_HELO");
        // the same operator's other domain, and a hop that records no reverse name
        assertThat(rules(check(Msg.good().set("Received: from mail",
                "Received: from smtp.gmail.com (mail-wr1-f54.google.com [192.0.2.10])"))))
                .doesNotContain("RECEIVED_FORGED_PROVIDER_HELO");
        assertThat(rules(check(Msg.good().set("Received: from mail", "Received: from yahoo.com ([192.0.2.10])"))))
                .doesNotContain("RECEIVED_FORGED_PROVIDER_HELO");
        assertThat(rules(check(Msg.good().set("Received: from mail",
                "Received: from mail.example.org (notyahoo.com [192.0.2.10])"))))
                .doesNotContain("RECEIVED_FORGED_PROVIDER_HELO");
    }

    @Test
    void genuineClientIdsAreNotForged() {
        assertThat(check(Msg.good().add("X-Mailer: Microsoft Outlook Express 6.00.2800.1106")
                .add("X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2800.1106")
                .set("Message-ID", "Message-ID: <002001c24a0c$53e0e3a0$0100a8c0@pc>"))).isEmpty();
        assertThat(check(Msg.good().add("User-Agent: Mozilla/5.0 (X11; U; Linux i686) Gecko/20020823")
                .set("Message-ID", "Message-ID: <3D64F3A5.9080409@example.org>"))).isEmpty();
        assertThat(check(Msg.good().add("X-Mailer: The Bat! (v1.61) Personal")
                .set("Message-ID", "Message-ID: <1923712345.20020822123456@example.org>"))).isEmpty();
    }

    /** The top hop (mx.example.net, from public 192.0.2.10) made the Message-ID from its queue id. */
    static Msg relayMadeId() {
        return Msg.good().set("\tby mx.example.net", "\tby mx.example.net (8.9.3/8.9.3) with ESMTP id SAA11649")
                .set("Message-ID", "Message-ID: <200208221136.SAA11649@mx.example.net>");
    }

    @Test
    void relayMadeIdDetailNamesTheHopAndPeer() {
        assertThat(check(relayMadeId())).filteredOn(f -> f.rule().equals("MESSAGE_ID_FROM_RELAY")).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("SAA11649").contains("mx.example.net")
                        .contains("[192.0.2.10]").contains("Received #1"));
    }

    @Test
    void messageIdOfAnInternalSubmissionOrAnotherHostIsNotFromARelay() {
        // the relay took the message from a private (NAT, in-house) address: a legitimate MSA adds ids
        assertThat(rules(check(relayMadeId().set("Received: from mail",
                "Received: from pc.example.org (pc.example.org [192.168.1.5])")))).doesNotContain("MESSAGE_ID_FROM_RELAY");
        // same queue id but the id names another host
        assertThat(rules(check(relayMadeId().set("Message-ID", "Message-ID: <200208221136.SAA11649@example.org>"))))
                .doesNotContain("MESSAGE_ID_FROM_RELAY");
        // a queue id that is not inside the Message-ID
        assertThat(rules(check(relayMadeId().set("Message-ID", "Message-ID: <200208221136.XYZ99999@mx.example.net>"))))
                .doesNotContain("MESSAGE_ID_FROM_RELAY");
        // too short to be evidence
        assertThat(rules(check(Msg.good().set("\tby mx.example.net", "\tby mx.example.net with ESMTP id 12345")
                .set("Message-ID", "Message-ID: <12345@mx.example.net>")))).doesNotContain("MESSAGE_ID_FROM_RELAY");
        // shorter and longer forms of the same host name are the same host
        assertThat(rules(check(relayMadeId().set("Message-ID", "Message-ID: <200208221136.SAA11649@mx>"))))
                .contains("MESSAGE_ID_FROM_RELAY");
    }

    @Test
    void encodedWordInsideAnAddressIsInvalid() {
        List<Finding> fs = check(Msg.good().set("From", "From: =?iso-2022-jp?B?YWxpY2U=?=@example.org"));
        assertThat(fs).filteredOn(f -> f.rule().equals("INVALID_FROM_ADDRESS")).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("RFC 2047 5"));
        assertThat(rules(check(Msg.good().set("To", "To: Bob <=?utf-8?Q?bob?=@example.net>"))))
                .contains("INVALID_RECIPIENT_ADDRESS");
        // near miss: an encoded display name is how RFC 2047 is meant to be used
        assertThat(check(Msg.good().set("From", "From: =?iso-8859-1?Q?Al=E9x?= <alice@example.org>"))).isEmpty();
        assertThat(rules(check(Msg.good().set("To", "To: Bob <bob=?list@example.net>")))).as("no closing ?=")
                .doesNotContain("INVALID_RECIPIENT_ADDRESS");
    }

    @Test
    void multipartAndPlainTextAreNotHtmlOnly() {
        assertThat(rules(check(Msg.good().set("Content-Type",
                "Content-Type: multipart/alternative; boundary=\"b1\"")))).doesNotContain("CONTENT_TYPE_HTML_ONLY");
        assertThat(rules(check(Msg.good()))).doesNotContain("CONTENT_TYPE_HTML_ONLY");
    }

    @Test
    void heloWithOwnOrPrivateAddressIsNotAMismatch() {
        assertThat(check(Msg.good().set("Received: from mail",
                "Received: from [192.0.2.10] (mail.example.org [192.0.2.10])"))).isEmpty();
        assertThat(check(Msg.good().set("Received: from mail",
                "Received: from [192.168.0.3] (mail.example.org [192.0.2.10])"))).as("NAT").isEmpty();
        assertThat(check(Msg.good().set("Received: from mail",
                "Received: from [192.0.2.77] (mail.example.org [192.0.2.10])"))).as("same /24").isEmpty();
        assertThat(HeaderChecker.sameSlash24("192.0.2.77", "192.0.22.77")).isFalse();
        assertThat(check(Msg.good().set("Received: from mail",
                "Received: from mail.example.org ([192.0.2.10] helo=mail.example.org)"))).isEmpty();
        assertThat(ReceivedHop.parse("from [203.0.113.9] (port=3496 helo=203.0.113.9) by x").peerIp)
                .isEqualTo("203.0.113.9");
    }

    @Test
    void priorityWithANamedClientIsFine() {
        assertThat(rules(check(Msg.good().add("X-Priority: 3 (Normal)")
                .add("X-Mailer: QUALCOMM Windows Eudora Version 5.1")))).doesNotContain("PRIORITY_WITHOUT_MAILER");
        assertThat(rules(check(Msg.good().add("X-Priority: 3").add("User-Agent: KMail/1.4.3"))))
                .doesNotContain("PRIORITY_WITHOUT_MAILER");
    }

    @Test
    void receivedHopParsesBothLayouts() {
        ReceivedHop s = ReceivedHop.parse("from helo.example (rdns.example [198.51.100.7]) by mx.example.net "
                + "(8.9.3/8.9.3) with ESMTP id SAA11649 for <a@b>; Thu, 22 Aug 2002 12:00:00 +0100");
        assertThat(s.helo).isEqualTo("helo.example");
        assertThat(s.peerIp).isEqualTo("198.51.100.7");
        assertThat(s.by).isEqualTo("mx.example.net");
        assertThat(s.id).isEqualTo("SAA11649");
        ReceivedHop e = ReceivedHop.parse("from rdns.example ([198.51.100.7] helo=helo.example) by mx.example.net "
                + "with esmtp (Exim 3.22 #1) id <17nndG-0005Q3-00>; Sat, 07 Sep 2002 15:00:46 -0700");
        assertThat(e.helo).isEqualTo("helo.example");
        assertThat(e.peerIp).isEqualTo("198.51.100.7");
        assertThat(e.id).isEqualTo("17nndG-0005Q3-00");
        ReceivedHop none = ReceivedHop.parse("(qmail 1 invoked by uid 0); 22 Aug 2002 08:28:38 -0000");
        assertThat(none.helo).isNull();
        assertThat(none.peerIp).isNull();
        assertThat(ReceivedHop.parse("").by).isNull();
        assertThat(ReceivedHop.isPublic("192.0.2.10")).isTrue();
        assertThat(ReceivedHop.isPublic("172.20.1.1")).isFalse();
        assertThat(ReceivedHop.isPublic("100.64.0.1")).isFalse();
        assertThat(ReceivedHop.quadAt("1.2.3.456", 0)).isNull();
    }

    @Test
    void utf8IsAllowedWithSmtpUtf8() {
        byte[] raw = Msg.good().set("Subject", "Subject: Caf\u00c3\u00a9").bytes(); // UTF-8 for "é"
        HeaderChecker c = new HeaderChecker(HeaderRuleSettings.defaults());
        assertThat(rules(c.check(HeaderInput.of(raw, null, true)))).doesNotContain("RAW_8BIT_HEADER");
        assertThat(rules(c.check(HeaderInput.of(raw, null, false)))).contains("RAW_8BIT_HEADER");
        byte[] bad = Msg.good().set("Subject", "Subject: Caf\u00e9").bytes(); // Latin-1, not UTF-8
        assertThat(rules(c.check(HeaderInput.of(bad, null, true)))).contains("RAW_8BIT_HEADER");
    }

    @Test
    void groupsAndObsoleteAddressFormsAreValid() {
        assertThat(check(Msg.good().set("To", "To: undisclosed-recipients:;"))).isEmpty();
        assertThat(check(Msg.good().set("To", "To: Team: a@example.net, \"B, Jr.\" <b@example.net>;, c@example.net"))).isEmpty();
        assertThat(check(Msg.good().set("To", "To: <@relay.example:bob@example.net> (route), , John Q. Public <jq@example.net>")))
                .isEmpty();
        assertThat(check(Msg.good().set("From", "From: \"Alice (home)\" <alice@[192.0.2.7]>"))).isEmpty();
    }

    @Test
    void multipleFromWithSenderIsFine() {
        assertThat(check(Msg.good().set("From", "From: alice@example.org, carol@example.org")
                .add("Sender: alice@example.org"))).isEmpty();
    }

    @Test
    void resentDateIsComparedInsteadOfAnOldDate() {
        Msg m = Msg.good().set("Date", "Date: Mon, 22 Jul 2002 12:34:56 +0100")
                .add("Resent-Date: Thu, 22 Aug 2002 12:30:00 +0100");
        assertThat(rules(check(m))).doesNotContain("DATE_IN_PAST");
    }

    @Test
    void withoutTraceOrArrivalDatesAreNotJudged() {
        Msg m = Msg.good().remove("Received").remove("\t").remove(" Thu").set("Date", "Date: Sat, 24 Aug 2030 12:34:56 +0100");
        assertThat(rules(check(m))).doesNotContain("DATE_IN_FUTURE", "DATE_IN_PAST");
    }

    @Test
    void arrivalTimeIsTheLatestTraceTime() {
        byte[] raw = Msg.good().remove("Received").remove("\t").remove(" Thu").bytes();
        HeaderChecker c = new HeaderChecker(HeaderRuleSettings.defaults());
        Instant arrival = Instant.parse("2002-08-22T11:40:00Z");
        assertThat(rules(c.check(HeaderInput.of(raw, arrival, false)))).doesNotContain("DATE_IN_FUTURE", "DATE_IN_PAST");
        Instant early = Instant.parse("2002-08-21T11:40:00Z");
        assertThat(rules(c.check(HeaderInput.of(raw, early, false)))).contains("DATE_IN_FUTURE");
        Instant late = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(rules(c.check(HeaderInput.of(raw, late, false)))).contains("DATE_IN_PAST");
    }

    @Test
    void replayedMessageWithFreshTopReceivedIsNotInThePast() {
        Msg m = Msg.good();
        byte[] raw = m.bytes();
        String s = "Received: from relay by james.example.net; Mon, 5 Jan 2026 10:00:00 +0000\r\n"
                + new String(raw, StandardCharsets.ISO_8859_1);
        assertThat(check(latin1(s))).isEmpty();
    }

    @Test
    void slightlyLateDateIsTolerated() {
        assertThat(rules(check(Msg.good().set("Date", "Date: Thu, 22 Aug 2002 15:34:56 +0100"))))
                .doesNotContain("DATE_IN_FUTURE");
    }

    @Test
    void mimeVersionNotNeededForPlainText() {
        assertThat(check(Msg.good().remove("MIME-Version"))).isEmpty();
        assertThat(check(Msg.good().remove("MIME-Version").add("Content-Transfer-Encoding: 8bit"))).isEmpty();
    }

    @Test
    void contentTypeWithTrailingCommentIsNotTrailingSemicolon() {
        assertThat(check(Msg.good().set("Content-Type", "Content-Type: text/plain; charset=us-ascii (plain)"))).isEmpty();
    }

    @Test
    void nullAndEmptyInputsAreHandled() {
        assertThat(CHECKER.check(null)).isEmpty();
        assertThat(rules(check(new byte[0]))).contains("NO_HEADERS", "MISSING_DATE", "MISSING_FROM");
    }
}
