package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.james.PortcullisRuntime;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.EntityKind;
import io.portcullis.reputation.Outcome;
import io.portcullis.reputation.ReputationRecord;
import io.portcullis.store.Counters;
import io.portcullis.testing.KnotServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.search.SubjectTerm;
import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reputation learns, in a real James 3.8.1 (the repository's {@code conf/}, its {@code listeners.xml} included):
 * an envelope sender's domain is learned as itself when SPF passes for the client (records served by Knot) and as
 * {@code domain@network} when it does not; the sender's nameserver hosts (found by the nameserver check) are learned
 * for a verified sender only; a user moving a message into the Spam mailbox over IMAP (a real IMAP client:
 * javax.mail's IMAP store, MOVE) reports it as spam, moving it back out reports it as not spam.
 */
class ReputationLearningIT {
    @TempDir
    static Path work;
    static KnotServer knot;
    static GuiceJamesServer server;
    static int port;
    static int imapPort;
    static ImapMailbox demo;
    static PortcullisRuntime runtime;

    static String zone(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> z = new LinkedHashMap<>();
        z.put("0.0.127.in-addr.arpa", zone("$ORIGIN 0.0.127.in-addr.arpa.", "$TTL 60",
                "@ IN SOA ns1.nshost.test. hostmaster.nshost.test. 1 3600 600 86400 30", "@ IN NS ns1.nshost.test."));
        z.put("spfok.test", zone("$ORIGIN spfok.test.", "$TTL 60",
                "@ IN SOA ns1.nshost.test. hostmaster.nshost.test. 1 3600 600 86400 30", "@ IN NS ns1.nshost.test.",
                "@ IN TXT \"v=spf1 ip4:127.0.0.60 -all\""));
        z.put("nshost.test", zone("$ORIGIN nshost.test.", "$TTL 60",
                "@ IN SOA ns1.nshost.test. hostmaster.nshost.test. 1 3600 600 86400 30", "@ IN NS ns1.nshost.test.",
                "ns1 IN A 127.0.0.53"));
        knot = KnotServer.start(work.resolve("knot"), z);
        server = TestJames.in(work.resolve("james")).smtpHandler().dns(knot.hostPort()).dropSampleLists()
                .properties("reputation.enabled = true", "nameservers.enabled = true")
                .start();
        port = TestJames.smtpPort(server);
        imapPort = server.getProbe(ImapGuiceProbe.class).getImapPort();
        demo = TestJames.demoMailbox(server);
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

    static String send(String client, String from, byte[] message) throws Exception {
        return MailClients.sendSmtp(java.net.InetAddress.getByName(client), port, from, PortcullisServer.DEMO_USER,
                message);
    }

    /** The record's count of {@code o} (0 without a record). */
    static long count(EntityKind kind, String key, Outcome o) throws Exception {
        Counters c = runtime.reputation().read(List.of(new Entity(kind, key)), List.of()).get().records()
                .get(new Entity(kind, key));
        return c == null ? 0 : ReputationRecord.of(c).count(o, Instant.now(), 30);
    }

    static void awaitCount(EntityKind kind, String key, Outcome o, long n) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(count(kind, key, o)).as(kind.id() + " " + key + " " + o.id())
                        .isEqualTo(n));
    }

    @Test
    void anSpfPassLearnsTheDomainItselfAndItsNameserversAForgedSenderOnlyDomainAtNetwork() throws Exception {
        String token = MailClients.token();
        assertThat(send("127.0.0.60", "bob@spfok.test", MailClients.conformant(token))).startsWith("250");
        demo.await("INBOX", token);
        awaitCount(EntityKind.MAIL_FROM, "spfok.test", Outcome.CLEAN, 1);
        awaitCount(EntityKind.NS, "ns1.nshost.test", Outcome.CLEAN, 1);
        assertThat(count(EntityKind.MAIL_FROM, "spfok.test@127.0.0.0/24", Outcome.CLEAN)).isZero();

        String forged = MailClients.token();
        assertThat(send("127.0.0.61", "bob@spfok.test", MailClients.conformant(forged))).startsWith("250");
        demo.await("INBOX", forged);
        awaitCount(EntityKind.MAIL_FROM, "spfok.test@127.0.0.0/24", Outcome.CLEAN, 1);
        assertThat(count(EntityKind.MAIL_FROM, "spfok.test", Outcome.CLEAN)).as("SPF fails for .61").isEqualTo(1);
        assertThat(count(EntityKind.NS, "ns1.nshost.test", Outcome.CLEAN)).as("a forged sender's nameservers")
                .isEqualTo(1);
    }

    @Test
    void movingAMessageIntoSpamOverImapReportsItAndMovingItBackReportsNotSpam() throws Exception {
        String client = "127.0.0.70";
        String token = MailClients.token();
        assertThat(send(client, "news@shop70.example", MailClients.conformant(token))).startsWith("250");
        demo.await("INBOX", token);
        awaitCount(EntityKind.IP, client, Outcome.CLEAN, 1);
        assertThat(count(EntityKind.IP, client, Outcome.REPORTED_SPAM)).isZero();

        Session session = Session.getInstance(new Properties());
        Store store = session.getStore("imap");
        store.connect("127.0.0.1", imapPort, PortcullisServer.DEMO_USER, PortcullisServer.DEMO_PASSWORD);
        try {
            Folder spam = store.getFolder("Spam");
            if (!spam.exists()) {
                assertThat(spam.create(Folder.HOLDS_MESSAGES)).isTrue();
            }
            move(store, "INBOX", "Spam", token);
            awaitCount(EntityKind.IP, client, Outcome.REPORTED_SPAM, 1);
            awaitCount(EntityKind.MAIL_FROM, "shop70.example@127.0.0.0/24", Outcome.REPORTED_SPAM, 1);
            assertThat(count(EntityKind.IP, client, Outcome.REPORTED_HAM)).isZero();

            move(store, "Spam", "INBOX", token);
            awaitCount(EntityKind.IP, client, Outcome.REPORTED_HAM, 1);
            assertThat(count(EntityKind.IP, client, Outcome.REPORTED_SPAM)).isEqualTo(1);

            // the same user reporting the same message again in the same direction counts once
            move(store, "INBOX", "Spam", token);
            Folder trash = store.getFolder("Trash");
            if (!trash.exists()) {
                assertThat(trash.create(Folder.HOLDS_MESSAGES)).isTrue();
            }
            move(store, "Spam", "Trash", token); // deleting spam is no "not spam" report
            Thread.sleep(1500);
            assertThat(count(EntityKind.IP, client, Outcome.REPORTED_SPAM)).isEqualTo(1);
            assertThat(count(EntityKind.IP, client, Outcome.REPORTED_HAM)).isEqualTo(1);
        } finally {
            store.close();
        }
        // the network (and every entity remembered) counted the one report
        assertThat(count(EntityKind.NET, "127.0.0.0/24", Outcome.REPORTED_SPAM)).isEqualTo(1);
    }

    /** Moves the message whose subject names {@code token} with IMAP MOVE (javax.mail uses it when offered). */
    static void move(Store store, String from, String to, String token) throws Exception {
        Folder source = store.getFolder(from);
        source.open(Folder.READ_WRITE);
        try {
            Message[] found = source.search(new SubjectTerm(token));
            assertThat(found).as("message " + token + " in " + from).hasSize(1);
            ((com.sun.mail.imap.IMAPFolder) source).moveMessages(found, store.getFolder(to));
        } finally {
            source.close(true);
        }
    }
}
