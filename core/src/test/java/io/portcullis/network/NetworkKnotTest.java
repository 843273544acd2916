package io.portcullis.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.testing.DroppingUdpProxy;
import io.portcullis.testing.KnotServer;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The network owner check against a real Knot serving Team Cymru-format zones on a loopback high port. */
class NetworkKnotTest {
    /** Zones: the Cymru-format test data, a copy under another name (a site's mirror), an empty and a dead zone. */
    static Map<String, String> zones() throws Exception {
        Map<String, String> z = new LinkedHashMap<>(KnotServer.zonesFromClasspath("asn.cymru.com"));
        z.put("asn.mirror.test", z.get("asn.cymru.com").replace("asn.cymru.com", "asn.mirror.test"));
        z.put("empty.test", "$ORIGIN empty.test.\n$TTL 60\n@ IN SOA ns1 h 1 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 127.0.0.1\n");
        z.put("dead.test", null);
        return z;
    }

    @TempDir
    static Path tmp;
    static KnotServer knot;
    static DroppingUdpProxy proxy;
    DnsjavaClient dns;
    final List<String> events = new CopyOnWriteArrayList<>();
    final NetworkEngine.Listener listener = new NetworkEngine.Listener() {
        @Override
        public void suspended(String zone, String why) {
            events.add("suspended " + zone + ": " + why);
        }

        @Override
        public void resumed(String zone) {
            events.add("resumed " + zone);
        }

        @Override
        public void inconclusive(String zone, String why) {
            events.add("inconclusive " + zone + ": " + why);
        }
    };

    @BeforeAll
    static void startKnot() throws Exception {
        knot = KnotServer.start(tmp, zones());
        proxy = new DroppingUdpProxy(knot.address(), "9.0.77.100.origin.asn.cymru.com");
    }

    @AfterAll
    static void stopKnot() {
        proxy.close();
        knot.close();
    }

    @BeforeEach
    void client() {
        dns = new DnsjavaClient(DnsSettings.builder().servers(List.of(proxy.address()))
                .queryTimeout(Duration.ofMillis(400)).build());
    }

    @AfterEach
    void close() {
        dns.close();
    }

