package io.portcullis.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.testing.DroppingUdpProxy;
import io.portcullis.testing.KnotServer;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DNSBL checks against a real Knot server on a loopback high port. */
class DnsblKnotTest {
    @TempDir
    static Path tmp;
    static KnotServer knot;
    static DroppingUdpProxy proxy;
    static DnsjavaClient dns;

    @BeforeAll
    static void startKnot() throws Exception {
        knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath("bl.test", "name.test", "all.test",
                "errors.test", "timeout.test", "servfail.test"));
        proxy = new DroppingUdpProxy(knot.address(), "timeout.test");
        dns = new DnsjavaClient(DnsSettings.builder().servers(List.of(proxy.address()))
                .queryTimeout(Duration.ofMillis(400)).build());
    }

    @AfterAll
    static void stop() {
        dns.close();
        proxy.close();
        knot.close();
    }

    private static ListResult one(ListSpec list, Identity identity, String target) throws Exception {
        DnsblTargets.Builder b = DnsblTargets.builder();
        if (identity.kind() == ListKind.IP) {
            b.address(identity, InetAddress.getByName(target));
        } else {
            b.name(identity, target);
        }
        List<ListResult> r = new DnsblChecker(dns, List.of(list), null).check(b.build()).get();
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    @Test
    void listedAddressCarriesCodeWeightAndSanitisedReason() throws Exception {
        ListResult r = one(ListSpec.parse("bl.test=127.0.0.[2..11]*3"), Identity.CLIENT_IP, "127.0.0.2");
        assertThat(r.status()).isEqualTo(ListStatus.LISTED);
        assertThat(r.codes()).containsExactly("127.0.0.2");
        assertThat(r.weight()).isEqualTo(3.0);
        assertThat(r.reason()).startsWith("Listed: 127.0.0.2 is a test entry");
        List<Finding> f = DnsblChecker.findings(List.of(r));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.check()).isEqualTo("dnsbl");
            assertThat(x.rule()).isEqualTo("bl.test");
            assertThat(x.score()).isEqualTo(3.0);
            assertThat(x.detail()).contains("client-ip 127.0.0.2 listed in bl.test [127.0.0.2]");
            assertThat(x.zone()).as("the zone travels with the finding, for the reports").isEqualTo("bl.test");
        });
    }

    @Test
    void cleanAddressIsClean() throws Exception {
        ListResult r = one(ListSpec.parse("bl.test"), Identity.CLIENT_IP, "127.0.0.1");
        assertThat(r.status()).isEqualTo(ListStatus.CLEAN);
        assertThat(r.weight()).isZero();
    }

    @Test
    void perCodeWeightsTakeTheHighestMatchedCode() throws Exception {
        ListSpec zen = ListSpec.parse("bl.test=127.0.0.[2..11]").withCodes(Map.of(
                "127.0.0.2", new CodeInfo("SBL", 4), "127.0.0.4", new CodeInfo("XBL", 3.5),
                "127.0.0.10", new CodeInfo("PBL", 1.5)));
        ListResult r = one(zen, Identity.CLIENT_IP, "127.0.0.4");
        assertThat(r.status()).isEqualTo(ListStatus.LISTED);
        assertThat(r.codes()).containsExactlyInAnyOrder("127.0.0.4", "127.0.0.10");
        assertThat(r.weight()).isEqualTo(3.5);
        assertThat(r.label()).contains("XBL").contains("PBL");
    }

    @Test
    void filterSelectsCodes() throws Exception {
        ListResult r = one(ListSpec.parse("bl.test=127.0.0.[10..11]"), Identity.CLIENT_IP, "127.0.0.2");
        assertThat(r.status()).isEqualTo(ListStatus.CLEAN);
        assertThat(r.reason()).contains("not selected by filter");
    }

    @Test
    void errorCodesAreBlockedNeverListedEvenWithAWideFilter() throws Exception {
        ListResult r = one(ListSpec.parse("bl.test=127.[0..255].[0..255].[0..255]*5"), Identity.CLIENT_IP, "127.0.0.5");
        assertThat(r.status()).isEqualTo(ListStatus.BLOCKED);
        assertThat(r.weight()).isZero();
        assertThat(r.reason()).contains("127.255.255.254").contains("public");
        assertThat(DnsblChecker.findings(List.of(r))).isEmpty();

        ListResult outside = one(ListSpec.parse("bl.test"), Identity.CLIENT_IP, "127.0.0.6");
        assertThat(outside.status()).isEqualTo(ListStatus.BLOCKED);
        assertThat(outside.reason()).contains("outside 127.0.0.0/8");
    }

    @Test
    void ipv6UsesReversedNibbles() throws Exception {
        assertThat(one(ListSpec.parse("bl.test"), Identity.CLIENT_IP, "2001:db8::2").status()).isEqualTo(ListStatus.LISTED);
        assertThat(one(ListSpec.parse("bl.test"), Identity.CLIENT_IP, "2001:db8::1").status()).isEqualTo(ListStatus.CLEAN);
    }

    @Test
    void nameListsQueryTheRegisteredDomain() throws Exception {
        ListSpec dbl = ListSpec.parse("name:name.test=127.0.1.[2..99]*4");
        ListResult r = one(dbl, Identity.MAIL_FROM, "bounce.mail.spamdomain.example");
        assertThat(r.status()).isEqualTo(ListStatus.LISTED);
        assertThat(r.target()).isEqualTo("spamdomain.example");
        assertThat(r.weight()).isEqualTo(4.0);
        assertThat(r.reason()).isEqualTo("spamdomain.example is a spam domain");
        assertThat(one(dbl, Identity.HELO, "mx.good.example").status()).isEqualTo(ListStatus.CLEAN);
        assertThat(one(dbl, Identity.HELO, "ipquery.example").status()).isEqualTo(ListStatus.CLEAN);
    }

    @Test
    void nameListsSkipAddressLiteralsAndSingleLabels() throws Exception {
        DnsblTargets t = DnsblTargets.builder().name(Identity.HELO, "[127.0.0.2]").name(Identity.RDNS, "localhost")
                .build();
        assertThat(new DnsblChecker(dns, List.of(ListSpec.parse("name:name.test")), null).check(t).get()).isEmpty();
    }

    @Test
    void servfailIsUnknown() throws Exception {
        ListResult r = one(ListSpec.parse("servfail.test"), Identity.CLIENT_IP, "127.0.0.2");
        assertThat(r.status()).isEqualTo(ListStatus.UNKNOWN);
        assertThat(r.reason()).contains("SERVFAIL");
    }

    @Test
    void timeoutIsUnknownAndDoesNotDelayOtherLists() throws Exception {
        int droppedBefore = proxy.questionsDropped();
        long start = System.nanoTime();
        List<ListResult> r = new DnsblChecker(dns, List.of(ListSpec.parse("timeout.test"), ListSpec.parse("bl.test")), null)
                .check(DnsblTargets.builder().address(Identity.CLIENT_IP, InetAddress.getByName("127.0.0.2")).build())
                .get();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.get(0).status()).isEqualTo(ListStatus.UNKNOWN);
        assertThat(r.get(0).reason()).contains("TIMEOUT");
        assertThat(r.get(1).status()).isEqualTo(ListStatus.LISTED);
        assertThat(proxy.questionsDropped()).as("questions this test sent to the zone that never answers")
                .isGreaterThan(droppedBefore);
        // bounded by the query timeout (400 ms) plus scheduling slack, not by a resolver default of seconds
        assertThat(ms).isLessThan(2_500);
    }

    @Test
    void hostileTxtReasonIsSanitisedAndBounded() throws Exception {
        ListResult r = one(ListSpec.parse("bl.test"), Identity.CLIENT_IP, "127.0.0.3");
        assertThat(r.status()).isEqualTo(ListStatus.LISTED);
        assertThat(r.reason()).doesNotContain("\r").doesNotContain("\n").doesNotContain("\u0000");
        assertThat(r.reason().chars()).allMatch(c -> c >= 0x20 && c <= 0x7e);
        assertThat(r.reason().length()).isLessThanOrEqualTo(DnsblChecker.MAX_REASON);
        assertThat(r.reason()).startsWith("evil X-Injected: yes");
    }

    @Test
    void selfTestSuspendsListsThatAnswerEverythingOrWithErrors() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<ListSpec> lists = List.of(ListSpec.parse("bl.test"), ListSpec.parse("all.test"),
                ListSpec.parse("errors.test"), ListSpec.parse("name:name.test"), ListSpec.parse("timeout.test"));
        ListHealth health = new ListHealth(dns, lists, new ListHealth.Listener() {
            @Override
            public void suspended(ListSpec list, String why) {
                events.add("suspended " + list.id() + ": " + why);
            }

            @Override
            public void resumed(ListSpec list) {
                events.add("resumed " + list.id());
            }
        });
        health.runSelfTest().get();
        assertThat(health.suspendedLists()).containsOnlyKeys("all.test", "errors.test");
        assertThat(health.suspendedLists().get("all.test")).contains("answers everything");
        assertThat(health.suspendedLists().get("errors.test")).contains("error code");
        assertThat(events).hasSize(2);

        // A suspended list is not queried: its result is unknown, whatever it would answer.
        List<ListResult> r = new DnsblChecker(dns, lists, health)
                .check(DnsblTargets.builder().address(Identity.CLIENT_IP, InetAddress.getByName("127.0.0.9")).build()).get();
        ListResult all = r.stream().filter(x -> x.list().id().equals("all.test")).findFirst().orElseThrow();
        assertThat(all.status()).isEqualTo(ListStatus.UNKNOWN);
        assertThat(all.reason()).contains("suspended");
        assertThat(DnsblChecker.findings(r)).isEmpty();
    }

    @Test
    void answersAreCachedIncludingNegativeOnes() throws Exception {
        DnsClient fresh = new DnsjavaClient(DnsSettings.builder().servers(List.of(knot.address()))
                .queryTimeout(Duration.ofMillis(400)).build());
        DnsblChecker checker = new DnsblChecker(fresh, List.of(ListSpec.parse("bl.test")), null);
        List<DnsblTargets> targets = new ArrayList<>();
        targets.add(DnsblTargets.builder().address(Identity.CLIENT_IP, InetAddress.getByName("127.0.0.2")).build());
        targets.add(DnsblTargets.builder().address(Identity.CLIENT_IP, InetAddress.getByName("127.0.0.1")).build());
        for (DnsblTargets t : targets) {
            checker.check(t).get();
        }
        long queries = fresh.stats().queries();
        assertThat(queries).isEqualTo(3); // A for both, TXT for the listed one
        for (DnsblTargets t : targets) {
            checker.check(t).get();
        }
        assertThat(fresh.stats().queries()).isEqualTo(queries);
        assertThat(fresh.stats().cacheHits()).isGreaterThanOrEqualTo(3);
        ((DnsjavaClient) fresh).close();
    }

    @Test
    void aListIsAskedOnlyAboutItsIdentities() throws Exception {
        ListSpec heloOnly = ListSpec.parse("name:name.test").withIdentities(java.util.Set.of(Identity.HELO));
        List<ListResult> r = new DnsblChecker(dns, List.of(heloOnly), null).check(DnsblTargets.builder()
                .name(Identity.HELO, "mx.good.example").name(Identity.MAIL_FROM, "spamdomain.example").build()).get();
        assertThat(r).extracting(ListResult::identity).containsExactly(Identity.HELO);
        assertThat(r.get(0).status()).isEqualTo(ListStatus.CLEAN);
    }

    @Test
    void observerSeesQuestionsAnswersFailuresAndCacheHits() throws Exception {
        java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> seen = new java.util.concurrent.ConcurrentHashMap<>();
        List<Long> latencies = new CopyOnWriteArrayList<>();
        java.util.function.Consumer<String> count = k -> seen.computeIfAbsent(k,
                x -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        io.portcullis.dns.DnsEvents events = new io.portcullis.dns.DnsEvents() {
            @Override
            public Question sent(io.portcullis.dns.DnsType type) {
                count.accept("sent");
                return (status, response, nanos) -> {
                    count.accept(status + (response ? "/response" : "/none"));
                    if (response) {
                        latencies.add(nanos);
                    }
                };
            }

            @Override
            public void cacheHit() {
                count.accept("cacheHit");
            }

            @Override
            public void refused() {
                count.accept("refused");
            }
        };
        try (DnsjavaClient c = new DnsjavaClient(DnsSettings.builder().servers(List.of(proxy.address()))
                .queryTimeout(Duration.ofMillis(300)).build()).events(events)) {
            assertThat(c.lookup("2.0.0.127.bl.test", io.portcullis.dns.DnsType.A).get().status())
                    .isEqualTo(io.portcullis.dns.DnsAnswer.Status.ANSWER);
            c.lookup("2.0.0.127.bl.test", io.portcullis.dns.DnsType.A).get();
            assertThat(c.lookup("2.0.0.127.servfail.test", io.portcullis.dns.DnsType.A).get().status())
                    .isEqualTo(io.portcullis.dns.DnsAnswer.Status.SERVFAIL);
            assertThat(c.lookup("2.0.0.127.timeout.test", io.portcullis.dns.DnsType.A).get().status())
                    .isEqualTo(io.portcullis.dns.DnsAnswer.Status.TIMEOUT);
            c.lookup("bad..name", io.portcullis.dns.DnsType.A).get();
            assertThat(c.inFlight()).isZero();
        }
        assertThat(seen).containsOnlyKeys("sent", "ANSWER/response", "SERVFAIL/response", "TIMEOUT/none",
                "cacheHit", "refused");
        assertThat(seen.get("sent")).hasValue(3);
        assertThat(seen.get("ANSWER/response")).hasValue(1);
        assertThat(seen.get("cacheHit")).hasValue(1);
        assertThat(latencies).hasSize(2).allSatisfy(n -> assertThat(n).isPositive().isLessThan(300_000_000L));
    }

    @Test
    void aFailingObserverDoesNotBreakLookups() throws Exception {
        io.portcullis.dns.DnsEvents broken = new io.portcullis.dns.DnsEvents() {
            @Override
            public Question sent(io.portcullis.dns.DnsType type) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void cacheHit() {
                throw new IllegalStateException("observer bug");
            }
        };
        try (DnsjavaClient c = new DnsjavaClient(DnsSettings.builder().servers(List.of(proxy.address()))
                .queryTimeout(Duration.ofMillis(300)).build()).events(broken)) {
            assertThat(c.lookup("2.0.0.127.bl.test", io.portcullis.dns.DnsType.A).get().status())
                    .isEqualTo(io.portcullis.dns.DnsAnswer.Status.ANSWER);
            assertThat(c.lookup("2.0.0.127.bl.test", io.portcullis.dns.DnsType.A).get().status())
                    .isEqualTo(io.portcullis.dns.DnsAnswer.Status.ANSWER);
        }
    }
}
