package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.headers.HeaderRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortcullisConfigTest {
    @Test
    void defaultsWhenEmpty() {
        PortcullisConfig c = PortcullisConfig.parse(Map.of(), "t");
        assertThat(c.policy().tagThreshold()).isEqualTo(5.0);
        assertThat(c.policy().rejectThreshold()).isEqualTo(15.0);
        assertThat(c.headersEnabled()).isTrue();
        assertThat(c.headerRules().score(HeaderRule.MISSING_DATE)).contains(HeaderRule.MISSING_DATE.defaultScore());
    }

    @Test
    void rescoresAndSwitchesOffRules() {
        PortcullisConfig c = PortcullisConfig.parse(Map.of("headers.rule.MISSING_DATE", "2.5",
                "headers.rule.missing_from", "off"), "t");
        assertThat(c.headerRules().score(HeaderRule.MISSING_DATE)).contains(2.5);
        assertThat(c.headerRules().enabled(HeaderRule.MISSING_FROM)).isFalse();
    }

    @Test
    void badNumberNamesSourceKeyAndValue() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("policy.tag-threshold", "five"), "conf/p.properties"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("conf/p.properties")
                .hasMessageContaining("policy.tag-threshold")
                .hasMessageContaining("'five'");
    }

    @Test
    void unknownRuleAndUnknownKeyAreRejected() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("headers.rule.NO_SUCH_RULE", "1"), "t"))
                .hasMessageContaining("headers.rule.NO_SUCH_RULE").hasMessageContaining("no such header rule");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("policy.tagthreshold", "1"), "t"))
                .hasMessageContaining("policy.tagthreshold").hasMessageContaining("unknown key");
    }

    @Test
    void unknownKeyNamesTheNearestKnownKeyOnOneShortLine() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> PortcullisConfig.parse(Map.of("polcy.tag-threshold", "5"), "/etc/james/portcullis.properties"));
        assertThat(t).isInstanceOf(ConfigException.class).hasMessage("/etc/james/portcullis.properties: "
                + "polcy.tag-threshold='5': unknown key; did you mean 'policy.tag-threshold'?");
        assertThat(t.getStackTrace()).as("a configuration mistake carries no stack trace").isEmpty();
        // placeholders take the key's own id; sections (smtp., report., log.) have their own keys
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("headers.rules.MISSING_DATE", "2"), "t"))
                .hasMessageEndingWith("did you mean 'headers.rule.MISSING_DATE'?");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("smtp.tarpit.delay", "5"), "t"))
                .hasMessageEndingWith("did you mean 'smtp.tarpit.delay-ms'?");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("report.recipient", "a@b.c"), "t"))
                .hasMessageEndingWith("did you mean 'report.recipients'?");
        // nothing near: a pointer to the documented keys, still one short line
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("completely.different", "1"), "t"))
                .hasMessageContaining("unknown key; the keys are listed").hasMessageNotContaining("\n")
                .matches(e -> e.getMessage().length() < 200, "short");
    }

    @Test
    void thresholdsMustBeOrdered() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("policy.tag-threshold", "20"), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tag <= tarpit <= reject");
    }

    @Test
    void badBooleanIsRejected() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("headers.enabled", "maybe"), "t"))
                .hasMessageContaining("headers.enabled").hasMessageContaining("'maybe'");
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("portcullis.properties");
        Files.write(f, "# comment\npolicy.tag-threshold = 4\nheaders.enabled = false\n".getBytes(StandardCharsets.UTF_8));
        PortcullisConfig c = PortcullisConfig.load(f);
        assertThat(c.policy().tagThreshold()).isEqualTo(4.0);
        assertThat(c.headersEnabled()).isFalse();
        assertThat(c.source()).isEqualTo(f.toString());
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> PortcullisConfig.load(dir.resolve("nope.properties")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.properties").hasMessageContaining("cannot read");
    }

    @Test
    void dnsAndListSettings() {
        PortcullisConfig c = PortcullisConfig.parse(Map.of(
                "dns.servers", "127.0.0.1:5353, [::1]:53",
                "dns.timeout-ms", "700",
                "dnsbl.list.zen", "zen.spamhaus.org=127.0.0.[2..11]*3",
                "dnsbl.list.zen.codes", "127.0.0.2 SBL 4, 127.0.0.10 PBL 1.5",
                "dnsbl.list.dbl", "name:dbl.spamhaus.org=127.0.1.[2..99]*4",
                "dnsbl.list.dbl.reason", "false"), "t");
        assertThat(c.dns().servers()).hasSize(2);
        assertThat(c.dns().servers().get(0).getPort()).isEqualTo(5353);
        assertThat(c.dns().queryTimeout().toMillis()).isEqualTo(700);
        assertThat(c.dnsbl().lists()).extracting(l -> l.id()).containsExactly("dbl", "zen");
        assertThat(c.dnsbl().lists().get(1).codes()).containsKeys("127.0.0.2", "127.0.0.10");
        assertThat(c.dnsbl().lists().get(1).codes().get("127.0.0.10").weight()).isEqualTo(1.5);
        assertThat(c.dnsbl().lists().get(0).fetchReason()).isFalse();
        assertThat(c.dns().usesSystemServers()).isFalse();
        assertThat(PortcullisConfig.parse(Map.of(), "t").dns().usesSystemServers()).isTrue();
    }

    @Test
    void badListSettingsNameTheKey() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("dnsbl.list.zen", "zen.spamhaus.org=127.0.0"), "f"))
                .hasMessageContaining("dnsbl.list.zen").hasMessageContaining("four octets");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("dnsbl.list.zen", "zen.spamhaus.org",
                "dnsbl.list.zen.codes", "127.0.0.2 SBL"), "f")).hasMessageContaining("dnsbl.list.zen.codes")
                .hasMessageContaining("CODE LABEL WEIGHT");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("dnsbl.list.zen.codes", "127.0.0.2 SBL 1"), "f"))
                .hasMessageContaining("is not defined");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("dns.servers", "resolver.example:53"), "f"))
                .hasMessageContaining("dns.servers").hasMessageContaining("expected an IP address");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("dns.timeout-ms", "0"), "f"))
                .hasMessageContaining("dns.timeout-ms").hasMessageContaining("positive");
    }

    @Test
    void listIdentities() {
        PortcullisConfig c = PortcullisConfig.parse(Map.of("dnsbl.list.dbl", "name:dbl.spamhaus.org",
                "dnsbl.list.dbl.identities", "mail-from, from-header"), "t");
        assertThat(c.dnsbl().lists().get(0).appliesTo(io.portcullis.dnsbl.Identity.MAIL_FROM)).isTrue();
        assertThat(c.dnsbl().lists().get(0).appliesTo(io.portcullis.dnsbl.Identity.HELO)).isFalse();
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("dnsbl.list.zen", "zen.spamhaus.org",
                "dnsbl.list.zen.identities", "helo"), "t")).hasMessageContaining("dnsbl.list.zen.identities")
                .hasMessageContaining("not of this kind");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("dnsbl.list.zen", "zen.spamhaus.org",
                "dnsbl.list.zen.identities", "sender"), "t")).hasMessageContaining("unknown identity 'sender'");
    }
}
