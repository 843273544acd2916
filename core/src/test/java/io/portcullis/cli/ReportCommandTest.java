package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-27T09:00:00Z"), ZoneOffset.UTC);

    private int run(String... args) {
        return ReportCommand.run(CliArgs.parse(args, ReportCommand.OPTIONS),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                NOW);
    }

    static void day(Path dir, String day, String... actions) throws Exception {
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder();
        for (String a : actions) {
            sb.append("{\"time\": \"").append(day).append("T10:00:00Z\", \"node\": \"").append(dir.getFileName())
                    .append("\", \"stage\": \"rcpt\", \"client\": \"192.0.2.1\", \"action\": \"").append(a)
                    .append("\"}\n");
        }
        Files.write(dir.resolve("decisions-" + day + ".jsonl"), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private String text() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultDayIsTodayAndYesterdayIsAWord(@TempDir Path tmp) throws Exception {
        day(tmp.resolve("mx1"), "2026-11-27", "reject", "reject");
        day(tmp.resolve("mx1"), "2026-11-26", "tag");
        assertThat(run("--log", tmp.resolve("mx1").toString())).isZero();
        assertThat(text()).startsWith("Portcullis decision report, 2026-11-27 (UTC)\n").contains("Decisions: 2\n")
                .contains("Refused (reject + tempfail): 2\n");
        out.reset();
        assertThat(run("--log", tmp.resolve("mx1").toString(), "--day", "yesterday")).isZero();
        assertThat(text()).contains("2026-11-26 (UTC)").contains("Decisions: 1\n");
    }

    @Test
    void rangesMergeSeveralNodes(@TempDir Path tmp) throws Exception {
        day(tmp.resolve("mx1"), "2026-11-25", "reject");
        day(tmp.resolve("mx2"), "2026-11-26", "reject", "accept");
        day(tmp.resolve("mx2"), "2026-11-20", "reject");
        assertThat(run("--log", tmp.resolve("mx1").toString(), "--log", tmp.resolve("mx2").toString(), "--from",
                "2026-11-25", "--to", "2026-11-26")).isZero();
        assertThat(text()).contains("2026-11-25 to 2026-11-26").contains("Nodes: mx1 (1), mx2 (2)")
                .contains("Decisions: 3\n");
    }

    @Test
    void htmlWritesTheSamePageAsTheTextReport(@TempDir Path tmp) throws Exception {
        day(tmp.resolve("mx1"), "2026-11-27", "reject", "tag");
        Path page = tmp.resolve("out").resolve("report.html");
        assertThat(run("--log", tmp.resolve("mx1").toString(), "--html", page.toString())).isZero();
        assertThat(text()).contains("Decisions: 2\n"); // text still on stdout
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("HTML written to " + page);
        String html = Files.readString(page, StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h1>Portcullis decision report, 2026-11-27 (UTC)</h1>")
                .contains("<h2>Decisions: 2</h2>").contains("<h2>Refused (reject + tempfail): 1</h2>")
                .contains("<svg").doesNotContain("<script");
    }

    @Test
    void htmlToAnUnwritablePlaceFails(@TempDir Path tmp) throws Exception {
        day(tmp.resolve("mx1"), "2026-11-27", "reject");
        Files.createDirectories(tmp.resolve("dir.html"));
        assertThat(run("--log", tmp.resolve("mx1").toString(), "--html", tmp.resolve("dir.html").toString()))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot write");
    }

    @Test
    void usageErrors(@TempDir Path tmp) {
        assertThat(Main.run(new String[] {"report", "--day", "2026-11-26", "--from", "2026-11-20"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(Main.run(new String[] {"report", "--day", "26/11/2026"}, new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(run("--log", tmp.resolve("missing").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read");
        assertThat(List.of(Main.usage().split("\n"))).anyMatch(l -> l.contains("portcullis report"));
    }
}
