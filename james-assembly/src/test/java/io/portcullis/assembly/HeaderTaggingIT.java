package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.HeaderInput;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.MessageEvaluator;
import io.portcullis.verdict.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots a real James 3.8.1 memory server in-process on the repository's {@code conf/} (binds rewritten to random
 * loopback ports, exactly as {@link PortcullisServer} does), sends mail over SMTP and reads the delivered copies
 * back over IMAP.
 */
class HeaderTaggingIT {
    private static final String USER = PortcullisServer.DEMO_USER;
    private static final String PASSWORD = PortcullisServer.DEMO_PASSWORD;

    @TempDir
    static Path work;

    static Path repo;
    static GuiceJamesServer server;
    static int smtpPort;
    static int imapPort;
    static PortcullisConfig config;
    static MessageEvaluator evaluator;
    static ImapMailbox mailbox;

    @BeforeAll
    static void startJames() throws Exception {
        repo = TestPaths.repository();
        config = PortcullisConfig.load(repo.resolve("conf").resolve("portcullis.properties"));
        evaluator = new MessageEvaluator(config);
        WorkingDirectory.prepare(repo.resolve("conf"), work, "127.0.0.1:0", "127.0.0.1:0", null);
        // offline: the sample's lists would ask the system's resolvers (dns.servers = system); nothing listens here
        WorkingDirectory.appendProperties(work, "added by HeaderTaggingIT", List.of("dns.servers = 127.0.0.1:9"));
        server = PortcullisServer.start(work);
        smtpPort = TestJames.smtpPort(server);
        imapPort = server.getProbe(ImapGuiceProbe.class).getImapPort();
        mailbox = new ImapMailbox(imapPort, USER, PASSWORD);
    }

    @AfterAll
    static void stopJames() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void craftedBrokenHeadersAreTaggedAndFiledAsSpam() throws Exception {
        String token = MailClients.token();
        // No Date, no Message-ID, From without an address, no To: classic ratware.
        byte[] message = ("From: winner\r\n"
                + "Subject: You have won " + token + "\r\n"
                + "X-Mailer: Mass Mailer Pro\r\n"
                + "\r\n"
                + "Claim your prize now.\r\n").getBytes(StandardCharsets.US_ASCII);
        Verdict expected = evaluator.evaluate(HeaderInput.of(message, Instant.now(), false));
        assertThat(expected.score()).as("local verdict of the crafted message: %s", expected)
                .isGreaterThanOrEqualTo(config.policy().tagThreshold());
        assertThat(ruleIds(expected)).contains("MISSING_DATE");

        MailClients.sendSmtp(smtpPort, "bulk@spam.example", USER, message);
        byte[] delivered = awaitMessage("Spam", token);

        assertThat(Double.parseDouble(MailClients.header(delivered, "X-Portcullis-Score")))
                .isGreaterThanOrEqualTo(config.policy().tagThreshold());
        String report = MailClients.header(delivered, "X-Portcullis-Report");
        assertThat(report).contains("MISSING_DATE");
        for (String rule : stableRuleIds(expected)) {
            assertThat(report).contains(rule);
        }
        assertThat(MailClients.header(delivered, "org.apache.james.spamassassin.status")).startsWith("Yes, score=");
        assertThat(inbox(token)).isEmpty();
    }

