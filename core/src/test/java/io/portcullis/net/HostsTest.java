package io.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;

class HostsTest {
    @Test
    void ipv4IsFourDecimalOctetsOfUpToThreeDigits() {
        assertThat(Hosts.ipv4("192.0.2.1")).containsExactly(192, 0, 2, 1);
        assertThat(Hosts.ipv4("0.0.0.0")).containsExactly(0, 0, 0, 0);
        assertThat(Hosts.ipv4("127.000.0.010")).containsExactly(127, 0, 0, 10);
        for (String bad : new String[] {null, "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "1..2.3",
                "1.2.3.", ".1.2.3", "0001.2.3.4", "1.2.3.4 ", "a.b.c.d", "1.2.3.0x1"}) {
            assertThat(Hosts.ipv4(bad)).as(String.valueOf(bad)).isNull();
        }
    }

    @Test
    void addressReadsBareLiteralsOnly() {
        assertThat(Hosts.address("192.0.2.1")).isInstanceOf(Inet4Address.class);
        assertThat(Hosts.address("2001:DB8::1")).isInstanceOf(Inet6Address.class);
        assertThat(Hosts.address("::ffff:192.0.2.1").getHostAddress()).isEqualTo("192.0.2.1");
        for (String bad : new String[] {null, "", "localhost", "cafe", "1.2.3", "999.1.1.1", "[::1]", "fe80::1%eth0",
                "2001:db8::g", "1:2:3:4:5:6:7:8:9", "IPv6:::1"}) {
            assertThat(Hosts.address(bad)).as(String.valueOf(bad)).isNull();
            assertThat(Hosts.isAddress(bad)).isFalse();
        }
    }

    @Test
    void ipLiteralAlsoTakesBracketsAndTheIpv6Tag() {
        assertThat(Hosts.ipLiteral(" [192.0.2.1] ").getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(Hosts.ipLiteral("[IPv6:2001:db8::1]")).isEqualTo(Hosts.address("2001:db8::1"));
        assertThat(Hosts.ipLiteral("ipv6:2001:db8::1")).isEqualTo(Hosts.address("2001:db8::1"));
        assertThat(Hosts.ipLiteral("[::1]")).isEqualTo(Hosts.address("::1"));
        assertThat(Hosts.ipLiteral("mail.example.com")).isNull();
        assertThat(Hosts.ipLiteral("[mail.example.com]")).isNull();
        assertThat(Hosts.ipLiteral(null)).isNull();
    }

    @Test
    void hostNames() {
        assertThat(Hosts.isHostName("_dmarc.example.org")).isFalse();
        assertThat(Hosts.isDnsName("_dmarc.example.org")).isTrue();
        assertThat(Hosts.isDnsName("a b.example")).isFalse();
        for (String ok : new String[] {"localhost", "mail.example.com", "Mail.Example.COM.", "a-b.c", "192.0.2.1", "x".repeat(63) + ".example"}) {
            assertThat(Hosts.isHostName(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {null, "", ".", "-a.example", "a-.example", "a..example", "a b.example",
                "x".repeat(64) + ".example", "a:b", "[1.2.3.4]", "ex\u00e4mple.com", "a.example..",
                ("a" + ".a".repeat(126) + "a")}) {
            assertThat(Hosts.isHostName(bad)).as(String.valueOf(bad)).isFalse();
        }
        String name253 = "a" + ".a".repeat(126);
        assertThat(name253).hasSize(253);
        assertThat(Hosts.isHostName(name253)).isTrue();
        assertThat(Hosts.isHostName(name253 + ".")).isTrue();
        assertThat(Hosts.isHostName(name253 + "a")).isFalse();
    }
}
