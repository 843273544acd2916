package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.network.NetworkRules;
import io.portcullis.network.NetworkSettings;
import io.portcullis.verdict.Finding;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The network.* keys of portcullis.properties and their mode keys. */
class NetworkConfigTest {
    static PortcullisConfig parse(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return PortcullisConfig.parse(m, "t.properties");
    }

    @Test
    void defaultsLookUpCymruButScoreNothing() {
        NetworkSettings n = parse().network();
        assertThat(n.enabled()).isTrue();
        assertThat(n.originZone()).isEqualTo("origin.asn.cymru.com");
        assertThat(n.origin6Zone()).isEqualTo("origin6.asn.cymru.com");
        assertThat(n.asnZone()).isEqualTo("asn.cymru.com");
        assertThat(n.selfTest()).isTrue();
        assertThat(n.selfTestInterval().toMinutes()).isEqualTo(10);
        assertThat(n.selfTestV4().getHostAddress()).isEqualTo("8.8.8.8");
        assertThat(n.cacheSize()).isEqualTo(10_000);
        assertThat(n.mmdbFiles()).isEmpty();
        assertThat(n.rules().isEmpty()).isTrue();
        assertThat(n.scoresAnything()).isFalse();
        assertThat(PortcullisConfig.defaults().network().scoresAnything()).isFalse();
    }

    @Test
    void policiesWithWeightsAndDefaults() {
        PortcullisConfig c = parse("network.asn", "64496*6, AS64497 as64511*-2", "network.asn.weight", "3",
                "network.country", "br*4 NL", "network.registry", "APNIC*1.5", "network.as-name.bp",
                "bullet\\s*proof", "network.as-name.bp.weight", "5", "network.as-name.host", "hosting",
                "network.as-name.weight", "0.5", "network.zone.origin", "origin.mirror.example.", "network.zone.asn",
                "none", "network.cache-size", "0", "network.self-test.ipv4", "192.0.2.1");
        NetworkSettings n = c.network();
        NetworkRules r = n.rules();
        assertThat(r.asns()).containsExactly(Map.entry(64496L, 6.0), Map.entry(64497L, 3.0), Map.entry(64511L, -2.0));
        assertThat(r.countries()).containsExactly(Map.entry("BR", 4.0), Map.entry("NL", 1.0));
        assertThat(r.registries()).containsExactly(Map.entry("apnic", 1.5));
        assertThat(r.asNames()).extracting(NetworkRules.NamePattern::id).containsExactly("bp", "host");
        assertThat(r.asNames()).extracting(NetworkRules.NamePattern::weight).containsExactly(5.0, 0.5);
        assertThat(r.asNames().get(0).pattern().matcher("Example BulletProof Hosting").find()).isTrue();
        assertThat(n.originZone()).isEqualTo("origin.mirror.example");
        assertThat(n.asnZone()).isEmpty();
        assertThat(n.cacheSize()).isZero();
        assertThat(n.selfTestV4().getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(n.scoresAnything()).isTrue();
    }

    @Test
    void modeKeysObserveTheCheckOrOneRule() {
        PortcullisConfig c = parse("network.asn", "64496*6", "network.country.mode", "observe", "network.as-name.mode",
                "observe");
        assertThat(c.modes().observes(new Finding("network", "COUNTRY", 1, ""))).isTrue();
        assertThat(c.modes().observes(new Finding("network", "AS_NAME", 1, ""))).isTrue();
        assertThat(c.modes().observes(new Finding("network", "ASN", 1, ""))).isFalse();
        assertThat(parse("network.mode", "observe").modes().observesCheck("network")).isTrue();
    }

    @Test
    void badValuesFailNamingKeyAndValue() {
        assertBad("network.asn", "64496*6, ASX", "network.asn", "ASX");
        assertBad("network.asn", "64496, 64496", "network.asn", "listed twice");
        assertBad("network.asn", "4294967296", "network.asn", "not an AS number");
        assertBad("network.asn", "64496*lots", "network.asn", "expected a number");
        assertBad("network.country", "UK", "network.country", "'UK' is not an ISO 3166");
        assertBad("network.registry", "ripe", "network.registry", "not a registry");
        assertBad("network.as-name.x", "([", "network.as-name.x", "not a regular expression");
        assertBad("network.as-name.x", "", "network.as-name.x", "empty pattern");
        assertBad("network.as-name.y.weight", "2", "network.as-name.y.weight", "not defined");
        assertBad("network.zone.origin", "bad zone!", "network.zone.origin", "not a DNS zone name");
        assertBad("network.self-test.ipv4", "2001:db8::1", "network.self-test.ipv4", "IPv4");
        assertBad("network.self-test.ipv6", "example.com", "network.self-test.ipv6", "IPv6");
        assertBad("network.enabled", "maybe", "network.enabled", "true or false");
        assertBad("network.cache-size", "-1", "network.cache-size", "non-negative");
        assertBad("network.asns", "64496", "network.asns", "unknown key");
        assertBad("network.asn.mode", "sometimes", "network.asn.mode", "enforce or observe");
    }

    private static void assertBad(String key, String value, String expectKey, String expectText) {
        assertThatThrownBy(() -> parse(key, value)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(expectKey).hasMessageContaining(expectText)
                .satisfies(e -> assertThat(((ConfigException) e).key()).startsWith(expectKey));
    }
}
