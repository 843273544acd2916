package io.portcullis.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.verdict.Finding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.mailet.PerRecipientHeaders;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class TagTest {
    private static final String RAW = "From: a@example.com\r\nSubject: Cheap pills\r\n\r\nbody\r\n";
    private static final Finding DATE = new Finding("headers", "MISSING_DATE", 3.0, "no Date header");
    private static final Finding MID = new Finding("headers", "MISSING_MESSAGE_ID", 2.5, "no Message-ID\r\nheader");
    private static final Finding SMALL = new Finding("headers", "MISSING_SUBJECT", 0.5, "no Subject header");

    private final AtomicInteger calls = new AtomicInteger();

    private PortcullisRuntime runtime(List<Finding> findings) {
        return PortcullisRuntime.withHeaderCheck(PortcullisConfig.defaults(), input -> {
            calls.incrementAndGet();
            return findings;
        });
    }

    private static Tag tag(PortcullisRuntime runtime, String... params) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("Tag");
        for (int i = 0; i < params.length; i += 2) {
            config.setProperty(params[i], params[i + 1]);
        }
        Tag tag = new Tag(runtime);
        tag.init(config.build());
        return tag;
    }

    private static FakeMail mail(String raw) throws Exception {
        MimeMessage message = new MimeMessage(null,
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
        return FakeMail.builder().name("m").recipients("a@portcullis.test", "b@portcullis.test")
                .mimeMessage(message).build();
    }

    private static List<String> status(FakeMail mail, String header) throws Exception {
        List<String> out = new ArrayList<>();
        for (MailAddress r : mail.getRecipients()) {
            Collection<PerRecipientHeaders.Header> hs = mail.getPerRecipientSpecificHeaders().getHeadersForRecipient(r);
            out.addAll(hs.stream().filter(h -> h.getName().equals(header)).map(PerRecipientHeaders.Header::getValue)
                    .collect(Collectors.toList()));
        }
        return out;
    }

    private static String bytes(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void spamGetsScoreReportAndIsMarkedAsSpamFlag() throws Exception {
        FakeMail mail = mail(RAW);
        tag(runtime(List.of(DATE, MID))).service(mail);

        MimeMessage m = mail.getMessage();
        assertThat(m.getHeader("X-Portcullis-Score", null)).isEqualTo("5.5");
        assertThat(m.getHeader("X-Portcullis-Report", null))
                .contains("MISSING_DATE (3.0): no Date header;")
                .contains("MISSING_MESSAGE_ID (2.5): no Message-ID header")
                .doesNotContain("ID\r\nheader");
        assertThat(status(mail, "org.apache.james.spamassassin.status"))
                .containsExactly("Yes, score=5.5 required=5.0", "Yes, score=5.5 required=5.0");
        assertThat(m.getSubject()).isEqualTo("Cheap pills");
        assertThat(MailAttributes.score(mail)).contains(5.5);
        assertThat(MailAttributes.action(mail)).contains("tag");
    }

    @Test
    void observedRulesLeaveTheMailUntouched() throws Exception {
        PortcullisConfig observing = PortcullisConfig.defaults().toBuilder().modes(io.portcullis.verdict.CheckModes.builder()
                .observeRule("headers", "MISSING_DATE").build()).build();
        PortcullisRuntime r = PortcullisRuntime.withHeaderCheck(observing, input -> List.of(DATE, MID));
        FakeMail mail = mail(RAW);
        tag(r, "subjectPrefix", "[SPAM]").service(mail);

        MimeMessage m = mail.getMessage();
        // Only MISSING_MESSAGE_ID counts (2.5, under the tag threshold): no tag, no subject prefix.
        assertThat(m.getHeader("X-Portcullis-Score", null)).isEqualTo("2.5");
        assertThat(m.getHeader("X-Portcullis-Report", null)).contains("MISSING_MESSAGE_ID").doesNotContain("DATE");
        assertThat(m.getSubject()).isEqualTo("Cheap pills");
        assertThat(status(mail, "org.apache.james.spamassassin.status"))
                .containsExactly("No, score=2.5 required=5.0", "No, score=2.5 required=5.0");
        assertThat(MailAttributes.action(mail)).contains("accept");

        FakeMail onlyObserved = mail(RAW);
        tag(PortcullisRuntime.withHeaderCheck(observing, input -> List.of(DATE))).service(onlyObserved);
        assertThat(onlyObserved.getMessage().getHeader("X-Portcullis-Score")).isNull();
        assertThat(status(onlyObserved, "org.apache.james.spamassassin.status")).isEmpty();
    }

    @Test
    void theStockIsMarkedAsSpamMatcherRecognisesTheFlag() throws Exception {
        FakeMail mail = mail(RAW);
        tag(runtime(List.of(DATE, MID))).service(mail);
        org.apache.james.transport.matchers.IsMarkedAsSpam isMarkedAsSpam =
                new org.apache.james.transport.matchers.IsMarkedAsSpam();
        isMarkedAsSpam.init(org.apache.mailet.base.test.FakeMatcherConfig.builder().matcherName("IsMarkedAsSpam")
                .build());
        assertThat(isMarkedAsSpam.match(mail)).containsExactlyElementsOf(mail.getRecipients());
    }

    @Test
    void belowThresholdSaysNo() throws Exception {
        FakeMail mail = mail(RAW);
        tag(runtime(List.of(DATE)), "subjectPrefix", "[SPAM]").service(mail);
        assertThat(mail.getMessage().getHeader("X-Portcullis-Score", null)).isEqualTo("3.0");
        assertThat(status(mail, "org.apache.james.spamassassin.status")).allMatch(s -> s.startsWith("No, score=3.0"));
        assertThat(mail.getMessage().getSubject()).isEqualTo("Cheap pills");
        assertThat(MailAttributes.action(mail)).contains("accept");
    }

    @Test
    void cleanMailIsLeftUntouched() throws Exception {
        FakeMail mail = mail(RAW);
        String before = bytes(mail.getMessage());
        tag(runtime(List.of()), "subjectPrefix", "[SPAM]").service(mail);
        assertThat(bytes(mail.getMessage())).isEqualTo(before);
        assertThat(mail.getPerRecipientSpecificHeaders().getRecipientsWithSpecificHeaders()).isEmpty();
        assertThat(MailAttributes.score(mail)).contains(0.0);
    }

    @Test
    void mailWithOnlyCreditsIsLeftUntouched() throws Exception {
        FakeMail mail = mail(RAW);
        String before = bytes(mail.getMessage());
        MailAttributes.storeFindings(mail, "reputation", List.of(new Finding("reputation", "IP", -2.0,
                "clean history")));
        tag(runtime(List.of()), "subjectPrefix", "[SPAM]").service(mail);
        assertThat(bytes(mail.getMessage())).as("a known good sender's clean mail is not rewritten").isEqualTo(before);
        assertThat(mail.getPerRecipientSpecificHeaders().getRecipientsWithSpecificHeaders()).isEmpty();
        assertThat(MailAttributes.score(mail)).contains(-2.0);
    }

    @Test
    void creditsAreReportedBesideWhatCountsAgainst() throws Exception {
        FakeMail mail = mail(RAW);
        MailAttributes.storeFindings(mail, "reputation", List.of(new Finding("reputation", "IP", -2.0,
                "clean history")));
        tag(runtime(List.of(DATE))).service(mail);
        assertThat(mail.getMessage().getHeader("X-Portcullis-Score", null)).isEqualTo("1.0");
        assertThat(mail.getMessage().getHeader("X-Portcullis-Report", null)).contains("IP (-2.0): clean history");
    }

    @Test
    void thresholdParameterOverridesThePolicy() throws Exception {
        FakeMail mail = mail(RAW);
        tag(runtime(List.of(DATE)), "threshold", "2.5").service(mail);
        assertThat(status(mail, "org.apache.james.spamassassin.status"))
                .allMatch(s -> s.equals("Yes, score=3.0 required=2.5"));
    }

    @Test
    void subjectPrefixIsAddedOnce() throws Exception {
        FakeMail mail = mail(RAW);
        Tag tag = tag(runtime(List.of(DATE, MID)), "subjectPrefix", "[SPAM]");
        tag.service(mail);
        tag.service(mail);
        assertThat(mail.getMessage().getSubject()).isEqualTo("[SPAM] Cheap pills");
    }

    @Test
    void customStatusHeader() throws Exception {
        FakeMail mail = mail(RAW);
        tag(runtime(List.of(DATE, MID)), "statusHeader", "org.apache.james.rspamd.status").service(mail);
        assertThat(status(mail, "org.apache.james.rspamd.status")).hasSize(2);
        assertThat(status(mail, "org.apache.james.spamassassin.status")).isEmpty();
    }

    @Test
    void forgedReportsFromOutsideAreRemoved() throws Exception {
        FakeMail mail = mail("X-Portcullis-Score: 0\r\nX-Portcullis-Report: all fine\r\n" + RAW);
        tag(runtime(List.of())).service(mail);
        assertThat(mail.getMessage().getHeader("X-Portcullis-Score")).isNull();
        assertThat(mail.getMessage().getHeader("X-Portcullis-Report")).isNull();
    }

    /**
     * A sender's own status header (James's default name or the configured one) and score never reach the mailbox
     * next to Portcullis's: only Portcullis's values remain, for spam and for clean mail.
     */
    @Test
    void forgedStatusHeadersFromOutsideAreRemoved() throws Exception {
        String forged = "org.apache.james.spamassassin.status: No, score=-100 required=5.0\r\n"
                + "X-Portcullis-Score: -100\r\nX-Portcullis-Report: all fine\r\nX-Spam-Status: No\r\n";
        FakeMail spam = mail(forged + RAW);
        tag(runtime(List.of(DATE, MID))).service(spam);
        MimeMessage m = spam.getMessage();
        assertThat(m.getHeader("org.apache.james.spamassassin.status")).isNull();
        assertThat(m.getHeader("X-Portcullis-Score")).containsExactly("5.5");
        assertThat(m.getHeader("X-Portcullis-Report")).singleElement().asString().startsWith("MISSING_DATE");
        assertThat(status(spam, "org.apache.james.spamassassin.status")).containsOnly("Yes, score=5.5 required=5.0")
                .hasSize(2);
        assertThat(bytes(m)).doesNotContain("-100").doesNotContain("all fine");

        FakeMail clean = mail(forged + RAW);
        tag(runtime(List.of())).service(clean);
        assertThat(clean.getMessage().getHeader("org.apache.james.spamassassin.status")).isNull();

        FakeMail custom = mail(forged + RAW);
        tag(runtime(List.of(DATE, MID)), "statusHeader", "X-Spam-Status").service(custom);
        assertThat(custom.getMessage().getHeader("X-Spam-Status")).as("the configured name").isNull();
        assertThat(custom.getMessage().getHeader("org.apache.james.spamassassin.status")).as("James's default name")
                .isNull();
        assertThat(status(custom, "X-Spam-Status")).containsOnly("Yes, score=5.5 required=5.0");
    }

    @Test
    void reusesFindingsAlreadyOnTheMail() throws Exception {
        FakeMail mail = mail(RAW);
        MailAttributes.storeFindings(mail, "headers", List.of(DATE));
        MailAttributes.storeFindings(mail, "dnsbl", List.of(new Finding("dnsbl", "zen", 4.0, "listed")));
        tag(runtime(List.of(SMALL))).service(mail);
        assertThat(calls).hasValue(0);
        assertThat(mail.getMessage().getHeader("X-Portcullis-Score", null)).isEqualTo("7.0");
        assertThat(mail.getMessage().getHeader("X-Portcullis-Report", null)).contains("zen (4.0): listed");
    }

    @Test
    void computesTheHeaderCheckWhenMissing() throws Exception {
        FakeMail mail = mail(RAW);
        tag(runtime(List.of(SMALL))).service(mail);
        assertThat(calls).hasValue(1);
        assertThat(MailAttributes.checks(mail)).containsExactly("headers");
    }

    @Test
    void longReportsAreFoldedAndCut() {
        List<Finding> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(new Finding("headers", "RULE_" + i, 0.1, "a fairly long explanation number " + i));
        }
        String report = Tag.report(many);
        assertThat(report.length()).isLessThan(Tag.REPORT_MAX + 100);
        assertThat(report).contains("more)");
        for (String line : report.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(78);
            assertThat(line.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
        }
    }

    @Test
    void formatsScores() {
        assertThat(Tag.format(7.5)).isEqualTo("7.5");
        assertThat(Tag.format(5)).isEqualTo("5.0");
        assertThat(Tag.format(0.25)).isEqualTo("0.25");
        assertThat(Tag.format(-1)).isEqualTo("-1.0");
    }

    @Test
    void unknownParametersFailAtInit() {
        assertThatThrownBy(() -> tag(runtime(List.of()), "treshold", "5")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("treshold");
    }

    @Test
    void badThresholdFailsAtInit() {
        assertThatThrownBy(() -> tag(runtime(List.of()), "threshold", "high")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("threshold").hasMessageContaining("high");
    }
}
