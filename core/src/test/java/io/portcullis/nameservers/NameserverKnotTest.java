package io.portcullis.nameservers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListHealth;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.testing.DroppingUdpProxy;
import io.portcullis.testing.KnotServer;
import io.portcullis.verdict.Finding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution and the local-list and DNS-list sources against a real Knot server. */
class NameserverKnotTest {
    static final String[] ZONES = {"test", "spamhost.test", "bulkdns.test", "shadyns.test", "goodns.test",
        "cidrhost.test", "lamens.test", "nsname.test", "nsip.test", "alpha.test", "beta.test", "gamma.test",
        "delta.test", "epsilon.test", "clean.test", "spamdomain.test", "lame.test", "hostile.test", "halfslow.test",
        "slow.test", "servfail.test"};
    static final String LOCAL_LIST = "# test list\nns1.spamhost.test   # the spam operation's NS\n"
            + "203.0.113.64/26\n198.51.100.250\nnot a valid!entry\n";

    @TempDir
    static Path tmp;
    static KnotServer knot;
    static DroppingUdpProxy proxy;
    static DnsjavaClient client;
    static DnsClient dns;
    static NameserverChecker checker;

    @BeforeAll
    static void start() throws Exception {
        knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath(ZONES));
        proxy = new DroppingUdpProxy(knot.address(), "slow.test");
        client = new DnsjavaClient(DnsSettings.builder().servers(List.of(proxy.address()))
                .queryTimeout(Duration.ofMillis(400)).build());
        dns = client;
        NameserverSettings settings = NameserverSettings.builder()
                .lists(List.of(ListSpec.parse("ns-name:nsname.test*2"), ListSpec.parse("ns-ip:nsip.test=127.0.0.2*3")))
                .build();
        checker = new NameserverChecker(dns, settings, LocalNsList.of(LOCAL_LIST), null, null);
    }

    @AfterAll
    static void stop() {
        client.close();
        proxy.close();
        knot.close();
    }

    static NameserverReport check(NsTargets t) throws Exception {
        return checker.check(t).get();
    }

    static NameserverReport mailFrom(String domain) throws Exception {
        return check(NsTargets.builder().mailFrom(domain).build());
    }

    static NsResult host(NameserverReport r, String host) {
        return r.results().stream().filter(x -> x.host().equals(host)).findFirst()
                .orElseThrow(() -> new AssertionError(host + " not in " + r));
    }

    @Test
    void domainsSharingAListedNsHostAreBothFlaggedByTheLocalList() throws Exception {
        for (String d : List.of("alpha.test", "beta.test")) {
            NameserverReport r = check(NsTargets.builder().mailFrom("bounce@" + d).fromHeader(d).build());
            assertThat(r.status()).isEqualTo(NsStatus.LISTED);
            NsResult ns1 = host(r, "ns1.spamhost.test");
            assertThat(ns1.status()).isEqualTo(NsStatus.LISTED);
            assertThat(ns1.addresses()).containsExactly("192.0.2.53");
            assertThat(ns1.sources()).containsExactly("local-list");
            assertThat(ns1.identities()).containsExactly(Identity.MAIL_FROM, Identity.FROM_HEADER);
            List<Finding> f = r.findings();
            assertThat(f).singleElement().satisfies(x -> {
                assertThat(x.check()).isEqualTo("nameservers");
                assertThat(x.rule()).isEqualTo("local-list");
                assertThat(x.score()).isEqualTo(4.0);
                assertThat(x.detail()).isEqualTo("mail-from,from-header " + d + ": NS ns1.spamhost.test in local list");
            });
        }
        NameserverReport alpha = mailFrom("alpha.test");
        assertThat(host(alpha, "ns1.goodns.test").status()).isEqualTo(NsStatus.CLEAN);
    }

    @Test
    void nsAddressInALocalListNetwork() throws Exception {
        NameserverReport r = mailFrom("delta.test");
        assertThat(r.findings()).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo("local-list");
            assertThat(x.detail()).contains("ns.cidrhost.test address 203.0.113.77 in local list (entry 203.0.113.64/26)");
        });
    }

    @Test
    void listedNsAddressInAnIpListAndTheHostInANameList() throws Exception {
        NameserverReport r = mailFrom("gamma.test");
        NsResult ns1 = host(r, "ns1.bulkdns.test");
        assertThat(ns1.status()).isEqualTo(NsStatus.LISTED);
        assertThat(ns1.addresses()).containsExactly("198.51.100.7", "2001:db8:51::7");
        assertThat(ns1.sources()).containsExactly("ns-name:nsname.test", "ns-ip:nsip.test");
        assertThat(host(r, "ns2.bulkdns.test").status()).isEqualTo(NsStatus.CLEAN);
        Map<String, Finding> byRule = r.findings().stream().collect(Collectors.toMap(Finding::rule, x -> x));
        assertThat(byRule.get("ns-ip:nsip.test").score()).isEqualTo(3.0);
        assertThat(byRule.get("ns-ip:nsip.test").detail()).isEqualTo("mail-from gamma.test: NS ns1.bulkdns.test address "
                + "198.51.100.7 listed in nsip.test [127.0.0.2]: SBL: bulk DNS hosting for spammers");
        assertThat(byRule.get("ns-name:nsname.test").score()).isEqualTo(2.0);
    }

    @Test
    void nsDomainInANameListWithItsReasonSanitised() throws Exception {
        NameserverReport r = mailFrom("epsilon.test");
        NsResult ns1 = host(r, "ns1.shadyns.test");
        assertThat(ns1.status()).isEqualTo(NsStatus.LISTED);
        assertThat(ns1.hits()).singleElement().satisfies(h -> {
            assertThat(h.source()).isEqualTo("ns-name:nsname.test");
            assertThat(h.target()).isEqualTo("shadyns.test");
        });
        Finding f = r.findings().get(0);
        assertThat(f.detail()).startsWith("mail-from epsilon.test: NS ns1.shadyns.test domain shadyns.test listed in "
                + "nsname.test [127.0.1.2]: shady nameservers");
        assertThat(f.detail()).doesNotContain("\r").doesNotContain("\n").doesNotContain("\u000b");
    }

    @Test
    void walksUpToTheRegisteredDomain() throws Exception {
        NsDelegation d = checker.resolver().delegation(Identity.HELO, "mail.sub.spamdomain.test").get();
        assertThat(d.status()).isEqualTo(NsDelegation.Status.FOUND);
        assertThat(d.zone()).isEqualTo("spamdomain.test");
        assertThat(d.hosts()).containsExactly("ns1.spamhost.test");
        NameserverReport r = check(NsTargets.builder().helo("MAIL.Sub.SpamDomain.test.").build());
        assertThat(r.findings()).singleElement().satisfies(x ->
                assertThat(x.detail()).startsWith("helo mail.sub.spamdomain.test: NS ns1.spamhost.test"));
    }

    @Test
    void neverWalksAboveTheRegisteredDomain() throws Exception {
        // ghost.test does not exist; its parent "test" has NS records but is not consulted.
        NsDelegation d = checker.resolver().delegation(Identity.MAIL_FROM, "www.ghost.test").get();
        assertThat(d.status()).isEqualTo(NsDelegation.Status.NONE);
        assertThat(d.reason()).isEqualTo("no NS records up to ghost.test");
        NameserverReport r = mailFrom("www.ghost.test");
        assertThat(r.results()).isEmpty();
        assertThat(r.status()).isEqualTo(NsStatus.UNKNOWN);
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void cleanDomainIsClean() throws Exception {
        NameserverReport r = check(NsTargets.builder().mailFrom("clean.test").helo("mail.clean.test")
                .rdns("mail.clean.test", true).build());
        assertThat(r.status()).isEqualTo(NsStatus.CLEAN);
        assertThat(r.results()).extracting(NsResult::host).containsExactly("ns1.goodns.test", "ns2.goodns.test");
        assertThat(host(r, "ns2.goodns.test").addresses()).containsExactly("203.0.113.2", "2001:db8:113::2");
        assertThat(host(r, "ns1.goodns.test").identities()).containsExactly(Identity.MAIL_FROM, Identity.HELO, Identity.RDNS);
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void rdnsIsIgnoredUnlessForwardConfirmed() throws Exception {
        NameserverReport r = check(NsTargets.builder().rdns("alpha.test", false).build());
        assertThat(r.view().delegations()).isEmpty();
        assertThat(r.findings()).isEmpty();
        assertThat(r.status()).isEqualTo(NsStatus.CLEAN);
    }

    @Test
    void lameNameserversAreUnknownNeverAHit() throws Exception {
        NameserverReport r = mailFrom("lame.test");
        assertThat(r.results()).hasSize(2).allSatisfy(x -> {
            assertThat(x.status()).isEqualTo(NsStatus.UNKNOWN);
            assertThat(x.nsHost().addressStatus()).isEqualTo(NsHost.AddressStatus.NONE);
            assertThat(x.unknowns().get(0)).contains("lame");
        });
        assertThat(r.status()).isEqualTo(NsStatus.UNKNOWN);
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void timeoutsAreUnknownNeverAHit() throws Exception {
        int droppedBefore = proxy.questionsDropped();
        long t0 = System.nanoTime();
        NameserverReport walk = check(NsTargets.builder().mailFrom("x.slow.test").fromHeader("halfslow.test").build());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(walk.view().delegation(Identity.MAIL_FROM).status()).isEqualTo(NsDelegation.Status.UNKNOWN);
        assertThat(walk.view().delegation(Identity.MAIL_FROM).reason()).contains("TIMEOUT");
        assertThat(walk.view().delegation(Identity.FROM_HEADER).status()).isEqualTo(NsDelegation.Status.FOUND);
        NsResult ns = host(walk, "ns1.slow.test");
        assertThat(ns.status()).isEqualTo(NsStatus.UNKNOWN);
        assertThat(ns.nsHost().addressStatus()).isEqualTo(NsHost.AddressStatus.UNKNOWN);
        assertThat(walk.status()).isEqualTo(NsStatus.UNKNOWN);
        assertThat(walk.findings()).isEmpty();
        assertThat(ms).as("questions run in parallel, each bounded by the DNS timeout (asked once)").isLessThan(3000);
        assertThat(proxy.questionsDropped()).as("questions this test sent to the zone that never answers")
                .isGreaterThan(droppedBefore);
    }

    @Test
    void servfailIsUnknown() throws Exception {
        NsDelegation d = checker.resolver().delegation(Identity.MAIL_FROM, "servfail.test").get();
        assertThat(d.status()).isEqualTo(NsDelegation.Status.UNKNOWN);
        assertThat(d.reason()).contains("SERVFAIL");
    }

    @Test
    void hostileNsTargetsAreDropped() throws Exception {
        NsDelegation d = checker.resolver().delegation(Identity.MAIL_FROM, "hostile.test").get();
        assertThat(d.status()).isEqualTo(NsDelegation.Status.FOUND);
        assertThat(d.hosts()).containsExactly("ns1.goodns.test");
    }

    @Test
    void badInputNeverThrows() throws Exception {
        NsTargets t = NsTargets.builder().mailFrom("[192.0.2.1]").fromHeader("\"evil\r\n\"@alpha.test>")
                .helo("localhost").rdns("co.uk", true).build();
        assertThat(t.names()).containsOnlyKeys(Identity.FROM_HEADER, Identity.RDNS);
        NameserverReport r = check(t);
        assertThat(r.view().delegation(Identity.RDNS).reason()).contains("no registered domain");
        assertThat(r.findings()).extracting(Finding::rule).containsExactly("local-list");
        assertThat(checker.resolver().delegation(Identity.HELO, "bad..name").get().status())
                .isEqualTo(NsDelegation.Status.NONE);
        assertThat(checker.resolver().delegation(Identity.HELO, null).get().status()).isEqualTo(NsDelegation.Status.NONE);
    }

    @Test
    void capsBoundHostsAndAddressesRoundRobin() throws Exception {
        NameserverChecker small = new NameserverChecker(dns, NameserverSettings.builder().maxNames(2).maxHosts(3)
                .maxAddresses(3).build(), null, null, null);
        NameserverReport r = small.check(NsTargets.builder().mailFrom("gamma.test").fromHeader("clean.test")
                .helo("alpha.test").build()).get();
        assertThat(r.view().delegations()).extracting(NsDelegation::name).containsExactly("gamma.test", "clean.test");
        // round robin: first NS of each identity, then the second of the first
        assertThat(r.view().hosts()).extracting(NsHost::name)
                .containsExactly("ns1.bulkdns.test", "ns1.goodns.test", "ns2.bulkdns.test");
        assertThat(r.view().hosts()).extracting(h -> h.addresses().size()).containsExactly(1, 1, 1);
        assertThat(r.view().truncated()).isTrue();
    }

    @Test
    void suspendedListsGiveUnknown() throws Exception {
        ListSpec dead = ListSpec.parse("ns-ip:nsname.test"); // a name list queried as an IP list fails its self-test
        List<String> suspended = new CopyOnWriteArrayList<>();
        ListHealth health = new ListHealth(dns, List.of(dead), new ListHealth.Listener() {
            @Override
            public void suspended(ListSpec list, String why) {
                suspended.add(list.id());
            }

            @Override
            public void resumed(ListSpec list) {
            }
        });
        health.runSelfTest().get();
        assertThat(suspended).containsExactly("nsname.test");
        NameserverChecker c = new NameserverChecker(dns, NameserverSettings.builder().lists(List.of(dead)).build(), null,
                null, health);
        NameserverReport r = c.check(NsTargets.builder().mailFrom("clean.test").build()).get();
        assertThat(r.results()).allSatisfy(x -> {
            assertThat(x.status()).isEqualTo(NsStatus.UNKNOWN);
            assertThat(String.join(" ", x.unknowns())).contains("list suspended");
        });
    }
}