    /**
     * A sender's forged status and score never reach the mailbox next to Portcullis's own: the delivered copy has one
     * {@code org.apache.james.spamassassin.status} (James's per-recipient header, from Portcullis) and one score.
     */
    @Test
    void forgedStatusAndScoreAreReplacedByPortcullisValues() throws Exception {
        String token = MailClients.token();
        byte[] message = ("org.apache.james.spamassassin.status: No, score=-100 required=5.0\r\n"
                + "X-Portcullis-Score: -100\r\n"
                + "From: winner\r\n"
                + "Subject: You have won " + token + "\r\n"
                + "X-Mailer: Mass Mailer Pro\r\n"
                + "\r\n"
                + "Claim your prize now.\r\n").getBytes(StandardCharsets.US_ASCII);
        MailClients.sendSmtp(smtpPort, "bulk@spam.example", USER, message);
        byte[] delivered = awaitMessage("Spam", token);
        List<String> lines = List.of(MailClients.headers(delivered).replace("\r\n ", " ").split("\r\n"));
        assertThat(lines.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(
                "org.apache.james.spamassassin.status:"))).singleElement().asString().contains("Yes, score=");
        assertThat(lines.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("x-portcullis-score:")))
                .singleElement().asString().doesNotContain("-100");
    }

    @Test
    void conformantMessageArrivesInInboxUntouched() throws Exception {
        String token = MailClients.token();
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().withNano(0));
        String headers = "Date: " + date + "\r\n"
                + "From: Alice Example <alice@example.com>\r\n"
                + "To: Demo <" + USER + ">\r\n"
                + "Subject: Meeting notes " + token + "\r\n"
                + "Message-ID: <" + token + "@mail.example.com>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n"
                + "\r\n";
        byte[] message = (headers + "See you tomorrow.\r\n").getBytes(StandardCharsets.US_ASCII);
        Verdict expected = evaluator.evaluate(HeaderInput.of(message, Instant.now(), false));
        assertThat(expected.findings()).as("local findings of the conformant message").isEmpty();

        MailClients.sendSmtp(smtpPort, "alice@example.com", USER, message);
        byte[] delivered = awaitMessage("INBOX", token);

        String deliveredHeaders = withoutJamesTrace(MailClients.headers(delivered));
        assertThat(deliveredHeaders).isEqualTo(headers);
        assertThat(MailClients.headers(delivered)).doesNotContain("X-Portcullis").doesNotContain("spamassassin");
        assertThat(spam(token)).isEmpty();
    }

    @Test
    void corpusSpamWithBrokenHeadersIsFiledAsSpam() throws Exception {
        Path spamDir = repo.resolveSibling("shared").resolve("corpus").resolve("spam");
        Assumptions.assumeTrue(Files.isDirectory(spamDir), "corpus not found at " + spamDir);
        List<Path> picked = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();
        try (Stream<Path> files = Files.list(spamDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".eml")).sorted().collect(Collectors.toList())) {
                byte[] raw = MailClients.crlf(Files.readAllBytes(f));
                Verdict v = evaluator.evaluate(HeaderInput.of(raw, Instant.now(), false));
                // Pick messages flagged well above the threshold by rules that do not depend on dates or the
                // Received trace (James adds its own Received header and arrival time).
                double stable = v.findings().stream().filter(x -> isStable(x.rule())).mapToDouble(Finding::score)
                        .sum();
                if (stable >= config.policy().tagThreshold()) {
                    picked.add(f);
                    verdicts.add(v);
                    if (picked.size() == 3) {
                        break;
                    }
                }
            }
        }
        Assumptions.assumeFalse(picked.isEmpty(), "no corpus spam is flagged by date-independent rules yet");

        for (int i = 0; i < picked.size(); i++) {
            byte[] raw = MailClients.crlf(Files.readAllBytes(picked.get(i)));
            System.out.println("corpus message " + picked.get(i).getFileName() + ": " + verdicts.get(i));
            // James replaces Return-Path on delivery; otherwise James and Portcullis only add headers on top, so the
            // original header block (less Return-Path) ends the delivered one.
            String originalHeaders = withoutReturnPath(MailClients.headers(raw));
            MailClients.sendSmtp(smtpPort, "corpus@spam.example", USER, raw);
            byte[] delivered = awaitMessage("Spam", m -> MailClients.headers(m).endsWith(originalHeaders));
            String report = MailClients.header(delivered, "X-Portcullis-Report");
            assertThat(report).as("report of %s", picked.get(i)).isNotNull();
            for (String rule : stableRuleIds(verdicts.get(i))) {
                assertThat(report).as("report of %s", picked.get(i)).contains(rule);
            }
            assertThat(Double.parseDouble(MailClients.header(delivered, "X-Portcullis-Score")))
                    .isGreaterThanOrEqualTo(config.policy().tagThreshold());
        }
    }

    private static boolean isStable(String rule) {
        String r = rule.toUpperCase(Locale.ROOT);
        return !(r.contains("DATE") || r.contains("RECEIVED") || r.contains("RCVD") || r.contains("TRACE"));
    }

    private static List<String> ruleIds(Verdict v) {
        return v.findings().stream().map(Finding::rule).collect(Collectors.toList());
    }

    private static List<String> stableRuleIds(Verdict v) {
        return v.findings().stream().map(Finding::rule).filter(HeaderTaggingIT::isStable).distinct()
                .collect(Collectors.toList());
    }

    static String withoutReturnPath(String headers) {
        StringBuilder sb = new StringBuilder();
        for (String line : headers.split("(?<=\r\n)")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("return-path:")) {
                sb.append(line);
            }
        }
        return sb.toString();
    }

    /** Drops the Return-Path and Received headers James puts on top of a delivered message. */
    static String withoutJamesTrace(String headers) {
        String[] lines = headers.split("\r\n", -1);
        int i = 0;
        while (i < lines.length) {
            String l = lines[i].toLowerCase(Locale.ROOT);
            if (l.startsWith("return-path:") || l.startsWith("received:")) {
                i++;
                while (i < lines.length && (lines[i].startsWith(" ") || lines[i].startsWith("\t"))) {
                    i++;
                }
            } else {
                break;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int j = i; j < lines.length; j++) {
            sb.append(lines[j]);
            if (j + 1 < lines.length) {
                sb.append("\r\n");
            }
        }
        return sb.toString();
    }

    private static List<byte[]> spam(String token) throws IOException {
        return mailbox.find("Spam", token);
    }

    private static List<byte[]> inbox(String token) throws IOException {
        return mailbox.find("INBOX", token);
    }

    private static byte[] awaitMessage(String folder, String token) {
        return mailbox.await(folder, token);
    }

    private static byte[] awaitMessage(String folder, Predicate<byte[]> which) {
        return mailbox.await(folder, which);
    }
}
