package io.portcullis.james;

import io.portcullis.testing.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.log.DecisionLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.apache.james.core.MailAddress;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DailyReportMailerTest {
    @TempDir
    Path work;

    /** A clock the test moves. */

    private static PortcullisConfig config(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("report.enabled", "true");
        m.put("report.zone", "UTC");
        m.put("log.node", "mx-test");
        for (int k = 0; k < keyValues.length; k += 2) {
            m.put(keyValues[k], keyValues[k + 1]);
        }
        return PortcullisConfig.parse(m, "test.properties");
    }

    private static FakeMailContext context() throws Exception {
        return FakeMailContext.builder().postmaster(new MailAddress("postmaster@example.test")).build();
    }

    private static String line(String time, String stage, String action) {
        return "{\"time\": \"" + time + "\", \"node\": \"mx-test\", \"stage\": \"" + stage + "\", \"client\": "
                + "\"192.0.2.7\", \"sender\": \"spam@example.net\", \"action\": \"" + action + "\", \"score\": 20, "
                + "\"findings\": [{\"check\": \"dnsbl\", \"rule\": \"bl\", \"weight\": 20}]}";
    }

    private static String body(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(StandardCharsets.UTF_8.name());
    }

    @Test
    void mailsTheTextAndHtmlReportOfTheDayToPostmasterAndSubscribers() throws Exception {
        Path log = work.resolve("var/portcullis/decisions");
        Files.createDirectories(log);
        Files.write(DecisionLog.file(log, LocalDate.parse("2026-11-26")), List.of(
                line("2026-11-26T10:00:00Z", "rcpt", "reject"),
                line("2026-11-26T11:00:00Z", "rcpt", "reject"),
                line("2026-11-26T12:00:00Z", "data", "tag"),
                line("2026-11-26T12:00:01Z", "pipeline", "tag"),
                line("2026-11-27T01:00:00Z", "rcpt", "reject")), StandardCharsets.UTF_8);
        Path other = work.resolve("mx2");
        Files.createDirectories(other);
        Files.write(DecisionLog.file(other, LocalDate.parse("2026-11-26")),
                List.of(line("2026-11-26T13:00:00Z", "rcpt", "reject").replace("mx-test", "mx2")),
                StandardCharsets.UTF_8);
        FakeMailContext ctx = context();
        DailyReportMailer mailer = new DailyReportMailer(config("report.recipients", "ops@example.com",
                "report.logs", "mx2, missing-node"), work, ctx, Clock.systemUTC(), Duration.ZERO);

        assertThat(mailer.sendReport(LocalDate.parse("2026-11-26"))).isTrue();

        assertThat(ctx.getSentMails()).hasSize(1);
        FakeMailContext.SentMail sent = ctx.getSentMails().get(0);
        assertThat(sent.getSender()).isEqualTo(new MailAddress("postmaster@example.test"));
        assertThat(sent.getRecipients()).containsExactly(new MailAddress("postmaster@example.test"),
                new MailAddress("ops@example.com"));
        MimeMessage m = sent.getMsg();
        assertThat(m.getSubject()).isEqualTo("Portcullis report for 2026-11-26 (node mx-test): 3 refused, 1 tagged");
        assertThat(m.getHeader("Auto-Submitted")[0]).isEqualTo("auto-generated");
        assertThat(m.getMessageID()).startsWith("<portcullis-report.2026-11-26.").endsWith("@example.test>");
        MimeMultipart alt = (MimeMultipart) m.getContent();
        assertThat(alt.getContentType()).startsWith("multipart/alternative");
        assertThat(alt.getCount()).isEqualTo(2);
        String text = (String) alt.getBodyPart(0).getContent();
        assertThat(alt.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(text).contains("Portcullis decision report, 2026-11-26").contains("Refused (reject + tempfail): 3")
                .contains("mx-test (4)").contains("mx2 (1)").contains("missing-node");
        assertThat(alt.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) alt.getBodyPart(1).getContent()).startsWith("<!DOCTYPE html>").contains("<svg");
        assertThat(body(m)).contains("multipart/alternative");
    }

    @Test
    void aMissingLogFolderGivesAReportOfZeroDecisionsAsPlainTextWhenHtmlIsOff() throws Exception {
        FakeMailContext ctx = context();
        DailyReportMailer mailer = new DailyReportMailer(config("report.html", "false", "report.sender",
                "portcullis@example.test"), work, ctx, Clock.systemUTC(), Duration.ZERO);
        assertThat(mailer.sendReport(LocalDate.parse("2026-11-26"))).isTrue();
        MimeMessage m = ctx.getSentMails().get(0).getMsg();
        assertThat(ctx.getSentMails().get(0).getSender()).isEqualTo(new MailAddress("portcullis@example.test"));
        assertThat(m.getSubject()).isEqualTo("Portcullis report for 2026-11-26 (node mx-test): 0 refused, 0 tagged");
        assertThat(m.getContentType()).startsWith("text/plain");
        assertThat((String) m.getContent()).contains("Decisions: 0");
    }

    @Test
    void catchesUpOnceAfterTheTimeAndNeverSendsTwiceForTheSameDayAcrossRestarts() throws Exception {
        // 14:00 UTC, report.time 06:00, last report sent for the 26th: the 27th's is due (James was down at 06:00)
        SettableClock clock = new SettableClock(Instant.parse("2026-11-27T14:00:00Z"));
        Path state = work.resolve(DailyReportMailer.STATE_FILE);
        Files.createDirectories(state.getParent());
        Files.write(state, "2026-11-26\n".getBytes(StandardCharsets.UTF_8));
        FakeMailContext ctx = context();
        DailyReportMailer mailer = new DailyReportMailer(config(), work, ctx, clock, Duration.ofMillis(50));
        mailer.start();
        try {
            await(() -> ctx.getSentMails().size() == 1);
            assertThat(ctx.getSentMails().get(0).getMsg().getSubject()).startsWith("Portcullis report for 2026-11-26 ");
            await(() -> "2026-11-27".equals(read(state)));
        } finally {
            mailer.close();
        }
        // a restart the same day: nothing more
        FakeMailContext ctx2 = context();
        DailyReportMailer again = new DailyReportMailer(config(), work, ctx2, clock, Duration.ofMillis(50));
        again.start();
        try {
            Thread.sleep(400);
            assertThat(ctx2.getSentMails()).isEmpty();
        } finally {
            again.close();
        }
    }

    @Test
    void sendsAtTheTimeOnTheSchedulerThreadAndStopsWhenClosed() throws Exception {
        // real time: report.time a second or two ahead, period today
        java.time.LocalTime at = java.time.LocalTime.now(ZoneOffset.UTC).plusSeconds(2).withNano(0);
        while (at.isBefore(java.time.LocalTime.of(0, 0, 5))) {
            // the time would fall on the next day: wait (at most a few seconds) until past midnight UTC
            Thread.sleep(500);
            at = java.time.LocalTime.now(ZoneOffset.UTC).plusSeconds(2).withNano(0);
        }
        FakeMailContext ctx = context();
        DailyReportMailer mailer = new DailyReportMailer(config("report.time", at.toString(), "report.period",
                "today"), work, ctx, Clock.systemUTC(), Duration.ofHours(1));
        mailer.start();
        try {
            assertThat(ctx.getSentMails()).isEmpty();
            await(() -> ctx.getSentMails().size() == 1);
            assertThat(Instant.now()).isAfterOrEqualTo(at.atDate(LocalDate.now(ZoneOffset.UTC))
                    .toInstant(ZoneOffset.UTC));
            assertThat(ctx.getSentMails().get(0).getMsg().getSubject()).contains(" (so far) (node mx-test): ");
            // the day is remembered just after the hand-over to the spool
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            await(() -> today.equals(read(mailer.stateFile())));
        } finally {
            mailer.close();
        }
        await(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals(DailyReportMailer.THREAD) && t.isAlive()));
    }

    @Test
    void disabledStartsNothing() throws Exception {
        FakeMailContext ctx = context();
        DailyReportMailer mailer = new DailyReportMailer(config("report.enabled", "false"), work, ctx,
                Clock.systemUTC(), Duration.ZERO);
        mailer.start();
        Thread.sleep(100);
        assertThat(ctx.getSentMails()).isEmpty();
        assertThat(Files.exists(mailer.stateFile())).isFalse();
        mailer.close();
    }

    @Test
    void aFailingSpoolIsLoggedAndNotRememberedAsSent() throws Exception {
        MailAddress postmaster = new MailAddress("postmaster@example.test");
        org.apache.mailet.MailetContext failing = (org.apache.mailet.MailetContext) java.lang.reflect.Proxy
                .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {org.apache.mailet.MailetContext.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("getPostmaster")) {
                                return postmaster;
                            }
                            throw new javax.mail.MessagingException("spool unavailable");
                        });
        DailyReportMailer mailer = new DailyReportMailer(config(), work, failing, Clock.systemUTC(), Duration.ZERO);
        assertThat(mailer.runFor(LocalDate.parse("2026-11-27"))).isFalse();
        assertThat(Files.exists(mailer.stateFile())).isFalse();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
