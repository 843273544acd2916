package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.KnotServer;
import io.portcullis.testing.ScriptedDnsProxy;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP-time refusal tried as an attacker would, against a real James 3.8.1 with Portcullis and a real Knot
 * behind a DNS relay that delays answers per name. Every test asserts the replies <em>and</em> the mailboxes:
 * nothing refused is delivered, and every message answered 250 at end of DATA is delivered.
 *
 * <p>Clients (loopback addresses; none may relay): 127.0.0.2 listed (32, answer delayed 700 ms, inside the
 * 1,200 ms budget); 127.0.0.4 listed (20, answer delayed 2,000 ms, past the budget); 127.0.0.5 listed at 12 (the
 * tarpit band); 127.0.0.6 listed (20); 127.0.0.8 listed (20) and claiming an allow-listed name; 127.0.0.9 listed
 * (20) but its reverse name {@code mx.partner.example} on the allow list is forward-confirmed; 127.0.0.12 clean.
 */
class RefusalAtTheDoorIT {
    static final int TARPIT_DELAY = 300;
    static final String USER = PortcullisServer.DEMO_USER;
    static final String POSTMASTER = "postmaster@portcullis.test";

    @TempDir
    static Path work;
    static KnotServer knot;
    static ScriptedDnsProxy dns;
    static GuiceJamesServer server;
    static int port;
    static ImapMailbox demo;
    static ImapMailbox postmaster;
    /** Tokens of the messages answered 250 at end of DATA, with the mailbox that must hold them. */
    static final Map<String, ImapMailbox> accepted = new LinkedHashMap<>();
    /** Tokens of messages refused at some point of the dialog: never delivered to the demo user. */
    static final List<String> refused = new ArrayList<>();

