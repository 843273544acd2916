package io.portcullis.nameservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsStats;
import io.portcullis.dns.DnsType;
import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListKind;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pure logic of the sources: local list, allow list, targets, list kinds, findings. No DNS server. */
class NameserverSourcesTest {
    @TempDir
    Path dir;

    @Test
    void localListMatchesHostsDomainsAddressesAndNetworks() {
        LocalNsList l = LocalNsList.of("# comment\n  NS1.Bulk.Example.  # trailing comment\nspamhost.test\n"
                + "*.wild.test\n192.0.2.53\n2001:DB8::53\n198.51.100.0/24\n2001:db8:1::/48\nbad entry!\n10.0.0.0/33\n");
        assertThat(l.matchHost("ns1.bulk.example")).contains("ns1.bulk.example");
        assertThat(l.matchHost("ns2.bulk.example")).isEmpty();
        assertThat(l.matchHost("a.b.spamhost.test")).contains("spamhost.test");
        assertThat(l.matchHost("spamhost.test")).contains("spamhost.test");
        assertThat(l.matchHost("notspamhost.test")).isEmpty();
        assertThat(l.matchHost("ns.wild.test")).contains("wild.test");
        assertThat(l.matchAddress("192.0.2.53")).contains("192.0.2.53");
        assertThat(l.matchAddress("2001:db8:0:0::53")).contains("2001:db8::53");
        assertThat(l.matchAddress("198.51.100.99")).contains("198.51.100.0/24");
        assertThat(l.matchAddress("2001:db8:1:ffff::1")).contains("2001:db8:1::/48");
        assertThat(l.matchAddress("203.0.113.1")).isEmpty();
        assertThat(l.matchAddress("not-an-ip")).isEmpty();
        assertThat(l.matchAddress(null)).isEmpty();
        assertThat(l.matchHost(null)).isEmpty();
        assertThat(l.size()).isEqualTo(7);
        assertThat(l.warnings()).hasSize(2).anySatisfy(w -> assertThat(w).startsWith("line 9: 'bad'"))
                .anySatisfy(w -> assertThat(w).startsWith("line 10: '10.0.0.0/33'"));
    }

    @Test
    void localListFileIsReReadWhenItChangesAtMostOncePerInterval() throws Exception {
        Path file = dir.resolve("ns.list");
        Files.write(file, "ns1.old.test\n".getBytes(StandardCharsets.UTF_8));
        AtomicLong nanos = new AtomicLong(0);
        LocalNsList l = LocalNsList.watch(file, Duration.ofSeconds(5), nanos::get);
        assertThat(l.matchHost("ns1.old.test")).isPresent();

        Files.write(file, "ns1.new.test\n192.0.2.1\n".getBytes(StandardCharsets.UTF_8));
        nanos.set(Duration.ofSeconds(4).toNanos());
        assertThat(l.matchHost("ns1.old.test")).as("not re-checked before the interval").isPresent();
        nanos.set(Duration.ofSeconds(5).toNanos());
        assertThat(l.matchHost("ns1.old.test")).isEmpty();
        assertThat(l.matchHost("ns1.new.test")).isPresent();
        assertThat(l.matchAddress("192.0.2.1")).isPresent();

        Files.delete(file);
        nanos.set(Duration.ofSeconds(11).toNanos());
        assertThat(l.matchHost("ns1.new.test")).as("a vanished file keeps the last good list").isPresent();
    }

    @Test
    void aMissingFileIsAnEmptyListWithAWarningUntilItAppears() throws Exception {
        Path file = dir.resolve("later.list");
        AtomicLong nanos = new AtomicLong(0);
        LocalNsList l = LocalNsList.watch(file, Duration.ofSeconds(1), nanos::get);
        assertThat(l.size()).isZero();
        assertThat(l.warnings()).singleElement().satisfies(w -> assertThat(w).contains("cannot read"));
        Files.write(file, "ns.late.test\n".getBytes(StandardCharsets.UTF_8));
        nanos.set(Duration.ofSeconds(2).toNanos());
        assertThat(l.matchHost("ns.late.test")).isPresent();
        assertThat(l.warnings()).isEmpty();
    }

