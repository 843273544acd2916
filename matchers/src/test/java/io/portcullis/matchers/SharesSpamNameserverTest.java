package io.portcullis.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.NameserverService;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.testing.KnotServer;
import io.portcullis.verdict.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SharesSpamNameserver with FakeMail against zones served by a real Knot server: bad1.test is served by
 * ns1.nshost.test (in the local list), bad2.test by ns2.nshost.test (its address 198.51.100.7 is in the
 * ns-ip list nsip.test), good.test by a clean nameserver. mail.bad1.test resolves to 127.0.0.1 (a
 * forward-confirmed client host name), mail2.bad1.test to 127.0.0.9 (not confirmed).
 */
class SharesSpamNameserverTest {
    @TempDir
    static Path tmp;
    static KnotServer knot;
    static PortcullisRuntime runtime;
    static PortcullisRuntime disabled;

    static String zone(String origin, String... records) {
        StringBuilder z = new StringBuilder("$ORIGIN ").append(origin).append(".\n$TTL 300\n@ IN SOA ns1.goodns.test. ")
                .append("hostmaster.").append(origin).append(". 1 3600 600 86400 60\n");
        for (String r : records) {
            z.append(r).append('\n');
        }
        return z.toString();
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> zones = new LinkedHashMap<>(KnotServer.zonesFromClasspath("test", "goodns.test", "nsip.test"));
        zones.put("nshost.test", zone("nshost.test", "@ IN NS ns1.goodns.test.", "ns1 IN A 192.0.2.53",
                "ns2 IN A 198.51.100.7"));
        zones.put("bad1.test", zone("bad1.test", "@ IN NS ns1.nshost.test.", "mail IN A 127.0.0.1",
                "mail2 IN A 127.0.0.9"));
        zones.put("bad2.test", zone("bad2.test", "@ IN NS ns2.nshost.test."));
        zones.put("good.test", zone("good.test", "@ IN NS ns1.goodns.test.", "mail IN A 127.0.0.1"));
        knot = KnotServer.start(tmp, zones);
        Path list = tmp.resolve("spam-ns.txt");
        Files.write(list, "# spam nameservers\nns1.nshost.test\n".getBytes(StandardCharsets.UTF_8));
        Map<String, String> conf = new HashMap<>();
        conf.put("dns.servers", knot.hostPort());
        conf.put("headers.enabled", "false");
        conf.put("dnsbl.self-test", "false");
        conf.put("nameservers.enabled", "true");
        conf.put("nameservers.local-list", list.toString());
        conf.put("nameservers.list.sbl", "ns-ip:nsip.test=127.0.0.2*3");
        conf.put("nameservers.learned.enabled", "false");
        runtime = new PortcullisRuntime(PortcullisConfig.parse(conf, "test.properties"));
        disabled = new PortcullisRuntime(PortcullisConfig.parse(Map.of("dns.servers", knot.hostPort(),
                "headers.enabled", "false"), "off.properties"));
    }

    @AfterAll
    static void stop() {
        runtime.close();
        disabled.close();
        knot.close();
    }

    static SharesSpamNameserver matcher(PortcullisRuntime r, String condition) throws MessagingException {
        SharesSpamNameserver m = new SharesSpamNameserver(r);
        m.init(FakeMatcherConfig.builder().matcherName("io.portcullis.matchers.SharesSpamNameserver")
                .condition(condition).build());
        return m;
    }

    static FakeMail mail(String sender, String from) throws MessagingException {
        return mail(sender, from, "localhost");
    }

    static FakeMail mail(String sender, String from, String remoteHost) throws MessagingException {
        MimeMessage msg = MimeMessageBuilder.mimeMessageBuilder().addFrom(from).setSubject("hi").setText("x").build();
        return FakeMail.builder().name("m").remoteAddr("127.0.0.1").remoteHost(remoteHost).sender(sender)
                .recipient("demo@portcullis.test").mimeMessage(msg).build();
    }

    static List<Finding> nsFindings(Mail m) {
        return MailAttributes.findings(m).stream().filter(f -> f.check().equals("nameservers"))
                .collect(Collectors.toList());
    }

