package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.smtp.PortcullisSmtpHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tarpit in a real James 3.8.1: 127.0.0.2 is listed with weight 12, in the tarpit band (tarpit 10, reject 15);
 * 127.0.0.1 is clean. Delays are measured at the client; many tarpitted connections are held while a clean client
 * keeps its latency, and the server's thread count is reported.
 */
class SmtpTarpitIT {
    private static final String USER = PortcullisServer.DEMO_USER;
    static final int DELAY = 800;
    static final int STEP = 400;
    static final int MAX = 1600;

    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("bl.test"),
            (james, knot) -> james.smtpHandler().dns(knot.hostPort()).dropSampleLists().properties(
                    "dnsbl.list.bl = bl.test=127.0.0.[2..11]*12",
                    "nameservers.enabled = false",
                    "smtp.tarpit.delay-ms = " + DELAY,
                    "smtp.tarpit.step-ms = " + STEP,
                    "smtp.tarpit.max-delay-ms = " + MAX));

    /** Milliseconds per step of one lockstep transaction: greeting, EHLO, MAIL, RCPT, DATA, body, QUIT. */
    static long[] transaction(String client) throws Exception {
        return transaction(client, "client.example.net");
    }

    static long[] transaction(String client, String helo) throws Exception {
        long[] t = new long[7];
        String token = MailClients.token();
        long t0 = System.nanoTime();
        try (SmtpDialog d = SmtpDialog.connect(client, env.smtpPort())) {
            assertThat(d.greeting()).startsWith("220");
            t[0] = lap(t0);
            long s = System.nanoTime();
            assertThat(d.command("EHLO " + helo)).startsWith("250");
            t[1] = lap(s);
            s = System.nanoTime();
            assertThat(d.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            t[2] = lap(s);
            s = System.nanoTime();
            assertThat(d.command("RCPT TO:<" + USER + ">")).startsWith("250");
            t[3] = lap(s);
            s = System.nanoTime();
            assertThat(d.command("DATA")).startsWith("354");
            t[4] = lap(s);
            s = System.nanoTime();
            assertThat(d.body(MailClients.conformant(token))).startsWith("250");
            t[5] = lap(s);
            s = System.nanoTime();
            assertThat(d.command("QUIT")).startsWith("221");
            t[6] = lap(s);
        }
        return t;
    }

    private static long lap(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    @Test
    void tarpittedClientWaitsGrowingDelaysCleanClientDoesNot() throws Exception {
        transaction("127.0.0.1"); // warm up
        long[] clean = transaction("127.0.0.1");
        String helo = "tx-" + MailClients.token().toLowerCase(java.util.Locale.ROOT) + ".example.net";
        long[] slow = transaction("127.0.0.2", helo);
        System.out.println("SmtpTarpitIT: clean  greeting/EHLO/MAIL/RCPT/DATA/body/QUIT ms " + Arrays.toString(clean));
        System.out.println("SmtpTarpitIT: tarpit greeting/EHLO/MAIL/RCPT/DATA/body/QUIT ms " + Arrays.toString(slow));
        assertThat(Arrays.stream(clean).sum()).isLessThan(1000);
        // The decision is made once the lists answered (at EHLO at the latest): from then on every reply delays
        // the next command, growing by STEP up to MAX.
        assertThat(slow[3]).isGreaterThanOrEqualTo(DELAY - 50);
        assertThat(slow[4]).isGreaterThanOrEqualTo(Math.min(MAX, DELAY + STEP) - 50);
        // (each delay runs from the reply's sending: a reply that reaches the client late on a loaded machine
        // shortens the client's view of the next wait by as much, so body and QUIT are bounded together)
        assertThat(slow[5] + slow[6]).isGreaterThanOrEqualTo(2L * MAX - 100);
        assertThat(slow[6]).isLessThan(MAX + 1000);
        // Two tarpit lines for that connection: where the tarpit started (the stage its lists answered), and the
        // accepted message at end of DATA.
        List<String> lines = JamesLog.awaitDecisions(env.james(), 2, JamesLog.field("helo", helo),
                JamesLog.field("action", "tarpit"));
        assertThat(lines).allSatisfy(l -> assertThat(l).contains(JamesLog.field("client", "127.0.0.2"))
                .contains(JamesLog.field("rule", "bl")));
        assertThat(lines.get(0)).containsPattern("\"stage\": \"(connect|helo|mail)\"");
        assertThat(lines.get(1)).contains(JamesLog.field("stage", "data")).contains("\"reply\": \"250");
    }

    @Test
    void pipelinedCommandsPayEachDelay() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.2", env.smtpPort())) {
            d.greeting();
            d.command("EHLO client.example.net");
            d.command("NOOP"); // evidence in: from here on, tarpitted
            long s = System.nanoTime();
            d.write("NOOP\r\nNOOP\r\nNOOP\r\n");
            d.reply();
            d.reply();
            d.reply();
            long batch = lap(s);
            s = System.nanoTime();
            d.command("NOOP");
            long next = lap(s);
            System.out.println("SmtpTarpitIT: pipelined batch of 3 NOOP " + batch + " ms, next command " + next + " ms");
            // Each command of the batch waits its own delay after the previous reply (the line gate), as one sent
            // at a time would.
            assertThat(batch + next).isGreaterThanOrEqualTo(3L * DELAY);
        }
    }

    @Test
    void manyTarpittedConnectionsHoldNoThreadAndCleanLatencyStays() throws Exception {
        int n = Integer.getInteger("tarpit.connections", 300);
        List<Long> idle = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            idle.add(Arrays.stream(transaction("127.0.0.1")).sum());
        }
        // The tarpit count is this James's own (other classes' servers are not in it); wait until the connections of
        // this class's earlier tests have ended (a close is seen when the connection's last delay ends, at most MAX ms
        // after it), so that every one counted next is this test's.
        awaitTarpitted(n0 -> n0 == 0, "no tarpitted connection left from this class's earlier tests");
        int threadsBefore = Thread.activeCount();
        List<SmtpDialog> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                SmtpDialog d = SmtpDialog.connect("127.0.0.2", env.smtpPort());
                held.add(d);
                d.greeting();
                d.command("EHLO tarpit.example.net");
                // RCPT's reply waits for the client's lists, so it is tarpitted by then at the latest (a NOOP's
                // reply may come before the lists answered, and then nothing would start the tarpit); the
                // connection is then paused, holding no thread
                d.write("MAIL FROM:<alice@example.com>\r\nRCPT TO:<" + USER + ">\r\n");
            }
            // every one of them is tarpitted once its EHLO's lists answered (no sleep: as soon as the count is there)
            int tarpitted = awaitTarpitted(t -> t >= n, n + " connections tarpitted; " + stats());
            int threadsHeld = Thread.activeCount();
            List<Long> loaded = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                loaded.add(Arrays.stream(transaction("127.0.0.1")).sum());
            }
            Map<String, Long> groups = threadGroups();
            System.out.println("SmtpTarpitIT: " + n + " connections, tarpitted now " + tarpitted + "; clean tx ms idle "
                    + median(idle) + " (" + idle + ") vs loaded " + median(loaded) + " (" + loaded + "); JVM threads "
                    + threadsBefore + " -> " + threadsHeld + " " + groups + "; " + stats());
            assertThat(tarpitted).as("connections tarpitted now").isEqualTo(n);
            assertThat(threadsHeld - threadsBefore).isLessThan(20);
            assertThat(median(loaded)).isLessThan(Math.max(200, median(idle) * 3));
        } finally {
            for (SmtpDialog d : held) {
                d.close();
            }
        }
    }

    /** Polls the handler's count of tarpitted connections (60 s at most) until {@code done}; returns the count. */
    static int awaitTarpitted(java.util.function.IntPredicate done, String what) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        int now = env.tarpitted();
        while (!done.test(now) && System.nanoTime() < end) {
            Thread.sleep(20);
            now = env.tarpitted();
        }
        assertThat(done.test(now)).as(what + " (tarpitted now: " + now + ")").isTrue();
        return now;
    }

    /** The handler's counters, for the log. */
    private static String stats() {
        return PortcullisSmtpHandler.active().map(PortcullisSmtpHandler::stats).orElse("no handler");
    }

    static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    static Map<String, Long> threadGroups() {
        Map<String, Long> m = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName().replaceAll("[-_]?\\d+$", "").replaceAll("-\\d+-", "-N-");
            if (name.startsWith("smtp") || name.startsWith("portcullis")) {
                m.merge(name, 1L, Long::sum);
            }
        }
        return m;
    }

}
