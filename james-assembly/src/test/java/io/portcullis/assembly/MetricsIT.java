package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.bench.BenchJames;
import io.portcullis.bench.Prometheus;
import io.portcullis.testing.KnotServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Portcullis metrics in James's Prometheus route ({@code GET /metrics} on WebAdmin, as {@code ./portcullis run}
 * enables it) after real SMTP transactions against a real Knot server: {@code bl} lists 127.0.0.2 with weight 20
 * (over the reject threshold 15), {@code dyn} lists 127.0.0.4 with weight 12 (tarpit band), 127.0.0.1 is clean.
 * While a tarpitted connection is held, the tarpit gauges report it; afterwards the DNS timer and counters, the
 * decision and refusal counters and the gauges are all in the scrape with sensible values.
 */
class MetricsIT {
    private static final String USER = PortcullisServer.DEMO_USER;
    private static final int DELAY = 1500;

    @TempDir
    static Path work;
    static KnotServer knot;
    static BenchJames james;
    static int smtpPort;
    static int webAdminPort;

    @BeforeAll
    static void start() throws Exception {
        knot = KnotServer.start(work, KnotServer.zonesFromClasspath("bl.test"));
        // WebAdmin on loopback with only the Prometheus route, on a free port (as ./portcullis run --metrics)
        james = BenchJames.start(work.resolve("james"), List.of(BenchJames.SMTP_HANDLER), List.of(
                "dns.servers = " + knot.hostPort(),
                "dns.timeout-ms = 1000",
                "dnsbl.list.bl = bl.test=127.0.0.2*20",
                "dnsbl.list.dyn = bl.test=127.0.0.4*12",
                "dnsbl.self-test = false",
                "smtp.budget-ms = 1000",
                "smtp.tarpit.delay-ms = " + DELAY,
                "smtp.tarpit.step-ms = 0",
                "smtp.tarpit.max-delay-ms = " + DELAY,
                "nameservers.enabled = false"), true);
        smtpPort = james.port;
        webAdminPort = james.webAdminPort;
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (knot != null) {
            knot.close();
        }
    }

    static String scrape(int port) throws IOException {
        return Prometheus.scrape(port);
    }

    static OptionalDouble value(String scrape, String name) {
        return Prometheus.value(scrape, name);
    }

    static double valueOf(String scrape, String name) {
        OptionalDouble v = value(scrape, name);
        assertThat(v).as(name + " in the scrape").isPresent();
        return v.getAsDouble();
    }

