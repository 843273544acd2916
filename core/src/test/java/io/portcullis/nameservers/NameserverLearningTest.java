package io.portcullis.nameservers;

import io.portcullis.testing.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.store.JournalStateStore;
import io.portcullis.store.RedisStateStore;
import io.portcullis.store.StateStore;
import io.portcullis.testing.KnotServer;
import io.portcullis.testing.RedisServer;
import io.portcullis.verdict.Finding;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned source end to end: names resolved by a real Knot server, learned into a store, then checked.
 * Zones are generated: spam1..spam6.test share ns1.learnhost.test; cfspam1..6.test share a Cloudflare
 * nameserver (allow list); mixspam1..6.test and mixham1..3.test share ns1.mixedhost.test.
 */
class NameserverLearningTest {
    @TempDir
    static Path tmp;
    static KnotServer knot;
    static DnsjavaClient client;
    static DnsClient dns;
    static NameserverResolver resolver;

    @TempDir
    Path storeDir;

    static String zone(String origin, String... records) {
        StringBuilder z = new StringBuilder("$ORIGIN ").append(origin).append(".\n$TTL 300\n@ IN SOA ns1.").append(origin)
                .append(". hostmaster.").append(origin).append(". 1 3600 600 86400 60\n");
        for (String r : records) {
            z.append(r).append('\n');
        }
        return z.toString();
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> zones = new LinkedHashMap<>();
        zones.put("learnhost.test", zone("learnhost.test", "@ IN NS ns1", "ns1 IN A 192.0.2.200", "ns1 IN AAAA 2001:db8::200"));
        zones.put("mixedhost.test", zone("mixedhost.test", "@ IN NS ns1", "ns1 IN A 192.0.2.220"));
        zones.put("cloudflare.com", zone("cloudflare.com", "@ IN NS ada.ns", "ada.ns IN A 192.0.2.210"));
        for (int i = 1; i <= 6; i++) {
            zones.put("spam" + i + ".test", zone("spam" + i + ".test", "@ IN NS ns1.learnhost.test."));
            zones.put("cfspam" + i + ".test", zone("cfspam" + i + ".test", "@ IN NS ada.ns.cloudflare.com."));
            zones.put("mixspam" + i + ".test", zone("mixspam" + i + ".test", "@ IN NS ns1.mixedhost.test."));
        }
        for (int i = 1; i <= 3; i++) {
            zones.put("mixham" + i + ".test", zone("mixham" + i + ".test", "@ IN NS ns1.mixedhost.test."));
        }
        zones.put("newcomer.test", zone("newcomer.test", "@ IN NS ns1.learnhost.test."));
        zones.put("newcf.test", zone("newcf.test", "@ IN NS ada.ns.cloudflare.com."));
        zones.put("newmixed.test", zone("newmixed.test", "@ IN NS ns1.mixedhost.test."));
        knot = KnotServer.start(tmp, zones);
        client = new DnsjavaClient(DnsSettings.builder().servers(List.of(knot.address()))
                .queryTimeout(Duration.ofMillis(500)).build());
        dns = client;
        resolver = new NameserverResolver(dns, NameserverSettings.DEFAULTS);
    }

    @AfterAll
    static void stop() {
        client.close();
        knot.close();
    }

    /** A clock the test moves. */

    static void learn(LearnedNameservers learned, String domain, LearnedNameservers.Verdict verdict) throws Exception {
        NameserverView view = resolver.resolve(NsTargets.builder().mailFrom("x@" + domain).fromHeader(domain).build()).get();
        assertThat(view.hosts()).isNotEmpty();
        learned.learn(view, verdict).get();
    }

    static NameserverReport check(LearnedNameservers learned, String domain) throws Exception {
        return new NameserverChecker(dns, learned.settings(), null, learned, null)
                .check(NsTargets.builder().mailFrom(domain).build()).get();
    }

    JournalStateStore open() {
        return JournalStateStore.open(storeDir, JournalStateStore.Options.DEFAULTS);
    }

