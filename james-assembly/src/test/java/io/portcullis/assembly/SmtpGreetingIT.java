package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.smtp.PortcullisGreetingHandler;
import io.portcullis.testing.KnotServer;
import java.nio.file.Path;
import java.util.List;
import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The greeting test in a real James 3.8.1 with the core handler list without James's welcome handler
 * ({@code coreHandlersPackage="io.portcullis.smtp.PortcullisCoreHandlers"}), {@code smtp.greeting.clients = all},
 * action {@code flag}: every client gets {@code 220-} at once and the final 220 after {@link #DELAY} ms; a client
 * that sends EHLO before it is flagged (finding smtp/PREGREET, score = reject threshold: 550 at RCPT).
 */
class SmtpGreetingIT {
    static final int DELAY = 1500;
    private static final String USER = PortcullisServer.DEMO_USER;

    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("bl.test"),
            (james, knot) -> greetingTest(james, knot, List.of(
                    "smtp.greeting.clients = all",
                    "smtp.greeting.delay-ms = " + DELAY,
                    "smtp.greeting.action = flag")));

    /** The Portcullis handler, the greeting-test core handler list and one list on the test Knot. */
    static TestJames greetingTest(TestJames james, KnotServer knot, List<String> properties) {
        return james.greetingTest().dns(knot.hostPort()).dropSampleLists()
                .properties("dnsbl.list.bl = bl.test=127.0.0.[2..11]*1", "nameservers.enabled = false")
                .properties(properties);
    }

    static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    @Test
    void patientClientIsUnaffectedExceptForTheWait() throws Exception {
        long t0 = System.nanoTime();
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.1", env.smtpPort())) {
            String first = d.readLine();
            long firstMs = ms(t0);
            String last = first;
            while (last.startsWith("220-")) {
                last = d.readLine();
            }
            long finalMs = ms(t0);
            System.out.println("SmtpGreetingIT: patient client: '" + first + "' after " + firstMs + " ms, '" + last
                    + "' after " + finalMs + " ms (configured wait " + DELAY + " ms)");
            assertThat(first).startsWith("220-");
            assertThat(firstMs).isLessThan(DELAY / 2);
            assertThat(last).startsWith("220 ");
            assertThat(finalMs).isBetween(DELAY - 100L, DELAY + 1000L);
            long s = System.nanoTime();
            assertThat(d.command("EHLO client.example.net")).startsWith("250");
            assertThat(d.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(d.command("RCPT TO:<" + USER + ">")).startsWith("250");
            assertThat(d.data(MailClients.conformant(MailClients.token()))).startsWith("250");
            assertThat(d.command("QUIT")).startsWith("221");
            assertThat(ms(s)).as("the rest of the transaction is not delayed").isLessThan(1000);
        }
    }

    @Test
    void clientTalkingBeforeTheGreetingIsFlagged() throws Exception {
        long pregreetBefore = counter("pregreet");
        long t0 = System.nanoTime();
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.1", env.smtpPort())) {
            d.write("EHLO early.example.net\r\n"); // a bot does not wait
            String greeting = d.greeting();
            long greetingMs = ms(t0);
            System.out.println("SmtpGreetingIT: early talker got '" + greeting.replace("\n", " | ") + "' after "
                    + greetingMs + " ms; " + PortcullisGreetingHandler.stats());
            assertThat(greeting).startsWith("220-").contains("\n220 ");
            assertThat(greetingMs).isGreaterThanOrEqualTo(DELAY - 100L);
            // the early EHLO got no reply: the next reply read is the one to this EHLO
            assertThat(d.command("EHLO early.example.net")).startsWith("250");
            assertThat(d.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            String rcpt = d.command("RCPT TO:<" + USER + ">");
            assertThat(rcpt).startsWith("550 5.7.1").contains("smtp PREGREET");
        }
        assertThat(counter("pregreet")).isGreaterThan(pregreetBefore);
    }

    /** A counter from {@link PortcullisGreetingHandler#stats()}. */
    static long counter(String name) {
        for (String kv : PortcullisGreetingHandler.stats().split(" ")) {
            String[] p = kv.split("=");
            if (p[0].equals(name)) {
                return Long.parseLong(p[1]);
            }
        }
        throw new IllegalArgumentException(name);
    }
}