    @Test
    void prometheusRouteShowsDnsTimerCountersDecisionsAndTarpitGauges() throws Exception {
        // A clean transaction, twice (the second from the DNS cache), and a rejected one.
        assertThat(DecisionLogIT.send(smtpPort, "127.0.0.1", MailClients.conformant(MailClients.token())))
                .startsWith("250");
        assertThat(DecisionLogIT.send(smtpPort, "127.0.0.1", MailClients.conformant(MailClients.token())))
                .startsWith("250");
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.2", smtpPort)) {
            assertThat(d.greeting()).startsWith("220");
            assertThat(d.command("EHLO client.example.net")).startsWith("250");
            assertThat(d.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(d.command("RCPT TO:<" + USER + ">")).startsWith("550 5.7.1");
        }

        // A tarpitted connection held: its lists have answered by the RCPT reply at the latest (the decision at RCPT
        // waits for them), so from then on its next read waits DELAY ms. The two gauges count
        // connections of the whole JVM (earlier test classes' may still be ending), so they are compared with a
        // scrape just before, and must come back down once the held connection has ended.
        String beforeHeld = scrape(webAdminPort);
        double tarpitBefore = valueOf(beforeHeld, "portcullis_tarpit_connections");
        double pausedBefore = valueOf(beforeHeld, "portcullis_smtp_paused_connections");
        String during;
        try (SmtpDialog held = SmtpDialog.connect("127.0.0.4", smtpPort)) {
            assertThat(held.greeting()).startsWith("220");
            assertThat(held.command("EHLO client.example.net")).startsWith("250");
            assertThat(held.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(held.command("RCPT TO:<" + USER + ">")).startsWith("250");
            // the next line is held for DELAY ms: scrape (a few times, in case the line has not arrived yet) meanwhile
            held.write("RSET\r\n");
            long until = System.nanoTime() + (DELAY - 300) * 1_000_000L;
            during = scrape(webAdminPort);
            while ((valueOf(during, "portcullis_tarpit_connections") < tarpitBefore + 1
                    || valueOf(during, "portcullis_smtp_paused_connections") < pausedBefore + 1)
                    && System.nanoTime() < until) {
                Thread.sleep(20);
                during = scrape(webAdminPort);
            }
            assertThat(held.reply()).startsWith("250");
        }
        assertThat(valueOf(during, "portcullis_tarpit_connections")).isGreaterThanOrEqualTo(tarpitBefore + 1);
        assertThat(valueOf(during, "portcullis_smtp_paused_connections")).isGreaterThanOrEqualTo(pausedBefore + 1);
        // A tarpitted connection's close is seen when its last delay ends: wait for that, then the gauge is back.
        long end = System.nanoTime() + 10_000_000_000L;
        double tarpitNow = valueOf(scrape(webAdminPort), "portcullis_tarpit_connections");
        while (tarpitNow > tarpitBefore && System.nanoTime() < end) {
            Thread.sleep(50);
            tarpitNow = valueOf(scrape(webAdminPort), "portcullis_tarpit_connections");
        }
        assertThat(tarpitNow).as("tarpit gauge once the held connection ended").isLessThanOrEqualTo(tarpitBefore);

        String after = scrape(webAdminPort);
        after.lines().filter(l -> l.startsWith("portcullis_")).forEach(l -> System.out.println("MetricsIT: " + l));
        // Counters (James's MetricFactory.generate) appear with the suffix _total, gauges and the timer without.
        // DNS: questions went to Knot and were answered (timed), some answers came from the cache; Knot refuses
        // the PTR questions (not its zone): counted as errors. No timeout, no SERVFAIL.
        double questions = valueOf(after, "portcullis_dns_question_total");
        assertThat(questions).isGreaterThan(0);
        assertThat(valueOf(after, "portcullis_dns_answer_count")).isGreaterThan(0).isLessThanOrEqualTo(questions);
        assertThat(valueOf(after, "portcullis_dns_cache_hit_total")).isGreaterThan(0);
        assertThat(valueOf(after, "portcullis_dns_error_total")).isGreaterThan(0); // Knot REFUSES the PTR questions
        assertThat(value(after, "portcullis_dns_timeout_total")).isEmpty();
        assertThat(value(after, "portcullis_dns_servfail_total")).isEmpty();
        assertThat(after).containsPattern("(?m)^portcullis_dns_answer\\{quantile=\"0\\.5\",?\\} [0-9.eE-]+$");
        assertThat(valueOf(after, "portcullis_dns_in_flight")).isBetween(0.0, questions);
        // Decisions and refusals.
        assertThat(valueOf(after, "portcullis_decision_rcpt_reject_total")).isEqualTo(1);
        assertThat(valueOf(after, "portcullis_refused_dnsbl_bl_total")).isEqualTo(1);
        // Both listed clients were tarpitted, at the first reply after their lists answered (EHLO or MAIL).
        double tarpitted = 0;
        for (String stage : List.of("connect", "helo", "mail", "rcpt", "data")) {
            tarpitted += value(after, "portcullis_decision_" + stage + "_tarpit_total").orElse(0);
        }
        assertThat(tarpitted).isEqualTo(2);
        // Gauges read now: the decision log queue is drained quickly.
        assertThat(valueOf(after, "portcullis_decision_log_queue")).isBetween(0.0, 10.0);
        assertThat(value(after, "portcullis_decision_log_dropped_total")).isEmpty();
    }
}
