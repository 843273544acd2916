package io.portcullis.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.dns.DnsAnswer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Edges of the DNS list interpretation: address parsing, query names, filters, list specs, result values. */
class DnsblValuesTest {
    @Test
    void dottedQuadsAtTheirEdges() {
        assertThat(io.portcullis.net.Hosts.ipv4("0.0.0.0")).containsExactly(0, 0, 0, 0);
        assertThat(io.portcullis.net.Hosts.ipv4("255.255.255.255")).containsExactly(255, 255, 255, 255);
        assertThat(io.portcullis.net.Hosts.ipv4("10.90.199.9")).containsExactly(10, 90, 199, 9);
        assertThat(io.portcullis.net.Hosts.ipv4("127.0.0.10")).containsExactly(127, 0, 0, 10);
        assertThat(io.portcullis.net.Hosts.ipv4("256.0.0.1")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4("1.2.3.4.5")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4("1.2.3")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4("1.2.3.")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4(".1.2.3")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4("1..2.3")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4("1.2.3.a")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4("1.2.3./")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4("1.2.3.:")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4("")).isNull();
        assertThat(io.portcullis.net.Hosts.ipv4(null)).isNull();
    }

    @Test
    void reverseNamesOfV4V6AndV4MappedAddresses() throws Exception {
        assertThat(QueryNames.reverse(InetAddress.getByName("192.0.2.254"))).isEqualTo("254.2.0.192");
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 192;
        mapped[13] = 0;
        mapped[14] = 2;
        mapped[15] = (byte) 200;
        assertThat(QueryNames.reverse(Inet6Address.getByAddress(null, mapped, null))).isEqualTo("200.2.0.192");
        byte[] notMapped = mapped.clone();
        notMapped[9] = 1; // a non-zero byte before ffff: an ordinary IPv6 address
        assertThat(QueryNames.reverse(Inet6Address.getByAddress(null, notMapped, null)))
                .isEqualTo("8.c.2.0.0.0.0.c.f.f.f.f.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0");
        byte[] half = mapped.clone();
        half[11] = (byte) 0xfe;
        assertThat(QueryNames.reverse(Inet6Address.getByAddress(null, half, null))).startsWith("8.c.2.0.0.0.0.c.e.f.f.f");
        byte[] half2 = mapped.clone();
        half2[10] = (byte) 0xfe;
        assertThat(QueryNames.reverse(Inet6Address.getByAddress(null, half2, null))).startsWith("8.c.2.0.0.0.0.c.f.f.e.f");
        byte[] first = mapped.clone();
        first[0] = 0x20;
        assertThat(QueryNames.reverse(Inet6Address.getByAddress(null, first, null))).endsWith(".0.2");
    }

