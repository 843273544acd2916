package io.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.dns.DnsSettings;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void parsesIpv4Ipv6AndNames() {
        HostPort v4 = HostPort.parse(" 127.0.0.1:2525 ", -1);
        assertThat(v4.host()).isEqualTo("127.0.0.1");
        assertThat(v4.port()).isEqualTo(2525);
        assertThat(v4.isIpLiteral()).isTrue();
        assertThat(v4.isIpv6()).isFalse();
        assertThat(v4.toString()).isEqualTo("127.0.0.1:2525");

        HostPort v6 = HostPort.parse("[::1]:2525", -1);
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.port()).isEqualTo(2525);
        assertThat(v6.isIpv6()).isTrue();
        assertThat(v6.isLoopback()).isTrue();
        assertThat(v6.toString()).isEqualTo("[::1]:2525");
        assertThat(HostPort.parse(v6.toString(), -1)).isEqualTo(v6);
        assertThat(v6.socketAddress()).isEqualTo(new InetSocketAddress("::1", 2525));

        HostPort name = HostPort.parse("localhost:0", -1);
        assertThat(name.isIpLiteral()).isFalse();
        assertThat(name.isLoopback()).isTrue();
        assertThat(name.port()).isZero();
        assertThat(HostPort.parse("mx.example.com:25", -1).isLoopback()).isFalse();
    }

    @Test
    void loopbackIsOnlyLoopback() {
        assertThat(HostPort.parse("127.0.0.2:1", -1).isLoopback()).isTrue();
        assertThat(HostPort.parse("0.0.0.0:8000", -1).isLoopback()).isFalse();
        assertThat(HostPort.parse("[::]:8000", -1).isLoopback()).isFalse();
        assertThat(HostPort.parse("192.0.2.1:8000", -1).isLoopback()).isFalse();
        assertThat(HostPort.parse("[2001:db8::1]:8000", -1).isLoopback()).isFalse();
    }

    @Test
    void anOptionalPortTakesTheDefaultAndABareIpv6Address() {
        assertThat(HostPort.parse("192.0.2.53", 53).toString()).isEqualTo("192.0.2.53:53");
        assertThat(HostPort.parse("2001:db8::53", 53).toString()).isEqualTo("[2001:db8::53]:53");
        assertThat(HostPort.parse("[2001:db8::53]", 53).port()).isEqualTo(53);
        assertThat(HostPort.parse("[2001:db8::53]:5353", 53).port()).isEqualTo(5353);
    }

    @Test
    void badValuesNameTheValue() {
        for (String bad : new String[] {"", "2525", "::1:2525", "[::1]2525", "[::1", "[127.0.0.1]:25", "host:",
                "host:65536", "host:-1", "host:x", "bad_host:25", "999.1.1.1:25", "1.2.3:25", "[::g]:25"}) {
            assertThatThrownBy(() -> HostPort.parse(bad, -1)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void literalsNeverBecomeNameLookups() {
        assertThat(HostPort.literal("999.1.1.1")).isNull();
        assertThat(HostPort.literal("256.0.0.1")).isNull();
        assertThat(HostPort.literal("localhost")).isNull();
        assertThat(HostPort.literal("1.2.3.4").getHostAddress()).isEqualTo("1.2.3.4");
        assertThat(HostPort.literal("::ffff:192.0.2.1")).isNotNull();
        // a resolver must be an address: 999.1.1.1 was once looked up as a host name
        assertThatThrownBy(() -> DnsSettings.parseServer("999.1.1.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("999.1.1.1");
        assertThat(DnsSettings.parseServer("[::1]:5353")).isEqualTo(new InetSocketAddress("::1", 5353));
        assertThat(DnsSettings.parseServer("::1")).isEqualTo(new InetSocketAddress("::1", 53));
        assertThatThrownBy(() -> DnsSettings.parseServer("127.0.0.1:0")).hasMessageContaining("1..65535");
    }
}
