package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dns.DnsStats;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.testing.DroppingUdpProxy;
import io.portcullis.testing.KnotServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Portcullis at SMTP time in a real James 3.8.1 (the repository's {@code conf/} with the handler line enabled, as
 * {@code ./portcullis run} does) with a real Knot server behind a relay that drops the questions about 127.0.0.7:
 * 127.0.0.2 is listed (weight 20, over the reject threshold 15), 127.0.0.1 is clean, 127.0.0.7's lists time out,
 * 127.0.0.3 is listed but in {@code authorizedAddresses}.
 */
class SmtpRejectIT {
    private static final String USER = PortcullisServer.DEMO_USER;

    @TempDir
    static Path work;
    static KnotServer knot;
    static DroppingUdpProxy proxy;
    static GuiceJamesServer server;
    static int smtpPort;
    static ImapMailbox mailbox;
    static PortcullisRuntime runtime;
    static JamesLog log;
    /** Tokens of the messages James answered 250 at end of DATA: all must be delivered. */
    static final List<String> accepted = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        knot = KnotServer.start(work, KnotServer.zonesFromClasspath("bl.test", "spamdomain.test", "spamhost.test",
                "goodns.test"));
        proxy = new DroppingUdpProxy(knot.address(), "7.0.0.127.bl.test");
        Path james = work.resolve("james");
        TestJames setup = TestJames.in(james).edit(DnsStatsProbe.EDIT[0], DnsStatsProbe.EDIT[1], DnsStatsProbe.EDIT[2])
                .smtpHandler().authorizedAddresses("127.0.0.3/32").dns(proxy.hostPort())
                .properties(
                "dns.timeout-ms = 1000",
                "dnsbl.list.bl = bl.test=127.0.0.[2..11]*20",
                "smtp.budget-ms = 400",
                // The nameserver check runs at MAIL FROM too (spamdomain.test's NS host is in the local list).
                "nameservers.enabled = true",
                "nameservers.learned.enabled = false",
                "nameservers.local-list = spam-nameservers.txt",
                "nameservers.local-list.score = 6")
                .confFile("spam-nameservers.txt", "spamhost.test\n");
        log = JamesLog.capture();
        server = setup.start();
        smtpPort = TestJames.smtpPort(server);
        mailbox = TestJames.demoMailbox(server);
        org.apache.james.utils.DataProbeImpl data = server.getProbe(org.apache.james.utils.DataProbeImpl.class);
        data.addUser("postmaster@portcullis.test", "postmaster-secret");
        data.addUser("abuse@portcullis.test", "abuse-secret");
        runtime = io.portcullis.smtp.PortcullisSmtpHandler.activeRuntime().orElseThrow();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            // No lost mail: every message answered 250 at end of DATA reached the mailbox.
            for (String token : accepted) {
                assertThat(mailbox.await("INBOX", token)).as("message %s answered 250", token).isNotNull();
            }
            if (log != null) {
                log.assertNoHookFailure();
            }
        } finally {
            if (log != null) {
                log.close();
            }
            if (server != null) {
                server.stop();
            }
            if (proxy != null) {
                proxy.close();
            }
            if (knot != null) {
                knot.close();
            }
        }
    }

    /** A full transaction from {@code client}; returns the end-of-DATA reply (or the first refusal). */
    static String send(String client, String from, String to, byte[] message) throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(client, smtpPort)) {
            assertThat(d.greeting()).startsWith("220");
            assertThat(d.command("EHLO client.example.net")).startsWith("250");
            String r = d.command("MAIL FROM:<" + from + ">");
            if (!r.startsWith("250")) {
                return r;
            }
            r = d.command("RCPT TO:<" + to + ">");
            if (!r.startsWith("250")) {
                return r;
            }
            r = d.data(message);
            d.command("QUIT");
            return r;
        }
    }

    static String sendAndTrack(String client, byte[] message, String token) throws Exception {
        String r = send(client, "alice@example.com", USER, message);
        if (r.startsWith("250")) {
            synchronized (accepted) {
                accepted.add(token);
            }
        }
        return r;
    }

    @Test
    void listedClientIsRefusedAtRcptNamingTheList() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.2", smtpPort)) {
            d.greeting();
            d.command("EHLO client.example.net");
            String sender = MailClients.token() + "@example.com";
            assertThat(d.command("MAIL FROM:<" + sender + ">")).startsWith("250");
            String rcpt = d.command("RCPT TO:<" + USER + ">");
            assertThat(rcpt).startsWith("550 5.7.1").contains("client-ip 127.0.0.2 listed in bl.test");
            String line = JamesLog.awaitDecision(james(), JamesLog.field("stage", "rcpt"),
                    JamesLog.field("client", "127.0.0.2"), JamesLog.field("sender", sender),
                    JamesLog.field("action", "reject"), "\"score\": 20", JamesLog.field("rule", "bl"));
            assertThat(line).contains("\"reply\": \"" + rcpt.substring(0, 20));
        }
    }

    @Test
    void listedClientMayStillWritePostmasterAndAbuse() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.2", smtpPort)) {
            d.greeting();
            d.command("EHLO client.example.net");
            d.command("MAIL FROM:<alice@example.com>");
            assertThat(d.command("RCPT TO:<postmaster@portcullis.test>")).startsWith("250");
            assertThat(d.command("RCPT TO:<abuse@portcullis.test>")).startsWith("250");
            // a user beside them must come in its own transaction (so that the spam cannot ride along) ...
            assertThat(d.command("RCPT TO:<" + USER + ">")).startsWith("452 4.5.3");
            assertThat(d.command("RSET")).startsWith("250");
            // ... where it is refused
            assertThat(d.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(d.command("RCPT TO:<" + USER + ">")).startsWith("550 5.7.1");
        }
    }

    @Test
    void cleanClientIsDelivered() throws Exception {
        String token = MailClients.token();
        assertThat(sendAndTrack("127.0.0.1", MailClients.conformant(token), token)).startsWith("250");
        assertThat(mailbox.await("INBOX", token)).isNotNull();
    }

    static Path james() {
        return work.resolve("james");
    }

    @Test
    void dnsTimeoutForTheClientsListsIsNeverA5xx() throws Exception {
        int dropped = proxy.questionsDropped();
        String token = MailClients.token();
        long t0 = System.nanoTime();
        String reply = sendAndTrack("127.0.0.7", MailClients.conformant(token), token);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("SmtpRejectIT: transaction with DNS lists timing out took " + ms + " ms: " + reply);
        assertThat(reply).startsWith("250");
        // The handler waits for the lists at most smtp.budget-ms (400) per stage, never the DNS timeout per command:
        // the whole transaction stays within a few budgets (generous for a loaded machine), and did wait one.
        assertThat(ms).as("transaction with the lists timing out, ms").isBetween(400L, 4_000L);
        assertThat(proxy.questionsDropped()).isGreaterThan(dropped);
        assertThat(mailbox.await("INBOX", token)).isNotNull();
    }

    @Test
    void authorisedNetworkIsAcceptedEvenWhenListed() throws Exception {
        String token = MailClients.token();
        assertThat(sendAndTrack("127.0.0.3", MailClients.conformant(token), token)).startsWith("250");
    }

    @Test
    void authenticatedClientIsAcceptedEvenWhenListed() throws Exception {
        String token = MailClients.token();
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.2", smtpPort)) {
            d.greeting();
            d.command("EHLO client.example.net");
            assertThat(d.authPlain(USER, PortcullisServer.DEMO_PASSWORD)).startsWith("235");
            assertThat(d.command("MAIL FROM:<" + USER + ">")).startsWith("250");
            assertThat(d.command("RCPT TO:<" + USER + ">")).startsWith("250");
            String r = d.data(MailClients.conformant(token));
            assertThat(r).startsWith("250");
            synchronized (accepted) {
                accepted.add(token);
            }
        }
    }

    @Test
    void unauthenticatedRelayIsStillRefusedByJames() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.1", smtpPort)) {
            d.greeting();
            d.command("EHLO client.example.net");
            d.command("MAIL FROM:<alice@example.com>");
            String r = d.command("RCPT TO:<someone@foreign.example>");
            // James answers 530 5.7.1 Authentication Required (AUTH is announced to unauthorised clients).
            assertThat(r).startsWith("5").doesNotStartWith("250");
        }
    }

    @Test
    void headerBrokenMessageIsRefusedAtEndOfDataWithoutBounce() throws Exception {
        String token = MailClients.token();
        byte[] broken = ("Date: Mon, 99 Foo 2024 99:99:99 +9999\r\n"
                + "From: winner\r\n"
                + "From: also winner\r\n"
                + "Subject: You won " + token + "\r\n"
                + "Subject: You won again\r\n"
                + "Message-ID: garbage\r\n"
                + "\r\n"
                + "Claim now.\r\n").getBytes(StandardCharsets.US_ASCII);
        // The sender is the local demo user: a bounce, if any, would land in its INBOX.
        String r = send("127.0.0.1", USER, USER, broken);
        assertThat(r).startsWith("550 5.7.1").contains("headers").contains("INVALID_DATE");
        JamesLog.awaitDecision(james(), JamesLog.field("stage", "data"), JamesLog.field("client", "127.0.0.1"),
                JamesLog.field("action", "reject"), JamesLog.field("rule", "INVALID_DATE"), "\"reply\": \"550 5.7.1");
        // Event-driven, not a sleep: a marker message sent after it to the same mailbox; once the marker is
        // delivered, a bounce (queued before it) would be too.
        String marker = MailClients.token();
        assertThat(send("127.0.0.1", "alice@example.com", USER, MailClients.conformant(marker))).startsWith("250");
        synchronized (accepted) {
            accepted.add(marker);
        }
        assertThat(mailbox.await("INBOX", marker)).isNotNull();
        assertThat(mailbox.find("INBOX", token)).isEmpty();
        assertThat(mailbox.find("Spam", token)).isEmpty();
        assertThat(mailbox.find("INBOX", m -> new String(m, StandardCharsets.ISO_8859_1).contains(token))).isEmpty();
    }

    @Test
    void pipelineReusesTheSmtpFindingsWithoutAnyDnsQuestion() throws Exception {
        // A client listed below the reject threshold would do, but the clean client shows it as well: the pipeline
        // (Tag, matchers) must not ask DNS at all, not even the cache.
        String token = MailClients.token();
        String r = send("127.0.0.1", "alice@example.com", USER, MailClients.conformant(token));
        assertThat(r).startsWith("250");
        synchronized (accepted) {
            accepted.add(token);
        }
        byte[] delivered = mailbox.await("INBOX", token);
        // Sampled by a mailet as the mail entered the pipeline (after the SMTP side was done with it).
        DnsStats afterSmtp = DnsStatsProbe.atPipelineEntry(token);
        assertThat(afterSmtp).as("DNS counters at pipeline entry").isNotNull();
        DnsStats afterPipeline = runtime.dns().stats();
        System.out.println("SmtpRejectIT: DNS after SMTP " + afterSmtp + ", after pipeline " + afterPipeline);
        assertThat(afterPipeline.queries()).isEqualTo(afterSmtp.queries());
        assertThat(afterPipeline.cacheHits()).isEqualTo(afterSmtp.cacheHits());
        assertThat(MailClients.headers(delivered)).doesNotContain("X-Portcullis");
    }

    @Test
    void nameserverCheckAtSmtpTimeSparesThePipelineAnyDnsQuestion() throws Exception {
        // spamdomain.test's nameserver ns1.spamhost.test is in the local list (score 6, over the tag threshold 5):
        // the handler resolves it from MAIL FROM on; the pipeline's Tag reports the finding without asking DNS.
        String token = MailClients.token();
        byte[] message = new String(MailClients.conformant(token), StandardCharsets.US_ASCII)
                .replace("alice@example.com", "alice@spamdomain.test").getBytes(StandardCharsets.US_ASCII);
        DnsStats before = runtime.dns().stats();
        String r = send("127.0.0.1", "alice@spamdomain.test", USER, message);
        assertThat(r).startsWith("250");
        byte[] delivered = mailbox.await("Spam", token); // tagged (score 6 >= tag threshold 5): the Spam folder
        assertThat(delivered).isNotNull();
        DnsStats afterSmtp = DnsStatsProbe.atPipelineEntry(token);
        assertThat(afterSmtp).as("DNS counters at pipeline entry").isNotNull();
        DnsStats afterPipeline = runtime.dns().stats();
        System.out.println("SmtpRejectIT: nameservers at SMTP time: DNS before " + before + ", after SMTP " + afterSmtp
                + ", after pipeline " + afterPipeline);
        assertThat(afterSmtp.queries()).as("the handler asked DNS").isGreaterThan(before.queries());
        assertThat(afterPipeline.queries()).isEqualTo(afterSmtp.queries());
        assertThat(afterPipeline.cacheHits()).isEqualTo(afterSmtp.cacheHits());
        assertThat(MailClients.headers(delivered)).contains("X-Portcullis").contains("local-list");
    }

    @Test
    void pipeliningClientIsJudgedTheSame() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.2", smtpPort)) {
            d.greeting();
            d.command("EHLO client.example.net");
            d.write("MAIL FROM:<alice@example.com>\r\nRCPT TO:<" + USER + ">\r\nDATA\r\n");
            assertThat(d.reply()).startsWith("250");
            assertThat(d.reply()).startsWith("550 5.7.1");
            assertThat(d.reply()).matches("5\\d\\d[\\s\\S]*"); // DATA without valid recipients
        }
    }
}