    @Test
    void kDistinctSpamDomainsListTheirNameserverForANewDomain() throws Exception {
        try (JournalStateStore store = open()) {
            LearnedNameservers learned = new LearnedNameservers(store, NameserverSettings.DEFAULTS);
            for (int i = 1; i <= 4; i++) {
                learn(learned, "spam" + i + ".test", LearnedNameservers.Verdict.SPAM);
                learn(learned, "spam1.test", LearnedNameservers.Verdict.SPAM); // repeats count once
            }
            NameserverReport before = check(learned, "newcomer.test");
            assertThat(before.status()).isEqualTo(NsStatus.CLEAN);
            assertThat(before.findings()).isEmpty();

            learn(learned, "spam5.test", LearnedNameservers.Verdict.SPAM);
            NameserverReport after = check(learned, "newcomer.test");
            assertThat(after.status()).isEqualTo(NsStatus.LISTED);
            NsResult ns = after.results().get(0);
            assertThat(ns.host()).isEqualTo("ns1.learnhost.test");
            assertThat(ns.hits()).extracting(NsHit::target)
                    .containsExactly("ns1.learnhost.test", "192.0.2.200", "2001:db8::200");
            List<Finding> f = after.findings();
            assertThat(f).singleElement().satisfies(x -> {
                assertThat(x.rule()).isEqualTo("learned");
                assertThat(x.score()).isEqualTo(3.0);
                assertThat(x.detail()).isEqualTo("mail-from newcomer.test: NS ns1.learnhost.test serves 5 spam domains "
                        + "seen in the last 30 days; and 2 more");
            });
        }
    }

    @Test
    void hostingNameserversInTheAllowListAreNeitherRecordedNorListed() throws Exception {
        try (JournalStateStore store = open()) {
            LearnedNameservers learned = new LearnedNameservers(store, NameserverSettings.DEFAULTS);
            for (int i = 1; i <= 6; i++) {
                learn(learned, "cfspam" + i + ".test", LearnedNameservers.Verdict.SPAM);
            }
            NameserverReport r = check(learned, "newcf.test");
            assertThat(r.results()).singleElement().satisfies(x -> {
                assertThat(x.host()).isEqualTo("ada.ns.cloudflare.com");
                assertThat(x.status()).isEqualTo(NsStatus.CLEAN);
            });
            assertThat(store.count(List.of("ns:spam:host:ada.ns.cloudflare.com", "ns:spam:ip:192.0.2.210"),
                    Instant.EPOCH).get().values()).containsOnly(0L);
            // without the allow list the same history would list it
            LearnedNameservers noAllow = new LearnedNameservers(store,
                    NameserverSettings.builder().allowList(NsAllowList.NONE).build());
            for (int i = 1; i <= 6; i++) {
                learn(noAllow, "cfspam" + i + ".test", LearnedNameservers.Verdict.SPAM);
            }
            assertThat(check(noAllow, "newcf.test").status()).isEqualTo(NsStatus.LISTED);
            assertThat(check(learned, "newcf.test").status()).as("the allow list also overrides history")
                    .isEqualTo(NsStatus.CLEAN);
        }
    }

    @Test
    void aNameserverWithMuchHamIsNotListed() throws Exception {
        try (JournalStateStore store = open()) {
            LearnedNameservers learned = new LearnedNameservers(store, NameserverSettings.DEFAULTS);
            for (int i = 1; i <= 6; i++) {
                learn(learned, "mixspam" + i + ".test", LearnedNameservers.Verdict.SPAM);
            }
            learn(learned, "mixham1.test", LearnedNameservers.Verdict.HAM);
            Map<String, LearnedNameservers.Reputation> rep = learned.reputations(List.of("ns1.mixedhost.test"), Map.of()).get();
            assertThat(rep.get("ns1.mixedhost.test").listed()).as("6 spam / 7 = 0.86 < 0.9").isFalse();
            assertThat(rep.get("ns1.mixedhost.test").spamDomains()).isEqualTo(6);
            assertThat(rep.get("ns1.mixedhost.test").hamDomains()).isEqualTo(1);
            learn(learned, "mixham2.test", LearnedNameservers.Verdict.HAM);
            learn(learned, "mixham3.test", LearnedNameservers.Verdict.HAM);
            assertThat(check(learned, "newmixed.test").status()).isEqualTo(NsStatus.CLEAN);
            // with a lower ratio the same history lists it, and the detail tells the ham count
            LearnedNameservers lenient = new LearnedNameservers(store,
                    NameserverSettings.builder().learnedMinSpamRatio(0.6).build());
            assertThat(check(lenient, "newmixed.test").findings().get(0).detail())
                    .contains("ns1.mixedhost.test serves 6 spam domains seen in the last 30 days (and 3 ham)");
        }
    }

