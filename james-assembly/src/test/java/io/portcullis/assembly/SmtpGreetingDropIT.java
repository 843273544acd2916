package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The greeting test with {@code smtp.greeting.clients = suspicious} and action {@code drop}: 127.0.0.2 is listed
 * (weight 1, far below the tarpit and reject thresholds), so its greeting is held and an early EHLO gets
 * {@code 521 5.5.1} and the connection closed; the clean 127.0.0.1 is greeted as soon as its lists answered.
 */
class SmtpGreetingDropIT {
    static final int DELAY = 1500;
    private static final String USER = PortcullisServer.DEMO_USER;

    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("bl.test"),
            (james, knot) -> SmtpGreetingIT.greetingTest(james, knot, List.of(
                    "smtp.greeting.clients = suspicious",
                    "smtp.greeting.delay-ms = " + DELAY,
                    "smtp.greeting.action = drop",
                    "smtp.greeting.drop-code = 521")));

    @Test
    void listedEarlyTalkerIsDropped() throws Exception {
        long dropped = SmtpGreetingIT.counter("pregreetDropped");
        long t0 = System.nanoTime();
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.2", env.smtpPort())) {
            d.write("EHLO early.example.net\r\n");
            String first = d.readLine();
            String reply = d.readLine();
            long replyMs = SmtpGreetingIT.ms(t0);
            System.out.println("SmtpGreetingDropIT: listed early talker: '" + first + "', then '" + reply + "' after "
                    + replyMs + " ms");
            assertThat(first).startsWith("220-");
            assertThat(reply).startsWith("521 5.5.1");
            assertThat(replyMs).isLessThan(DELAY);
            boolean closed;
            try {
                d.readLine();
                closed = false;
            } catch (IOException e) {
                closed = true;
            }
            assertThat(closed).as("connection closed after the 521").isTrue();
        }
        assertThat(SmtpGreetingIT.counter("pregreetDropped")).isGreaterThan(dropped);
    }

    @Test
    void listedPatientClientWaitsThenGoesOn() throws Exception {
        long t0 = System.nanoTime();
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.2", env.smtpPort())) {
            String greeting = d.greeting();
            long greetingMs = SmtpGreetingIT.ms(t0);
            System.out.println("SmtpGreetingDropIT: listed patient client greeted after " + greetingMs + " ms");
            assertThat(greeting).startsWith("220-").contains("\n220 ");
            assertThat(greetingMs).isBetween(DELAY - 100L, DELAY + 1000L);
            assertThat(d.command("EHLO client.example.net")).startsWith("250");
            assertThat(d.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(d.command("RCPT TO:<" + USER + ">")).startsWith("250");
        }
    }

    @Test
    void cleanClientIsGreetedWithoutTheWait() throws Exception {
        long t0 = System.nanoTime();
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.1", env.smtpPort())) {
            String greeting = d.greeting();
            long greetingMs = SmtpGreetingIT.ms(t0);
            System.out.println("SmtpGreetingDropIT: clean client greeted after " + greetingMs + " ms");
            assertThat(greeting).contains("220 ");
            assertThat(greetingMs).isLessThan(DELAY / 2);
            assertThat(d.command("EHLO client.example.net")).startsWith("250");
        }
    }
}
