package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.HeaderInput;
import io.portcullis.testing.Strict;
import io.portcullis.decision.MessageEvaluator;
import io.portcullis.verdict.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Header tagging in a real James 3.8.1 memory server (the repository's {@code conf/}, binds rewritten to random
 * loopback ports, exactly as {@link PortcullisServer} does; no sample DNS list, DNS to a test Knot): mail sent over
 * SMTP, the delivered copies read back over IMAP. The expected rules are fixed per message (crafted, or named corpus
 * files), and their scores are set by the test.
 */
class HeaderTaggingIT {
    private static final String USER = PortcullisServer.DEMO_USER;

    /** Scores set here, so the test does not depend on the catalogue's defaults: each alone is over the tag threshold. */
    static final double SCORE = 7.0;
    static final double TAG = 5.0;

    // Hermetic: no sample (Spamhaus) list, DNS only to a test Knot; header rules with explicit scores.
    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("bl.test"),
            (james, knot) -> james.dns(knot.hostPort()).dropSampleLists().properties(
                    "policy.tag-threshold = " + TAG,
                    "headers.rule.MISSING_DATE = " + SCORE,
                    "headers.rule.INVALID_DATE = " + SCORE,
                    "headers.rule.INVALID_MESSAGE_ID = " + SCORE));

    static int smtpPort;
    static ImapMailbox mailbox;
    static MessageEvaluator evaluator;

    @BeforeAll
    static void clients() throws Exception {
        smtpPort = env.smtpPort();
        mailbox = env.mailbox();
        evaluator = new MessageEvaluator(PortcullisConfig.load(env.james().resolve("conf/portcullis.properties")));
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
        MailClients.sendSmtp(smtpPort, "bulk@spam.example", USER, message);
        byte[] delivered = awaitMessage("Spam", token);

        assertThat(Double.parseDouble(MailClients.header(delivered, "X-Portcullis-Score")))
                .isGreaterThanOrEqualTo(SCORE);
        assertThat(MailClients.header(delivered, "X-Portcullis-Report")).contains("MISSING_DATE (" + SCORE + ")");
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

    /** Corpus spam, each with one RFC 5322 violation named here (the files are fixed; so are the rules). */
    static final Map<String, String> CORPUS = Map.of(
            // "Date: Fri, 23 Aug 2002 19:27:52": no zone (RFC 5322 3.3)
            "00048.8a64080dbd9d868358a22b655fb1b1cd.eml", "INVALID_DATE",
            // "Message-Id: <E9D312B69C2346E800C76D2E9BC3F4A8>": no "@" (RFC 5322 3.6.4)
            "00236.2772a068fff32e2f8d7f8a94bd9280cd.eml", "INVALID_MESSAGE_ID");

    @Test
    void corpusSpamWithBrokenHeadersIsFiledAsSpam() throws Exception {
        Path spamDir = TestPaths.repository().resolveSibling("shared").resolve("corpus").resolve("spam");
        Strict.requireCorpus(Files.isDirectory(spamDir), "the mail corpus at " + spamDir,
                "it sits beside the repository in the project's shared folder");
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(CORPUS).entrySet()) {
            Path file = spamDir.resolve(e.getKey());
            assertThat(file).as("corpus file").isRegularFile();
            byte[] raw = MailClients.crlf(Files.readAllBytes(file));
            // James replaces Return-Path on delivery; otherwise James and Portcullis only add headers on top, so the
            // original header block (less Return-Path) ends the delivered one.
            String originalHeaders = withoutReturnPath(MailClients.headers(raw));
            MailClients.sendSmtp(smtpPort, "corpus@spam.example", USER, raw);
            byte[] delivered = awaitMessage("Spam", m -> MailClients.headers(m).endsWith(originalHeaders));
            assertThat(MailClients.header(delivered, "X-Portcullis-Report")).as("report of %s", e.getKey())
                    .contains(e.getValue() + " (" + SCORE + ")");
            assertThat(Double.parseDouble(MailClients.header(delivered, "X-Portcullis-Score")))
                    .as("score of %s", e.getKey()).isGreaterThanOrEqualTo(SCORE);
        }
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
