package io.portcullis.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class NetworksTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void matchesCidrsOfBothFamilies() throws Exception {
        Networks n = Networks.parse("192.0.2.0/24, 10.1.0.0/17 2001:db8::/32 198.51.100.7");
        assertThat(n.contains(ip("192.0.2.255"))).isTrue();
        assertThat(n.contains(ip("192.0.3.0"))).isFalse();
        assertThat(n.contains(ip("10.1.127.1"))).isTrue();
        assertThat(n.contains(ip("10.1.128.1"))).isFalse();
        assertThat(n.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(n.contains(ip("2001:db9::1"))).isFalse();
        assertThat(n.contains(ip("198.51.100.7"))).isTrue();
        assertThat(n.contains(ip("198.51.100.8"))).isFalse();
        assertThat(n.contains(ip("::ffff:192.0.2.1"))).isTrue();
    }

    @Test
    void rejectsBadItems() {
        assertThatThrownBy(() -> Networks.parse("192.0.2.0/33")).hasMessageContaining("192.0.2.0/33");
        assertThatThrownBy(() -> Networks.parse("example.com")).hasMessageContaining("example.com");
    }

    @Test
    void allowListCoversSubdomains() throws Exception {
        AllowList a = AllowList.parse("192.0.2.0/24, example.com, partner.example.org.");
        assertThat(a.contains(ip("192.0.2.1"))).isTrue();
        assertThat(a.containsDomain("mail.example.com")).isTrue();
        assertThat(a.containsDomain("EXAMPLE.COM.")).isTrue();
        assertThat(a.containsDomain("badexample.com")).isFalse();
        assertThat(a.containsDomain("partner.example.org")).isTrue();
        assertThatThrownBy(() -> AllowList.parse("not a/domain!")).hasMessageContaining("neither");
    }
}
