package io.portcullis.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.portcullis.verdict.Action;
import io.portcullis.verdict.Policy;
import io.portcullis.store.Counters;
import io.portcullis.store.JournalStateStore;
import io.portcullis.testing.SettableClock;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReputationTest {
    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    static final Entity IP = new Entity(EntityKind.IP, "192.0.2.1");
    static final Entity NET = new Entity(EntityKind.NET, "192.0.2.0/24");

    @TempDir
    Path dir;

    /** A counter record with {@code counts[i]} outcomes {@code o} {@code ages[i]} days ago. */
    static Counters record(Outcome o, long[] ages, long[] counts) {
        Map<String, Long> f = new HashMap<>();
        long today = ReputationRecord.epochDay(NOW);
        for (int i = 0; i < ages.length; i++) {
            f.merge(ReputationRecord.field(o, today - ages[i]), counts[i], Long::sum);
        }
        return new Counters(f, NOW.minus(Duration.ofDays(40)), NOW);
    }

    static Counters merge(Counters a, Counters b) {
        Map<String, Long> f = new HashMap<>(a.fields());
        b.fields().forEach((k, v) -> f.merge(k, v, Long::sum));
        return new Counters(f, a.first(), a.last());
    }

    @Test
    void anOutcomeWeighsHalfAfterOneHalfLifeAndNothingBeyondTheWindow() {
        ReputationSettings s = ReputationSettings.DEFAULTS; // half-life 7 d, window 30 d
        ReputationRecord r = ReputationRecord.of(record(Outcome.REFUSED, new long[] {0, 7, 14, 30}, new long[] {4, 4, 4, 4}));
        assertThat(r.decayed(Outcome.REFUSED, NOW, s.windowDays(), s.halfLifeDays())).isCloseTo(4 + 2 + 1, within(1e-9));
        assertThat(r.count(Outcome.REFUSED, NOW, 1)).isEqualTo(4);
        assertThat(r.count(Outcome.REFUSED, NOW, 7)).isEqualTo(4);
        assertThat(r.count(Outcome.REFUSED, NOW, 8)).isEqualTo(8);
        assertThat(r.count(Outcome.REFUSED, NOW, 30)).as("day 30 is outside a 30-day window").isEqualTo(12);
        // the same history seen a week later weighs half
        Instant later = NOW.plus(Duration.ofDays(7));
        assertThat(r.decayed(Outcome.REFUSED, later, s.windowDays(), s.halfLifeDays())).isCloseTo(2 + 1 + 0.5, within(1e-9));
    }

    @Test
    void aBadHistoryScoresUpToTheWeightAndAGoodOneLowersTheScoreForKindsThatMayBeGood() {
        ReputationSettings s = ReputationSettings.DEFAULTS;
        Counters bad = record(Outcome.REFUSED, new long[] {0, 1}, new long[] {5, 5});
        Finding f = Reputation.finding(IP, bad, s, NOW).orElseThrow();
        assertThat(f.check()).isEqualTo("reputation");
        assertThat(f.rule()).isEqualTo("IP");
        assertThat(f.score()).isEqualTo(4.0);
        assertThat(f.detail()).startsWith("ip 192.0.2.1: 10 refused, 0 tagged, 0 clean, 0 spam, 0 ham in 30d; "
                + "bad 5/10/10 of 5/10/10 (1d/7d/30d); ratio 1.00; first 2026-10-18, last 2026-11-27");
        Counters good = record(Outcome.CLEAN, new long[] {0, 3, 10}, new long[] {20, 20, 20});
        assertThat(Reputation.finding(IP, good, s, NOW).orElseThrow().score()).isEqualTo(-2.0);
        assertThat(Reputation.finding(NET, good, s, NOW)).as("a network's clean history never lowers the score")
                .isEmpty();
        Counters mixed = merge(record(Outcome.REFUSED, new long[] {0}, new long[] {6}),
                record(Outcome.CLEAN, new long[] {0}, new long[] {2}));
        assertThat(Reputation.finding(IP, mixed, s, NOW).orElseThrow().score()).isEqualTo(2.0); // ratio .75
        Counters reported = merge(record(Outcome.REPORTED_SPAM, new long[] {0}, new long[] {1}),
                record(Outcome.CLEAN, new long[] {0}, new long[] {5}));
        assertThat(Reputation.finding(IP, reported, s, NOW).orElseThrow().score())
                .as("one user report weighs three clean messages: ratio 3/8").isEqualTo(-0.5);
    }

    @Test
    void anEntityWithFewerThanTheMinimumObservationsGivesNoFinding() {
        ReputationSettings s = ReputationSettings.DEFAULTS; // min 5
        assertThat(Reputation.finding(IP, record(Outcome.REFUSED, new long[] {0}, new long[] {4}), s, NOW)).isEmpty();
        assertThat(Reputation.finding(IP, record(Outcome.REFUSED, new long[] {0}, new long[] {5}), s, NOW)).isPresent();
        assertThat(Reputation.finding(IP, record(Outcome.REFUSED, new long[] {0, 31}, new long[] {4, 100}), s, NOW))
                .as("outcomes outside the window do not count as observations").isEmpty();
        assertThat(Reputation.finding(IP, record(Outcome.REFUSED, new long[] {0}, new long[] {5}),
                s.toBuilder().enabled(false).build(), NOW)).isEmpty();
    }

    @Test
    void forgedDomainsAreKeyedByTheClientNetworkVerifiedOnesByThemselves() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.7");
        List<Entity> forged = Entities.builder().client(client).asn(64496L).helo("mx.Big-Provider.example.")
                .mailFrom("mail.big-provider.example", false).from("big-provider.example")
                .nameservers(List.of("ns1.big-provider.example")).build();
        assertThat(forged).extracting(Entity::storeKey).containsExactly("rep:ip:192.0.2.7", "rep:net:192.0.2.0/24",
                "rep:asn:AS64496", "rep:helo:big-provider.example@192.0.2.0/24",
                "rep:mail-from:big-provider.example@192.0.2.0/24", "rep:from:big-provider.example@192.0.2.0/24");
        List<Entity> spf = Entities.builder().client(client).helo("mx.other.example")
                .mailFrom("mail.big-provider.example", true).from("big-provider.example")
                .nameservers(List.of("ns1.big-provider.example")).build();
        assertThat(spf).extracting(Entity::storeKey).contains("rep:mail-from:big-provider.example",
                "rep:from:big-provider.example", "rep:ns:ns1.big-provider.example", "rep:helo:other.example@192.0.2.0/24");
        List<Entity> fcrdns = Entities.builder().client(InetAddress.getByName("2001:db8:1:2::5"))
                .confirmedName("out3.big-provider.example").helo("out3.big-provider.example")
                .mailFrom("big-provider.example", false).build();
        assertThat(fcrdns).extracting(Entity::storeKey).containsExactly("rep:ip:2001:db8:1:2::5",
                "rep:net:2001:db8:1:2::/64", "rep:helo:big-provider.example", "rep:mail-from:big-provider.example");
        assertThat(Entity.ofStoreKey("rep:mail-from:x.example@192.0.2.0/24"))
                .isEqualTo(new Entity(EntityKind.MAIL_FROM, "x.example@192.0.2.0/24"));
    }

    /** The pipeline's classification: reject → refused, tag or tarpit → tagged, accept → clean. */
    static Function<List<Finding>, Outcome> classify(Policy p) {
        return fs -> {
            Action a = Verdict.of(fs, p).action();
            return a == Action.REJECT ? Outcome.REFUSED : a == Action.ACCEPT ? Outcome.CLEAN : Outcome.TAGGED;
        };
    }

    @Test
    void aRunOfVerdictsThatReputationDecidedDoesNotMoveTheReputation() throws Exception {
        SettableClock clock = new SettableClock(NOW);
        ReputationSettings s = ReputationSettings.DEFAULTS.toBuilder().weight(EntityKind.IP, 20).build();
        Policy policy = new Policy(5, 10, 15);
        try (JournalStateStore store = JournalStateStore.open(dir, JournalStateStore.Options.DEFAULTS.withClock(clock))) {
            ReputationStore rep = new ReputationStore(store, s, clock);
            List<Entity> entities = List.of(IP);
            for (int i = 0; i < 6; i++) {
                rep.learn(entities, Outcome.REFUSED).get();
            }
            Counters before = store.counters(List.of(IP.storeKey())).get().get(IP.storeKey());
            // 50 messages whose only other evidence scores 1: reputation (20) alone refuses each of them
            for (int i = 0; i < 50; i++) {
                List<Finding> findings = new ArrayList<>(rep.findings(entities).get());
                assertThat(findings).extracting(Finding::score).containsExactly(20.0);
                findings.add(new Finding("headers", "MISSING_DATE", 1, ""));
                Outcome actual = classify(policy).apply(findings);
                assertThat(actual).isEqualTo(Outcome.REFUSED);
                Optional<Outcome> learn = Reputation.learnable(actual, findings, classify(policy));
                assertThat(learn).as("reputation decided it").isEmpty();
                learn.ifPresent(o -> rep.learn(entities, o).join());
                clock.advance(Duration.ofMinutes(10));
            }
            Counters after = store.counters(List.of(IP.storeKey())).get().get(IP.storeKey());
            assertThat(after.fields()).isEqualTo(before.fields());
            // a verdict the other evidence decides alone is learned
            List<Finding> strong = new ArrayList<>(rep.findings(entities).get());
            strong.add(new Finding("dnsbl", "zen", 16, ""));
            Optional<Outcome> learn = Reputation.learnable(classify(policy).apply(strong), strong, classify(policy));
            assertThat(learn).contains(Outcome.REFUSED);
            rep.learn(entities, learn.get()).get();
            assertThat(store.counters(List.of(IP.storeKey())).get().get(IP.storeKey()).fields().values()
                    .stream().mapToLong(Long::longValue).sum()).isEqualTo(7);
        }
    }

    @Test
    void learningKeepsTheRecordWithinTheWindowAndAFailingStoreGivesNothing() throws Exception {
        SettableClock clock = new SettableClock(NOW);
        try (JournalStateStore store = JournalStateStore.open(dir, JournalStateStore.Options.DEFAULTS.withClock(clock))) {
            ReputationStore rep = new ReputationStore(store, ReputationSettings.DEFAULTS, clock);
            for (int d = 0; d < 60; d++) {
                rep.learn(List.of(IP), Outcome.CLEAN).get();
                clock.advance(Duration.ofDays(1));
            }
            Counters c = store.counters(List.of(IP.storeKey())).get().get(IP.storeKey());
            assertThat(c.fields().size()).as("old day buckets are dropped").isLessThanOrEqualTo(31);
        }
        JournalStateStore closed = JournalStateStore.open(dir.resolve("x"), JournalStateStore.Options.DEFAULTS);
        closed.close();
        ReputationStore rep = new ReputationStore(closed, ReputationSettings.DEFAULTS, new SettableClock(NOW));
        assertThat(rep.findings(List.of(IP)).get()).isEmpty();
        rep.learn(List.of(IP), Outcome.REFUSED).get(); // does not throw
        assertThat(rep.counters()).containsExactly(1, 1, 0, 1);
    }
}