    @Test
    void learnedStateSurvivesARestartOfTheEmbeddedStore() throws Exception {
        try (JournalStateStore store = open()) {
            LearnedNameservers learned = new LearnedNameservers(store, NameserverSettings.DEFAULTS);
            for (int i = 1; i <= 5; i++) {
                learn(learned, "spam" + i + ".test", LearnedNameservers.Verdict.SPAM);
            }
        }
        try (JournalStateStore store = open()) {
            LearnedNameservers learned = new LearnedNameservers(store, NameserverSettings.DEFAULTS);
            assertThat(check(learned, "newcomer.test").status()).isEqualTo(NsStatus.LISTED);
        }
    }

    @Test
    void spamAgesOutOfTheWindow() throws Exception {
        SettableClock clock = new SettableClock(Instant.now());
        try (JournalStateStore store = open()) {
            LearnedNameservers learned = new LearnedNameservers(store,
                    NameserverSettings.builder().learnedWindow(Duration.ofDays(7)).build(), clock);
            for (int i = 1; i <= 5; i++) {
                learn(learned, "spam" + i + ".test", LearnedNameservers.Verdict.SPAM);
            }
            clock.advance(Duration.ofDays(6));
            assertThat(check(learned, "newcomer.test").findings().get(0).detail())
                    .contains("serves 5 spam domains seen in the last 7 days");
            clock.advance(Duration.ofDays(2));
            assertThat(check(learned, "newcomer.test").status()).isEqualTo(NsStatus.CLEAN);
        }
    }

    @Test
    void anUnavailableStoreMakesResultsUnknownNeverAHit() throws Exception {
        JournalStateStore store = open();
        LearnedNameservers learned = new LearnedNameservers(store, NameserverSettings.DEFAULTS);
        store.close();
        NameserverReport r = check(learned, "newcomer.test");
        assertThat(r.status()).isEqualTo(NsStatus.UNKNOWN);
        assertThat(r.results()).singleElement().satisfies(x ->
                assertThat(x.unknowns()).anySatisfy(u -> assertThat(u).startsWith("learned store unavailable")));
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void twoNodesShareLearnedStateThroughRedis() throws Exception {
        RedisServer.requireInstalled();
        try (RedisServer redis = RedisServer.start(tmp);
                StateStore nodeA = new RedisStateStore(redis.uri(), Duration.ofDays(30));
                StateStore nodeB = new RedisStateStore(redis.uri(), Duration.ofDays(30))) {
            LearnedNameservers learnerA = new LearnedNameservers(nodeA, NameserverSettings.DEFAULTS);
            LearnedNameservers checkerB = new LearnedNameservers(nodeB, NameserverSettings.DEFAULTS);
            for (int i = 1; i <= 4; i++) {
                learn(learnerA, "spam" + i + ".test", LearnedNameservers.Verdict.SPAM);
            }
            assertThat(check(checkerB, "newcomer.test").status()).isEqualTo(NsStatus.CLEAN);
            learn(learnerA, "spam5.test", LearnedNameservers.Verdict.SPAM);
            NameserverReport r = check(checkerB, "newcomer.test");
            assertThat(r.status()).isEqualTo(NsStatus.LISTED);
            assertThat(r.findings().get(0).detail()).contains("ns1.learnhost.test serves 5 spam domains");
            // and the data model is what the documentation says
            assertThat(redis.command("ZCARD portcullis:ns:spam:host:ns1.learnhost.test")).isEqualTo(":5");
            assertThat(redis.command("ZSCORE portcullis:ns:spam:host:ns1.learnhost.test spam5.test")).startsWith("$");
            long ttl = Long.parseLong(redis.command("TTL portcullis:ns:spam:ip:192.0.2.200").substring(1));
            assertThat(ttl).isBetween(Duration.ofDays(30).getSeconds() - 60, Duration.ofDays(30).getSeconds());
        }
    }
}