    @Test
    void senderServedByALocallyListedNameserverMatchesAndExplainsItself() throws Exception {
        FakeMail m = mail("bounce@bad1.test", "news@good.test");
        assertThat(matcher(runtime, null).match(m)).isNotEmpty();
        assertThat(nsFindings(m)).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("local-list");
            assertThat(f.score()).isEqualTo(4.0);
            assertThat(f.detail()).isEqualTo("mail-from bad1.test: NS ns1.nshost.test in local list");
        });
        assertThat(MailAttributes.checks(m)).contains("nameservers");
        assertThat(NameserverService.view(m)).hasValueSatisfying(v ->
                assertThat(v.hosts()).extracting(h -> h.name()).contains("ns1.nshost.test", "ns1.goodns.test"));
        assertThat(matcher(runtime, "local-list").match(m)).isNotEmpty();
        assertThat(matcher(runtime, "ns-ip:sbl").match(m)).isEmpty();
    }

    @Test
    void nameserverAddressInAnNsIpList() throws Exception {
        FakeMail m = mail("x@good.test", "Spammer <x@bad2.test>");
        assertThat(matcher(runtime, "ns-ip:sbl").match(m)).isNotEmpty();
        assertThat(nsFindings(m)).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("ns-ip:sbl");
            assertThat(f.score()).isEqualTo(3.0);
            assertThat(f.detail()).startsWith("from-header bad2.test: NS ns2.nshost.test address 198.51.100.7 listed in "
                    + "nsip.test [127.0.0.2]");
        });
        assertThat(matcher(runtime, "local-list").match(m)).isEmpty();
        assertThat(matcher(runtime, "3").match(m)).isNotEmpty();
        assertThat(matcher(runtime, "3.5").match(m)).isEmpty();
    }

    @Test
    void minimumScoreSumsSources() throws Exception {
        FakeMail m = mail("x@bad1.test", "y@bad2.test");
        assertThat(matcher(runtime, "7").match(m)).isNotEmpty();
        assertThat(matcher(runtime, "7.5").match(m)).isEmpty();
    }

    @Test
    void cleanSenderDoesNotMatch() throws Exception {
        FakeMail m = mail("x@good.test", "y@good.test");
        assertThat(matcher(runtime, null).match(m)).isEmpty();
        assertThat(nsFindings(m)).isEmpty();
        assertThat(MailAttributes.checks(m)).contains("nameservers");
    }

    @Test
    void clientHostNameCountsOnlyWhenForwardConfirmed() throws Exception {
        FakeMail confirmed = mail("x@good.test", "y@good.test", "mail.bad1.test");
        assertThat(matcher(runtime, null).match(confirmed)).isNotEmpty();
        assertThat(nsFindings(confirmed).get(0).detail()).startsWith("rdns mail.bad1.test: NS ns1.nshost.test");

        FakeMail unconfirmed = mail("x@good.test", "y@good.test", "mail2.bad1.test");
        assertThat(matcher(runtime, null).match(unconfirmed)).isEmpty();
    }

    @Test
    void heloCountsButNotForAuthenticatedMail() throws Exception {
        FakeMail m = mail("x@good.test", "y@good.test");
        m.setAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mx.bad1.test")));
        assertThat(matcher(runtime, null).match(m)).isNotEmpty();
        FakeMail auth = mail("x@good.test", "y@good.test");
        auth.setAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mx.bad1.test")));
        auth.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")));
        assertThat(matcher(runtime, null).match(auth)).isEmpty();
    }

    @Test
    void findingsAreComputedOnce() throws Exception {
        FakeMail m = mail("x@bad1.test", "y@bad2.test");
        matcher(runtime, null).match(m);
        long asked = runtime.dns().stats().queries() + runtime.dns().stats().cacheHits();
        matcher(runtime, "local-list").match(m);
        matcher(runtime, "4").match(m);
        assertThat(runtime.dns().stats().queries() + runtime.dns().stats().cacheHits()).isEqualTo(asked);
    }

    @Test
    void disabledCheckNeverMatchesAndBadConditionsFailAtInit() throws Exception {
        assertThat(matcher(disabled, null).match(mail("x@bad1.test", "y@bad1.test"))).isEmpty();
        assertThatThrownBy(() -> matcher(runtime, "ns-ip:nosuch")).hasMessageContaining("token 'ns-ip:nosuch'")
                .hasMessageContaining("ns-ip:sbl").hasMessageContaining("local-list");
        assertThatThrownBy(() -> matcher(runtime, "1 2")).hasMessageContaining("only one minimum score");
    }
}
