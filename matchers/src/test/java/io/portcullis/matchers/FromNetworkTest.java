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
 * FromNetwork with FakeMail against Team Cymru-format zones served by a real Knot server: 192.0.2.0/24 is AS64496
 * (NL, ripencc, "EXAMPLE-HOSTER Example Bulletproof Hosting, NL"), 198.51.0.0/16 AS64497 (BR, lacnic),
 * 203.0.113.0/24 AS64501 + AS64502 (JP, apnic); 127.0.0.1 has no route.
 */
class FromNetworkTest {
    @TempDir
    static Path tmp;
    static KnotServer knot;
    static PortcullisRuntime runtime;
    static PortcullisRuntime observing;
    static PortcullisRuntime noPolicy;
    static PortcullisRuntime off;

    static PortcullisRuntime runtime(String... kv) {
        Map<String, String> conf = new HashMap<>();
        conf.put("dns.servers", knot.hostPort());
        conf.put("headers.enabled", "false");
        for (int i = 0; i < kv.length; i += 2) {
            conf.put(kv[i], kv[i + 1]);
        }
        return new PortcullisRuntime(PortcullisConfig.parse(conf, "test.properties"));
    }

    @BeforeAll
    static void start() throws Exception {
        knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath("asn.cymru.com"));
        runtime = runtime("network.asn", "64496*6, 64502*3", "network.country", "BR*2", "network.as-name.bp",
                "bulletproof");
        observing = runtime("network.asn", "64496*6", "network.country", "NL*2", "network.asn.mode", "observe");
        noPolicy = runtime();
        off = runtime("network.enabled", "false", "network.asn", "64496*6");
    }

    @AfterAll
    static void stop() {
        runtime.close();
        observing.close();
        noPolicy.close();
        off.close();
        knot.close();
    }

    static FromNetwork matcher(PortcullisRuntime r, String condition) throws MessagingException {
        FromNetwork m = new FromNetwork(r);
        m.init(FakeMatcherConfig.builder().matcherName("io.portcullis.matchers.FromNetwork").condition(condition)
                .build());
        return m;
    }

    static FakeMail mail(String client) throws MessagingException {
        MimeMessage msg = MimeMessageBuilder.mimeMessageBuilder().addFrom("a@example.com").setSubject("hi")
                .setText("x").build();
        return FakeMail.builder().name("m").remoteAddr(client).remoteHost("localhost").sender("a@example.com")
                .recipient("demo@portcullis.test").mimeMessage(msg).build();
    }

    static List<Finding> networkFindings(Mail m) {
        return MailAttributes.findings(m).stream().filter(f -> f.check().equals("network"))
                .collect(Collectors.toList());
    }

    @Test
    void listedAsnMatchesAndTheFindingsNameAsnPrefixCountryAndName() throws Exception {
        FakeMail m = mail("192.0.2.1");
        assertThat(matcher(runtime, null).match(m)).isNotEmpty();
        assertThat(networkFindings(m)).extracting(Finding::rule).containsExactly("ASN", "AS_NAME");
        assertThat(networkFindings(m).get(0).detail()).isEqualTo("AS64496 192.0.2.0/24 country NL ripencc: client-ip "
                + "192.0.2.1, AS name EXAMPLE-HOSTER Example Bulletproof Hosting, NL");
        assertThat(MailAttributes.checks(m)).contains("network");
        assertThat(MailAttributes.network(m)).singleElement().satisfies(o -> {
            assertThat(o.identity()).isEqualTo("client-ip");
            assertThat(o.report().asns()).containsExactly(64496L);
            assertThat(o.report().country()).isEqualTo("NL");
        });
        assertThat(matcher(runtime, "ASN").match(m)).isNotEmpty();
        assertThat(matcher(runtime, "COUNTRY").match(m)).isEmpty();
        assertThat(matcher(runtime, "7").match(m)).isNotEmpty();
        assertThat(matcher(runtime, "7.5").match(m)).isEmpty();
    }

    @Test
    void asnCountryAndRegistryTokensNeedNoPolicy() throws Exception {
        assertThat(matcher(noPolicy, "AS64496").match(mail("192.0.2.1"))).isNotEmpty();
        assertThat(matcher(noPolicy, "as64502").match(mail("203.0.113.9"))).as("second origin").isNotEmpty();
        assertThat(matcher(noPolicy, "AS64497").match(mail("192.0.2.1"))).isEmpty();
        assertThat(matcher(noPolicy, "br, jp").match(mail("198.51.7.7"))).isNotEmpty();
        assertThat(matcher(noPolicy, "BR").match(mail("192.0.2.1"))).isEmpty();
        assertThat(matcher(noPolicy, "apnic").match(mail("203.0.113.9"))).isNotEmpty();
        assertThat(matcher(noPolicy, "lacnic").match(mail("203.0.113.9"))).isEmpty();
        assertThat(matcher(noPolicy, null).match(mail("192.0.2.1"))).as("no policy: nothing scores").isEmpty();
        assertThat(matcher(noPolicy, "AS64496 NL ripencc").match(mail("127.0.0.1"))).as("no route").isEmpty();
    }

    @Test
    void countryPolicyAndSeveralOrigins() throws Exception {
        FakeMail br = mail("198.51.100.1");
        assertThat(matcher(runtime, "COUNTRY").match(br)).isNotEmpty();
        assertThat(networkFindings(br)).singleElement().satisfies(f -> assertThat(f.score()).isEqualTo(2.0));
        FakeMail multi = mail("203.0.113.4");
        assertThat(matcher(runtime, "ASN").match(multi)).isNotEmpty();
        assertThat(networkFindings(multi).get(0).detail()).endsWith("listed AS64502");
    }

    @Test
    void observedRulesNeverMakeItMatchButOwnTokensDo() throws Exception {
        FakeMail m = mail("192.0.2.1");
        assertThat(matcher(observing, "ASN").match(m)).isEmpty();
        assertThat(matcher(observing, "COUNTRY").match(m)).isNotEmpty();
        assertThat(matcher(observing, "5").match(m)).isEmpty();
        assertThat(matcher(observing, "AS64496").match(m)).isNotEmpty();
        assertThat(networkFindings(m)).extracting(Finding::rule).containsExactly("ASN", "COUNTRY");
    }

    @Test
    void mailWithoutAClientToJudgeNeverMatches() throws Exception {
        FakeMail auth = mail("192.0.2.1");
        auth.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")));
        assertThat(matcher(runtime, null).match(auth)).isEmpty();
        assertThat(matcher(noPolicy, "AS64496").match(auth)).isEmpty();
    }

    @Test
    void lookedUpOncePerMail() throws Exception {
        FakeMail m = mail("198.51.3.3");
        matcher(runtime, null).match(m);
        long asked = runtime.dns().stats().queries() + runtime.dns().stats().cacheHits();
        matcher(runtime, "ASN").match(m);
        matcher(runtime, "AS64497 BR").match(m);
        matcher(runtime, "2").match(m);
        assertThat(runtime.dns().stats().queries() + runtime.dns().stats().cacheHits()).isEqualTo(asked);
    }

    @Test
    void offNeverMatchesAndBadConditionsFailAtInit() throws Exception {
        assertThat(off.network()).isNull();
        assertThat(matcher(off, "AS64496").match(mail("192.0.2.1"))).isEmpty();
        assertThatThrownBy(() -> matcher(runtime, "AS99999999999")).hasMessageContaining("token 'AS99999999999'")
                .hasMessageContaining("not an AS number");
        assertThatThrownBy(() -> matcher(runtime, "netherlands")).hasMessageContaining("token 'netherlands'");
        assertThatThrownBy(() -> matcher(runtime, "1 2")).hasMessageContaining("only one minimum score");
    }

    @Test
    void connectTimeCallGivesTheClientsFindings() throws Exception {
        assertThat(runtime.networkFindings(java.net.InetAddress.getByName("192.0.2.44")).get())
                .extracting(Finding::rule).containsExactly("ASN", "AS_NAME");
        assertThat(noPolicy.networkFindings(java.net.InetAddress.getByName("192.0.2.44")).isDone()).isTrue();
        assertThat(runtime.networkFindings(null).get()).isEmpty();
    }
}
