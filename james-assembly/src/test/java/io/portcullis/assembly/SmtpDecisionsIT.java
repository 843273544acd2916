package io.portcullis.assembly;

import static io.portcullis.assembly.JamesLog.field;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.KnotServer;
import io.portcullis.testing.ScriptedDnsProxy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP decisions that only some settings switch on, through a real James 3.8.1 with the Portcullis handler and a
 * real Knot behind a relay that drops the questions about 127.0.0.7. Each test asserts the reply, the decision-log
 * line of that reply and (after all) that no hook failed. One James for all ({@code smtp.enabled = false}:
 * {@link SmtpDisabledIT}):
 *
 * <ul>
 *   <li>127.0.0.3 is listed with weight 9: over {@code smtp.tempfail-threshold} 8, under the reject threshold 15:
 *       {@code 451 4.7.1};</li>
 *   <li>127.0.0.7's lists never answer and {@code smtp.tempfail-on-unknown} is on: {@code 451 4.4.3};</li>
 *   <li>127.0.0.4 is listed with weight 6 (tagged); the {@code Tarpit} mailet remembers it, and with
 *       {@code smtp.tarpit.reject-remembered} its next transaction is refused: {@code 550 5.7.1};</li>
 *   <li>a name list ({@code name:names.test}, weight 20) lists badhelo.example, badrdns.example and
 *       badsender.example: a HELO name (from 127.0.0.20), a reverse DNS name (127.0.0.21's PTR) and a MAIL FROM
 *       domain (from 127.0.0.22) each reach the handler and are refused at RCPT naming the identity;</li>
 *   <li>127.0.0.1 is clean: delivered.</li>
 * </ul>
 */
class SmtpDecisionsIT {
    static final String USER = PortcullisServer.DEMO_USER;

    @TempDir
    static Path work;
    static KnotServer knot;
    static ScriptedDnsProxy dns;
    static ScriptedDnsProxy.Rule drop;
    static JamesLog log;
    static GuiceJamesServer server;
    static int port;
    static ImapMailbox mailbox;

    static String zone(String origin, String... records) {
        StringBuilder z = new StringBuilder("$ORIGIN ").append(origin).append(".\n$TTL 60\n@ IN SOA ns1.decide.test. "
                + "hostmaster.decide.test. 1 3600 600 86400 30\n@ IN NS ns1.decide.test.\n");
        for (String r : records) {
            z.append(r).append('\n');
        }
        return z.toString();
    }

    static Map<String, String> zones() {
        Map<String, String> z = new LinkedHashMap<>();
        z.put("decide.test", zone("decide.test", "ns1 IN A 127.0.0.1", "3.0.0.127 IN A 127.0.0.3",
                "4.0.0.127 IN A 127.0.0.4", "7.0.0.127 IN A 127.0.0.3", "9.0.0.127 IN A 127.0.0.9"));
        z.put("names.test", zone("names.test", "badhelo.example IN A 127.0.1.2", "badrdns.example IN A 127.0.1.2",
                "badsender.example IN A 127.0.1.2"));
        z.put("0.0.127.in-addr.arpa", zone("0.0.127.in-addr.arpa", "21 IN PTR host.badrdns.example."));
        return z;
    }

    static TestJames configure(TestJames james) {
        return james.smtpHandler().dns(dns.hostPort()).dropSampleLists().properties(
                "dns.timeout-ms = 1500",
                "smtp.budget-ms = 800",
                "dnsbl.self-test = false", // the lists' filters do not list the RFC 5782 test entry
                "dnsbl.list.soft = decide.test=127.0.0.3*9",
                "dnsbl.list.tag = decide.test=127.0.0.4*6",
                "dnsbl.list.hard = decide.test=127.0.0.9*20",
                "dnsbl.list.names = name:names.test=127.0.1.2*20",
                "policy.tag-threshold = 5",
                "smtp.reject-threshold = 15",
                "smtp.tempfail-threshold = 8",
                "smtp.tarpit-threshold = 15", // no tarpit band: the tests measure no delay
                "smtp.tempfail-on-unknown = true",
                "smtp.tarpit.reject-remembered = true",
                "smtp.tarpit.delay-ms = 50",
                "smtp.tarpit.step-ms = 0",
                "smtp.tarpit.max-delay-ms = 50",
                "nameservers.enabled = false")
                // the Tarpit mailet on the spam path remembers the clients of tagged mail
                .edit("mailetcontainer.xml", "<mailet match=\"All\" class=\"LocalDelivery\"/>",
                        "<mailet match=\"IsMarkedAsSpam\" class=\"io.portcullis.mailets.Tarpit\"/>\n"
                                + "            <mailet match=\"All\" class=\"LocalDelivery\"/>");
    }

    @BeforeAll
    static void start() throws Exception {
        knot = KnotServer.start(work.resolve("knot"), zones());
        dns = new ScriptedDnsProxy(knot.address());
        drop = dns.script("7.0.0.127.decide.test", ScriptedDnsProxy.Rule.drop());
        log = JamesLog.capture();
        server = configure(TestJames.in(work.resolve("james"))).properties("log.node = decide").start();
        port = TestJames.smtpPort(server);
        mailbox = TestJames.demoMailbox(server);
    }

    @AfterAll
    static void stop() {
        try {
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
            if (dns != null) {
                dns.close();
            }
            if (knot != null) {
                knot.close();
            }
        }
    }

    /** EHLO, MAIL, RCPT from {@code client}; returns the RCPT reply (or DATA's end when accepted). */
    static String transaction(int port, String client, String helo, String from, String token) throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(client, port)) {
            assertThat(d.greeting()).startsWith("220");
            assertThat(d.command("EHLO " + helo)).startsWith("250");
            assertThat(d.command("MAIL FROM:<" + from + ">")).startsWith("250");
            String r = d.command("RCPT TO:<" + USER + ">");
            if (r.startsWith("250")) {
                r = d.data(MailClients.conformant(token));
            }
            d.command("QUIT");
            return r;
        }
    }

    static Path james() {
        return work.resolve("james");
    }

    @Test
    void aScoreOverTheTempfailThresholdIs451() throws Exception {
        String sender = MailClients.token() + "@example.com";
        String reply = transaction(port, "127.0.0.3", "client.example.net", sender, MailClients.token());
        assertThat(reply).startsWith("451 4.7.1").contains("decide.test");
        JamesLog.awaitDecision(james(), field("stage", "rcpt"), field("client", "127.0.0.3"), field("sender", sender),
                field("action", "tempfail"), field("reason", "score"), "\"score\": 9", field("rule", "soft"),
                "\"reply\": \"451 4.7.1 ");
    }

    @Test
    void listsThatDoNotAnswerAre451WithTempfailOnUnknown() throws Exception {
        int dropped = drop.seen();
        String sender = MailClients.token() + "@example.com";
        String reply = transaction(port, "127.0.0.7", "client.example.net", sender, MailClients.token());
        assertThat(reply).startsWith("451 4.4.3");
        assertThat(drop.seen()).as("questions about 127.0.0.7 dropped by the relay").isGreaterThan(dropped);
        JamesLog.awaitDecision(james(), field("stage", "rcpt"), field("client", "127.0.0.7"), field("sender", sender),
                field("action", "tempfail"), field("reason", "dns-unknown"), "\"reply\": \"451 4.4.3 ");
    }

    @Test
    void aRememberedClientIsRefusedWithRejectRemembered() throws Exception {
        // First transaction: tagged (6), accepted, filed as spam; the Tarpit mailet remembers 127.0.0.4.
        String first = MailClients.token();
        assertThat(transaction(port, "127.0.0.4", "client.example.net", "alice@example.com", first))
                .startsWith("250");
        assertThat(mailbox.await("Spam", first)).isNotNull();
        JamesLog.awaitDecision(james(), field("stage", "pipeline"), field("client", "127.0.0.4"),
                field("reason", "remember"));
        // Next connection: refused at RCPT because remembered (its score alone, 6, would be accepted).
        String sender = MailClients.token() + "@example.com";
        String reply = transaction(port, "127.0.0.4", "client.example.net", sender, MailClients.token());
        assertThat(reply).startsWith("550 5.7.1").contains("127.0.0.4 recently sent spam here");
        JamesLog.awaitDecision(james(), field("stage", "rcpt"), field("client", "127.0.0.4"), field("sender", sender),
                field("action", "reject"), field("reason", "remembered"), "\"reply\": \"550 5.7.1 ");
    }

    @Test
    void aListedHeloNameIsRefusedAtRcpt() throws Exception {
        String sender = MailClients.token() + "@example.com";
        String reply = transaction(port, "127.0.0.20", "mx.badhelo.example", sender, MailClients.token());
        assertThat(reply).startsWith("550 5.7.1").contains("helo").contains("badhelo.example").contains("names.test");
        JamesLog.awaitDecision(james(), field("stage", "rcpt"), field("client", "127.0.0.20"), field("sender", sender),
                field("action", "reject"), field("rule", "names"), "\"reply\": \"550 5.7.1 ");
    }

    @Test
    void aListedReverseDnsNameIsRefusedAtRcpt() throws Exception {
        String sender = MailClients.token() + "@example.com";
        String reply = transaction(port, "127.0.0.21", "client.example.net", sender, MailClients.token());
        assertThat(reply).startsWith("550 5.7.1").contains("rdns").contains("badrdns.example")
                .contains("names.test");
        JamesLog.awaitDecision(james(), field("stage", "rcpt"), field("client", "127.0.0.21"), field("sender", sender),
                field("action", "reject"), field("rule", "names"), "\"reply\": \"550 5.7.1 ");
    }

    @Test
    void aListedMailFromDomainIsRefusedAtRcpt() throws Exception {
        String sender = MailClients.token() + "@mail.badsender.example";
        String reply = transaction(port, "127.0.0.22", "client.example.net", sender, MailClients.token());
        assertThat(reply).startsWith("550 5.7.1").contains("mail-from").contains("badsender.example")
                .contains("names.test");
        JamesLog.awaitDecision(james(), field("stage", "rcpt"), field("client", "127.0.0.22"), field("sender", sender),
                field("action", "reject"), field("rule", "names"), "\"reply\": \"550 5.7.1 ");
    }

    @Test
    void aCleanClientIsDeliveredWithoutADecisionLine() throws Exception {
        String token = MailClients.token();
        String sender = token + "@example.com";
        assertThat(transaction(port, "127.0.0.1", "client.example.net", sender, token)).startsWith("250");
        assertThat(mailbox.await("INBOX", token)).isNotNull();
        // Marker: a refused transaction after it; once its line is written, the clean one's would be too.
        String marker = MailClients.token() + "@example.com";
        assertThat(transaction(port, "127.0.0.9", "client.example.net", marker, MailClients.token()))
                .startsWith("550 5.7.1");
        JamesLog.awaitDecision(james(), field("sender", marker), field("action", "reject"));
        assertThat(JamesLog.matching(JamesLog.decisionLines(james()), sender)).isEmpty();
    }
}
