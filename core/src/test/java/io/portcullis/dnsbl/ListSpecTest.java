package io.portcullis.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ListSpecTest {
    @Test
    void parsesTheCompactSyntax() {
        ListSpec zen = ListSpec.parse("zen.spamhaus.org=127.0.0.[2..11]*3");
        assertThat(zen.kind()).isEqualTo(ListKind.IP);
        assertThat(zen.zone()).isEqualTo("zen.spamhaus.org");
        assertThat(zen.weight()).isEqualTo(3.0);
        assertThat(zen.filter().matches("127.0.0.2")).isTrue();
        assertThat(zen.filter().matches("127.0.0.12")).isFalse();
        assertThat(zen.toSpec()).isEqualTo("zen.spamhaus.org=127.0.0.[2..11]*3");

        ListSpec dbl = ListSpec.parse("name:DBL.Spamhaus.org.=127.0.1.[2..99]*4");
        assertThat(dbl.kind()).isEqualTo(ListKind.NAME);
        assertThat(dbl.zone()).isEqualTo("dbl.spamhaus.org");
        assertThat(dbl.filter().matches("127.0.1.2")).isTrue();
        assertThat(dbl.filter().matches("127.0.0.2")).isFalse();

        ListSpec wl = ListSpec.parse("ip:list.dnswl.org=127.0.[0..255].[1..3]*-5");
        assertThat(wl.isAllowList()).isTrue();
        assertThat(wl.weight()).isEqualTo(-5.0);

        ListSpec any = ListSpec.parse("bl.example.net");
        assertThat(any.hasExplicitFilter()).isFalse();
        assertThat(any.weight()).isEqualTo(1.0);
        assertThat(any.filter().matches("127.1.2.3")).isTrue();
        assertThat(any.filter().matches("10.0.0.1")).isFalse();
    }

    @Test
    void postfixFilterListsAndBitmasks() {
        ReturnCodeFilter f = ReturnCodeFilter.parse("127.0.[0;1].[2..4;10]");
        assertThat(f.matches("127.0.1.10")).isTrue();
        assertThat(f.matches("127.0.1.5")).isFalse();
        assertThat(f.matches("127.0.2.2")).isFalse();
        ReturnCodeFilter mask = ReturnCodeFilter.parse("&14");
        assertThat(mask.matches("127.0.0.2")).isTrue();
        assertThat(mask.matches("127.0.0.8")).isTrue();
        assertThat(mask.matches("127.0.0.1")).isFalse();
        assertThat(mask.matches("127.0.1.2")).isFalse();
        assertThat(f.matches("not an ip")).isFalse();
        assertThat(f.matches("127.0.0.256")).isFalse();
    }

    @Test
    void badSpecsAreRejectedWithTheSpecInTheMessage() {
        assertThatThrownBy(() -> ListSpec.parse("uri:zen.spamhaus.org")).hasMessageContaining("unknown kind 'uri'");
        assertThatThrownBy(() -> ListSpec.parse("zen.spamhaus.org=127.0.0")).hasMessageContaining("four octets");
        assertThatThrownBy(() -> ListSpec.parse("zen.spamhaus.org=127.0.0.[9..2]")).hasMessageContaining("low <= high");
        assertThatThrownBy(() -> ListSpec.parse("zen.spamhaus.org*lots")).hasMessageContaining("'lots'");
        assertThatThrownBy(() -> ListSpec.parse("localhost")).hasMessageContaining("not a DNS zone");
        assertThatThrownBy(() -> ListSpec.parse("bad zone.org")).hasMessageContaining("not a DNS zone");
        assertThatThrownBy(() -> ListSpec.parse("x.org=&0")).hasMessageContaining("1..255");
        // a kind, weight or filter with nothing before it leaves no zone
        assertThatThrownBy(() -> ListSpec.parse(":bl.example"))
                .hasMessage("list spec ':bl.example': ':bl.example' is not a DNS zone");
        assertThatThrownBy(() -> ListSpec.parse("=1:x")).as("a ':' after the '=' is no kind")
                .hasMessageNotContaining("unknown kind");
        assertThatThrownBy(() -> ListSpec.parse("*2")).hasMessage("list spec '*2': '' is not a DNS zone");
        assertThatThrownBy(() -> ListSpec.parse("=127.0.0.2")).hasMessage("list spec '=127.0.0.2': '' is not a DNS zone");
        String zone200 = "a".repeat(50) + "." + "b".repeat(49) + "." + "c".repeat(49) + "." + "d".repeat(49);
        assertThat(zone200).hasSize(200);
        assertThat(ListSpec.parse(zone200).zone()).isEqualTo(zone200);
        assertThatThrownBy(() -> ListSpec.parse("e" + zone200)).hasMessageContaining("is not a DNS zone");
    }

    @Test
    void knownErrorCodesAreNeverListings() {
        assertThat(KnownErrorCodes.explain("zen.spamhaus.org", "127.255.255.254")).contains("public");
        assertThat(KnownErrorCodes.explain("zen.spamhaus.org", "127.255.255.252")).contains("typing");
        assertThat(KnownErrorCodes.explain("zen.spamhaus.org", "127.255.255.255")).contains("excessive");
        assertThat(KnownErrorCodes.explain("dbl.spamhaus.org", "127.0.1.255")).contains("IP address");
        assertThat(KnownErrorCodes.explain("multi.uribl.com", "127.0.0.1")).contains("refused");
        assertThat(KnownErrorCodes.explain("multi.surbl.org", "127.0.0.9")).contains("bit 1");
        assertThat(KnownErrorCodes.explain("list.dnswl.org", "127.0.0.255")).contains("blocked");
        assertThat(KnownErrorCodes.explain("bl.example", "10.1.2.3")).contains("outside");
        assertThat(KnownErrorCodes.explain("zen.spamhaus.org", "127.0.0.2")).isNull();
        assertThat(KnownErrorCodes.explain("multi.surbl.org", "127.0.0.8")).isNull();
    }

    @Test
    void reversesAddresses() throws Exception {
        assertThat(QueryNames.reverse(InetAddress.getByName("192.0.2.99"))).isEqualTo("99.2.0.192");
        assertThat(QueryNames.reverse(InetAddress.getByName("2001:db8:1:2::abcd")))
                .isEqualTo("d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2");
    }

    @Test
    void registeredDomains() {
        assertThat(QueryNames.registeredDomain("mail.example.co.uk")).contains("example.co.uk");
        assertThat(QueryNames.registeredDomain("a.b.example.com.")).contains("example.com");
        assertThat(QueryNames.registeredDomain("co.uk")).isEmpty();
        assertThat(QueryNames.registeredDomain("localhost")).isEmpty();
        assertThat(QueryNames.registeredDomain("192.0.2.1")).isEmpty();
        assertThat(QueryNames.registeredDomain("[192.0.2.1]")).isEmpty();
        assertThat(QueryNames.registeredDomain("bad..name")).isEmpty();
        assertThat(QueryNames.registeredDomain("x.spamdomain.example")).contains("spamdomain.example");
    }

    @Test
    void registeredDomainsAreTheSameWhenRememberedAndAfterTheMemoFills() {
        for (int round = 0; round < 2; round++) {
            assertThat(QueryNames.registeredDomain("Mail.Example.CO.uk.")).contains("example.co.uk");
            assertThat(QueryNames.registeredDomain(" co.uk ")).isEmpty();
            assertThat(QueryNames.registeredDomain("bad..name")).isEmpty();
        }
        for (int i = 0; i < 5000; i++) {
            assertThat(QueryNames.registeredDomain("h" + i + ".d" + i + ".com")).contains("d" + i + ".com");
        }
        assertThat(QueryNames.registeredDomain("h1.d1.com")).contains("d1.com");
        assertThat(QueryNames.registeredDomain("Mail.Example.CO.uk.")).contains("example.co.uk");
        assertThat(QueryNames.registeredDomain("x".repeat(300) + ".example.com")).isEmpty();
    }
}
