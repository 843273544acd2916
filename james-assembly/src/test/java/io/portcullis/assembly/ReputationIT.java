package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.james.PortcullisRuntime;
import io.portcullis.james.ReputationService;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.EntityKind;
import io.portcullis.store.Counters;
import io.portcullis.testing.KnotServer;
import io.portcullis.verdict.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sender reputation and the greylist band in a real James 3.8.1 (the repository's {@code conf/}, SMTP handler on,
 * embedded state store). Only the address's reputation weighs here ({@code reputation.ip.weight = 8}; the loopback
 * clients share one /24, so the network and domain kinds weigh 0); a message without Date scores 20 (refused at end
 * of DATA), one without Message-ID 5 (tagged). Greylist band from 4, delay 3 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReputationIT {
    private static final String USER = PortcullisServer.DEMO_USER;
    private static final String REPORTER = "127.0.0.40";

    @TempDir
    static Path work;
    static KnotServer knot;
    static GuiceJamesServer server;
    static int port;
    static ImapMailbox demo;
    static PortcullisRuntime runtime;

    static String zones(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> z = new LinkedHashMap<>();
        z.put("0.0.127.in-addr.arpa", zones("$ORIGIN 0.0.127.in-addr.arpa.", "$TTL 60",
                "@ IN SOA ns1.rep.test. hostmaster.rep.test. 1 3600 600 86400 30", "@ IN NS ns1.rep.test."));
        knot = KnotServer.start(work.resolve("knot"), z);
        server = TestJames.in(work.resolve("james")).smtpHandler().dns(knot.hostPort()).dropSampleLists()
                .authorizedAddresses(REPORTER + "/32")
                .edit("mailetcontainer.xml", "<mailet match=\"All\" class=\"io.portcullis.mailets.LearnReputation\"/>",
                        "<mailet match=\"All\" class=\"io.portcullis.mailets.LearnReputation\"/>\n"
                        + "<mailet match=\"RecipientIs=spam@portcullis.test\" "
                        + "class=\"io.portcullis.mailets.LearnReputation\"><source>attached</source></mailet>")
                .properties(
                        "reputation.enabled = true",
                        "headers.rule.MISSING_DATE = 20",
                        "headers.rule.INVALID_DATE = 5",
                        "reputation.ip.weight = 8",
                        "reputation.net.weight = 0",
                        "reputation.helo.weight = 0",
                        "reputation.mail-from.weight = 0",
                        "reputation.from.weight = 0",
                        "reputation.min-observations = 3",
                        "smtp.tarpit-threshold = 15",
                        "smtp.tarpit.delay-ms = 0",
                        "smtp.tarpit.step-ms = 0",
                        "smtp.tarpit.max-delay-ms = 0",
                        "smtp.greylist-threshold = 4",
                        "smtp.greylist.delay = 3s",
                        "smtp.greylist.window = 1h")
                .start();
        port = TestJames.smtpPort(server);
        demo = TestJames.demoMailbox(server);
        server.getProbe(org.apache.james.utils.DataProbeImpl.class).addUser("spam@portcullis.test", "spam-secret");
        runtime = io.portcullis.smtp.PortcullisSmtpHandler.activeRuntime().orElseThrow();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (knot != null) {
            knot.close();
        }
    }

    /** One transaction; the first refusal or the end-of-DATA reply. */
    static String send(String client, String from, byte[] message) throws Exception {
        return SmtpDialog.transaction(client, port, from, USER, message);
    }

    /** A borderline message: an impossible Date (INVALID_DATE, an RFC violation scored 5 here), nothing else. */
    static byte[] badDate(String token) {
        return new String(MailClients.conformant(token), StandardCharsets.US_ASCII)
                .replaceFirst("Date: [^\r]*\r\n", "Date: Mon, 2 Sep 2002 25:61:00 +0000\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] without(String header, String token) {
        StringBuilder b = new StringBuilder();
        for (String line : new String(MailClients.conformant(token), StandardCharsets.US_ASCII).split("\r\n", -1)) {
            if (!line.startsWith(header + ":")) {
                b.append(line).append("\r\n");
            }
        }
        return b.substring(0, b.length() - 2).getBytes(StandardCharsets.US_ASCII);
    }

    /** Delivered to the demo user, in INBOX or (tagged: its reputation is bad) in Spam. */
    static boolean delivered(String token) throws Exception {
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            if (!demo.find("INBOX", token).isEmpty() || !demo.find("Spam", token).isEmpty()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    static void awaitReputation(String address) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (reputationOf(address).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
    }

    static long delta(Map<String, Long> before, Map<String, Long> after, String name) {
        return after.getOrDefault(name, 0L) - before.getOrDefault(name, 0L);
    }

    static List<Finding> reputationOf(String address) throws Exception {
        ReputationService rep = runtime.reputation();
        return rep.findings(rep.read(List.of(new Entity(EntityKind.IP, address)), List.of()).get());
    }

    @Test
    @Order(1)
    void anAddressThatSentRefusedMailIsGreylistedAndARetryAfterTheDelayPassesForGood() throws Exception {
        String spammer = "127.0.0.20";
        Map<String, Long> before = runtime.reputation().counts();
        for (int i = 0; i < 3; i++) {
            assertThat(send(spammer, "bulk@example.org", without("Date", MailClients.token())))
                    .as("no Date: score 20, refused at end of DATA").startsWith("550 5.7.1");
        }
        awaitReputation(spammer); // learning is written off the SMTP threads
        assertThat(reputationOf(spammer)).extracting(Finding::rule, Finding::score)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("IP", 8.0));
        // the next connection: reputation alone puts it in the greylist band (8: from 4, below reject 15)
        String token = MailClients.token();
        String first = send(spammer, "bulk@example.org", MailClients.conformant(token));
        assertThat(first).startsWith("451 4.7.1").contains("Greylisted");
        assertThat(send(spammer, "bulk@example.org", MailClients.conformant(token)))
                .as("a retry before the delay").startsWith("451 4.7.1");
        Thread.sleep(3_500);
        assertThat(send(spammer, "bulk@example.org", MailClients.conformant(token)))
                .as("a retry after the delay, within the window").startsWith("250");
        assertThat(delivered(token)).isTrue();
        String next = MailClients.token();
        assertThat(send(spammer, "other@example.org", MailClients.conformant(next)))
                .as("the network passed: not greylisted again, even for another triplet").startsWith("250");
        assertThat(delivered(next)).isTrue();
        // a reputation-decided verdict is never learned: the refusals were learned, the greylisting was not
        assertThat(reputationOf(spammer).get(0).detail()).startsWith("ip 127.0.0.20: 3 refused, 0 tagged, 0 clean");
        // the metrics of this James's reputation: 3 refusals learned, one first attempt, one early retry, one pass,
        // one remembered pass
        Map<String, Long> after = runtime.reputation().counts();
        assertThat(delta(before, after, ReputationService.LEARNED_PREFIX + "refused")).isEqualTo(3);
        assertThat(delta(before, after, ReputationService.GREYLIST_FIRST)).isEqualTo(1);
        assertThat(delta(before, after, ReputationService.GREYLIST_EARLY)).isEqualTo(1);
        assertThat(delta(before, after, ReputationService.GREYLIST_PASSED)).isEqualTo(1);
        assertThat(delta(before, after, ReputationService.GREYLIST_REMEMBERED)).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aCleanHistoryPassesABorderlineMessageANewcomerIsTaggedFor() throws Exception {
        String regular = "127.0.0.30";
        for (int i = 0; i < 3; i++) {
            String t = MailClients.token();
            assertThat(send(regular, "friend@example.net", MailClients.conformant(t))).startsWith("250");
            assertThat(demo.await("INBOX", t)).isNotNull();
        }
        awaitReputation(regular);
        assertThat(reputationOf(regular)).extracting(Finding::score).containsExactly(-4.0);
        String regularToken = MailClients.token();
        String newcomerToken = MailClients.token();
        assertThat(send(regular, "friend@example.net", badDate(regularToken))).startsWith("250");
        assertThat(send("127.0.0.31", "stranger@example.net", badDate(newcomerToken)))
                .startsWith("250");
        assertThat(demo.await("INBOX", regularToken)).as("score 5 - 4: not tagged").isNotNull();
        assertThat(demo.await("Spam", newcomerToken)).as("score 5: tagged, filed in Spam").isNotNull();
        assertThat(demo.find("INBOX", newcomerToken)).isEmpty();
    }

    @Test
    @Order(3)
    void aUsersSpamReportMovesTheSendersReputation() throws Exception {
        String sender = "127.0.0.50";
        assertThat(reputationOf(sender)).isEmpty();
        for (int i = 0; i < 3; i++) {
            String inner = "Return-Path: <promo@shop.example>\r\n"
                    + "Received: from mx.shop.example ([" + sender + "]) by portcullis.test (JAMES SMTP Server) "
                    + "with ESMTP ID x" + i + "; Mon, 1 Dec 2026 10:00:00 +0000\r\n"
                    + "From: Shop <promo@shop.example>\r\nTo: " + USER + "\r\nSubject: offer\r\n"
                    + "Date: Mon, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <o" + i + "@shop.example>\r\n\r\nBuy.\r\n";
            String report = "Date: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    java.time.ZonedDateTime.now().withNano(0)) + "\r\n"
                    + "From: " + USER + "\r\nTo: spam@portcullis.test\r\nSubject: spam report\r\n"
                    + "Message-ID: <r" + i + MailClients.token() + "@portcullis.test>\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                    + "--b\r\nContent-Type: text/plain\r\n\r\nspam\r\n"
                    + "--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "\r\n--b--\r\n";
            assertThat(MailClients.sendSmtp(java.net.InetAddress.getByName(REPORTER), port, USER,
                    "spam@portcullis.test", report.getBytes(StandardCharsets.US_ASCII))).startsWith("250");
        }
        long end = System.nanoTime() + 30_000_000_000L;
        List<Finding> f = reputationOf(sender);
        while (f.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(200);
            f = reputationOf(sender);
        }
        assertThat(f).extracting(Finding::score).containsExactly(8.0);
        assertThat(f.get(0).detail()).startsWith("ip 127.0.0.50: 0 refused, 0 tagged, 0 clean, 3 spam, 0 ham");
        Counters domain = runtime.reputation().read(List.of(), List.of("rep:mail-from:shop.example@127.0.0.0/24"))
                .get().raw("rep:mail-from:shop.example@127.0.0.0/24");
        assertThat(domain).as("the unverified sender domain, keyed with the client's network").isNotNull();
    }
}
