package io.portcullis.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.NameserverService;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.store.JournalStateStore;
import io.portcullis.testing.KnotServer;
import io.portcullis.verdict.Finding;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import javax.mail.Session;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LearnNameservers with FakeMail, zones on a real Knot server and the embedded store: spam1..6.test share
 * ns1.learnhost.test, cfspam1..6.test share a Cloudflare nameserver (allow list), newcomer.test and
 * newcf.test are new domains on those nameservers.
 */
class LearnNameserversTest {
    @TempDir
    static Path tmp;
    static KnotServer knot;

    @TempDir
    Path state;

    static String zone(String origin, String... records) {
        StringBuilder z = new StringBuilder("$ORIGIN ").append(origin).append(".\n$TTL 300\n@ IN SOA ns1.")
                .append(origin).append(". hostmaster.").append(origin).append(". 1 3600 600 86400 60\n");
        for (String r : records) {
            z.append(r).append('\n');
        }
        return z.toString();
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> zones = new LinkedHashMap<>(KnotServer.zonesFromClasspath("test"));
        zones.put("learnhost.test", zone("learnhost.test", "@ IN NS ns1", "ns1 IN A 192.0.2.200"));
        zones.put("cloudflare.com", zone("cloudflare.com", "@ IN NS ada.ns", "ada.ns IN A 192.0.2.210"));
        for (int i = 1; i <= 6; i++) {
            zones.put("spam" + i + ".test", zone("spam" + i + ".test", "@ IN NS ns1.learnhost.test."));
            zones.put("cfspam" + i + ".test", zone("cfspam" + i + ".test", "@ IN NS ada.ns.cloudflare.com."));
        }
        zones.put("newcomer.test", zone("newcomer.test", "@ IN NS ns1.learnhost.test."));
        zones.put("newcf.test", zone("newcf.test", "@ IN NS ada.ns.cloudflare.com."));
        knot = KnotServer.start(tmp, zones);
    }

    @AfterAll
    static void stop() {
        knot.close();
    }

    PortcullisRuntime runtime(String... extra) {
        Map<String, String> conf = new HashMap<>();
        conf.put("dns.servers", knot.hostPort());
        conf.put("headers.enabled", "false");
        conf.put("nameservers.enabled", "true");
        conf.put("store.directory", state.toString());
        for (int i = 0; i < extra.length; i += 2) {
            conf.put(extra[i], extra[i + 1]);
        }
        return new PortcullisRuntime(PortcullisConfig.parse(conf, "test.properties"));
    }

    static LearnNameservers mailet(PortcullisRuntime r, String mode) throws MessagingException {
        LearnNameservers m = new LearnNameservers(r);
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("LearnNameservers");
        if (mode != null) {
            c.setProperty("mode", mode);
        }
        m.init(c.build());
        return m;
    }

    static FakeMail mail(String domain) throws MessagingException {
        MimeMessage msg = MimeMessageBuilder.mimeMessageBuilder().addFrom("news@" + domain).setSubject("hi")
                .setText("x").build();
        return FakeMail.builder().name("m-" + domain).remoteAddr("127.0.0.1").remoteHost("localhost")
                .sender("bounce@" + domain).recipient("demo@portcullis.test").mimeMessage(msg).build();
    }

    static List<Finding> learnedFindings(PortcullisRuntime r, String domain) throws MessagingException {
        FakeMail m = mail(domain);
        return r.findings(m).stream().filter(f -> f.check().equals("nameservers") && f.rule().equals("learned"))
                .collect(Collectors.toList());
    }