    static String zones(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> z = new LinkedHashMap<>();
        z.put("door.test", zones("$ORIGIN door.test.", "$TTL 60",
                "@ IN SOA ns1.door.test. hostmaster.door.test. 1 3600 600 86400 30", "@ IN NS ns1.door.test.",
                "ns1 IN A 127.0.0.1",
                "2.0.0.127 IN A 127.0.0.2", "2.0.0.127 IN A 127.0.0.3", "4.0.0.127 IN A 127.0.0.2", "5.0.0.127 IN A 127.0.0.3",
                "6.0.0.127 IN A 127.0.0.2", "8.0.0.127 IN A 127.0.0.2", "9.0.0.127 IN A 127.0.0.2"));
        z.put("dbl.door.test", zones("$ORIGIN dbl.door.test.", "$TTL 60",
                "@ IN SOA ns1.door.test. hostmaster.door.test. 1 3600 600 86400 30", "@ IN NS ns1.door.test.",
                "test IN A 127.0.0.2", "spammer.example IN A 127.0.0.2"));
        z.put("0.0.127.in-addr.arpa", zones("$ORIGIN 0.0.127.in-addr.arpa.", "$TTL 60",
                "@ IN SOA ns1.door.test. hostmaster.door.test. 1 3600 600 86400 30", "@ IN NS ns1.door.test.",
                "9 IN PTR mx.partner.example.", "8 IN PTR dsl-8.isp.example."));
        z.put("partner.example", zones("$ORIGIN partner.example.", "$TTL 60",
                "@ IN SOA ns1.door.test. hostmaster.door.test. 1 3600 600 86400 30", "@ IN NS ns1.door.test.",
                "mx IN A 127.0.0.9"));
        knot = KnotServer.start(work.resolve("knot"), z);
        dns = new ScriptedDnsProxy(knot.address());
        dns.script("2.0.0.127.door.test", ScriptedDnsProxy.Rule.delay(700));
        dns.script("4.0.0.127.door.test", ScriptedDnsProxy.Rule.delay(2_000));
        dns.script("spammer.example.dbl.door.test", ScriptedDnsProxy.Rule.delay(500));
        server = TestJames.in(work.resolve("james")).smtpHandler().dns(dns.hostPort()).dropSampleLists()
                .properties(
                        "dns.timeout-ms = 3000",
                        "dns.max-in-flight = 20",
                        "dnsbl.list.door = door.test=127.0.0.2*20",
                        "dnsbl.list.band = door.test=127.0.0.3*12",
                        "dnsbl.list.dbl = name:dbl.door.test=127.0.0.2*20",
                        "smtp.budget-ms = 1200",
                        "smtp.tarpit-threshold = 10",
                        "smtp.tarpit.delay-ms = " + TARPIT_DELAY,
                        "smtp.tarpit.step-ms = 0",
                        "smtp.tarpit.remembered = false",
                        "smtp.allow = partner.example",
                        "headers.rule.MISSING_DATE = 20")
                .start();
        port = TestJames.smtpPort(server);
        demo = TestJames.demoMailbox(server);
        server.getProbe(org.apache.james.utils.DataProbeImpl.class).addUser(POSTMASTER, "postmaster-secret");
        postmaster = new ImapMailbox(server.getProbe(org.apache.james.modules.protocols.ImapGuiceProbe.class)
                .getImapPort(), POSTMASTER, "postmaster-secret");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            // No lost mail: every 250 at end of DATA is delivered (INBOX or Spam) ...
            for (Map.Entry<String, ImapMailbox> e : accepted.entrySet()) {
                assertThat(inAnyFolder(e.getValue(), e.getKey())).as("message %s answered 250", e.getKey()).isTrue();
            }
            // ... and nothing refused reached the demo user (checked once the accepted mail is in, so the pipeline
            // has had its chance to deliver anything it wrongly received).
            for (String token : refused) {
                assertThat(demo.find("INBOX", token)).as("refused %s in INBOX", token).isEmpty();
                assertThat(demo.find("Spam", token)).as("refused %s in Spam", token).isEmpty();
            }
        } finally {
            if (server != null) {
                server.stop();
            }
            if (dns != null) {
                dns.close();
            }
            if (knot != null) {
                knot.close();
            }
        }
    }

    static boolean inAnyFolder(ImapMailbox box, String token) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            for (String folder : List.of("INBOX", "Spam")) {
                try {
                    if (!box.find(folder, token).isEmpty()) {
                        return true;
                    }
                } catch (java.io.IOException e) {
                    // folder not there yet
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** The whole transaction in one write, as spam software sends it; every reply read until the close. */
    static List<String> pipelined(String client, String helo, String from, List<String> rcpts, byte[] message)
            throws Exception {
        StringBuilder batch = new StringBuilder("EHLO " + helo + "\r\nMAIL FROM:<" + from + ">\r\n");
        for (String r : rcpts) {
            batch.append("RCPT TO:<").append(r).append(">\r\n");
        }
        batch.append("DATA\r\n").append(new String(MailClients.crlf(message), StandardCharsets.ISO_8859_1))
                .append("\r\n.\r\nQUIT\r\n");
        List<String> replies = new ArrayList<>();
        try (SmtpDialog d = SmtpDialog.connect(client, port)) {
            replies.add(d.greeting());
            d.write(batch.toString());
            while (true) {
                String r;
                try {
                    r = d.reply();
                } catch (java.io.IOException e) {
                    break;
                }
                replies.add(r);
                if (r.startsWith("221")) {
                    break;
                }
            }
        }
        return replies;
    }

    @Test
    void pipeliningDoesNotOutrunASlowListAnswer() throws Exception {
        String token = MailClients.token();
        long t0 = System.nanoTime();
        List<String> replies = pipelined("127.0.0.2", "bot.example", "a@spam.example", List.of(USER),
                MailClients.conformant(token));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("RefusalAtTheDoorIT: pipelined listed client (answer at 700 ms) in " + ms + " ms: "
                + replies);
        refused.add(token);
        // greeting, EHLO, MAIL, RCPT: the RCPT reply is the fourth.
        assertThat(replies.get(3)).startsWith("550 5.7.1").contains("door.test");
        assertThat(replies).noneMatch(r -> r.startsWith("250 2.6.0"));
        assertThat(ms).as("the RCPT reply waited for the list answer").isGreaterThanOrEqualTo(650);
    }

    @Test
    void anAnswerAfterTheBudgetIsNeverA5xx() throws Exception {
        String token = MailClients.token();
        long t0 = System.nanoTime();
        List<String> replies = pipelined("127.0.0.4", "slow.example", "a@slow.example", List.of(USER),
                MailClients.conformant(token));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("RefusalAtTheDoorIT: pipelined listed client (answer at 2,000 ms, budget 1,200) in " + ms
                + " ms: " + replies);
        assertThat(replies).noneMatch(r -> r.startsWith("5"));
        assertThat(replies).anyMatch(r -> r.startsWith("250 2.6.0"));
        accepted.put(token, demo);
        assertThat(ms).as("waited the budget, not the answer").isBetween(1_100L, 1_990L);
    }

    /** One command at a time; returns the milliseconds from the first command to the last reply. */
    static long lockstep(String client, String token, List<String> replies) throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(client, port)) {
            replies.add(d.greeting());
            long t0 = System.nanoTime();
            replies.add(d.command("EHLO lockstep.example"));
            replies.add(d.command("MAIL FROM:<a@band.example>"));
            replies.add(d.command("RCPT TO:<" + USER + ">"));
            replies.add(d.data(MailClients.conformant(token)));
            replies.add(d.command("QUIT"));
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
    }

    @Test
    void aPipeliningClientPaysTheSameTarpitDelaysAsALockstepOne() throws Exception {
        String t1 = MailClients.token();
        List<String> r1 = new ArrayList<>();
        long lock = lockstep("127.0.0.5", t1, r1);
        String t2 = MailClients.token();
        long t0 = System.nanoTime();
        List<String> r2 = pipelined("127.0.0.5", "pipe.example", "a@band.example", List.of(USER),
                MailClients.conformant(t2));
        long pipe = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("RefusalAtTheDoorIT: tarpitted client, lockstep " + lock + " ms " + r1 + "; pipelined "
                + pipe + " ms " + r2);
        assertThat(r1).anyMatch(r -> r.startsWith("250 2.6.0"));
        assertThat(r2).anyMatch(r -> r.startsWith("250 2.6.0"));
        accepted.put(t1, demo);
        accepted.put(t2, demo);
        // Delayed replies: RCPT, DATA, end of DATA, QUIT at least (MAIL's too once the evidence was in at EHLO).
        assertThat(lock).isGreaterThanOrEqualTo(4L * TARPIT_DELAY * 8 / 10);
        assertThat(pipe).isGreaterThanOrEqualTo(4L * TARPIT_DELAY * 8 / 10);
        assertThat((double) pipe / lock).as("pipelined / lockstep").isBetween(0.7, 1.4);
    }

    @Test
    void postmasterCannotCarrySpamToOtherRecipients() throws Exception {
        // A listed client names postmaster first, then the user: the user must come in another transaction.
        String token = MailClients.token();
        List<String> replies;
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.6", port)) {
            replies = new ArrayList<>();
            d.greeting();
            replies.add(d.command("EHLO spam.example"));
            replies.add(d.command("MAIL FROM:<a@spam.example>"));
            replies.add(d.command("RCPT TO:<" + POSTMASTER + ">"));
            replies.add(d.command("RCPT TO:<" + USER + ">"));
            replies.add(d.data(MailClients.conformant(token)));
            // The user alone, as the client is told to do: refused.
            replies.add(d.command("MAIL FROM:<a@spam.example>"));
            replies.add(d.command("RCPT TO:<" + USER + ">"));
            d.command("QUIT");
        }
        System.out.println("RefusalAtTheDoorIT: postmaster + user from a listed client: " + replies);
        assertThat(replies.get(2)).startsWith("250");
        assertThat(replies.get(3)).startsWith("452 4.5.3");
        assertThat(replies.get(4)).startsWith("250");
        assertThat(replies.get(6)).startsWith("550 5.7.1");
        accepted.put(token, postmaster);
        refused.add(token);

        // The other order: the user is refused, postmaster still reachable.
        String second = MailClients.token();
        List<String> other = pipelined("127.0.0.6", "spam.example", "a@spam.example", List.of(USER, POSTMASTER),
                MailClients.conformant(second));
        System.out.println("RefusalAtTheDoorIT: user + postmaster pipelined: " + other);
        assertThat(other.get(3)).startsWith("550 5.7.1");
        assertThat(other.get(4)).startsWith("250");
        assertThat(other).anyMatch(r -> r.startsWith("250 2.6.0"));
        accepted.put(second, postmaster);
        refused.add(second);
    }

    @Test
    void headerSpamToPostmasterAndAUserReachesOnlyPostmaster() throws Exception {
        String token = MailClients.token();
        byte[] noDate = new String(MailClients.conformant(token), StandardCharsets.US_ASCII)
                .replaceFirst("Date: [^\r]*\r\n", "").getBytes(StandardCharsets.US_ASCII);
        List<String> replies = pipelined("127.0.0.12", "mua.example", "a@sender.example", List.of(POSTMASTER, USER),
                noDate);
        System.out.println("RefusalAtTheDoorIT: header spam to postmaster + user: " + replies);
        assertThat(replies.get(3)).startsWith("250");
        assertThat(replies.get(4)).startsWith("452 4.5.3");
        assertThat(replies).anyMatch(r -> r.startsWith("250 2.6.0"));
        accepted.put(token, postmaster);
        refused.add(token);

        String alone = MailClients.token();
        byte[] noDate2 = new String(MailClients.conformant(alone), StandardCharsets.US_ASCII)
                .replaceFirst("Date: [^\r]*\r\n", "").getBytes(StandardCharsets.US_ASCII);
        List<String> r2 = pipelined("127.0.0.12", "mua.example", "a@sender.example", List.of(USER), noDate2);
        System.out.println("RefusalAtTheDoorIT: header spam to the user alone: " + r2);
        assertThat(r2).anyMatch(r -> r.startsWith("550 5.7.1") && r.contains("MISSING_DATE"));
        assertThat(r2).noneMatch(r -> r.startsWith("250 2.6.0"));
        refused.add(alone);
    }

    @Test
    void oneNetworkCannotStarveEveryoneElsesLookups() throws Exception {
        // 15 idle connections from 127.0.1.0/24 whose list and reverse questions are never answered (dns.max-in-flight
        // = 20): that network gets its share (4) of the cap, no more.
        dns.script("1.0.127.door.test", ScriptedDnsProxy.Rule.drop());
        dns.script("1.0.127.in-addr.arpa", ScriptedDnsProxy.Rule.drop());
        List<SmtpDialog> idle = new ArrayList<>();
        try {
            for (int i = 1; i <= 15; i++) {
                SmtpDialog d = SmtpDialog.connect("127.0.1." + i, port);
                idle.add(d);
                d.greeting();
                d.command("EHLO idle" + i + ".example");
            }
            // A client of the flooding network, whose own lookups were refused for the cap: 451, never a silent 250.
            String other = MailClients.token();
            List<String> same = pipelined("127.0.1.50", "another.example", "a@another.example", List.of(USER),
                    MailClients.conformant(other));
            System.out.println("RefusalAtTheDoorIT: client of the flooding network: " + same);
            assertThat(same.get(3)).startsWith("451 4.7.1");
            assertThat(same).noneMatch(r -> r.startsWith("250 2.6.0"));
            refused.add(other);
            // A listed client elsewhere is still judged on its real answer: refused, not accepted as "unknown".
            String token = MailClients.token();
            List<String> listed = pipelined("127.0.0.6", "spam.example", "a@spam.example", List.of(USER),
                    MailClients.conformant(token));
            System.out.println("RefusalAtTheDoorIT: listed client while 127.0.1.0/24 floods: " + listed);
            assertThat(listed.get(3)).startsWith("550 5.7.1");
            refused.add(token);
        } finally {
            for (SmtpDialog d : idle) {
                d.close();
            }
        }
    }

    @Test
    void aListedFromDomainIsAskedWhileTheBodyStreamsAndRefusedAtTheEnd() throws Exception {
        // The From domain is only known from the headers; its list answers after 500 ms. The final dot waits.
        String token = MailClients.token();
        byte[] m = new String(MailClients.conformant(token), StandardCharsets.US_ASCII)
                .replace("From: Alice Example <alice@example.com>", "From: Offers <deals@spammer.example>")
                .getBytes(StandardCharsets.US_ASCII);
        List<String> replies = pipelined("127.0.0.12", "mta.sender.example", "bounce@sender.example", List.of(USER), m);
        System.out.println("RefusalAtTheDoorIT: listed From domain, answer at 500 ms: " + replies);
        assertThat(replies.get(3)).startsWith("250");
        assertThat(replies).anyMatch(r -> r.startsWith("550 5.7.1") && r.contains("spammer.example"));
        assertThat(replies).noneMatch(r -> r.startsWith("250 2.6.0"));
        refused.add(token);
    }

    @Test
    void anAllowListedNameInHeloOrMailFromExemptsNothing() throws Exception {
        String token = MailClients.token();
        List<String> replies = pipelined("127.0.0.8", "mx.partner.example", "news@partner.example", List.of(USER),
                MailClients.conformant(token));
        System.out.println("RefusalAtTheDoorIT: forged allow-listed HELO/MAIL FROM: " + replies);
        assertThat(replies.get(3)).startsWith("550 5.7.1");
        refused.add(token);
    }

    @Test
    void aForwardConfirmedAllowListedNameIsExempt() throws Exception {
        String token = MailClients.token();
        List<String> replies = new ArrayList<>();
        long rcptMs;
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.9", port)) {
            replies.add(d.greeting());
            replies.add(d.command("EHLO anything.example"));
            replies.add(d.command("MAIL FROM:<news@partner.example>"));
            long t0 = System.nanoTime();
            replies.add(d.command("RCPT TO:<" + USER + ">"));
            rcptMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            replies.add(d.data(MailClients.conformant(token)));
            replies.add(d.command("QUIT"));
        }
        System.out.println("RefusalAtTheDoorIT: listed but forward-confirmed mx.partner.example, RCPT in " + rcptMs
                + " ms: " + replies);
        assertThat(replies).noneMatch(r -> r.startsWith("5") || r.startsWith("4"));
        assertThat(replies).anyMatch(r -> r.startsWith("250 2.6.0"));
        // Listed at 20 (tarpit threshold 10): a tarpitted RCPT would come TARPIT_DELAY after the MAIL reply.
        assertThat(rcptMs).as("allow-listed: not tarpitted").isLessThan(TARPIT_DELAY * 2L / 3);
        accepted.put(token, demo);
    }
}