    NetworkEngine engine(NetworkSettings s) {
        return new NetworkEngine(dns, s, null, listener);
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void ipv4SlashTwentyFourWildcardGivesAsnPrefixCountryRegistryAndName() throws Exception {
        NetworkReport r = engine(NetworkSettings.DEFAULTS).lookup(ip("192.0.2.1"), true).get();
        assertThat(r.status()).isEqualTo(NetworkReport.Status.FOUND);
        assertThat(r.asns()).containsExactly(64496L);
        assertThat(r.prefix()).isEqualTo("192.0.2.0/24");
        assertThat(r.country()).isEqualTo("NL");
        assertThat(r.registry()).isEqualTo("ripencc");
        assertThat(r.asName()).isEqualTo("EXAMPLE-HOSTER Example Bulletproof Hosting, NL");
        assertThat(r.source()).isEqualTo("cymru:origin.asn.cymru.com");
    }

    @Test
    void slashSixteenAndSlashEightWildcards() throws Exception {
        NetworkEngine e = engine(NetworkSettings.DEFAULTS);
        NetworkReport b = e.lookup(ip("198.51.100.9"), true).get();
        assertThat(b.asns()).containsExactly(64497L);
        assertThat(b.prefix()).isEqualTo("198.51.0.0/16");
        assertThat(b.country()).isEqualTo("BR");
        assertThat(b.registry()).isEqualTo("lacnic");
        assertThat(b.asName()).isEqualTo("SAMBA-NET, BR");
        NetworkReport a = e.lookup(ip("10.1.2.3")).get();
        assertThat(a.asns()).containsExactly(64503L);
        assertThat(a.prefix()).isEqualTo("10.0.0.0/8");
        assertThat(a.registry()).isEqualTo("afrinic");
    }

    @Test
    void theMostSpecificOfSeveralRecordsWins() throws Exception {
        NetworkReport r = engine(NetworkSettings.DEFAULTS).lookup(ip("192.0.2.5"), true).get();
        assertThat(r.asns()).containsExactly(64499L);
        assertThat(r.prefix()).isEqualTo("192.0.2.0/28");
        assertThat(r.country()).isEqualTo("BR");
        assertThat(r.asName()).isEqualTo("SMALL-BR, BR");
    }

    @Test
    void severalOriginAsnsInOneAnswer() throws Exception {
        NetworkReport r = engine(NetworkSettings.DEFAULTS).lookup(ip("203.0.113.7"), true).get();
        assertThat(r.asns()).containsExactly(64501L, 64502L);
        assertThat(r.asn()).isEqualTo(64501L);
        assertThat(r.country()).isEqualTo("JP");
        assertThat(r.registry()).isEqualTo("apnic");
        assertThat(r.asName()).isEqualTo("FIRST-ORIGIN, JP");
        // a listed second origin counts
        NetworkRules rules = new NetworkRules(Map.of(64502L, 5.0), Map.of(), Map.of(), List.of());
        List<Finding> f = rules.findings(r);
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo("ASN");
            assertThat(x.score()).isEqualTo(5.0);
            assertThat(x.detail()).startsWith("AS64501 AS64502 203.0.113.0/24 country JP apnic: client-ip 203.0.113.7")
                    .endsWith("listed AS64502").contains("AS name FIRST-ORIGIN, JP");
        });
    }

    @Test
    void ipv6NibblesAndMappedIpv4() throws Exception {
        NetworkEngine e = engine(NetworkSettings.DEFAULTS);
        NetworkReport r = e.lookup(ip("2001:db8::1"), true).get();
        assertThat(r.asns()).containsExactly(64500L);
        assertThat(r.prefix()).isEqualTo("2001:db8::/32");
        assertThat(r.country()).isEqualTo("DE");
        assertThat(r.asName()).isEqualTo("DB8-NET Documentation Networks, DE");
        assertThat(r.source()).isEqualTo("cymru:origin6.asn.cymru.com");
        NetworkReport m = e.lookup(ip("::ffff:192.0.2.1")).get();
        assertThat(m.asns()).containsExactly(64496L);
        assertThat(m.prefix()).isEqualTo("192.0.2.0/24");
    }

    @Test
    void aLaterAddressInACachedPrefixAsksNoDns() throws Exception {
        NetworkEngine e = engine(NetworkSettings.DEFAULTS);
        NetworkReport first = e.lookup(ip("2001:db8:5::7"), true).get();
        long questions = dns.stats().queries();
        NetworkReport second = e.lookup(ip("2001:db8:ffff::1")).get();
        assertThat(dns.stats().queries()).isEqualTo(questions);
        assertThat(second.address()).isEqualTo(ip("2001:db8:ffff::1"));
        assertThat(second.asns()).isEqualTo(first.asns());
        assertThat(second.prefix()).isEqualTo("2001:db8::/32");
        assertThat(second.asName()).isEqualTo(first.asName());
        // IPv4: a /24 learnt from one address answers the whole /24, but not the /28 inside it
        e.lookup(ip("192.0.2.200")).get();
        questions = dns.stats().queries();
        assertThat(e.lookup(ip("192.0.2.201")).get().asns()).containsExactly(64496L);
        assertThat(dns.stats().queries()).isEqualTo(questions);
    }

    @Test
    void hostileOrGarbledAnswersAreUnknownNeverAnException() throws Exception {
        NetworkEngine e = engine(NetworkSettings.DEFAULTS);
        for (String a : new String[] {"100.66.0.1", "100.77.0.1", "100.77.0.2", "100.77.0.3", "100.77.0.5"}) {
            NetworkReport r = e.lookup(ip(a), true).get();
            assertThat(r.status()).as(a).isEqualTo(NetworkReport.Status.UNKNOWN);
            assertThat(r.reason()).as(a).startsWith("unexpected answer: ");
        }
        // a /0 was not cached: an unrelated address still asks
        assertThat(e.lookup(ip("198.51.1.1")).get().asns()).containsExactly(64497L);
    }

    @Test
    void hostileAsNameIsSanitisedAndOddCountryAndRegistryDropped() throws Exception {
        NetworkReport r = engine(NetworkSettings.DEFAULTS).lookup(ip("100.77.0.4"), true).get();
        assertThat(r.asns()).containsExactly(64505L);
        assertThat(r.country()).isEmpty();
        assertThat(r.registry()).isEmpty();
        assertThat(r.asName()).hasSizeLessThanOrEqualTo(CymruFormat.MAX_AS_NAME).startsWith("EVIL")
                .doesNotContain("\r", "\n", "\0").matches("[\\x20-\\x7e]*");
        // an AS record of another AS than the one asked is not believed
        assertThat(engine(NetworkSettings.DEFAULTS).lookup(ip("10.9.9.9"), true).get().asName()).isEmpty();
    }

    @Test
    void unannouncedAddressIsNotFound() throws Exception {
        NetworkReport r = engine(NetworkSettings.DEFAULTS).lookup(ip("127.0.0.1")).get();
        assertThat(r.status()).isEqualTo(NetworkReport.Status.NOT_FOUND);
        assertThat(new NetworkRules(Map.of(64496L, 9.0), Map.of("NL", 9.0), Map.of(), List.of()).findings(r)).isEmpty();
    }

    @Test
    void timeoutAndServfailAreUnknownAndNotCached() throws Exception {
        NetworkEngine e = engine(NetworkSettings.DEFAULTS);
        NetworkReport t = e.lookup(ip("100.77.0.9")).get(5, TimeUnit.SECONDS);
        assertThat(t.status()).isEqualTo(NetworkReport.Status.UNKNOWN);
        assertThat(t.reason()).startsWith("TIMEOUT");
        NetworkEngine dead = engine(NetworkSettings.builder().zones("origin.dead.test", "origin6.dead.test", "dead.test")
                .build());
        NetworkReport s = dead.lookup(ip("192.0.2.1")).get(5, TimeUnit.SECONDS);
        assertThat(s.status()).isEqualTo(NetworkReport.Status.UNKNOWN);
        assertThat(s.reason()).startsWith("SERVFAIL");
        assertThat(dead.cachedPrefixes()).isZero();
        NetworkRules rules = new NetworkRules(Map.of(64496L, 9.0), Map.of("NL", 9.0), Map.of(), List.of());
        assertThat(rules.findings(t)).isEmpty();
        assertThat(rules.findings(s)).isEmpty();
    }

    @Test
    void zonesAreConfigurableForAMirror() throws Exception {
        NetworkEngine e = engine(NetworkSettings.builder()
                .zones("origin.asn.mirror.test", "origin6.asn.mirror.test", "asn.mirror.test").build());
        NetworkReport r = e.lookup(ip("192.0.2.1"), true).get();
        assertThat(r.asns()).containsExactly(64496L);
        assertThat(r.source()).isEqualTo("cymru:origin.asn.mirror.test");
        assertThat(r.asName()).startsWith("EXAMPLE-HOSTER");
        assertThat(e.lookup(ip("2001:db8::2")).get().asns()).containsExactly(64500L);
    }

    @Test
    void policiesGiveFindingsNamingAsnPrefixNameAndCountry() throws Exception {
        NetworkRules rules = new NetworkRules(Map.of(64496L, 6.0, 64497L, -2.0), Map.of("NL", 3.0),
                Map.of("ripencc", 0.5), List.of(new NetworkRules.NamePattern("bp", "bulletproof", 4.0),
                        new NetworkRules.NamePattern("hoster", "hoster", 1.0)));
        NetworkEngine e = engine(NetworkSettings.builder().rules(rules).build());
        // AS-name patterns configured: the name is awaited by the plain lookup
        List<Finding> f = e.findings(e.lookup(ip("192.0.2.1")).get());
        assertThat(f).extracting(Finding::rule).containsExactly("ASN", "COUNTRY", "REGISTRY", "AS_NAME");
        assertThat(f).extracting(Finding::check).containsOnly("network");
        assertThat(f).extracting(Finding::score).containsExactly(6.0, 3.0, 0.5, 4.0);
        assertThat(f.get(0).detail()).isEqualTo("AS64496 192.0.2.0/24 country NL ripencc: client-ip 192.0.2.1, "
                + "AS name EXAMPLE-HOSTER Example Bulletproof Hosting, NL");
        assertThat(f.get(3).detail()).endsWith("; name matches bp");
        // a known-good network: a negative weight
        assertThat(e.findings(e.lookup(ip("198.51.100.1")).get())).singleElement()
                .satisfies(x -> assertThat(x.score()).isEqualTo(-2.0));
        // connect-time call
        assertThat(e.clientFindings(ip("192.0.2.9")).get()).hasSize(4);
        assertThat(e.clientFindings(ip("100.77.0.9")).get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(e.clientFindings(null).get()).isEmpty();
        assertThat(engine(NetworkSettings.DEFAULTS).clientFindings(ip("192.0.2.1")).isDone()).isTrue();
    }

    @Test
    void withoutNamePatternsTheNameIsFetchedInTheBackground() throws Exception {
        NetworkRules rules = new NetworkRules(Map.of(64500L, 6.0), Map.of(), Map.of(), List.of());
        NetworkEngine e = engine(NetworkSettings.builder().rules(rules).build());
        NetworkReport first = e.lookup(ip("2001:db8::9")).get();
        assertThat(first.asns()).containsExactly(64500L);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        NetworkReport later = first;
        while (later.asName().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            later = e.lookup(ip("2001:db8::10")).get();
        }
        assertThat(later.asName()).isEqualTo("DB8-NET Documentation Networks, DE");
    }

    @Test
    void selfTestPassesOnAHealthyZone() throws Exception {
        NetworkEngine e = engine(NetworkSettings.DEFAULTS);
        e.selfTestOnce().get();
        assertThat(e.suspendedZones()).isEmpty();
        assertThat(events).noneMatch(s -> s.startsWith("suspended"));
    }

    @Test
    void selfTestSuspendsAZoneWithoutTheKnownAddressAndResumesIt() throws Exception {
        NetworkEngine e = engine(NetworkSettings.builder().zones("origin.empty.test", "origin6.asn.cymru.com",
                "asn.cymru.com").build());
        e.selfTestOnce().get();
        assertThat(e.suspendedZones()).containsOnlyKeys("origin.empty.test");
        assertThat(e.suspendedZones().get("origin.empty.test")).contains("8.8.8.8");
        assertThat(events).anyMatch(s -> s.startsWith("suspended origin.empty.test"));
        NetworkReport r = e.lookup(ip("192.0.2.1")).get();
        assertThat(r.status()).isEqualTo(NetworkReport.Status.UNKNOWN);
        assertThat(r.reason()).startsWith("source suspended");
        // IPv6 unaffected
        assertThat(e.lookup(ip("2001:db8::1")).get().found()).isTrue();
    }

    @Test
    void selfTestSuspendsAZoneAnsweringGarbageButNotOneThatTimesOut() throws Exception {
        InetAddress v6 = ip("2001:4860:4860::8888");
        NetworkEngine garbled = engine(NetworkSettings.builder().selfTestAddresses(ip("100.66.0.1"), v6).build());
        garbled.selfTestOnce().get();
        assertThat(garbled.suspendedZones()).containsOnlyKeys("origin.asn.cymru.com");
        assertThat(garbled.suspendedZones().get("origin.asn.cymru.com")).contains("unexpected format");
        NetworkEngine dead = engine(NetworkSettings.builder().zones("origin.dead.test", "origin6.dead.test",
                "dead.test").build());
        dead.selfTestOnce().get();
        assertThat(dead.suspendedZones()).isEmpty();
        assertThat(events).anyMatch(s -> s.startsWith("inconclusive origin.dead.test"));
        // the AS zone is tested with the AS of the known address
        NetworkEngine badAsn = engine(NetworkSettings.builder().zones("origin.asn.cymru.com", "origin6.asn.cymru.com",
                "empty.test").build());
        badAsn.selfTestOnce().get();
        assertThat(badAsn.suspendedZones()).containsOnlyKeys("empty.test");
    }
}
