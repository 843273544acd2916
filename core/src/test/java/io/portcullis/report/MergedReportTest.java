package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.log.Decision;
import io.portcullis.verdict.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes' logs merged into one report: each decision once, in time order, the nodes named; a torn last line
 * skipped; the worst and most improved networks and domains against the previous period.
 */
class MergedReportTest {
    private static final LocalDate DAY = LocalDate.parse("2026-11-26");
    private static final Finding ZEN = new Finding("dnsbl", "zen", 20, "client-ip listed", "zen.example");

    private static String reject(String time, String client, String sender) {
        return line("mx-a", Decision.of(Decision.RCPT, Decision.REJECT).time(Instant.parse(time)).client(client)
                .sender(sender).reason("score").score(20).findings(List.of(ZEN)).reply("550 5.7.1 Rejected"));
    }

    private static String line(String node, Decision d) {
        return d.toJson(node);
    }

    private static void write(Path dir, String day, List<String> lines, String tail) throws Exception {
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        sb.append(tail);
        Files.write(dir.resolve("decisions-" + day + ".jsonl"), sb.toString().getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void twoNodesOverlappingInTimeMergeInTimeOrderAndATornLastLineIsSkipped(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        // a: 08:00, 10:00, 12:00 and a torn last line (being written); b: 09:00, 11:00 (interleaved in time)
        write(a, "2026-11-26", List.of(
                line("mx-a", Decision.of(Decision.RCPT, Decision.REJECT).time(Instant.parse("2026-11-26T08:00:00Z"))
                        .client("192.0.2.1").reason("score")),
                line("mx-a", Decision.of(Decision.DATA, Decision.ACCEPT).time(Instant.parse("2026-11-26T10:00:00Z"))
                        .client("192.0.2.2").reason("score")),
                line("mx-a", Decision.of(Decision.RCPT, Decision.TEMPFAIL).time(Instant.parse("2026-11-26T12:00:00Z"))
                        .client("192.0.2.3").reason("greylisted"))),
                "{\"time\": \"2026-11-26T12:00:01Z\", \"node\": \"mx-a\", \"stage\": \"rc");
        write(b, "2026-11-26", List.of(
                line("mx-b", Decision.of(Decision.RCPT, Decision.REJECT).time(Instant.parse("2026-11-26T09:00:00Z"))
                        .client("198.51.100.1").reason("score")),
                line("mx-b", Decision.of(Decision.DATA, Decision.TAG).time(Instant.parse("2026-11-26T11:00:00Z"))
                        .client("198.51.100.2").reason("score"))), "");
        DecisionReport r = new DecisionReport(DAY, DAY).read(a).read(b);
        List<String> order = new ArrayList<>();
        LogMerge merge = new LogMerge();
        merge.add(a, DAY, DAY);
        merge.add(b, DAY, DAY);
        merge.run(new LogMerge.Sink() {
            @Override
            public void line(Map<String, Object> fields, java.time.OffsetDateTime time) {
                order.add(fields.get("node") + " " + time.toLocalTime());
            }

            @Override
            public void unreadable() {
                order.add("unreadable");
            }
        });
        assertThat(order).containsExactly("mx-a 08:00", "mx-b 09:00", "mx-a 10:00", "mx-b 11:00", "mx-a 12:00");
        assertThat(merge.torn()).isEqualTo(1);

        String text = r.render();
        assertThat(text).contains("Nodes: mx-a (3), mx-b (2)\n").contains("Decisions: 5\n")
                .contains("Refused (reject + tempfail): 3\n")
                .contains("Torn last lines skipped (a file being written): 1\n")
                .doesNotContain("Unreadable lines").doesNotContain("counted once");
        assertThat(r.renderHtml()).contains("Torn last lines skipped (a file being written): 1");
    }

    @Test
    void aDecisionInSeveralLogsCountsOnceButEqualLinesOfOneNodeCountTwice(@TempDir Path tmp) throws Exception {
        String r1 = line("mx-a", Decision.of(Decision.RCPT, Decision.REJECT)
                .time(Instant.parse("2026-11-26T08:00:00Z")).client("192.0.2.1").reason("score"));
        String r2 = line("mx-a", Decision.of(Decision.RCPT, Decision.REJECT)
                .time(Instant.parse("2026-11-26T08:00:05Z")).client("192.0.2.9").reason("score"));
        String other = line("mx-b", Decision.of(Decision.RCPT, Decision.REJECT)
                .time(Instant.parse("2026-11-26T08:00:02Z")).client("198.51.100.1").reason("score"));
        Path a = tmp.resolve("a");
        Path copy = tmp.resolve("copy-of-a-and-b");
        // the same decision twice in one node's log (same instant, same client): two decisions
        write(a, "2026-11-26", List.of(r1, r1, r2), "");
        // a copy holding part of a's log and b's line
        write(copy, "2026-11-26", List.of(r1, other, r2), "");
        DecisionReport r = new DecisionReport(DAY, DAY).read(a).read(copy);
        assertThat(r.decisions()).isEqualTo(4); // r1 twice (a has it twice), r2 once, other once
        assertThat(r.render()).contains("Nodes: mx-a (3), mx-b (1)\n")
                .contains("Lines in several logs, counted once: 2\n");
        // the same folder given twice is read once
        DecisionReport twice = new DecisionReport(DAY, DAY).read(a).read(a);
        assertThat(twice.decisions()).isEqualTo(3);
        assertThat(twice.duplicates()).isEqualTo(3);
    }

    @Test
    void worstAndMostImprovedNetworksAndDomainsAgainstThePreviousPeriod(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        List<String> before = new ArrayList<>();
        List<String> now = new ArrayList<>();
        // 100.64.1.0/24 with a verified domain: 5 of 6 spam the day before, 1 of 6 now (improved)
        List<String> keys = List.of("net:100.64.1.0/24", "mail-from:news.example");
        for (int i = 0; i < 6; i++) {
            before.add(line("mx-a", Decision.of(i < 5 ? Decision.RCPT : Decision.PIPELINE,
                    i < 5 ? Decision.REJECT : Decision.ACCEPT).time(Instant.parse("2026-11-25T10:00:0" + i + "Z"))
                    .client("100.64.1." + i).sender("n@news.example").entities(keys)));
            now.add(line("mx-a", Decision.of(i < 1 ? Decision.RCPT : Decision.PIPELINE,
                    i < 1 ? Decision.REJECT : Decision.ACCEPT).time(Instant.parse("2026-11-26T10:00:0" + i + "Z"))
                    .client("100.64.1." + i).sender("n@news.example").entities(keys)));
        }
        // 203.0.113.0/24 without entities on its lines: 4 refusals now (worst), and one message accepted at end of
        // DATA then tagged by the pipeline (counted once, as tagged)
        for (int i = 0; i < 4; i++) {
            now.add(reject("2026-11-26T11:00:0" + i + "Z", "203.0.113." + (10 + i), "x" + i + "@Bulk.Example"));
        }
        now.add(line("mx-a", Decision.of(Decision.DATA, Decision.ACCEPT).time(Instant.parse("2026-11-26T12:00:00Z"))
                .client("203.0.113.20").sender("y@bulk.example").recipients(1).messageId("<m1@x>")));
        now.add(line("mx-a", Decision.of(Decision.PIPELINE, Decision.TAG).time(Instant.parse("2026-11-26T12:00:01Z"))
                .client("203.0.113.20").sender("y@bulk.example").recipients(1).messageId("<m1@x>")));
        write(a, "2026-11-25", before, "");
        write(a, "2026-11-26", now, "");
        // node b: 2001:db8:5::/64 refused twice, greylisted (tempfail: not counted) once
        write(b, "2026-11-26", List.of(
                line("mx-b", Decision.of(Decision.RCPT, Decision.REJECT).time(Instant.parse("2026-11-26T09:00:00Z"))
                        .client("2001:db8:5::1").sender("a@spam.example").entities(List.of("net:2001:db8:5::/64",
                                "mail-from:spam.example@2001:db8:5::/64", "from:spam.example@2001:db8:5::/64"))),
                line("mx-b", Decision.of(Decision.RCPT, Decision.REJECT).time(Instant.parse("2026-11-26T09:00:01Z"))
                        .client("2001:db8:5::2").sender("b@spam.example").entities(List.of("net:2001:db8:5::/64",
                                "mail-from:spam.example@2001:db8:5::/64"))),
                line("mx-b", Decision.of(Decision.RCPT, Decision.TEMPFAIL).time(Instant.parse("2026-11-26T09:00:02Z"))
                        .client("2001:db8:5::3").reason("greylisted").entities(List.of("net:2001:db8:5::/64")))),
                "");
        DecisionReport r = new DecisionReport(DAY, DAY).read(a).read(b);
        List<EntityTally.Row> worstNets = r.worst(true);
        assertThat(worstNets).extracting(e -> e.key + " " + e.spam + "/" + e.total).containsExactly(
                "203.0.113.0/24 5/5", "2001:db8:5::/64 2/2", "100.64.1.0/24 1/6");
        assertThat(r.worst(false)).extracting(e -> e.key + " " + e.spam + "/" + e.total).containsExactly(
                "bulk.example@203.0.113.0/24 5/5", "spam.example@2001:db8:5::/64 2/2", "news.example 1/6");
        assertThat(r.mostImproved(true)).extracting(e -> e.key + " " + e.previousSpam + "/" + e.previousTotal + " "
                + e.spam + "/" + e.total).containsExactly("100.64.1.0/24 5/6 1/6");
        assertThat(r.mostImproved(false)).extracting(e -> e.key).containsExactly("news.example");
        String text = r.render();
        assertThat(text).containsPattern("Worst networks \\(spam: refused \\+ tagged\\)\n.*\n +203\\.0\\.113\\.0/24 +5 +5 "
                + "+100%\n +2001:db8:5::/64 +2 +2 +100%\n +100\\.64\\.1\\.0/24 +1 +6 +17%\n");
        assertThat(text).containsPattern("Most improved networks \\(spam ratio against 2026-11-25, at least 5 "
                + "decisions in each\\)\n.*\n +100\\.64\\.1\\.0/24 +83% +17% +6\n");
        assertThat(text).contains("Most improved domains (spam ratio against 2026-11-25, at least 5 decisions in each)"
                + "\n");
        assertThat(r.renderHtml()).contains("<td>100.64.1.0/24</td><td class=\"n\">83%</td><td class=\"n\">17%</td>")
                .contains("<td>news.example</td>");
        // too few decisions in one period: not compared
        DecisionReport week = new DecisionReport(LocalDate.parse("2026-11-26"), LocalDate.parse("2026-11-27"))
                .read(a).read(b);
        assertThat(week.previousPeriod()).isEqualTo("2026-11-24 to 2026-11-25");
        assertThat(week.mostImproved(true)).extracting(e -> e.key).containsExactly("100.64.1.0/24");
        DecisionReport later = new DecisionReport(LocalDate.parse("2026-11-27"), LocalDate.parse("2026-11-27"))
                .read(a).read(b);
        assertThat(later.mostImproved(true)).isEmpty();
    }
}
