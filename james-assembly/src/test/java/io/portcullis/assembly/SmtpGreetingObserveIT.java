package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The greeting test in observe mode ({@code smtp.greeting.mode = observe}) with action {@code drop}: the listed
 * 127.0.0.2 talks before the greeting, is neither dropped nor refused (its {@code PREGREET} finding does not
 * count), and the decision log says it would have been rejected for it.
 */
class SmtpGreetingObserveIT {
    static final int DELAY = 1000;
    private static final String USER = PortcullisServer.DEMO_USER;

    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("bl.test"),
            (james, knot) -> SmtpGreetingIT.greetingTest(james, knot, List.of(
                    "smtp.greeting.clients = suspicious",
                    "smtp.greeting.delay-ms = " + DELAY,
                    "smtp.greeting.action = drop",
                    "smtp.greeting.mode = observe",
                    "log.node = it-greeting-observe")));

    @Test
    void earlyTalkerIsNotDroppedButLoggedAsWouldReject() throws Exception {
        long dropped = SmtpGreetingIT.counter("pregreetDropped");
        try (SmtpDialog d = SmtpDialog.connect("127.0.0.2", env.smtpPort())) {
            d.write("EHLO early.example.net\r\n");
            String greeting = d.greeting();
            assertThat(greeting).startsWith("220-").contains("\n220 ");
            // The early EHLO was swallowed (no reply to a command sent before the greeting); the dialog goes on.
            assertThat(d.command("EHLO client.example.net")).startsWith("250");
            assertThat(d.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(d.command("RCPT TO:<" + USER + ">")).startsWith("250");
        }
        assertThat(SmtpGreetingIT.counter("pregreetDropped")).isEqualTo(dropped);

        Path log = env.james().resolve("var/portcullis/decisions");
        List<String> lines = DecisionLogIT.awaitLine(log, l -> l.contains("PREGREET"));
        lines.forEach(l -> System.out.println("SmtpGreetingObserveIT: " + l));
        assertThat(DecisionLogIT.count(lines, "\"stage\": \"rcpt\"", "\"client\": \"127.0.0.2\"",
                "\"action\": \"reject\"", "\"observe\": true", "\"rule\": \"PREGREET\"")).isEqualTo(1);
        assertThat(DecisionLogIT.count(lines, "\"action\": \"reject\"")).isEqualTo(1);
    }
}
