package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.james.DailyReportMailer;
import io.portcullis.log.DecisionLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily report in a real James 3.8.1 with the repository's {@code conf/} (whose {@code extensions.properties}
 * lists {@code DailyReportMailer} as a startable): the decision log of today holds two refusals and one tagged
 * message (written before James starts, as another James would have), a clean message goes through SMTP, and with
 * {@code report.time} set a little ahead of now (real time, UTC, {@code report.period = today}) the scheduler
 * fires by itself: the report arrives over IMAP in the postmaster's INBOX and in a subscriber's, as text and HTML,
 * with the right counts, not before its time; the last day sent is remembered, and the thread stops with James.
 */
class DailyReportIT {
    private static final String POSTMASTER = "postmaster@portcullis.test";
    private static final String POSTMASTER_PASSWORD = "pm-secret";
    private static final Duration AHEAD = Duration.ofSeconds(45);

    @TempDir
    Path work;

    private static String line(Instant t, String stage, String client, String action, String rule) {
        return "{\"time\": \"" + t + "\", \"node\": \"it-report\", \"stage\": \"" + stage + "\", \"client\": \""
                + client + "\", \"helo\": \"client.example.net\", \"sender\": \"spam@example.net\", \"action\": \""
                + action + "\", \"score\": 20, \"findings\": [{\"check\": \"dnsbl\", \"rule\": \"" + rule
                + "\", \"score\": 20, \"weight\": 20}]}";
    }

