package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> outLines() {
        return List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
    }

    @Test
    void scanPrintsOneJsonObjectPerMessageAndASummary(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a.eml"), ("Date: Mon, 2 Sep 2002 10:00:00 +0000\r\nFrom: a@example.com\r\n"
                + "To: b@example.com\r\nSubject: hi\r\nMessage-ID: <1@example.com>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("b.eml"), "no headers at all".getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("README"), "not a message".getBytes(StandardCharsets.US_ASCII));
        assertThat(run("scan", dir.toString())).isZero();
        List<String> lines = outLines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{\"file\": \"" + dir.resolve("a.eml") + "\", \"score\": ")
                .contains("\"action\": \"").contains("\"findings\": [");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("scanned 2 message(s), 0 error(s)").contains("accept");
    }

    @Test
    void unreadableFileGivesAnErrorFieldNotACrash(@TempDir Path dir) {
        assertThat(run("scan", dir.resolve("missing.eml").toString())).isZero();
        assertThat(outLines().get(0)).contains("\"error\": \"NoSuchFileException");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("1 error(s)");
    }

    @Test
    void badConfigurationIsReportedWithKeyAndValue(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("p.properties");
        Files.write(conf, "policy.reject-threshold=lots\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(run("scan", "--config", conf.toString(), dir.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("policy.reject-threshold").contains("'lots'");
    }

    @Test
    void usageErrors() {
        assertThat(run("scan")).isEqualTo(2);
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(run("scan", "--bogus", "x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus");
    }

    @Test
    void accuracyReportsRatesForBothClasses(@TempDir Path dir) throws Exception {
        Path ham = Files.createDirectories(dir.resolve("ham"));
        Path spam = Files.createDirectories(dir.resolve("spam"));
        Files.write(ham.resolve("1.eml"), ("Date: Mon, 2 Sep 2002 10:00:00 +0000\r\nFrom: a@example.com\r\n"
                + "To: b@example.com\r\nSubject: hi\r\nMessage-ID: <1@example.com>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        Files.write(spam.resolve("1.eml"), "Subject: x\n\nbody".getBytes(StandardCharsets.US_ASCII));
        assertThat(run("accuracy", "--ham", ham.toString(), "--spam", spam.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ham:  1 message(s)").contains("<- tag threshold");
    }

    @Test
    void accuracyCrossValidatesBySenderAndReportsVariedHam(@TempDir Path dir) throws Exception {
        Path ham = Files.createDirectories(dir.resolve("ham"));
        Path spam = Files.createDirectories(dir.resolve("spam"));
        Path varied = Files.createDirectories(dir.resolve("varied"));
        for (int i = 0; i < 6; i++) {
            Files.write(ham.resolve(i + ".eml"), ("Date: Mon, 2 Sep 2002 10:00:00 +0000\r\nFrom: a@sender" + i
                    + ".example\r\nTo: b@example.com\r\nSubject: hi\r\nMessage-ID: <" + i + "@example.com>\r\n\r\nbody\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // no Date, no From: two rfc rules, flagged
            Files.write(spam.resolve(i + ".eml"), ("Subject: x" + i + "\r\nTo: b@example.com\r\n\r\nbody")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        Files.write(varied.resolve("1.eml"), ("Date: Mon, 2 Sep 2002 10:00:00 +0000\r\nFrom: n@news.example\r\n"
                + "To: b@example.com\r\nSubject: news\r\nMessage-ID: <n@news.example>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(run("accuracy", "--ham", ham.toString(), "--spam", spam.toString(), "--folds", "3",
                "--varied-ham", varied.toString())).isZero();
        String o = out.toString(StandardCharsets.UTF_8);
        assertThat(o).contains("3-fold cross-validation by sender (seed 1)")
                .contains("held-out ham flagged:  0 of 6 (0.00 %), 0 of 6 senders")
                .contains("held-out spam flagged: 6 of 6 (100.00 %)")
                .contains("1 message(s) (0 unreadable) from 1 sender(s): 0 flagged (0.00 %)");
        assertThat(outLines()).anyMatch(l -> l.startsWith("MISSING_DATE") && l.contains("rfc") && l.contains("fixed"));
        assertThat(run("accuracy", "--ham", ham.toString(), "--spam", spam.toString(), "--folds", "1")).isEqualTo(2);
    }

    @Test
    void rulesShowEachRulesKindAndThePrinciple() {
        assertThat(run("rules")).isZero();
        assertThat(outLines()).anyMatch(l -> l.startsWith("INVALID_DATE ") && l.contains(" rfc "))
                .anyMatch(l -> l.startsWith("FORGED_MUA ") && l.contains(" heuristic "))
                .anyMatch(l -> l.startsWith("CONTENT_TYPE_HTML_ONLY ") && l.contains(" bulk "));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Only rfc rules may reach the tag threshold");
    }
}
