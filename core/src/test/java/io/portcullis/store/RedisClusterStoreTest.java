package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.dnsbl.Identity;
import io.portcullis.nameservers.LearnedNameservers;
import io.portcullis.nameservers.NameserverSettings;
import io.portcullis.nameservers.NameserverView;
import io.portcullis.nameservers.NsDelegation;
import io.portcullis.nameservers.NsHost;
import io.portcullis.reputation.Entities;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.Greylist;
import io.portcullis.reputation.Outcome;
import io.portcullis.reputation.ReputationSettings;
import io.portcullis.reputation.ReputationStore;
import io.portcullis.testing.RedisCluster;
import io.portcullis.testing.RedisServer;
import io.portcullis.testing.SettableClock;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state store on a real three-master Redis Cluster (three redis-server child processes on loopback ports, formed by
 * the test): everything reputation, the learned nameservers, the tarpit memory and the greylist ask of the store works
 * through {@code redis-cluster://}, with the keys of one transaction spread over the nodes; stopped nodes make every
 * operation fail fast ("unknown"), never hang.
 */
class RedisClusterStoreTest {
    @TempDir
    static Path tmp;
    static RedisCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        RedisServer.requireInstalled();
        cluster = RedisCluster.start(tmp);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static RedisStateStore open(String prefix) {
        return new RedisStateStore(cluster.uri(), prefix, Duration.ofDays(30), 100, Duration.ofSeconds(2));
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    @Test
    void setsAndCounterRecordsWorkAcrossTheNodes() throws Exception {
        Instant now = Instant.now();
        List<String> sets = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sets.add("set" + i);
            records.add("rec" + i);
        }
        try (RedisStateStore a = open("c1:"); RedisStateStore b = open("c1:")) {
            assertThat(a.mode()).isEqualTo(RedisUris.Mode.CLUSTER);
            get(a.record(sets, "x.test", now.minus(Duration.ofDays(2))));
            get(a.record(sets.subList(0, 10), "y.test", now));
            get(a.record(List.of("set0"), "old.test", now.minus(Duration.ofDays(31))));
            Map<String, Long> counts = get(b.count(sets, now.minus(Duration.ofDays(30))));
            assertThat(counts).hasSize(30);
            for (int i = 0; i < 30; i++) {
                assertThat(counts.get("set" + i)).as("set%d", i).isEqualTo(i < 10 ? 2L : 1L);
            }
            assertThat(get(b.count(sets, now.minus(Duration.ofDays(1)))).get("set29")).isZero();

            get(a.add(records, Map.of("refused:1", 2L, "clean:1", 1L), List.of(), now.minusSeconds(60),
                    Duration.ofDays(60)));
            get(a.add(records.subList(0, 5), Map.of("refused:1", 1L), List.of("clean:1"), now, Duration.ofDays(60)));
            List<String> asked = new ArrayList<>(records);
            asked.add("never");
            Map<String, Counters> c = get(b.counters(asked));
            assertThat(c).hasSize(30).doesNotContainKey("never");
            assertThat(c.get("rec0").fields()).containsOnly(Map.entry("refused:1", 3L));
            assertThat(c.get("rec29").fields()).containsOnly(Map.entry("refused:1", 2L), Map.entry("clean:1", 1L));
            assertThat(c.get("rec0").first().getEpochSecond()).isEqualTo(now.minusSeconds(60).getEpochSecond());
        }
        assertThat(cluster.keysPerNode()).as("60 keys spread over the three masters, none empty")
                .allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void reputationOfManyEntitiesIsLearnedOnOneNodeAndReadOnAnother() throws Exception {
        List<List<Entity>> clients = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            clients.add(Entities.builder().client(InetAddress.getByName("198.51." + i + ".7"))
                    .helo("mx" + i + ".sender" + i + ".example").mailFrom("sender" + i + ".example", false)
                    .from("sender" + i + ".example").build());
        }
        List<Long> before = cluster.keysPerNode();
        try (RedisStateStore nodeA = open("c2:"); RedisStateStore nodeB = open("c2:")) {
            ReputationStore learner = new ReputationStore(nodeA, ReputationSettings.DEFAULTS, java.time.Clock.systemUTC());
            ReputationStore reader = new ReputationStore(nodeB, ReputationSettings.DEFAULTS, java.time.Clock.systemUTC());
            for (int k = 0; k < 6; k++) {
                for (int i = 0; i < clients.size(); i++) {
                    get(learner.learn(clients.get(i), i % 2 == 0 ? Outcome.REFUSED : Outcome.CLEAN));
                }
            }
            for (int i = 0; i < clients.size(); i++) {
                Map<Entity, Counters> read = get(reader.read(clients.get(i)));
                assertThat(read).as("every entity of client %d read in one batch", i).hasSize(clients.get(i).size());
                List<Finding> f = get(reader.findings(clients.get(i)));
                if (i % 2 == 0) {
                    assertThat(f).anySatisfy(x -> {
                        assertThat(x.check()).isEqualTo("reputation");
                        assertThat(x.rule()).isEqualTo("IP");
                        assertThat(x.score()).isPositive();
                        assertThat(x.detail()).contains("6 refused");
                    });
                } else {
                    assertThat(f).allSatisfy(x -> assertThat(x.score()).isNotPositive());
                }
            }
            assertThat(reader.counters()[1]).as("no read failed").isZero();
        }
        List<Long> after = cluster.keysPerNode();
        for (int n = 0; n < 3; n++) {
            assertThat(after.get(n)).as("node %d got some of the reputation records", n).isGreaterThan(before.get(n));
        }
    }

    @Test
    void learnedNameserversWorkOnTheCluster() throws Exception {
        NameserverSettings settings = NameserverSettings.DEFAULTS;
        try (RedisStateStore nodeA = open("c3:"); RedisStateStore nodeB = open("c3:")) {
            LearnedNameservers learner = new LearnedNameservers(nodeA, settings);
            LearnedNameservers checker = new LearnedNameservers(nodeB, settings);
            for (int i = 1; i <= 5; i++) {
                get(learner.learn(view("spam" + i + ".test", "ns1.learnhost.test", "192.0.2.53"),
                        LearnedNameservers.Verdict.SPAM));
            }
            get(learner.learn(view("ham.test", "ns1.other.test", "192.0.2.54"), LearnedNameservers.Verdict.HAM));
            Map<String, LearnedNameservers.Reputation> r = get(checker.reputations(
                    List.of("ns1.learnhost.test", "ns1.other.test"), Map.of("192.0.2.53", "ns1.learnhost.test")));
            assertThat(r.get("ns1.learnhost.test").spamDomains()).isEqualTo(5);
            assertThat(r.get("ns1.learnhost.test").listed()).isTrue();
            assertThat(r.get("192.0.2.53").spamDomains()).isEqualTo(5);
            assertThat(r.get("ns1.other.test").hamDomains()).isEqualTo(1);
            assertThat(r.get("ns1.other.test").listed()).isFalse();
        }
    }

    static NameserverView view(String domain, String host, String address) {
        return new NameserverView(List.of(new NsDelegation(Identity.MAIL_FROM, domain, NsDelegation.Status.FOUND, domain,
                List.of(host), "")), List.of(new NsHost(host, List.of(address), NsHost.AddressStatus.RESOLVED, "")),
                false);
    }

    /**
     * The tarpit memory's operations (one set per address and per network, a member whose time is the end of the
     * remembering period; "remembered" = a count since now), as {@code TarpitMemory} does them.
     */
    @Test
    void tarpitMemoryOperationsWorkOnTheCluster() throws Exception {
        Instant now = Instant.now();
        try (RedisStateStore a = open("c4:"); RedisStateStore b = open("c4:")) {
            get(a.record(List.of("tarpit:192.0.2.10", "tarpit:192.0.2.0/24"), "until", now.plus(Duration.ofDays(1))));
            Map<String, Long> c = get(b.count(List.of("tarpit:192.0.2.10", "tarpit:192.0.2.0/24", "tarpit:198.51.100.1"),
                    now));
            assertThat(c).containsEntry("tarpit:192.0.2.10", 1L).containsEntry("tarpit:192.0.2.0/24", 1L)
                    .containsEntry("tarpit:198.51.100.1", 0L);
        }
    }

    /** A triplet's greylist life on the cluster: first attempt, too early, retry in the window, remembered pass. */
    @Test
    void greylistTripletOnTheCluster() throws Exception {
        SettableClock clock = new SettableClock(Instant.now());
        Greylist g = new Greylist(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(30));
        String net = "203.0.113.0/24";
        String triplet = Greylist.tripletKey(net, "someone@sender.example");
        String passed = Greylist.passedKey(net);
        List<Entity> rep = Entities.builder().client(InetAddress.getByName("203.0.113.9")).build();
        List<String> keys = new ArrayList<>();
        rep.forEach(e -> keys.add(e.storeKey()));
        keys.add(triplet);
        keys.add(passed);
        try (RedisStateStore nodeA = open("c5:"); RedisStateStore nodeB = open("c5:")) {
            Map<String, Counters> m = get(nodeA.counters(keys));
            assertThat(g.status(m.get(triplet), m.get(passed), "rcpt@here.example", clock.instant()))
                    .isEqualTo(Greylist.Status.FIRST);
            get(nodeA.add(List.of(triplet), Map.of(Greylist.attemptField("rcpt@here.example", clock.instant()), 1L),
                    List.of(), clock.instant(), g.window()));
            clock.advance(Duration.ofMinutes(1));
            m = get(nodeB.counters(keys));
            assertThat(g.status(m.get(triplet), m.get(passed), "rcpt@here.example", clock.instant()))
                    .isEqualTo(Greylist.Status.EARLY);
            assertThat(g.status(m.get(triplet), m.get(passed), "other@here.example", clock.instant()))
                    .as("another recipient is another triplet").isEqualTo(Greylist.Status.FIRST);
            clock.advance(Duration.ofMinutes(10));
            m = get(nodeB.counters(keys));
            assertThat(g.status(m.get(triplet), m.get(passed), "rcpt@here.example", clock.instant()))
                    .isEqualTo(Greylist.Status.RETRY_OK);
            get(nodeB.add(List.of(passed), Map.of("pass", 1L), List.of(), clock.instant(), g.remember()));
            m = get(nodeA.counters(keys));
            assertThat(g.status(m.get(triplet), m.get(passed), "new@here.example", clock.instant()))
                    .isEqualTo(Greylist.Status.PASSED_BEFORE);
        }
    }

    @Test
    void aHashTaggedPrefixAndADatabaseAreRefusedOnACluster() {
        assertThatThrownBy(() -> new RedisStateStore(cluster.uri(), "{portcullis}:", Duration.ofDays(1), 10,
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one slot");
        assertThatThrownBy(() -> new RedisStateStore(cluster.uri() + "/2", "p:", Duration.ofDays(1), 10,
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one database");
    }

    /**
     * With its nodes stopped, the cluster store fails every operation with a {@link StoreException} within the command
     * timeout: reputation gives no finding, the learned nameservers answer "unknown", nothing hangs. A store opened
     * while the cluster is down fails the same way.
     */
    @Test
    void stoppedNodesMakeEveryOperationFailFastToUnknown() throws Exception {
        try (RedisCluster own = RedisCluster.start(tmp.resolve("down"))) {
            List<Entity> entities = Entities.builder().client(InetAddress.getByName("192.0.2.99")).helo("mx.x.example")
                    .mailFrom("x.example", false).build();
            try (RedisStateStore s = new RedisStateStore(own.uri(), "d:", Duration.ofDays(1), 10,
                    Duration.ofMillis(500))) {
                ReputationStore rep = new ReputationStore(s, ReputationSettings.DEFAULTS, java.time.Clock.systemUTC());
                for (int i = 0; i < 6; i++) {
                    get(rep.learn(entities, Outcome.REFUSED));
                }
                assertThat(get(rep.findings(entities))).isNotEmpty();
                own.close();
                for (RedisServer n : own.nodes()) {
                    assertThat(n.isAlive()).isFalse();
                }
                for (int round = 0; round < 3; round++) {
                    assertThat(get(rep.findings(entities))).as("no finding while the cluster is down").isEmpty();
                    assertFailsWithStoreException(s.count(List.of("a", "b", "c"), Instant.EPOCH));
                    assertFailsWithStoreException(s.record(List.of("a", "b", "c"), "m", Instant.now()));
                    assertFailsWithStoreException(s.counters(List.of("a", "b", "c")));
                    assertFailsWithStoreException(s.add(List.of("a"), Map.of("f", 1L), List.of(), Instant.now(),
                            Duration.ofDays(1)));
                    CompletableFuture<?> ns = new LearnedNameservers(s, NameserverSettings.DEFAULTS)
                            .reputations(List.of("ns1.x.test"), Map.of());
                    assertFailsWithStoreException(ns);
                }
                assertThat(rep.counters()[1]).as("the failed reads were counted").isGreaterThanOrEqualTo(3);
            }
            try (RedisStateStore late = new RedisStateStore(own.uri(), "d:", Duration.ofDays(1), 10,
                    Duration.ofMillis(500))) {
                assertFailsWithStoreException(late.count(List.of("a"), Instant.EPOCH));
                assertFailsWithStoreException(late.counters(List.of("a")));
            }
        }
    }

    /** Fails within 10 s (bounded: the command timeout is 500 ms) with a StoreException, never hangs. */
    static void assertFailsWithStoreException(CompletableFuture<?> f) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StoreException.class);
    }
}