    @Test
    void allowListCoversProvidersWithWildcards() {
        NsAllowList a = NsAllowList.DEFAULT;
        assertThat(a.match("ada.ns.cloudflare.com")).isEqualTo("cloudflare.com");
        assertThat(a.match("ns-1234.awsdns-12.co.uk")).isEqualTo("awsdns-*");
        assertThat(a.match("ns-99.awsdns-01.org")).isEqualTo("awsdns-*");
        assertThat(a.match("ns1-01.azure-dns.com")).isEqualTo("azure-dns.*");
        assertThat(a.match("pdns196.ultradns.net")).isEqualTo("ultradns.*");
        assertThat(a.match("ns01.domaincontrol.com")).isEqualTo("domaincontrol.com");
        assertThat(a.match("dns1.registrar-servers.com")).isEqualTo("registrar-servers.com");
        assertThat(a.match("ns1.p01.dynect.net")).isEqualTo("dynect.net");
        assertThat(a.match("a1-64.akam.net")).isEqualTo("akam.net");
        assertThat(a.match("dns1.p01.nsone.net")).isEqualTo("nsone.net");
        assertThat(a.match("ns1.spamhost.test")).isNull();
        assertThat(a.match("cloudflare.com.evil.test")).isNull();
        assertThat(a.match("notcloudflare.com")).isNull();
        assertThat(a.match(null)).isNull();
        assertThat(NsAllowList.parse("*.Example.NET., foo-*").match("a.b.example.net")).isEqualTo("example.net");
        assertThatThrownBy(() -> NsAllowList.parse("bad/entry")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad/entry");
    }

    @Test
    void targetsAreNormalisedAndOrdered() {
        NsTargets t = NsTargets.builder().helo("Mail.Example.COM.").fromHeader("<Someone@Example.org>")
                .mailFrom("bounce+x=y@lists.example.net").rdns("host.example.com", false).build();
        assertThat(t.names()).containsExactly(
                java.util.Map.entry(Identity.MAIL_FROM, "lists.example.net"),
                java.util.Map.entry(Identity.FROM_HEADER, "example.org"),
                java.util.Map.entry(Identity.HELO, "mail.example.com"));
        assertThatThrownBy(() -> NsTargets.builder().name(Identity.CLIENT_IP, "x.test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(NsTargets.builder().helo("[192.0.2.1]").mailFrom("").fromHeader(null).build().isEmpty()).isTrue();
    }

    @Test
    void listSpecParsesNameserverKinds() {
        ListSpec name = ListSpec.parse("ns-name:dbl.example=127.0.1.[2..99]*2.5");
        assertThat(name.kind()).isEqualTo(ListKind.NS_NAME);
        assertThat(name.weight()).isEqualTo(2.5);
        assertThat(name.toSpec()).isEqualTo("ns-name:dbl.example=127.0.1.[2..99]*2.5");
        ListSpec ip = ListSpec.parse("NS-IP:sbl.example");
        assertThat(ip.kind()).isEqualTo(ListKind.NS_IP);
        assertThat(ip.toSpec()).isEqualTo("ns-ip:sbl.example");
        assertThat(ListKind.NS_IP.queriesAddresses()).isTrue();
        assertThat(ListKind.NS_NAME.queriesAddresses()).isFalse();
        assertThat(ListSpec.parse("name:x.example").toSpec()).isEqualTo("name:x.example");
        assertThat(ListSpec.parse("x.example").toSpec()).isEqualTo("x.example");
        assertThatThrownBy(() -> ListSpec.parse("ns:x.example")).hasMessageContaining("ns-name or ns-ip");
        assertThatThrownBy(() -> NameserverSettings.builder().lists(List.of(ListSpec.parse("zen.example"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an ns-name: or ns-ip: list");
    }

    @Test
    void theDnsblCheckerIgnoresNameserverLists() throws Exception {
        AtomicInteger questions = new AtomicInteger();
        DnsClient counting = new DnsClient() {
            @Override
            public CompletableFuture<DnsAnswer> lookup(String name, DnsType type,
                    io.portcullis.dns.DnsRequester requester, io.portcullis.dns.DnsPurpose purpose) {
                questions.incrementAndGet();
                return CompletableFuture.completedFuture(DnsAnswer.nxdomain(60));
            }

            @Override
            public DnsStats stats() {
                return new DnsStats(0, 0, 0, 0, 0, 0);
            }
        };
        DnsblChecker c = new DnsblChecker(counting, List.of(ListSpec.parse("ns-name:a.example"),
                ListSpec.parse("ns-ip:b.example")), null);
        DnsblTargets t = DnsblTargets.builder().address(Identity.CLIENT_IP, InetAddress.getByName("192.0.2.1"))
                .name(Identity.MAIL_FROM, "example.org").build();
        assertThat(c.check(t).get()).isEmpty();
        assertThat(questions).hasValue(0);
    }

    @Test
    void oneFindingPerSourceScoringItsHighestHit() {
        NsDelegation d = new NsDelegation(Identity.MAIL_FROM, "spam.test", NsDelegation.Status.FOUND, "spam.test",
                List.of("ns1.x.test", "ns2.x.test"), "");
        NsResult r1 = new NsResult(new NsHost("ns1.x.test", List.of("192.0.2.1"), NsHost.AddressStatus.RESOLVED, ""),
                List.of(d), NsStatus.LISTED, List.of(new NsHit("ns-ip:a", "192.0.2.1", 1.5, "ns1.x.test address 192.0.2.1 listed in a")),
                List.of());
        NsResult r2 = new NsResult(new NsHost("ns2.x.test", List.of("192.0.2.2"), NsHost.AddressStatus.RESOLVED, ""),
                List.of(d), NsStatus.LISTED, List.of(new NsHit("ns-ip:a", "192.0.2.2", 2.5, "ns2.x.test address 192.0.2.2 listed in a"),
                        new NsHit("local-list", "ns2.x.test", 4, "ns2.x.test in local list\r\nX-Evil: 1")), List.of());
        NsResult clean = new NsResult(new NsHost("ns3.y.test", List.of(), NsHost.AddressStatus.NONE, "lame"),
                List.of(d), NsStatus.UNKNOWN, List.of(), List.of("lame"));
        List<Finding> f = NameserverChecker.findings(List.of(r1, r2, clean));
        assertThat(f).extracting(Finding::rule).containsExactly("ns-ip:a", "local-list");
        assertThat(f.get(0).score()).isEqualTo(2.5);
        assertThat(f.get(0).detail()).isEqualTo("mail-from spam.test: NS ns1.x.test address 192.0.2.1 listed in a; and 1 more");
        assertThat(f.get(1).detail()).isEqualTo("mail-from spam.test: NS ns2.x.test in local list X-Evil: 1");
        assertThat(new NameserverReport(new NameserverView(List.of(d), List.of(), false), List.of(clean)).status())
                .isEqualTo(NsStatus.UNKNOWN);
        assertThat(r2.sources()).containsExactly("ns-ip:a", "local-list");
        assertThat(Optional.of(r1.identities())).contains(List.of(Identity.MAIL_FROM));
    }
}
