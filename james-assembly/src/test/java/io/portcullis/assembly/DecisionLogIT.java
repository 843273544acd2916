package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.report.DecisionReport;
import io.portcullis.testing.KnotServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision log in a real James 3.8.1 with the SMTP handler and a real Knot server: {@code bl} lists 127.0.0.2
 * with weight 20 (over the reject threshold 15), {@code dyn} lists 127.0.0.4 with weight 6 (tag, under the tarpit
 * threshold 10), 127.0.0.1 is clean. A rejected, a tagged and a clean transaction give the expected lines, and the
 * report over them the expected counts; in {@code smtp.mode = observe} a listed client is logged as "would reject"
 * and its mail is delivered; with one list in observe mode ({@code dnsbl.list.bl.mode = observe}) its listing is
 * logged as "would reject" and the mail delivered untouched, while the other list is still enforced.
 */
class DecisionLogIT {
    private static final String USER = PortcullisServer.DEMO_USER;

    @TempDir
    static Path work;
    static KnotServer knot;

    @BeforeAll
    static void startKnot() throws Exception {
        knot = KnotServer.start(work, KnotServer.zonesFromClasspath("bl.test"));
    }

    @AfterAll
    static void stopKnot() {
        if (knot != null) {
            knot.close();
        }
    }

    static GuiceJamesServer james(Path dir, String node, String mode, String... extra) throws Exception {
        return james(TestJames.in(dir), node, mode, extra);
    }

    static GuiceJamesServer james(TestJames james, String node, String mode, String... extra) throws Exception {
        return james.smtpHandler().dns(knot.hostPort()).dropSampleLists().properties(
                "dns.timeout-ms = 1000",
                "dnsbl.list.bl = bl.test=127.0.0.2*20",
                "dnsbl.list.dyn = bl.test=127.0.0.4*6",
                "dnsbl.self-test = false", // dyn does not list the RFC 5782 test entry with its filter
                "smtp.budget-ms = 1000",
                "smtp.mode = " + mode,
                "nameservers.enabled = false",
                "log.node = " + node).properties(extra).start();
    }

