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
    void aReadOnlyViewSeesTheOwnersRecordsWithoutItsLockAndWritesNothing() throws Exception {
        try (JournalStateStore owner = JournalStateStore.open(dir, OPTIONS)) {
            owner.add(List.of("rep:ip:192.0.2.1"), Map.of("refused:1", 2L), List.of(), NOW, Duration.ofDays(60)).get();
            owner.compact();
            owner.add(List.of("rep:ip:192.0.2.1"), Map.of("clean:1", 1L), List.of(), NOW, Duration.ofDays(60)).get();
            long journal = Files.size(dir.resolve(JournalStateStore.JOURNAL));
            try (JournalStateStore view = JournalStateStore.openReadOnly(dir, OPTIONS)) {
                assertThat(view.counters(List.of("rep:ip:192.0.2.1")).get().get("rep:ip:192.0.2.1").fields())
                        .as("snapshot and journal").containsEntry("refused:1", 2L).containsEntry("clean:1", 1L);
                assertThat(view.add(List.of("k"), Map.of("f", 1L), List.of(), NOW, Duration.ofDays(1)))
                        .isCompletedExceptionally();
                assertThat(view.record(List.of("s"), "m", NOW)).isCompletedExceptionally();
                assertThatThrownBy(view::compact).isInstanceOf(StoreException.class).hasMessageContaining("read-only");
            }
            assertThat(Files.size(dir.resolve(JournalStateStore.JOURNAL))).isEqualTo(journal);
            owner.add(List.of("rep:ip:192.0.2.1"), Map.of("clean:1", 1L), List.of(), NOW, Duration.ofDays(60)).get();
        }
        assertThatThrownBy(() -> JournalStateStore.openReadOnly(dir.resolve("absent"), OPTIONS))
                .isInstanceOf(StoreException.class).hasMessageContaining("no state directory");
        assertThat(Files.exists(dir.resolve("absent"))).isFalse();
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

    private static final List<String> SETS = List.of("ns:spam:host:ns1.bulk.test", "ns:spam:ip:192.0.2.1", "ns:ham:x");

    /** Counts of every set in {@link #SETS}, opening the store on {@code d}; nothing may throw. */
    private static Map<String, Long> countsIn(Path d) throws Exception {
        try (JournalStateStore s = JournalStateStore.open(d, OPTIONS)) {
            return s.count(SETS, Instant.EPOCH).get();
        }
    }

    private static void copyInto(Path from, Path to, byte[] journal) throws Exception {
        Files.createDirectories(to);
        Files.copy(from.resolve(JournalStateStore.SNAPSHOT), to.resolve(JournalStateStore.SNAPSHOT));
        Files.write(to.resolve(JournalStateStore.JOURNAL), journal);
    }

    /**
     * A crash can cut the last record anywhere. At every offset inside it, reopening never throws and no count
     * grows past the true value (a cut member name such as {@code spam7.te} must not become a new member), and a
     * cut never loses what came before the record.
     */
    @Test
    void aLastRecordCutAtEveryOffsetNeverRaisesACount(@TempDir Path scratch) throws Exception {
        Map<String, Long> before;
        byte[] journal;
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withSyncInterval(Duration.ZERO))) {
            s.record(List.of(SETS.get(0)), "snap.test", NOW).get();
            s.compact(); // one member in the snapshot, the rest in the journal
            for (int i = 0; i < 8; i++) {
                s.record(SETS.subList(0, 2), "spam" + i + ".test", NOW).get();
            }
            before = s.count(SETS, Instant.EPOCH).get();
            long startOfLast = Files.size(dir.resolve(JournalStateStore.JOURNAL));
            // the last record sees a known member again (two lines, one write): no count may change
            s.record(SETS.subList(0, 2), "spam7.test", NOW.plusSeconds(1)).get();
            journal = Files.readAllBytes(dir.resolve(JournalStateStore.JOURNAL));
            Map<String, Long> after = s.count(SETS, Instant.EPOCH).get();
            assertThat(after).isEqualTo(before);
            assertThat(after.get(SETS.get(0))).isEqualTo(9);
            for (int cut = (int) startOfLast; cut <= journal.length; cut++) {
                Path d = scratch.resolve("cut" + cut);
                copyInto(dir, d, java.util.Arrays.copyOf(journal, cut));
                Map<String, Long> counts = countsIn(d);
                for (String set : SETS) {
                    assertThat(counts.get(set)).as("set %s, journal cut at %d of %d", set, cut, journal.length)
                            .isEqualTo(after.get(set));
                }
            }
            assertThat(countsIn(copy(dir, scratch.resolve("whole"), journal))).isEqualTo(after);
        }
    }

    private static Path copy(Path from, Path to, byte[] journal) throws Exception {
        copyInto(from, to, journal);
        return to;
    }

    /** A changed octet inside a line (a bad sector, a bit flip) changes neither a count nor the start. */
    @Test
    void aDamagedLineFailsItsChecksumAndIsSkipped() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withSyncInterval(Duration.ZERO))) {
            s.compact();
            s.record(List.of("a"), "one.test", NOW).get();
            s.record(List.of("a"), "two.test", NOW).get();
        }
        Path jnl = dir.resolve(JournalStateStore.JOURNAL);
        String text = Files.readString(jnl, StandardCharsets.US_ASCII);
        Files.writeString(jnl, text.replace("two.test", "twx.test"), StandardCharsets.US_ASCII);
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(s.skippedLines()).isEqualTo(1);
            assertThat(count(s, "a", Instant.EPOCH)).isEqualTo(1);
        }
    }

    /**
     * A corrupt snapshot (damaged lines, garbage, a line of megabytes without a newline) is read as far as it is
     * sound, the journal is replayed on top, and the store starts; the next compaction writes a sound snapshot.
     */
    @Test
    void aCorruptSnapshotIsRecoveredFromWithTheJournal() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withSyncInterval(Duration.ZERO))) {
            s.record(List.of("a"), "snap1.test", NOW).get();
            s.record(List.of("a"), "snap2.test", NOW).get();
            s.compact();
            s.record(List.of("a"), "journal.test", NOW).get();
        }
        Path snap = dir.resolve(JournalStateStore.SNAPSHOT);
        String good = Files.readString(snap, StandardCharsets.US_ASCII);
        byte[] garbage = new byte[3 << 20];
        new java.util.Random(7).nextBytes(garbage);
        // each kind of damage, and the true count of what is left sound (the journal always adds journal.test)
        Map<byte[], Long> damage = new java.util.LinkedHashMap<>();
        damage.put(good.replace("snap1.test", "snap1.tesu").getBytes(StandardCharsets.US_ASCII), 2L);
        damage.put(garbage, 1L);
        damage.put(good.replace("snap1.test", "snap1.test x").getBytes(StandardCharsets.US_ASCII), 2L);
        damage.put(good.replace("\n1", "\n9").getBytes(StandardCharsets.US_ASCII), 1L);
        damage.put(new byte[0], 1L);
        for (Map.Entry<byte[], Long> d : damage.entrySet()) {
            Files.write(snap, d.getKey());
            try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
                assertThat(count(s, "a", Instant.EPOCH)).isEqualTo(d.getValue());
            }
            // open compacted into a sound snapshot: reopening reads it without a skipped line
            try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
                assertThat(s.skippedLines()).isZero();
                assertThat(count(s, "a", Instant.EPOCH)).isEqualTo(d.getValue());
            }
            // put the state back for the next kind of damage
            Files.writeString(snap, good, StandardCharsets.US_ASCII);
            Files.write(dir.resolve(JournalStateStore.JOURNAL), JournalStateStore.line(NOW.getEpochSecond(), "a",
                    "journal.test").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A crash while writing the snapshot leaves a partial {@code state.snapshot.tmp}: it is never read. */
    @Test
    void aPartialSnapshotTmpIsIgnored() throws Exception {
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withSyncInterval(Duration.ZERO))) {
            s.record(List.of("a"), "one.test", NOW).get();
            s.compact();
            s.record(List.of("a"), "two.test", NOW).get();
        }
        String snapshot = Files.readString(dir.resolve(JournalStateStore.SNAPSHOT), StandardCharsets.US_ASCII);
        String partial = snapshot + JournalStateStore.line(NOW.getEpochSecond(), "a", "only-in-tmp.test");
        Files.writeString(dir.resolve(JournalStateStore.SNAPSHOT + ".tmp"), partial.substring(0, partial.length() - 5),
                StandardCharsets.US_ASCII);
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(count(s, "a", Instant.EPOCH)).isEqualTo(2);
            assertThat(s.skippedLines()).isZero();
        }
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(count(s, "a", Instant.EPOCH)).isEqualTo(2);
        }
    }

    /** Files written before checksums (snapshot v1, journal lines without a CRC) are still read. */
    @Test
    void filesWithoutChecksumsAreStillRead() throws Exception {
        long t = NOW.getEpochSecond();
        Files.writeString(dir.resolve(JournalStateStore.SNAPSHOT), "# portcullis state snapshot v1\n" + t
                + " a one.test\n" + t + " a two.test\n", StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve(JournalStateStore.JOURNAL), t + " a three.test\n" + t + " b x%20y\n" + t
                + " a torn.te", StandardCharsets.US_ASCII);
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            assertThat(count(s, "a", Instant.EPOCH)).isEqualTo(3);
            assertThat(count(s, "b", Instant.EPOCH)).isEqualTo(1);
            assertThat(s.skippedLines()).isEqualTo(1);
        }
        assertThat(Files.readString(dir.resolve(JournalStateStore.SNAPSHOT))).startsWith(
                "# portcullis state snapshot v2\n");
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

    @Test
    void droppingFieldsThatAreNotThereWritesNothingAndRealDropsSurviveARestart() throws Exception {
        List<String> week = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            week.add("old:" + d);
        }
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS.withCompactAfterBytes(1L << 30))) {
            s.add(List.of("k1", "k2"), Map.of("old:7", 1L, "new:1", 1L), List.of(), NOW, Duration.ofDays(60)).get();
            long before = Files.size(dir.resolve(JournalStateStore.JOURNAL));
            for (int i = 0; i < 20; i++) {
                s.add(List.of("k2"), Map.of("new:1", 1L), week.subList(8, 40), NOW, Duration.ofDays(60)).get();
            }
            String journal = Files.readString(dir.resolve(JournalStateStore.JOURNAL));
            assertThat(journal).as("no drop line for fields that were never there").doesNotContain("\nX ");
            long perUpdate = (Files.size(dir.resolve(JournalStateStore.JOURNAL)) - before) / 20;
            assertThat(perUpdate).as("bytes journalled per update of one field").isLessThan(80);
            s.add(List.of("k1", "k2"), Map.of("new:1", 1L), week, NOW, Duration.ofDays(60)).get();
            assertThat(Files.readString(dir.resolve(JournalStateStore.JOURNAL)).lines()
                    .filter(l -> l.startsWith("X ")).toArray())
                    .as("one drop line per record that had the field, naming only that field")
                    .containsExactly("X k1 old:7 ~" + JournalStateStore.crc("X k1 old:7"),
                            "X k2 old:7 ~" + JournalStateStore.crc("X k2 old:7"));
        }
        try (JournalStateStore s = JournalStateStore.open(dir, OPTIONS)) {
            Map<String, Counters> c = s.counters(List.of("k1", "k2")).get();
            assertThat(c.get("k1").fields()).containsOnly(Map.entry("new:1", 2L));
            assertThat(c.get("k2").fields()).containsOnly(Map.entry("new:1", 22L));
        }
    }
}
