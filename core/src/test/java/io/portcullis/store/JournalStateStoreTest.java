package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalStateStoreTest {
    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    static final JournalStateStore.Options OPTIONS = JournalStateStore.Options.DEFAULTS
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    @TempDir
    Path dir;

    static long count(StateStore s, String set, Instant since) throws Exception {
        return s.count(List.of(set), since).get().get(set);
    }

    @Test
    void countsDistinctMembersSinceATime() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            s.record(List.of("a", "b"), "x.test", NOW.minus(Duration.ofDays(10))).get();
            s.record(List.of("a"), "x.test", NOW.minus(Duration.ofDays(1))).get();
            s.record(List.of("a"), "y.test", NOW.minus(Duration.ofDays(20))).get();
            assertThat(count(s, "a", NOW.minus(Duration.ofDays(30)))).isEqualTo(2);
            assertThat(count(s, "a", NOW.minus(Duration.ofDays(5)))).as("x moved forward, y is older").isEqualTo(1);
            assertThat(count(s, "b", NOW.minus(Duration.ofDays(5)))).isZero();
            assertThat(count(s, "never", NOW.minus(Duration.ofDays(30)))).isZero();
            // an older sighting never moves the time back
            s.record(List.of("a"), "x.test", NOW.minus(Duration.ofDays(25))).get();
            assertThat(count(s, "a", NOW.minus(Duration.ofDays(5)))).isEqualTo(1);
        }
    }

    @Test
    void membersOlderThanTheRetentionAreNeverCountedAndAreDroppedAtCompaction() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withRetention(Duration.ofDays(30)))) {
            s.record(List.of("a"), "old.test", NOW.minus(Duration.ofDays(31))).get();
            s.record(List.of("a"), "new.test", NOW.minus(Duration.ofDays(29))).get();
            assertThat(count(s, "a", Instant.EPOCH)).isEqualTo(1);
            s.compact();
            assertThat(Files.readString(dir.resolve(JournalStateStore.SNAPSHOT))).contains("new.test")
                    .doesNotContain("old.test");
        }
    }

    @Test
    void survivesARestartFromJournalAndFromSnapshot() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            for (int i = 0; i < 7; i++) {
                s.record(List.of("ns:spam:host:ns1.bulk.test", "ns:spam:ip:192.0.2.1"), "spam" + i + ".test", NOW).get();
            }
        }
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(count(s, "ns:spam:host:ns1.bulk.test", NOW.minus(Duration.ofDays(1)))).isEqualTo(7);
            // open compacts: everything is now in the snapshot and the journal is empty
            assertThat(Files.size(dir.resolve(JournalStateStore.JOURNAL))).isZero();
            s.record(List.of("ns:spam:host:ns1.bulk.test"), "spam7.test", NOW).get();
        }
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(count(s, "ns:spam:host:ns1.bulk.test", NOW.minus(Duration.ofDays(1)))).isEqualTo(8);
            assertThat(count(s, "ns:spam:ip:192.0.2.1", NOW.minus(Duration.ofDays(1)))).isEqualTo(7);
        }
    }

    @Test
    void aTornLastLineIsSkippedAndTheRestIsKept() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withSyncInterval(Duration.ZERO))) {
            s.compact();
            s.record(List.of("a"), "one.test", NOW).get();
            s.record(List.of("a"), "two.test", NOW).get();
        }
        // what a crash in the middle of a write leaves behind
        Files.write(dir.resolve(JournalStateStore.JOURNAL), "17999".getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.APPEND);
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(s.skippedLines()).isEqualTo(1);
            assertThat(count(s, "a", Instant.EPOCH)).isEqualTo(2);
        }
    }

    @Test
    void aCrashBetweenSnapshotRenameAndJournalTruncationIsHarmless() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            s.record(List.of("a"), "one.test", NOW).get();
            s.record(List.of("a"), "two.test", NOW).get();
        }
        Path journalCopy = dir.resolve("journal.copy");
        // reproduce the state: a snapshot that already has the entries and a journal that repeats them
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            s.record(List.of("a"), "three.test", NOW).get();
            Files.copy(dir.resolve(JournalStateStore.JOURNAL), journalCopy);
            s.compact();
        }
        Files.write(dir.resolve(JournalStateStore.JOURNAL), Files.readAllBytes(journalCopy));
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(count(s, "a", Instant.EPOCH)).isEqualTo(3);
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(s.directory()).isEqualTo(dir);
            assertThatThrownBy(() -> JournalStateStore.open(dir, OPTIONS)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("in use");
        }
        JournalStateStore.open(dir, OPTIONS).close();
    }

    @Test
    void membersPerSetAndSetsAreBounded() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withMaxMembersPerSet(10).withMaxSets(20))) {
            for (int i = 0; i < 25; i++) {
                s.record(List.of("a"), "m" + i, NOW.minusSeconds(100 - i)).get();
            }
            long n = count(s, "a", Instant.EPOCH);
            assertThat(n).isBetween(9L, 10L);
            assertThat(count(s, "a", NOW.minusSeconds(100 - 24))).as("the newest is kept").isEqualTo(1);
            for (int i = 0; i < 100; i++) {
                s.record(List.of("set" + i), "m", NOW.minusSeconds(1000 - i)).get();
            }
            assertThat(s.setCount()).isLessThanOrEqualTo(22);
            assertThat(count(s, "set99", Instant.EPOCH)).isEqualTo(1);
            assertThat(count(s, "set0", Instant.EPOCH)).isZero();
        }
    }

    @Test
    void membersInAllAreBoundedOldestFirst() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withMaxEntries(100))) {
            for (int i = 0; i < 300; i++) {
                s.record(List.of("s" + (i % 7)), "m" + i, NOW.minusSeconds(1000 - i)).get();
            }
            assertThat(s.entryCount()).isBetween(90L, 100L);
            long total = s.count(List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6"), Instant.EPOCH).get().values()
                    .stream().mapToLong(Long::longValue).sum();
            assertThat(total).isEqualTo(s.entryCount());
            assertThat(s.count(List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6"), NOW.minusSeconds(1000 - 220))
                    .get().values().stream().mapToLong(Long::longValue).sum()).as("the newest are kept").isEqualTo(80);
        }
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withMaxEntries(100))) {
            assertThat(s.entryCount()).isBetween(90L, 100L);
        }
    }

    @Test
    void arbitraryTextSurvivesTheJournalFormat() throws Exception {
        String odd = "sp ace\r\nnew%line\u00e9\u0000";
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            s.record(List.of("set with space"), odd, NOW).get();
            s.record(List.of("", "ok"), "", NOW).get(); // ignored
            s.record(null, "x", NOW).get(); // ignored
        }
        assertThat(Files.readAllLines(dir.resolve(JournalStateStore.JOURNAL), StandardCharsets.US_ASCII))
                .singleElement().satisfies(line -> assertThat(line).matches("[!-~ ]+"));
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(count(s, "set with space", Instant.EPOCH)).isEqualTo(1);
            assertThat(s.skippedLines()).isZero();
        }
        assertThat(JournalStateStore.decode(JournalStateStore.encode(odd))).isEqualTo(odd);
        assertThat(JournalStateStore.decode("bad%4")).isNull();
        assertThat(JournalStateStore.decode("bad%zz")).isNull();
    }

    @Test
    void concurrentWritersLoseNothingAndCompactionKeepsUp() throws Exception {
        int threads = 8;
        int per = 400;
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withCompactAfterBytes(16 * 1024))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                all.add(pool.submit(() -> {
                    for (int i = 0; i < per; i++) {
                        s.record(List.of("shared", "t" + id), "d" + id + "-" + i, NOW).join();
                        s.count(List.of("shared"), Instant.EPOCH).join();
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(count(s, "shared", Instant.EPOCH)).isEqualTo(threads * per);
            assertThat(Files.size(dir.resolve(JournalStateStore.JOURNAL))).isLessThanOrEqualTo(17 * 1024);
        }
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            Map<String, Long> c = s.count(List.of("shared", "t0", "t7"), Instant.EPOCH).get();
            assertThat(c).containsEntry("shared", (long) threads * per).containsEntry("t0", (long) per)
                    .containsEntry("t7", (long) per);
        }
    }

    @Test
    void aClosedStoreFailsItsFutures() {
        JournalStateStore s = JournalStateStore.open(dir, OPTIONS);
        s.close();
        s.close();
        assertThatThrownBy(() -> s.record(List.of("a"), "x", NOW).get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StoreException.class);
        assertThatThrownBy(() -> s.count(List.of("a"), NOW).get()).hasCauseInstanceOf(StoreException.class);
    }

    @Test
    void counterRecordsAddDropExpireAndSurviveRestarts() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            s.add(List.of("rep:ip:192.0.2.1", "rep:net:192.0.2.0/24"), Map.of("refused:1", 2L, "clean:1", 1L),
                    List.of(), NOW.minus(Duration.ofDays(2)), Duration.ofDays(60)).get();
            s.add(List.of("rep:ip:192.0.2.1"), Map.of("refused:1", 3L, "weird key%", 1L), List.of("clean:1"),
                    NOW.minus(Duration.ofDays(1)), Duration.ofDays(60)).get();
            s.add(List.of("gone"), Map.of("a", 1L), List.of(), NOW.minus(Duration.ofDays(3)), Duration.ofDays(1)).get();
            Map<String, Counters> c = s.counters(List.of("rep:ip:192.0.2.1", "rep:net:192.0.2.0/24", "gone", "never"))
                    .get();
            assertThat(c).containsOnlyKeys("rep:ip:192.0.2.1", "rep:net:192.0.2.0/24");
            Counters ip = c.get("rep:ip:192.0.2.1");
            assertThat(ip.fields()).containsOnly(Map.entry("refused:1", 5L), Map.entry("weird key%", 1L));
            assertThat(ip.first()).isEqualTo(NOW.minus(Duration.ofDays(2)));
            assertThat(ip.last()).isEqualTo(NOW.minus(Duration.ofDays(1)));
            assertThat(c.get("rep:net:192.0.2.0/24").get("clean:1")).isEqualTo(1);
        }
        // from the journal
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withCompactAfterBytes(1L << 30))) {
            Counters ip = s.counters(List.of("rep:ip:192.0.2.1")).get().get("rep:ip:192.0.2.1");
            assertThat(ip.fields()).containsOnly(Map.entry("refused:1", 5L), Map.entry("weird key%", 1L));
            assertThat(s.counterCount()).as("the expired record was dropped at compaction").isEqualTo(2);
            s.compact();
        }
        // from the snapshot
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            Counters ip = s.counters(List.of("rep:ip:192.0.2.1")).get().get("rep:ip:192.0.2.1");
            assertThat(ip.fields()).containsOnly(Map.entry("refused:1", 5L), Map.entry("weird key%", 1L));
            assertThat(ip.first()).isEqualTo(NOW.minus(Duration.ofDays(2)));
            assertThat(s.skippedLines()).isZero();
        }
    }
}
