package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.KnotServer;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 SMTP clients in a real James 3.8.1: addresses 2001:db8::1..3 on the loopback interface (added by
 * {@code .ci/run}, or by this test when it may), a list serving nibble-format entries on a real Knot.
 * 2001:db8::1 is listed; 2001:db8::2 sends a message that gets tagged, and the {@code Tarpit} mailet remembers its
 * /64; 2001:db8::3, in the same /64, is then tarpitted.
 */
class Ipv6ClientIT {
    static final int DELAY = 300;
    static final InetAddress LISTED = address("2001:db8::1");
    static final InetAddress TAGGED = address("2001:db8::2");
    static final InetAddress NEIGHBOUR = address("2001:db8::3");

    @TempDir
    static Path work;
    static KnotServer knot;
    static GuiceJamesServer server;
    static int port;
    static ImapMailbox demo;

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code a} can be bound here; tries {@code ip -6 addr add} once. */
    static boolean onLoopback(InetAddress a) {
        if (bindable(a)) {
            return true;
        }
        try {
            new ProcessBuilder("ip", "-6", "addr", "add", a.getHostAddress() + "/128", "dev", "lo").inheritIO()
                    .start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
        return bindable(a);
    }

    private static boolean bindable(InetAddress a) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress(a, 0));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        for (InetAddress a : List.of(LISTED, TAGGED, NEIGHBOUR)) {
            boolean ok = onLoopback(a);
            if (!ok && Boolean.getBoolean("portcullis.strict")) {
                throw new AssertionError("IPv6 test address " + a.getHostAddress() + " is not on lo and cannot be "
                        + "added (.ci/run adds it: ip -6 addr add 2001:db8::1/128 dev lo)");
            }
            Assumptions.assumeTrue(ok, "IPv6 test address " + a.getHostAddress() + " is not on lo (needs root: "
                    + "ip -6 addr add " + a.getHostAddress() + "/128 dev lo)");
        }
        Map<String, String> z = new LinkedHashMap<>();
        z.put("v6.test", String.join("\n", "$ORIGIN v6.test.", "$TTL 60",
                "@ IN SOA ns1.v6.test. hostmaster.v6.test. 1 3600 600 86400 30", "@ IN NS ns1.v6.test.",
                "ns1 IN A 127.0.0.1", "2.0.0.127 IN A 127.0.0.2",
                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2 IN A 127.0.0.2") + "\n");
        knot = KnotServer.start(work.resolve("knot"), z);
        server = TestJames.in(work.resolve("james")).smtpHandler().smtpBind("0.0.0.0:0").dns(knot.hostPort())
                .dropSampleLists()
                .edit("mailetcontainer.xml", "<mailet match=\"All\" class=\"LocalDelivery\"/>",
                        "<mailet match=\"IsMarkedAsSpam\" class=\"io.portcullis.mailets.Tarpit\"/>\n"
                                + "            <mailet match=\"All\" class=\"LocalDelivery\"/>")
                .properties("dnsbl.list.v6 = v6.test=127.0.0.2*20", "headers.rule.MISSING_DATE = 6",
                        "smtp.tarpit.delay-ms = " + DELAY, "smtp.tarpit.step-ms = 0", "smtp.tarpit.remembered = true",
                        "nameservers.enabled = false")
                .start();
        port = TestJames.smtpPort(server);
        demo = TestJames.demoMailbox(server);
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

    static SmtpDialog connect(InetAddress client) throws java.io.IOException {
        return SmtpDialog.connect(client, InetAddress.getByName("::1"), port);
    }

    @Test
    void aListedIpv6ClientIsRefusedAtRcptAndNothingIsDelivered() throws Exception {
        String token = MailClients.token();
        List<String> replies = new ArrayList<>();
        try (SmtpDialog d = connect(LISTED)) {
            replies.add(d.greeting());
            replies.add(d.command("EHLO v6.client.example"));
            replies.add(d.command("MAIL FROM:<a@v6.example>"));
            replies.add(d.command("RCPT TO:<" + PortcullisServer.DEMO_USER + ">"));
            replies.add(d.command("DATA"));
            d.command("QUIT");
        }
        System.out.println("Ipv6ClientIT: listed 2001:db8::1: " + replies);
        assertThat(replies.get(1)).contains("2001:db8");
        assertThat(replies.get(3)).startsWith("550 5.7.1").contains("2001:db8::1").contains("v6.test");
        assertThat(replies.get(4)).doesNotStartWith("354");
        assertThat(demo.find("INBOX", token)).isEmpty();
    }

    @Test
    void aRememberedIpv6NetworkIsTarpittedByItsSlash64() throws Exception {
        String token = MailClients.token();
        byte[] noDate = new String(MailClients.conformant(token), StandardCharsets.US_ASCII)
                .replaceFirst("Date: [^\r]*\r\n", "").getBytes(StandardCharsets.US_ASCII);
        try (SmtpDialog d = connect(TAGGED)) {
            d.greeting();
            d.command("EHLO v6.sender.example");
            assertThat(d.command("MAIL FROM:<a@v6.example>")).startsWith("250");
            assertThat(d.command("RCPT TO:<" + PortcullisServer.DEMO_USER + ">")).startsWith("250");
            assertThat(d.data(noDate)).startsWith("250");
            d.command("QUIT");
        }
        // Tagged, so delivered to Spam, and the Tarpit mailet remembered 2001:db8::/64.
        demo.await("Spam", token);
        Path log = work.resolve("james").resolve("var/portcullis/decisions");
        DecisionLogIT.awaitLine(log, l -> l.contains("\"reason\": \"remember\"") && l.contains("2001:db8::2"));

        long rcptMs;
        List<String> replies = new ArrayList<>();
        String second = MailClients.token();
        try (SmtpDialog d = connect(NEIGHBOUR)) {
            replies.add(d.greeting());
            replies.add(d.command("EHLO v6.neighbour.example"));
            replies.add(d.command("MAIL FROM:<b@v6.example>"));
            long t0 = System.nanoTime();
            replies.add(d.command("RCPT TO:<" + PortcullisServer.DEMO_USER + ">"));
            rcptMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            replies.add(d.data(MailClients.conformant(second)));
            d.command("QUIT");
        }
        System.out.println("Ipv6ClientIT: 2001:db8::3 after its /64 was remembered, RCPT in " + rcptMs + " ms: "
                + replies);
        assertThat(replies).allMatch(r -> r.startsWith("2") || r.startsWith("3"));
        assertThat(rcptMs).as("tarpitted: its RCPT reply waits the delay").isGreaterThanOrEqualTo(DELAY * 8L / 10);
        demo.await("INBOX", second);
    }
}
