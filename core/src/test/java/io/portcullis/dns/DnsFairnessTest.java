package io.portcullis.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.dnsbl.ListStatus;
import io.portcullis.nameservers.NameserverResolver;
import io.portcullis.nameservers.NameserverSettings;
import io.portcullis.nameservers.NameserverView;
import io.portcullis.nameservers.NsTargets;
import io.portcullis.testing.ScriptedDnsResponder;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fairness of the in-flight cap against a scripted resolver that never answers the names of an "attacker": the
 * attacker's network gets its share and no more, list questions keep their reserve, joined questions are free, and
 * a refusal for capacity is told apart ({@link DnsAnswer.Status#OVER_CAP}, {@link ListResult#overCap()}).
 */
class DnsFairnessTest {
    private static final String REAL = "127.0.0.2";
    private static final DnsRequester ATTACKER = DnsRequester.client(addr("192.0.2.10"));
    private static final DnsRequester ATTACKER_NEIGHBOUR = DnsRequester.client(addr("192.0.2.200"));
    private static final DnsRequester VICTIM = DnsRequester.client(addr("198.51.100.7"));

    private ScriptedDnsResponder dns;
    private DnsjavaClient client;

    @BeforeEach
    void start() throws Exception {
        // names under hang.test are never answered; everything else answers 127.0.0.2
        dns = new ScriptedDnsResponder(q -> {
            if (!q.name().toString().toLowerCase(Locale.ROOT).endsWith("hang.test.")) {
                q.send(q.replyA(REAL));
            }
        });
        // cap 8; per client 2; 25 % kept for lists: non-list questions may use 6
        client = new DnsjavaClient(DnsSettings.builder().servers(List.of(dns.address()))
                .queryTimeout(Duration.ofSeconds(10)).maxInFlight(8).maxInFlightPerClient(2).reservedForLists(25)
                .cacheSize(0).build());
    }

    @AfterEach
    void stop() {
        client.close();
        dns.close();
    }

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    @Test
    void anAttackerGetsItsShareAndAnotherClientsListQuestionIsStillAnswered() throws Exception {
        CompletableFuture<DnsAnswer> h1 = client.lookup("1.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST);
        CompletableFuture<DnsAnswer> h2 = client.lookup("2.hang.test", DnsType.PTR, ATTACKER, DnsPurpose.OTHER);
        // the same /24 shares the share
        DnsAnswer third = client.lookup("3.hang.test", DnsType.A, ATTACKER_NEIGHBOUR, DnsPurpose.LIST).get();
        assertThat(third.status()).isEqualTo(DnsAnswer.Status.OVER_CAP);
        assertThat(third.status().isDefinite()).isFalse();
        assertThat(third.error()).contains("192.0.2.0/24").contains("dns.max-in-flight-per-client");
        assertThat(client.inFlight(ATTACKER)).isEqualTo(2);

        DnsAnswer victim = client.lookup("2.0.0.127.bl.test", DnsType.A, VICTIM, DnsPurpose.LIST)
                .get(5, TimeUnit.SECONDS);
        assertThat(victim.status()).isEqualTo(DnsAnswer.Status.ANSWER);
        assertThat(victim.values()).containsExactly(REAL);
        assertThat(client.stats().overCap()).isEqualTo(1);
        assertThat(h1).isNotDone();
        assertThat(h2).isNotDone();
    }

    @Test
    void manyAttackerNetworksCannotTakeTheListReserveWithOtherQuestions() throws Exception {
        List<CompletableFuture<DnsAnswer>> hanging = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            DnsRequester net = DnsRequester.client(addr("203.0." + i + ".1"));
            hanging.add(client.lookup(i + ".hang.test", DnsType.PTR, net, DnsPurpose.OTHER));
        }
        assertThat(hanging).noneMatch(CompletableFuture::isDone);
        // a seventh non-list question, even from the system, is over the non-list part of the cap
        DnsAnswer other = client.lookup("7.hang.test", DnsType.NS, DnsRequester.SYSTEM, DnsPurpose.OTHER).get();
        assertThat(other.status()).isEqualTo(DnsAnswer.Status.OVER_CAP);
        assertThat(other.error()).contains("kept for DNS lists");
        // the two list places are still free
        for (int i = 0; i < 2; i++) {
            DnsRequester net = DnsRequester.client(addr("198.51." + i + ".9"));
            DnsAnswer listed = client.lookup(i + ".list.test", DnsType.A, net, DnsPurpose.LIST).get(5, TimeUnit.SECONDS);
            assertThat(listed.values()).containsExactly(REAL);
        }
        // and once lists fill them, the overall cap holds
        client.lookup("a.hang.test", DnsType.A, DnsRequester.SYSTEM, DnsPurpose.LIST);
        client.lookup("b.hang.test", DnsType.A, DnsRequester.SYSTEM, DnsPurpose.LIST);
        DnsAnswer full = client.lookup("c.hang.test", DnsType.A, VICTIM, DnsPurpose.LIST).get();
        assertThat(full.status()).isEqualTo(DnsAnswer.Status.OVER_CAP);
        assertThat(full.error()).contains("dns.max-in-flight = 8");
        assertThat(client.inFlight()).isEqualTo(8);
    }

    @Test
    void joinedQuestionsAndCacheHitsCostNothing() throws Exception {
        CompletableFuture<DnsAnswer> first = client.lookup("same.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST);
        CompletableFuture<DnsAnswer> again = client.lookup("SAME.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST);
        CompletableFuture<DnsAnswer> other = client.lookup("same.hang.test", DnsType.A, VICTIM, DnsPurpose.LIST);
        assertThat(again).isSameAs(first);
        assertThat(other).isSameAs(first);
        assertThat(client.inFlight(ATTACKER)).isEqualTo(1);
        assertThat(client.inFlight(VICTIM)).isZero();
        assertThat(client.inFlight()).isEqualTo(1);
        // the attacker's second place is still free
        CompletableFuture<DnsAnswer> second = client.lookup("two.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST);
        assertThat(second).isNotDone();
        assertThat(client.inFlight(ATTACKER)).isEqualTo(2);
        assertThat(client.lookup("three.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST).get().status())
                .isEqualTo(DnsAnswer.Status.OVER_CAP);
    }

    @Test
    void theShareIsGivenBackWhenAQuestionEnds() throws Exception {
        try (DnsjavaClient quick = new DnsjavaClient(DnsSettings.builder().servers(List.of(dns.address()))
                .queryTimeout(Duration.ofMillis(200)).maxInFlight(8).maxInFlightPerClient(1).cacheSize(0).build())) {
            assertThat(quick.lookup("x.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST).get().status())
                    .isEqualTo(DnsAnswer.Status.TIMEOUT);
            assertThat(quick.inFlight(ATTACKER)).isZero();
            assertThat(quick.lookup("ok.test", DnsType.A, ATTACKER, DnsPurpose.LIST).get().values())
                    .containsExactly(REAL);
            assertThat(quick.inFlight()).isZero();
        }
    }

    @Test
    void theSystemHasNoShareButIsBoundByTheCap() throws Exception {
        // lookup(name, type) is the system asking for OTHER: more than a client's share, up to the non-list part
        for (int i = 0; i < 6; i++) {
            assertThat(client.lookup(i + ".hang.test", DnsType.A)).isNotDone();
        }
        assertThat(client.inFlight()).isEqualTo(6);
        assertThat(client.lookup("sys.test", DnsType.A).get().status()).isEqualTo(DnsAnswer.Status.OVER_CAP);
        assertThat(client.lookup("7.hang.test", DnsType.A, DnsRequester.SYSTEM, DnsPurpose.LIST)).isNotDone();
        assertThat(client.inFlight()).isEqualTo(7);
    }

    @Test
    void aListCheckForARequesterOverItsShareSaysOverCap() throws Exception {
        client.lookup("1.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST);
        client.lookup("2.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST);
        DnsblChecker checker = new DnsblChecker(client, List.of(ListSpec.parse("bl.test")), null);
        List<ListResult> refused = checker.check(DnsblTargets.builder().requester(ATTACKER)
                .address(Identity.CLIENT_IP, addr("192.0.2.10")).build()).get(5, TimeUnit.SECONDS);
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).status()).isEqualTo(ListStatus.UNKNOWN);
        assertThat(refused.get(0).overCap()).isTrue();
        assertThat(refused.get(0).reason()).contains("OVER_CAP");

        List<ListResult> answered = checker.check(DnsblTargets.builder().requester(VICTIM)
                .address(Identity.CLIENT_IP, addr("192.0.2.10")).build()).get(5, TimeUnit.SECONDS);
        assertThat(answered.get(0).status()).isEqualTo(ListStatus.LISTED);
        assertThat(answered.get(0).overCap()).isFalse();
    }

    @Test
    void aNameserverResolutionForARequesterOverItsShareSaysOverCap() throws Exception {
        client.lookup("1.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST);
        client.lookup("2.hang.test", DnsType.A, ATTACKER, DnsPurpose.LIST);
        NameserverResolver resolver = new NameserverResolver(client, NameserverSettings.builder().build());
        NsTargets targets = NsTargets.builder().mailFrom("someone@example.org").build();
        NameserverView refused = resolver.resolve(targets, ATTACKER).get(5, TimeUnit.SECONDS);
        assertThat(refused.overCap()).isTrue();
        // the old signature asks as the system, which has no share to exhaust
        NameserverView system = resolver.resolve(targets).get(5, TimeUnit.SECONDS);
        assertThat(system.overCap()).isFalse();
    }

    @Test
    void requestersAreKeyedByNetwork() {
        assertThat(DnsRequester.client(addr("192.0.2.1"))).isEqualTo(DnsRequester.client(addr("192.0.2.254")))
                .isNotEqualTo(DnsRequester.client(addr("192.0.3.1")));
        assertThat(DnsRequester.client(addr("2001:db8:1:2::1"))).isEqualTo(DnsRequester.client(addr("2001:db8:1:2:ffff::9")))
                .isNotEqualTo(DnsRequester.client(addr("2001:db8:1:3::1")));
        assertThat(DnsRequester.client(addr("192.0.2.1")).toString()).isEqualTo("192.0.2.0/24");
        assertThat(DnsRequester.client(addr("2001:db8:1:2::1")).toString()).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(DnsRequester.client(null)).isSameAs(DnsRequester.SYSTEM);
        assertThat(DnsRequester.SYSTEM.isSystem()).isTrue();
        assertThat(DnsRequester.client(addr("192.0.2.1")).isSystem()).isFalse();
    }
}