    /** A full transaction; returns the RCPT refusal or the end-of-DATA reply. */
    static String send(int port, String client, byte[] message) throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(client, port)) {
            assertThat(d.greeting()).startsWith("220");
            assertThat(d.command("EHLO client.example.net")).startsWith("250");
            assertThat(d.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            String r = d.command("RCPT TO:<" + USER + ">");
            if (!r.startsWith("250")) {
                return r;
            }
            r = d.data(message);
            d.command("QUIT");
            return r;
        }
    }

    static List<String> logLines(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().collect(Collectors.toList())) {
                out.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Waits (the writer is asynchronous) until a line matching {@code which} is there; returns all lines. */
    static List<String> awaitLine(Path dir, Predicate<String> which) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        List<String> lines = logLines(dir);
        while (lines.stream().noneMatch(which) && System.nanoTime() < end) {
            Thread.sleep(50);
            lines = logLines(dir);
        }
        return lines;
    }

    static long count(List<String> lines, String... parts) {
        return lines.stream().filter(l -> {
            for (String p : parts) {
                if (!l.contains(p)) {
                    return false;
                }
            }
            return true;
        }).count();
    }

    @Test
    void rejectedTaggedAndCleanTransactionsAreLoggedAndReported() throws Exception {
        Path dir = work.resolve("enforce");
        GuiceJamesServer server = james(dir, "it-enforce", "enforce");
        Path log = dir.resolve("var/portcullis/decisions");
        try {
            int port = TestJames.smtpPort(server);
            ImapMailbox mailbox = TestJames.demoMailbox(server);

            String rejected = MailClients.token();
            assertThat(send(port, "127.0.0.2", MailClients.conformant(rejected))).startsWith("550 5.7.1");
            String tagged = MailClients.token();
            assertThat(send(port, "127.0.0.4", MailClients.conformant(tagged))).startsWith("250");
            String clean = MailClients.token();
            assertThat(send(port, "127.0.0.1", MailClients.conformant(clean))).startsWith("250");
            assertThat(mailbox.await("INBOX", clean)).isNotNull();

            List<String> lines = awaitLine(log, l -> l.contains("\"stage\": \"pipeline\"") && l.contains(tagged));
            lines.forEach(l -> System.out.println("DecisionLogIT: " + l));
            // Rejected at RCPT: one line, with the list, the score and the reply sent.
            assertThat(count(lines, "\"node\": \"it-enforce\"", "\"stage\": \"rcpt\"", "\"client\": \"127.0.0.2\"",
                    "\"helo\": \"client.example.net\"", "\"sender\": \"alice@example.com\"", "\"action\": \"reject\"",
                    "\"score\": 20", "\"rule\": \"bl\"", "\"reply\": \"550 5.7.1 Rejected: ")).isEqualTo(1);
            // Tagged: the end-of-DATA decision and the pipeline's (Tag mailet), both with the message id.
            assertThat(count(lines, "\"stage\": \"data\"", "\"client\": \"127.0.0.4\"", "\"action\": \"tag\"",
                    "\"score\": 6", "\"rule\": \"dyn\"", "\"message_id\": \"<" + tagged + "@mail.example.com>\"",
                    "\"recipients\": 1", "\"reply\": \"250\"")).isEqualTo(1);
            assertThat(count(lines, "\"stage\": \"pipeline\"", "\"action\": \"tag\"", "\"score\": 6",
                    "<" + tagged + "@mail.example.com>")).isEqualTo(1);
            // Clean: no finding, no line; nothing in observe mode; no message body anywhere.
            assertThat(count(lines, clean)).isZero();
            assertThat(count(lines, "\"client\": \"127.0.0.1\"")).isZero();
            assertThat(count(lines, "\"observe\"")).isZero();
            assertThat(count(lines, "Hello.")).isZero();

            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            String report = new DecisionReport(today.minusDays(1), today).read(log).render();
            System.out.println(report);
            // 127.0.0.2 scores over the tarpit threshold too: tarpitted from the first reply after its listing
            // arrived (EHLO, or MAIL on a loaded machine), then refused at RCPT.
            assertThat(count(lines, "\"client\": \"127.0.0.2\"", "\"action\": \"tarpit\"", "\"score\": 20"))
                    .isEqualTo(1);
            assertThat(lines.stream().filter(l -> l.contains("\"action\": \"tarpit\""))
                    .allMatch(l -> l.contains("\"stage\": \"helo\"") || l.contains("\"stage\": \"mail\""))).isTrue();
            assertThat(report).contains("Nodes: it-enforce (4)")
                    .containsPattern("\n  tarpit +1 +0\n")
                    .containsPattern("\n  reject +1 +0\n")
                    .containsPattern("\n  tag +1 +1\n")
                    .contains("Refused (reject + tempfail): 1\n")
                    .containsPattern("by list\n +bl \\(bl\\.test\\) +1\n")
                    .containsPattern("by client network\n +127\\.0\\.0\\.0/24 +1\n")
                    .containsPattern("top refused senders\n +alice@example\\.com +1\n")
                    .contains("Observe mode (logged, not enforced): 0\n");
        } finally {
            server.stop();
        }
        // Closed with James: everything written, nothing dropped.
        assertThat(logLines(log).stream().filter(l -> l.contains("overflow"))).isEmpty();
    }

    @Test
    void observeModeLogsWouldRejectAndDeliversTheMail() throws Exception {
        Path dir = work.resolve("observe");
        GuiceJamesServer server = james(dir, "it-observe", "observe");
        Path log = dir.resolve("var/portcullis/decisions");
        try {
            int port = TestJames.smtpPort(server);
            ImapMailbox mailbox = TestJames.demoMailbox(server);
            String token = MailClients.token();
            assertThat(send(port, "127.0.0.2", MailClients.conformant(token))).startsWith("250");
            String where = null;
            long end = System.nanoTime() + 30_000_000_000L;
            while (where == null && System.nanoTime() < end) {
                for (String folder : List.of("INBOX", "Spam")) {
                    try {
                        if (!mailbox.find(folder, token).isEmpty()) {
                            where = folder;
                        }
                    } catch (IOException e) {
                        // folder not there (yet)
                    }
                }
                Thread.sleep(200);
            }
            assertThat(where).as("observed mail delivered (INBOX or Spam)").isNotNull();
            System.out.println("DecisionLogIT: observed mail delivered to " + where);

            List<String> lines = awaitLine(log, l -> l.contains("\"stage\": \"pipeline\"") && l.contains(token));
            lines.forEach(l -> System.out.println("DecisionLogIT: " + l));
            assertThat(count(lines, "\"stage\": \"rcpt\"", "\"client\": \"127.0.0.2\"", "\"action\": \"reject\"",
                    "\"observe\": true", "\"rule\": \"bl\"", "\"reply\": \"550 5.7.1 Rejected: ")).isEqualTo(1);
            assertThat(count(lines, "\"stage\": \"data\"", "\"action\": \"reject\"", "\"observe\": true",
                    "<" + token + "@mail.example.com>")).isEqualTo(1);

            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            String report = new DecisionReport(today.minusDays(1), today).read(log).render();
            System.out.println(report);
            assertThat(report).contains("Refused (reject + tempfail): 0\n")
                    .contains("Observe mode (logged, not enforced): 2\n")
                    .containsPattern("would reject +2\n")
                    .contains("would have refused: 2\n");
        } finally {
            server.stop();
        }
    }

    @Test
    void aListInObserveModeLogsWouldRejectAndLeavesTheMailUntouched() throws Exception {
        Path dir = work.resolve("observe-list");
        // The Tarpit mailet on the spam path, so that the tagged client is remembered (a pipeline decision).
        GuiceJamesServer server = james(TestJames.in(dir).edit("mailetcontainer.xml",
                "<mailet match=\"All\" class=\"LocalDelivery\"/>",
                "<mailet match=\"IsMarkedAsSpam\" class=\"io.portcullis.mailets.Tarpit\"/>\n"
                        + "            <mailet match=\"All\" class=\"LocalDelivery\"/>"),
                "it-observe-list", "enforce", "dnsbl.list.bl.mode = observe");
        Path log = dir.resolve("var/portcullis/decisions");
        try {
            int port = TestJames.smtpPort(server);
            ImapMailbox mailbox = TestJames.demoMailbox(server);
            String observed = MailClients.token();
            long start = System.nanoTime();
            assertThat(send(port, "127.0.0.2", MailClients.conformant(observed))).startsWith("250");
            long millis = (System.nanoTime() - start) / 1_000_000;
            String tagged = MailClients.token();
            assertThat(send(port, "127.0.0.4", MailClients.conformant(tagged))).startsWith("250");

            // Delivered to INBOX as sent: no Portcullis header, not tarpitted (the enforced score is 0).
            byte[] message = mailbox.await("INBOX", observed);
            assertThat(message).isNotNull();
            assertThat(MailClients.headers(message)).doesNotContain("X-Portcullis");
            assertThat(millis).as("transaction of the observed client, ms").isLessThan(5000);
            // The enforced list still acts: dyn tags.
            assertThat(MailClients.headers(mailbox.await("Spam", tagged))).contains("X-Portcullis-Score: 6.0");

            List<String> lines = awaitLine(log, l -> l.contains("\"stage\": \"pipeline\"") && l.contains(tagged));
            lines.forEach(l -> System.out.println("DecisionLogIT: " + l));
            assertThat(count(lines, "\"stage\": \"rcpt\"", "\"client\": \"127.0.0.2\"", "\"action\": \"reject\"",
                    "\"observe\": true", "\"score\": 20", "\"rule\": \"bl\"", "\"reply\": \"550 5.7.1 Rejected: "))
                    .isEqualTo(1);
            assertThat(count(lines, "\"client\": \"127.0.0.2\"", "\"action\": \"tarpit\"")).isZero();
            assertThat(count(lines, "\"client\": \"127.0.0.2\"", "\"action\": \"reject\"")).isEqualTo(1);
            assertThat(count(lines, "\"stage\": \"data\"", "\"client\": \"127.0.0.4\"", "\"action\": \"tag\"",
                    "\"rule\": \"dyn\"")).isEqualTo(1);
            // The Tarpit mailet remembered the tagged client (and only it: the observed client was not tagged).
            lines = awaitLine(log, l -> l.contains("\"reason\": \"remember\""));
            assertThat(count(lines, "\"stage\": \"pipeline\"", "\"client\": \"127.0.0.4\"",
                    "\"action\": \"tarpit\"", "\"reason\": \"remember\"", "\"rule\": \"dyn\"")).isEqualTo(1);
            assertThat(count(lines, "\"reason\": \"remember\"")).isEqualTo(1);
            // Remembered means something only if the next connection is tarpitted: its replies are delayed (the
            // default smtp.tarpit.delay-ms, 2 s, from the first reply after the memory answered) and logged.
            try (SmtpDialog d = SmtpDialog.connect("127.0.0.4", port)) {
                assertThat(d.greeting()).startsWith("220");
                assertThat(d.command("EHLO client.example.net")).startsWith("250");
                long t0 = System.nanoTime();
                assertThat(d.command("MAIL FROM:<alice@example.com>")).startsWith("250");
                assertThat(d.command("RCPT TO:<" + USER + ">")).startsWith("250");
                long delayed = (System.nanoTime() - t0) / 1_000_000;
                assertThat(delayed).as("MAIL and RCPT of the remembered client, ms").isGreaterThanOrEqualTo(1_900);
            }
            lines = awaitLine(log, l -> l.contains("\"client\": \"127.0.0.4\"") && l.contains("\"action\": \"tarpit\"")
                    && !l.contains("\"stage\": \"pipeline\""));
            assertThat(lines.stream().filter(l -> l.contains("\"client\": \"127.0.0.4\"")
                    && l.contains("\"action\": \"tarpit\"") && !l.contains("\"stage\": \"pipeline\"")))
                    .as("an SMTP-stage tarpit decision for the remembered client").hasSize(1);

            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            String report = new DecisionReport(today.minusDays(1), today).read(log).render();
            System.out.println(report);
            assertThat(report).contains("Refused (reject + tempfail): 0\n")
                    .containsPattern("would reject +1\n")
                    .contains("would have refused: 1\n")
                    .containsPattern("Observe mode[^\n]*\n(.*\n)*? +by list\n +bl \\(bl\\.test\\) +1\n");
        } finally {
            server.stop();
        }
    }
}