    private static final java.util.concurrent.atomic.AtomicLong CASES = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime() & 0xffffff);

    /** {@code name} with its letters' case set by a counter's bits: a spelling not asked for before in this JVM. */
    private static String unseenCase(String name) {
        long bits = CASES.incrementAndGet();
        char[] c = name.toCharArray();
        for (int i = 0, b = 0; i < c.length && b < 62; i++) {
            if (Character.isLetter(c[i])) {
                if ((bits >> b & 1) == 1) {
                    c[i] = Character.toUpperCase(c[i]);
                }
                b++;
            }
        }
        return new String(c);
    }

    @Test
    void registeredDomainsAtTheLengthLimit() {
        String label = "a".repeat(61);
        String name253 = label + "." + label + "." + label + "." + "b".repeat(59) + ".example"; // 253 characters
        assertThat(name253).hasSize(253);
        assertThat(QueryNames.registeredDomain(name253)).contains("b".repeat(59) + ".example");
        assertThat(QueryNames.registeredDomain("c" + name253)).isEmpty();
        // the same names in a case never asked before: answered by the lookup itself, not from the remembered answers
        assertThat(QueryNames.registeredDomain(unseenCase(name253))).contains("b".repeat(59) + ".example");
        assertThat(QueryNames.registeredDomain(unseenCase("c" + name253))).isEmpty();
        assertThat(QueryNames.registeredDomain(unseenCase("a.b"))).contains("a.b");
        assertThat(QueryNames.registeredDomain("MX.Example.COM.")).contains("example.com");
        assertThat(QueryNames.registeredDomain("a.b")).contains("a.b");
        assertThat(QueryNames.registeredDomain("::1")).isEmpty();
        assertThat(QueryNames.registeredDomain(null)).isEmpty();
        assertThat(QueryNames.registeredDomain("")).isEmpty();
    }

    @Test
    void bitmaskFiltersAtTheirEdges() {
        assertThat(ReturnCodeFilter.parse("&1").matches("127.0.0.3")).isTrue();
        assertThat(ReturnCodeFilter.parse("&1").matches("127.0.0.2")).isFalse();
        assertThat(ReturnCodeFilter.parse("&255").matches("127.0.0.128")).isTrue();
        assertThat(ReturnCodeFilter.parse("&0x80").matches("127.0.0.128")).isTrue();
        assertThat(ReturnCodeFilter.parse("&2").matches("127.0.1.2")).isFalse();
        assertThat(ReturnCodeFilter.parse("&2").matches("127.1.0.2")).isFalse();
        assertThat(ReturnCodeFilter.parse("&2").matches("128.0.0.2")).isFalse();
        assertThatThrownBy(() -> ReturnCodeFilter.parse("&256")).hasMessageContaining("1..255");
        assertThatThrownBy(() -> ReturnCodeFilter.parse("&0")).hasMessageContaining("1..255");
        assertThat(ReturnCodeFilter.parse("127.0.0.[2..4]").matches("127.0.0.4")).isTrue();
        assertThat(ReturnCodeFilter.parse("127.0.0.[2..4]").matches("127.0.0.2")).isTrue();
        assertThat(ReturnCodeFilter.parse("127.0.0.[2..4]").matches("127.0.0.5")).isFalse();
        assertThat(ReturnCodeFilter.parse("127.0.0.[2..4]").matches("127.0.0.1")).isFalse();
        assertThat(ReturnCodeFilter.parse("127.0.0.2").matches("listed")).isFalse();
    }

    @Test
    void listSpecsAtTheirEdges() {
        String zone200 = "z".repeat(63) + "." + "y".repeat(63) + "." + "x".repeat(63) + "." + "w".repeat(3) + ".test";
        assertThat(zone200).hasSize(200);
        assertThat(ListSpec.parse(zone200).zone()).isEqualTo(zone200);
        assertThatThrownBy(() -> ListSpec.parse("v" + zone200)).hasMessageContaining("is not a DNS zone");
        assertThat(ListSpec.parse("bl.test*0").isAllowList()).isFalse();
        assertThat(ListSpec.parse("bl.test*2").isAllowList()).isFalse();
        assertThat(ListSpec.parse("bl.test*-0.5").isAllowList()).isTrue();
        assertThat(ListSpec.parse("bl.test").weight()).isEqualTo(1.0);
        assertThat(ListSpec.parse("bl.test*3").weight()).isEqualTo(3.0);
        assertThatThrownBy(() -> ListSpec.parse(":bl.test")).hasMessageContaining("is not a DNS zone");
        assertThatThrownBy(() -> ListSpec.parse("ns-name:ns.test").withIdentities(Set.of(Identity.HELO)))
                .hasMessageContaining("not of this kind");
        assertThatThrownBy(() -> ListSpec.parse("ns-ip:ns.test").withIdentities(Set.of(Identity.CLIENT_IP)))
                .hasMessageContaining("not of this kind");
        assertThatThrownBy(() -> ListSpec.parse("name:names.test").withIdentities(Set.of(Identity.CLIENT_IP)))
                .hasMessageContaining("not of this kind");
        ListSpec ip = ListSpec.parse("bl.test").withIdentities(Set.of(Identity.RECEIVED_IP));
        assertThat(ip.appliesTo(Identity.RECEIVED_IP)).isTrue();
        assertThat(ip.appliesTo(Identity.CLIENT_IP)).isFalse();
        assertThat(ListSpec.parse("bl.test").appliesTo(Identity.CLIENT_IP)).isTrue();
        assertThat(ListSpec.parse("bl.test").appliesTo(Identity.HELO)).isFalse();
        // a filter with a kind: the colon before the equals sign names the kind
        assertThat(ListSpec.parse("name:names.test=127.0.1.2").kind()).isEqualTo(ListKind.NAME);
        assertThat(ListSpec.parse("ip:bl.test=127.0.0.2").kind()).isEqualTo(ListKind.IP);
    }

    @Test
    void theFirstErrorCodeIsTheReason() {
        ListSpec zen = ListSpec.parse("zen.spamhaus.org=127.0.0.[2..11]");
        ListResult r = DnsblChecker.interpret(zen, Identity.CLIENT_IP, "192.0.2.1",
                DnsAnswer.answer(List.of("127.255.255.255", "127.255.255.254"), 60));
        assertThat(r.status()).isEqualTo(ListStatus.BLOCKED);
        assertThat(r.reason()).isEqualTo(KnownErrorCodes.explain("zen.spamhaus.org", "127.255.255.255"));
        assertThat(r.codes()).containsExactly("127.255.255.255", "127.255.255.254");
    }

    @Test
    void knownErrorCodesPerOperator() {
        assertThat(KnownErrorCodes.explain("bl.test", "192.0.2.1"))
                .isEqualTo("answer 192.0.2.1 is outside 127.0.0.0/8: not a listing (wildcard or hijacked zone?)");
        assertThat(KnownErrorCodes.explain("dbl.spamhaus.org", "127.0.1.255")).contains("127.0.1.255");
        assertThat(KnownErrorCodes.explain("dbl.spamhaus.net", "127.0.1.255")).contains("127.0.1.255");
        assertThat(KnownErrorCodes.explain("dbl.example.org", "127.0.1.255")).isNull();
        assertThat(KnownErrorCodes.explain("dbl.spamhaus.org", "127.0.1.2")).isNull();
        assertThat(KnownErrorCodes.explain("multi.uribl.com", "127.0.0.1")).contains("URIBL");
        assertThat(KnownErrorCodes.explain("multi.surbl.org", "127.0.0.3")).contains("SURBL");
        assertThat(KnownErrorCodes.explain("multi.surbl.org", "127.0.0.2")).isNull();
        assertThat(KnownErrorCodes.explain("list.dnswl.org", "127.0.0.255")).contains("DNSWL");
        assertThat(KnownErrorCodes.explain("bl.test", "127.255.255.253")).startsWith("error code 127.255.255.253");
    }

    @Test
    void codeInfoAndResultValues() {
        CodeInfo sbl = new CodeInfo("SBL", 6);
        assertThat(sbl).isEqualTo(new CodeInfo("SBL", 6)).hasSameHashCodeAs(new CodeInfo("SBL", 6));
        assertThat(sbl).isNotEqualTo(new CodeInfo("SBL", 5)).isNotEqualTo(new CodeInfo("XBL", 6)).isNotEqualTo("SBL");
        assertThat(sbl.hashCode()).isNotEqualTo(new CodeInfo("XBL", 6).hashCode());
        assertThat(sbl.label()).isEqualTo("SBL");
        assertThat(sbl.weight()).isEqualTo(6.0);
        ListSpec spec = ListSpec.parse("zen.test").withCodes(Map.of("127.0.0.2", sbl));
        assertThat(spec.codes()).containsEntry("127.0.0.2", sbl);
        ListResult r = new ListResult(spec, Identity.CLIENT_IP, "192.0.2.1", ListStatus.LISTED, List.of("127.0.0.2"),
                6, "SBL", "why");
        assertThat(r.list()).isSameAs(spec);
        assertThat(r.label()).isEqualTo("SBL");
        assertThat(new DnsblChecker(null, List.of(spec), null).lists()).containsExactly(spec);
    }
}