    @Test
    void theScheduledReportArrivesInThePostmastersAndASubscribersMailbox() throws Exception {
        // Near midnight UTC the time would fall on the next day: wait until past it rather than skip.
        while (!LocalTime.now(ZoneOffset.UTC).plus(AHEAD.multipliedBy(2)).isAfter(LocalTime.of(0, 2))
                || LocalTime.now(ZoneOffset.UTC).plus(AHEAD.multipliedBy(2)).isAfter(LocalTime.of(23, 57))) {
            Thread.sleep(5_000);
        }
        Instant now = Instant.now();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        // James must be up before the scheduled time; if it started too slowly (a loaded machine), start a fresh one
        // with more time ahead, and fail (never skip) if even that is too slow.
        GuiceJamesServer server = null;
        Instant scheduled = null;
        Path dir = null;
        for (int attempt = 1; server == null; attempt++) {
            LocalTime at = LocalTime.now(ZoneOffset.UTC).plus(AHEAD.multipliedBy(attempt)).withNano(0);
            scheduled = at.atDate(today).toInstant(ZoneOffset.UTC);
            dir = work.resolve("james-" + attempt);
            TestJames james = TestJames.in(dir).dropSampleLists().properties( // offline: no DNS list
                    "log.node = it-report",
                    "report.enabled = true",
                    "report.zone = UTC",
                    "report.time = " + at,
                    "report.period = today",
                    "report.recipients = " + PortcullisServer.DEMO_USER);
            Path log = dir.resolve("var/portcullis/decisions");
            Files.createDirectories(log);
            Files.write(DecisionLog.file(log, today), List.of(
                    line(now.minusSeconds(30), "rcpt", "192.0.2.7", "reject", "bl"),
                    line(now.minusSeconds(20), "data", "198.51.100.9", "reject", "bl"),
                    line(now.minusSeconds(10), "data", "203.0.113.5", "tag", "dyn"),
                    line(now.minusSeconds(9), "pipeline", "203.0.113.5", "tag", "dyn")), StandardCharsets.UTF_8);
            GuiceJamesServer started = james.start();
            if (Instant.now().isBefore(scheduled.minus(AHEAD.dividedBy(3)))) {
                server = started;
            } else {
                started.stop();
                assertThat(attempt).as("James started after the scheduled report time %s twice", scheduled)
                        .isLessThan(2);
            }
        }
        Path state = dir.resolve(DailyReportMailer.STATE_FILE);
        try {
            server.getProbe(DataProbeImpl.class).addUser(POSTMASTER, POSTMASTER_PASSWORD);
            int imap = server.getProbe(ImapGuiceProbe.class).getImapPort();
            ImapMailbox postmaster = new ImapMailbox(imap, POSTMASTER, POSTMASTER_PASSWORD);
            ImapMailbox subscriber = new ImapMailbox(imap, PortcullisServer.DEMO_USER,
                    PortcullisServer.DEMO_PASSWORD);
            assertThat(Files.exists(state)).as("nothing sent before the time").isFalse();

            // a clean transaction: delivered, no decision line, so it changes no count
            String token = MailClients.token();
            String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().withNano(0));
            MailClients.sendSmtp(TestJames.smtpPort(server), "alice@example.com",
                    PortcullisServer.DEMO_USER, ("Date: " + date + "\r\nFrom: Alice <alice@example.com>\r\nTo: "
                            + PortcullisServer.DEMO_USER + "\r\nSubject: clean " + token + "\r\nMessage-ID: <" + token
                            + "@mail.example.com>\r\n\r\nHello.\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(subscriber.await("INBOX", token)).isNotNull();
            assertThat(reports(postmaster)).isZero();

            String subject = "Portcullis report for " + today + " (so far) (node it-report): 2 refused, 1 tagged";
            byte[] received = awaitReport(postmaster, subject, scheduled.plusSeconds(90));
            Instant arrived = Instant.now();
            System.out.println("DailyReportIT: scheduled " + scheduled + ", in the postmaster's INBOX by " + arrived);
            assertThat(arrived).isAfterOrEqualTo(scheduled);
            assertThat(read(state)).isEqualTo(today.toString());

            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(received));
            assertThat(m.getSubject()).isEqualTo(subject);
            assertThat(m.getFrom()[0].toString()).isEqualTo(POSTMASTER);
            assertThat(m.getHeader("To", ",")).contains(POSTMASTER).contains(PortcullisServer.DEMO_USER);
            assertThat(m.getSentDate().toInstant()).isAfterOrEqualTo(scheduled.minusSeconds(1));
            assertThat(m.getContentType()).startsWith("multipart/alternative");
            MimeMultipart alt = (MimeMultipart) m.getContent();
            assertThat(alt.getCount()).isEqualTo(2);
            assertThat(alt.getBodyPart(0).isMimeType("text/plain")).isTrue();
            String text = (String) alt.getBodyPart(0).getContent();
            System.out.println(text);
            assertThat(text).contains("Portcullis decision report, " + today)
                    .contains("Nodes: it-report (4)")
                    .contains("Refused (reject + tempfail): 2\n")
                    .containsPattern("\n  reject +2 +0\n")
                    .containsPattern("\n  tag +1 +1\n")
                    .containsPattern("by list\n +bl +2\n");
            assertThat(alt.getBodyPart(1).isMimeType("text/html")).isTrue();
            String html = (String) alt.getBodyPart(1).getContent();
            assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("it-report")
                    .doesNotContain("<script").doesNotContain("src=\"http");

            // the subscriber got the same message
            byte[] copy = awaitReport(subscriber, subject, Instant.now().plusSeconds(30));
            assertThat(MailClients.header(copy, "Message-ID")).isEqualTo(MailClients.header(received, "Message-ID"));
            // once only: the copy to the subscriber is the same message, delivered after the postmaster's; by then a
            // second report (sent before the day was remembered) would be there too
            assertThat(reports(postmaster)).isEqualTo(1);
            assertThat(reports(subscriber)).isEqualTo(1);
        } finally {
            server.stop();
        }
        long end = System.nanoTime() + 10_000_000_000L;
        while (schedulerAlive() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(schedulerAlive()).as("the report thread stops with James").isFalse();
    }

    private static boolean schedulerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("portcullis-daily-report") && t.isAlive());
    }

    /** Polls the INBOX (the scheduled time may be up to a minute away) until the report is there. */
    private static byte[] awaitReport(ImapMailbox mailbox, String subject, Instant deadline) throws Exception {
        while (true) {
            try {
                List<byte[]> hits = mailbox.find("INBOX", m -> subject.equals(subjectOf(m)));
                if (!hits.isEmpty()) {
                    return hits.get(0);
                }
            } catch (IOException e) {
                // mailbox not there yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no report '" + subject + "' by " + deadline + "; mailbox holds:\n"
                        + mailbox.describe());
            }
            Thread.sleep(500);
        }
    }

    /** Report messages in the INBOX (0 when there is no INBOX yet). */
    private static int reports(ImapMailbox mailbox) {
        try {
            return mailbox.find("INBOX", m -> subjectOf(m).startsWith("Portcullis report")).size();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String subjectOf(byte[] message) {
        try {
            String s = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message))
                    .getSubject();
            return s == null ? "" : s;
        } catch (javax.mail.MessagingException e) {
            return "";
        }
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim() : null;
    }
}
