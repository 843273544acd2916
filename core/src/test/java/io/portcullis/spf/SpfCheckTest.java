package io.portcullis.spf;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.testing.DroppingUdpProxy;
import io.portcullis.testing.KnotServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPF evaluated against real records served by Knot (zone {@code spf.test}); questions under slow.test are dropped. */
class SpfCheckTest {
    @TempDir
    static Path tmp;
    static KnotServer knot;
    static DroppingUdpProxy proxy;
    static DnsjavaClient dns;
    static SpfCheck spf;

    @BeforeAll
    static void start() throws Exception {
        knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath("spf.test", "2.0.192.in-addr.arpa",
                "slow.test"));
        proxy = new DroppingUdpProxy(knot.address(), "slow.test");
        dns = new DnsjavaClient(DnsSettings.builder().servers(List.of(proxy.address()))
                .queryTimeout(Duration.ofMillis(300)).build());
        spf = new SpfCheck(dns, 0);
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (knot != null) {
            knot.close();
        }
    }

    static Spf check(String client, String sender) throws Exception {
        return spf.checkSender(InetAddress.getByName(client), sender, "helo.example.net", DnsRequester.SYSTEM).get();
    }

    @ParameterizedTest(name = "{1} from {0}: {2}")
    @CsvSource({
        "192.0.2.10, bob@pass.spf.test, PASS",
        "198.51.100.7, bob@pass.spf.test, FAIL",
        "192.0.2.10, bob@split.spf.test, PASS",
        "192.0.2.10, bob@UPPER.spf.test, PASS",
        "192.0.2.10, bob@fail.spf.test, FAIL",
        "192.0.2.10, bob@softfail.spf.test, SOFTFAIL",
        "192.0.2.10, bob@neutral.spf.test, NEUTRAL",
        "192.0.2.10, bob@empty.spf.test, NEUTRAL",
        "192.0.2.10, bob@other.spf.test, NONE",
        "192.0.2.10, bob@nothing.spf.test, NONE",
        "192.0.2.10, bob@localhost, NONE",
        "192.0.2.10, bob@two.spf.test, PERMERROR",
        "192.0.2.10, bob@badip.spf.test, PERMERROR",
        "192.0.2.10, bob@badcidr.spf.test, PERMERROR",
        "192.0.2.10, bob@badmech.spf.test, PERMERROR",
        "192.0.2.10, bob@badmacro.spf.test, PERMERROR",
        "192.0.2.10, bob@a.spf.test, PASS",
        "192.0.2.11, bob@a.spf.test, FAIL",
        "192.0.2.200, bob@acidr.spf.test, PASS",
        "198.51.100.7, bob@acidr.spf.test, FAIL",
        "192.0.2.10, bob@mx.spf.test, PASS",
        "192.0.2.11, bob@mx.spf.test, FAIL",
        "2001:db8::abcd, bob@mx6.spf.test, PASS",
        "2001:db8:1::1, bob@mx6.spf.test, FAIL",
        "2001:db8::abcd, bob@ip6.spf.test, PASS",
        "2001:db9::1, bob@ip6.spf.test, FAIL",
        "192.0.2.10, bob@ip6.spf.test, FAIL",
        "192.0.2.10, bob@include.spf.test, PASS",
        "198.51.100.7, bob@include.spf.test, FAIL",
        "198.51.100.7, bob@incfail.spf.test, SOFTFAIL",
        "192.0.2.10, bob@incnone.spf.test, PERMERROR",
        "192.0.2.10, bob@redirect.spf.test, PASS",
        "198.51.100.7, bob@redirect.spf.test, FAIL",
        "192.0.2.10, bob@rednone.spf.test, PERMERROR",
        "192.0.2.10, bob@exists.spf.test, PASS",
        "192.0.2.11, bob@exists.spf.test, FAIL",
        "192.0.2.10, foo-bar@macro.spf.test, PASS",
        "192.0.2.10, bar-foo@macro.spf.test, FAIL",
        "192.0.2.10, bob@ptr.spf.test, PASS",
        "192.0.2.11, bob@ptr.spf.test, FAIL",
        "192.0.2.10, bob@void2.spf.test, PASS",
        "192.0.2.10, bob@void3.spf.test, PERMERROR",
        "192.0.2.10, bob@limit10.spf.test, PASS",
        "192.0.2.10, bob@limit11.spf.test, PERMERROR",
        "192.0.2.10, bob@limitinc.spf.test, PERMERROR",
        "192.0.2.10, bob@loop.spf.test, PERMERROR",
        "192.0.2.10, bob@manymx.spf.test, PERMERROR",
        "192.0.2.10, bob@temp.spf.test, TEMPERROR",
        "192.0.2.10, bob@tempa.spf.test, TEMPERROR",
        "192.0.2.10, bob@x.slow.test, TEMPERROR",
    })
    void results(String client, String sender, SpfResult expected) throws Exception {
        Spf s = check(client, sender);
        assertThat(s.result()).as(s.toString()).isEqualTo(expected);
    }

    @Test
    void reasonsNameTheMatchAndTheLimit() throws Exception {
        assertThat(check("192.0.2.10", "bob@pass.spf.test").reason()).isEqualTo("ip4:192.0.2.0/24 matched at pass.spf.test");
        assertThat(check("198.51.100.7", "bob@pass.spf.test").reason()).isEqualTo("-all matched at pass.spf.test");
        Spf ten = check("192.0.2.10", "bob@limit10.spf.test");
        assertThat(ten.lookups()).isEqualTo(10);
        Spf eleven = check("192.0.2.10", "bob@limit11.spf.test");
        assertThat(eleven.reason()).isEqualTo("more than 10 DNS-querying terms");
        assertThat(eleven.lookups()).isEqualTo(11);
        assertThat(check("192.0.2.10", "bob@void3.spf.test").reason()).isEqualTo("more than 2 void lookups");
        assertThat(check("192.0.2.10", "bob@two.spf.test").reason()).contains("several SPF records");
        assertThat(check("192.0.2.10", "bob@manymx.spf.test").reason()).contains("more than 10 MX names");
    }

    @Test
    void anEvaluationPastItsDeadlineIsATemperror() throws Exception {
        SpfCheck quick = new SpfCheck(dns, 100);
        Spf s = quick.checkSender(InetAddress.getByName("192.0.2.10"), "bob@temp.spf.test", null,
                DnsRequester.SYSTEM).get();
        assertThat(s.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(s.reason()).isEqualTo("no result within 100 ms");
    }

    @Test
    void noSenderOrNoAddressIsNone() throws Exception {
        assertThat(spf.checkSender(null, "a@pass.spf.test", null, null).get().result()).isEqualTo(SpfResult.NONE);
        assertThat(spf.checkSender(InetAddress.getByName("192.0.2.10"), null, null, null).get().result())
                .isEqualTo(SpfResult.NONE);
    }
}