    @Test
    void kDistinctSpamDomainsThroughTheMailetListTheirNameserver() throws Exception {
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            LearnNameservers learn = mailet(h.r, null);
            for (int i = 1; i <= 4; i++) {
                learn.service(mail("spam" + i + ".test"));
                learn.service(mail("spam1.test"));
            }
            assertThat(learnedFindings(h.r, "newcomer.test")).as("4 spam domains < k = 5").isEmpty();
            learn.service(mail("spam5.test"));
            assertThat(learnedFindings(h.r, "newcomer.test")).singleElement().satisfies(f -> {
                assertThat(f.score()).isEqualTo(3.0);
                assertThat(f.detail()).startsWith("mail-from,from-header newcomer.test: NS ns1.learnhost.test serves 5 "
                        + "spam domains seen in the last 30 days");
            });
        }
    }

    @Test
    void theViewTheCheckResolvedIsReusedWithoutDns() throws Exception {
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            FakeMail m = mail("spam6.test");
            h.r.findings(m);
            assertThat(NameserverService.view(m)).isPresent();
            long asked = h.r.dns().stats().queries() + h.r.dns().stats().cacheHits();
            mailet(h.r, "spam").service(m);
            assertThat(h.r.dns().stats().queries() + h.r.dns().stats().cacheHits()).isEqualTo(asked);
            assertThat(m.getAttribute(LearnNameservers.LEARNED).map(a -> (Object) a.getValue().value())).contains((Object) "spam");
        }
    }

    @Test
    void hostingNameserversInTheAllowListAreNeverListed() throws Exception {
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            LearnNameservers learn = mailet(h.r, "spam");
            for (int i = 1; i <= 6; i++) {
                learn.service(mail("cfspam" + i + ".test"));
            }
            assertThat(learnedFindings(h.r, "newcf.test")).isEmpty();
        }
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime("nameservers.learned.allow", "none"))) {
            LearnNameservers learn = mailet(h.r, "spam");
            for (int i = 1; i <= 6; i++) {
                learn.service(mail("cfspam" + i + ".test"));
            }
            assertThat(learnedFindings(h.r, "newcf.test")).as("without the allow list").hasSize(1);
        }
    }

    @Test
    void hamLowersTheRatio() throws Exception {
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            LearnNameservers spam = mailet(h.r, "spam");
            for (int i = 1; i <= 5; i++) {
                spam.service(mail("spam" + i + ".test"));
            }
            mailet(h.r, "ham").service(mail("spam6.test"));
            assertThat(learnedFindings(h.r, "newcomer.test")).as("5 spam / 6 = 0.83 < 0.9").isEmpty();
        }
    }

    @Test
    void learnedStateSurvivesARestartOfTheRuntime() throws Exception {
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            LearnNameservers learn = mailet(h.r, "spam");
            for (int i = 1; i <= 5; i++) {
                learn.service(mail("spam" + i + ".test"));
            }
        }
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            assertThat(learnedFindings(h.r, "newcomer.test")).hasSize(1);
        }
    }

    @Test
    void authenticatedMailIsNotLearnedAndAStoreInUseNeverFailsTheMail() throws Exception {
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            FakeMail m = mail("spam1.test");
            m.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")));
            mailet(h.r, "spam").service(m);
            assertThat(m.getAttribute(LearnNameservers.LEARNED)).isEmpty();
        }
        try (JournalStateStore other = JournalStateStore.open(state, JournalStateStore.Options.DEFAULTS);
                AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            FakeMail m = mail("spam1.test");
            mailet(h.r, "spam").service(m);
            assertThat(m.getAttribute(LearnNameservers.LEARNED)).isEmpty();
            FakeMail checked = mail("newcomer.test");
            assertThat(h.r.findings(checked)).isEmpty();
            assertThat(MailAttributes.checks(checked)).contains("nameservers");
        }
    }

    @Test
    void badModeFailsAtInit() {
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            assertThatThrownBy(() -> mailet(h.r, "maybe")).hasMessageContaining("mode must be spam or ham");
        }
    }

    /** Closes the runtime (store lock, DNS client) at the end of a block. */
    /** A report forwarding the given domains' messages as message/rfc822 attachments (one nested in a multipart). */
    static FakeMail report(boolean authenticated, String... domains) throws MessagingException {
        StringBuilder b = new StringBuilder("From: Demo <demo@portcullis.test>\r\nTo: spam@portcullis.test\r\n"
                + "Subject: spam report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n"
                + "\r\n--outer\r\nContent-Type: text/plain\r\n\r\nThese are spam.\r\n");
        for (int i = 0; i < domains.length; i++) {
            String attached = "Return-Path: <bounce@" + domains[i] + ">\r\nFrom: \"News\" <news@" + domains[i]
                    + ">\r\nSubject: offer " + i + "\r\n\r\nBuy now.\r\n";
            if (i == 0) {
                b.append("--outer\r\nContent-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n--inner\r\n"
                        + "Content-Type: message/rfc822\r\n\r\n").append(attached).append("--inner--\r\n");
            } else {
                b.append("--outer\r\nContent-Type: message/rfc822\r\n\r\n").append(attached);
            }
        }
        b.append("--outer--\r\n");
        MimeMessage msg = new MimeMessage(Session.getDefaultInstance(new Properties()),
                new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.US_ASCII)));
        FakeMail m = FakeMail.builder().name("report").remoteAddr("192.0.2.50").remoteHost("client.example")
                .sender("demo@portcullis.test").recipient("spam@portcullis.test").mimeMessage(msg).build();
        if (authenticated) {
            m.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("demo@portcullis.test")));
        }
        return m;
    }

    @Test
    void attachedReportsFromLocalUsersTeachTheirSendersNameservers() throws Exception {
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            LearnNameservers learn = new LearnNameservers(h.r);
            learn.init(FakeMailetConfig.builder().mailetName("LearnNameservers").setProperty("source", "attached")
                    .build());
            assertThat(LearnNameservers.attachedSenders(report(true, "spam1.test", "spam2.test").getMessage()))
                    .extracting(t -> t.names().values().toString())
                    .containsExactly("[spam1.test, spam1.test]", "[spam2.test, spam2.test]");

            learn.service(report(false, "spam1.test", "spam2.test", "spam3.test", "spam4.test", "spam5.test"));
            assertThat(learnedFindings(h.r, "newcomer.test")).as("an outsider's report is not believed").isEmpty();

            learn.service(report(true, "spam1.test", "spam2.test", "spam3.test", "spam4.test", "spam5.test"));
            assertThat(learnedFindings(h.r, "newcomer.test")).singleElement()
                    .satisfies(f -> assertThat(f.detail()).contains("ns1.learnhost.test serves 5 "));
        }
    }

    @Test
    void sourceMustBeMessageOrAttached() {
        try (AutoCloseableRuntime h = new AutoCloseableRuntime(runtime())) {
            assertThatThrownBy(() -> new LearnNameservers(h.r).init(FakeMailetConfig.builder()
                    .mailetName("LearnNameservers").setProperty("source", "forwarded").build()))
                    .hasMessageContaining("source").hasMessageContaining("forwarded");
        }
    }

    static final class AutoCloseableRuntime implements AutoCloseable {
        final PortcullisRuntime r;

        AutoCloseableRuntime(PortcullisRuntime r) {
            this.r = r;
        }

        @Override
        public void close() {
            r.close();
        }
    }
}
