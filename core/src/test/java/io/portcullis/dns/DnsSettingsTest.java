package io.portcullis.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.ConfigException;
import io.portcullis.config.PortcullisConfig;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code dns.servers} accepts IP literals only (never looked up); the fairness keys parse and validate. */
class DnsSettingsTest {
    private static DnsSettings parse(String key, String value) {
        return PortcullisConfig.parse(Map.of(key, value), "f").dns();
    }

    @Test
    void serversAreIpLiteralsWithOptionalPorts() {
        List<InetSocketAddress> s = parse("dns.servers", "1.2.3.4, 1.2.3.4:5353, [::1]:5353, ::1, [2001:db8::53]")
                .servers();
        assertThat(s).extracting(a -> a.getAddress().getHostAddress() + " " + a.getPort()).containsExactly(
                "1.2.3.4 53", "1.2.3.4 5353", "0:0:0:0:0:0:0:1 5353", "0:0:0:0:0:0:0:1 53", "2001:db8:0:0:0:0:0:53 53");
        assertThat(s).allSatisfy(a -> assertThat(a.isUnresolved()).isFalse());
        assertThat(parse("dns.servers", "system").usesSystemServers()).isTrue();
        assertThat(parse("dns.servers", "SYSTEM").usesSystemServers()).isTrue();
    }

    @Test
    void anythingButALiteralFailsNamingKeyAndValueWithoutALookup() {
        // The literal parser (HostPort) refuses 999.1.1.1 itself: before it, 999.1.1.1 went to a host-name lookup
        for (String bad : List.of("999.1.1.1", "256.0.0.1", "1.2.3", "1.2.3.4.5", "resolver.example",
                "resolver.example:53", "localhost", "[1.2.3.4]:53", "::g", ":::", "1.2.3.4:0", "1.2.3.4:70000",
                "1.2.3.4:x", "[::1", "[::1]x", "fe80::1%eth0")) {
            assertThatThrownBy(() -> parse("dns.servers", bad)).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("dns.servers").hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> parse("dns.servers", "999.1.1.1")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> parse("dns.servers", "mx.example")).hasMessageContaining("expected an IP address");
        assertThatThrownBy(() -> DnsSettings.parseServer("999.1.1.1:53")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IPv4 address");
    }

    @Test
    void fairnessDefaultsDeriveFromTheCap() {
        DnsSettings d = PortcullisConfig.parse(Map.of(), "f").dns();
        assertThat(d.maxInFlight()).isEqualTo(500);
        assertThat(d.maxInFlightPerClient()).isEqualTo(62);
        assertThat(d.reservedForLists()).isEqualTo(25);
        assertThat(d.maxInFlightOther()).isEqualTo(375);
        DnsSettings small = parse("dns.max-in-flight", "20");
        assertThat(small.maxInFlightPerClient()).isEqualTo(4);
        assertThat(small.maxInFlightOther()).isEqualTo(15);
        DnsSettings tiny = parse("dns.max-in-flight", "2");
        assertThat(tiny.maxInFlightPerClient()).isEqualTo(2);
        assertThat(tiny.maxInFlightOther()).isEqualTo(1);
    }

    @Test
    void fairnessKeysParse() {
        DnsSettings d = PortcullisConfig.parse(Map.of("dns.max-in-flight", "100", "dns.max-in-flight-per-client", "7",
                "dns.reserved-for-lists", "40"), "f").dns();
        assertThat(d.maxInFlightPerClient()).isEqualTo(7);
        assertThat(d.reservedForLists()).isEqualTo(40);
        assertThat(d.maxInFlightOther()).isEqualTo(60);
        assertThat(parse("dns.reserved-for-lists", "0").maxInFlightOther()).isEqualTo(500);
    }

    @Test
    void badFairnessValuesNameKeyAndValue() {
        for (String bad : List.of("0", "-1", "x", "2.5")) {
            assertThatThrownBy(() -> parse("dns.max-in-flight-per-client", bad)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("dns.max-in-flight-per-client").hasMessageContaining("'" + bad + "'");
        }
        for (String bad : List.of("100", "-1", "x", "25%")) {
            assertThatThrownBy(() -> parse("dns.reserved-for-lists", bad)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("dns.reserved-for-lists").hasMessageContaining("'" + bad + "'");
        }
    }
}
