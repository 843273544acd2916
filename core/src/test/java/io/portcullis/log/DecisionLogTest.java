package io.portcullis.log;

import io.portcullis.testing.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {
    /** A clock the test moves. */

    static List<String> lines(Path f) throws IOException {
        return Files.readAllLines(f, StandardCharsets.UTF_8);
    }

    @Test
    void linesAreWrittenInOfferOrderWithAllFields(@TempDir Path dir) throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2026-11-26T10:15:30Z"));
        DecisionLog log = DecisionLog.open(dir, "mx1", 5000, 30, clock);
        log.offer(Decision.of(Decision.RCPT, Decision.REJECT).client("192.0.2.7").rdns("bad.example")
                .helo("evil\r\nX-Injected: yes").sender("spam@example.com").recipients(1).reason("score").score(20)
                .findings(List.of(new Finding("dnsbl", "zen", 20, "client-ip 192.0.2.7 listed in zen [127.0.0.2]")))
                .reply("550 5.7.1 Rejected: client-ip 192.0.2.7 listed"));
        for (int i = 0; i < 2000; i++) {
            log.offer(Decision.of(Decision.DATA, Decision.ACCEPT).messageId("<" + i + "@x>"));
        }
        log.close();
        assertThat(log.dropped()).isZero();
        List<String> lines = lines(dir.resolve("decisions-2026-11-26.jsonl"));
        assertThat(lines).hasSize(2001);
        assertThat(lines.get(0)).isEqualTo("{\"time\": \"2026-11-26T10:15:30Z\", \"node\": \"mx1\", \"stage\": \"rcpt\", "
                + "\"client\": \"192.0.2.7\", \"rdns\": \"bad.example\", \"helo\": \"evil X-Injected: yes\", "
                + "\"sender\": \"spam@example.com\", \"recipients\": 1, \"action\": \"reject\", \"reason\": \"score\", "
                + "\"score\": 20, \"findings\": [{\"check\": \"dnsbl\", \"rule\": \"zen\", \"weight\": 20, "
                + "\"reason\": \"client-ip 192.0.2.7 listed in zen [127.0.0.2]\"}], "
                + "\"reply\": \"550 5.7.1 Rejected: client-ip 192.0.2.7 listed\"}");
        for (int i = 0; i < 2000; i++) {
            assertThat(lines.get(i + 1)).contains("\"message_id\": \"<" + i + "@x>\"");
        }
        // Each line parses back.
        for (String l : lines) {
            assertThat(JsonLine.parse(l)).isInstanceOf(Map.class);
        }
    }

    @Test
    void aNewFileEachUtcDay(@TempDir Path dir) throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2026-11-26T23:59:59Z"));
        DecisionLog log = DecisionLog.open(dir, "mx1", 100, 30, clock);
        log.offer(Decision.of(Decision.RCPT, Decision.REJECT).client("192.0.2.1"));
        clock.set(Instant.parse("2026-11-27T00:00:01Z"));
        log.offer(Decision.of(Decision.RCPT, Decision.REJECT).client("192.0.2.2"));
        log.offer(Decision.of(Decision.RCPT, Decision.REJECT).client("192.0.2.3"));
        log.close();
        assertThat(lines(dir.resolve("decisions-2026-11-26.jsonl"))).hasSize(1).allMatch(l -> l.contains("192.0.2.1"));
        assertThat(lines(dir.resolve("decisions-2026-11-27.jsonl"))).hasSize(2);
    }

    @Test
    void filesOlderThanTheRetentionAreDeleted(@TempDir Path dir) throws Exception {
        for (String day : List.of("2026-11-20", "2026-11-23", "2026-11-24", "2026-11-26")) {
            Files.write(dir.resolve("decisions-" + day + ".jsonl"), List.of("{}"));
        }
        Files.write(dir.resolve("notes.txt"), List.of("kept"));
        SettableClock clock = new SettableClock(Instant.parse("2026-11-26T08:00:00Z"));
        DecisionLog log = DecisionLog.open(dir, "mx1", 100, 3, clock); // keeps 24, 25, 26
        log.offer(Decision.of(Decision.DATA, Decision.TAG));
        log.close();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()))
                    .containsExactly("decisions-2026-11-24.jsonl", "decisions-2026-11-26.jsonl", "notes.txt");
        }
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlocking() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        DecisionLog.Sink blocked = new DecisionLog.Sink() {
            @Override
            public void write(LocalDate day, String line) throws IOException {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.add(line);
            }

            @Override
            public void flush() {
            }

            @Override
            public void expire(LocalDate oldestKept) {
            }

            @Override
            public void close() {
            }
        };
        DecisionLog log = new DecisionLog(blocked, "mx1", 2, 0, Clock.systemUTC());
        assertThat(log.offer(Decision.of(Decision.RCPT, Decision.REJECT))).isTrue();
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue(); // the writer is stuck in write()
        assertThat(log.offer(Decision.of(Decision.RCPT, Decision.REJECT))).isTrue();
        assertThat(log.offer(Decision.of(Decision.RCPT, Decision.REJECT))).isTrue(); // queue (2) now full
        // The writer stays stuck throughout: these offers can only return because offering never waits for it
        // (their cost is measured by ./portcullis bench-log, not here).
        int refused = 0;
        for (int i = 0; i < 10_000; i++) {
            if (!log.offer(Decision.of(Decision.RCPT, Decision.REJECT))) {
                refused++;
            }
        }
        assertThat(refused).isEqualTo(10_000);
        assertThat(log.dropped()).isEqualTo(10_000);
        release.countDown();
        log.close();
        assertThat(written).hasSize(4);
        assertThat(written).filteredOn(l -> l.contains("\"type\": \"overflow\"")).singleElement().asString()
                .contains("\"dropped\": 10000").contains("\"dropped_total\": 10000");
        assertThat(written).filteredOn(l -> l.contains("\"stage\": \"rcpt\"")).hasSize(3);
        assertThat(log.offer(Decision.of(Decision.RCPT, Decision.REJECT))).as("closed").isFalse();
    }

    @Test
    void disabledLogAcceptsNothingAndStartsNoThread() {
        assertThat(DecisionLog.DISABLED.enabled()).isFalse();
        assertThat(DecisionLog.DISABLED.offer(Decision.of(Decision.RCPT, Decision.REJECT))).isFalse();
        DecisionLog.DISABLED.close();
    }

    @Test
    void eventsAreLinesWithAType(@TempDir Path dir) throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2026-11-26T10:00:00Z"));
        DecisionLog log = DecisionLog.open(dir, "mx1", 10, 30, clock);
        log.offerEvent("dns", Map.of("event", "suspended"));
        log.close();
        assertThat(lines(dir.resolve("decisions-2026-11-26.jsonl"))).containsExactly(
                "{\"time\": \"2026-11-26T10:00:00Z\", \"node\": \"mx1\", \"type\": \"dns\", \"event\": \"suspended\"}");
    }

    @Test
    void localNodeNameIsReadWithoutDns() {
        assertThat(LocalNode.name()).matches("[A-Za-z0-9._:-]+");
    }
}
