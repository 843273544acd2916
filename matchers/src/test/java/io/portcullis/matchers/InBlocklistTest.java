package io.portcullis.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.testing.KnotServer;
import io.portcullis.verdict.Finding;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** InBlocklist with FakeMail, against lists served by a real Knot server. */
class InBlocklistTest {
    @TempDir
    static Path tmp;
    static KnotServer knot;
    static PortcullisRuntime withLists;
    static PortcullisRuntime withoutLists;

    @BeforeAll
    static void start() throws Exception {
        knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath("bl.test", "name.test"));
        Map<String, String> conf = new HashMap<>();
        conf.put("dns.servers", knot.hostPort());
        conf.put("dnsbl.self-test", "false");
        conf.put("dnsbl.list.bl", "bl.test=127.0.0.[2..11]*3");
        conf.put("dnsbl.list.dbl", "name:name.test=127.0.1.[2..99]*4");
        withLists = new PortcullisRuntime(PortcullisConfig.parse(conf, "test.properties"));
        withoutLists = new PortcullisRuntime(PortcullisConfig.parse(Map.of("dns.servers", knot.hostPort(),
                "headers.enabled", "false"), "bare.properties"));
    }

    @AfterAll
    static void stop() {
        knot.close();
    }

    private static InBlocklist matcher(PortcullisRuntime runtime, String condition) throws MessagingException {
        InBlocklist m = new InBlocklist(runtime);
        m.init(FakeMatcherConfig.builder().matcherName("io.portcullis.matchers.InBlocklist").condition(condition)
                .build());
        return m;
    }

    private static FakeMail mail(String clientIp, String sender) throws MessagingException {
        return FakeMail.builder().name("m").remoteAddr(clientIp).remoteHost(clientIp).sender(sender)
                .recipient("demo@portcullis.test").build();
    }

    private static List<String> dnsblRules(Mail mail) {
        return MailAttributes.findings(mail).stream().filter(f -> f.check().equals("dnsbl")).map(Finding::rule)
                .collect(Collectors.toList());
    }

    @Test
    void listedClientMatchesAndFindingsAreStored() throws Exception {
        FakeMail m = mail("127.0.0.2", "alice@good.example");
        assertThat(matcher(withLists, null).match(m)).isNotEmpty();
        assertThat(dnsblRules(m)).containsExactly("bl");
        assertThat(MailAttributes.checks(m)).contains("dnsbl");
    }

    @Test
    void aListInObserveModeIsLookedUpAndStoredButNeverMatches() throws Exception {
        PortcullisRuntime observing = new PortcullisRuntime(withLists.config().toBuilder().modes(
                io.portcullis.verdict.CheckModes.builder().observeRule("dnsbl", "bl").build()).build());
        try {
            FakeMail m = mail("127.0.0.2", "alice@good.example");
            assertThat(matcher(observing, null).match(m)).isEmpty();
            assertThat(matcher(observing, "bl").match(m)).isEmpty();
            assertThat(dnsblRules(m)).as("the finding is kept for the log").containsExactly("bl");
        } finally {
            observing.close();
        }
    }

    @Test
    void cleanClientAndErrorAnswersDoNotMatch() throws Exception {
        assertThat(matcher(withLists, null).match(mail("127.0.0.1", "alice@good.example"))).isEmpty();
        FakeMail blocked = mail("127.0.0.5", "alice@good.example");
        assertThat(matcher(withLists, null).match(blocked)).isEmpty();
        assertThat(dnsblRules(blocked)).isEmpty();
    }

    @Test
    void senderDomainInANameList() throws Exception {
        FakeMail m = mail("127.0.0.1", "bounce@mail.spamdomain.example");
        assertThat(matcher(withLists, "dbl").match(m)).isNotEmpty();
        assertThat(matcher(withLists, "bl").match(m)).isEmpty();
        assertThat(matcher(withLists, "4").match(m)).isNotEmpty();
        assertThat(matcher(withLists, "4.5").match(m)).isEmpty();
    }

    @Test
    void minimumWeightSumsLists() throws Exception {
        FakeMail m = mail("127.0.0.2", "x@spamdomain.example");
        assertThat(matcher(withLists, "7").match(m)).isNotEmpty();
        assertThat(matcher(withLists, "7.5").match(m)).isEmpty();
    }

    @Test
    void adHocListInTheCondition() throws Exception {
        FakeMail m = mail("127.0.0.4", "alice@good.example");
        InBlocklist adHoc = matcher(withoutLists, "bl.test=127.0.0.[10..11]*2");
        assertThat(adHoc.match(m)).isNotEmpty();
        assertThat(MailAttributes.findings(m)).extracting(Finding::rule).contains("bl.test");
        assertThat(matcher(withoutLists, "bl.test=127.0.0.[12..20]").match(mail("127.0.0.4", "a@b.example")))
                .isEmpty();
    }

    @Test
    void authenticatedMailHasNoClientAddressToJudge() throws Exception {
        FakeMail m = mail("127.0.0.2", "alice@good.example");
        m.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")));
        assertThat(matcher(withLists, "bl").match(m)).isEmpty();
    }

    @Test
    void findingsAreReusedNotLookedUpAgain() throws Exception {
        FakeMail m = mail("127.0.0.2", "alice@good.example");
        matcher(withLists, null).match(m);
        long queries = withLists.dns().stats().queries() + withLists.dns().stats().cacheHits();
        matcher(withLists, "bl").match(m);
        matcher(withLists, "3").match(m);
        assertThat(withLists.dns().stats().queries() + withLists.dns().stats().cacheHits()).isEqualTo(queries);
    }

    @Test
    void badConditionsFailAtInit() {
        assertThatThrownBy(() -> matcher(withLists, "nosuchlist")).hasMessageContaining("'nosuchlist'")
                .hasMessageContaining("not a minimum weight, a list id of test.properties (bl, dbl) or a list spec");
        assertThatThrownBy(() -> matcher(withLists, "bl.test=127.0.0")).hasMessageContaining("four octets");
        assertThatThrownBy(() -> matcher(withLists, "1 2")).hasMessageContaining("only one minimum weight");
    }
}
