package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tarpit's cap ({@code smtp.tarpit.max-connections = 2}) in a real James 3.8.1: with two tarpitted connections
 * held, a third tarpit-worthy client is answered {@code 421 4.7.0} and disconnected instead of being held; once a
 * held connection closes, the next one is tarpitted again. The 421 is in the decision log.
 */
class SmtpTarpitCapIT {
    static final int CAP = 2;
    static final int DELAY = 300;

    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("bl.test"),
            (james, knot) -> james.smtpHandler().dns(knot.hostPort()).dropSampleLists().properties(
                    "dnsbl.list.bl = bl.test=127.0.0.[2..11]*12", // tarpit band: tarpit 10, reject 15
                    "nameservers.enabled = false",
                    "smtp.tarpit.delay-ms = " + DELAY,
                    "smtp.tarpit.step-ms = 0",
                    "smtp.tarpit.max-connections = " + CAP,
                    "log.node = it-tarpit-cap"));

    /** Connects as the listed client and sends EHLO and MAIL; returns the dialog and the MAIL reply. */
    private static SmtpDialog listedClient(List<String> replies) throws IOException {
        SmtpDialog d = SmtpDialog.connect("127.0.0.2", env.smtpPort());
        assertThat(d.greeting()).startsWith("220");
        replies.add(d.command("EHLO client.example.net"));
        if (replies.get(replies.size() - 1).startsWith("250")) {
            replies.add(d.command("MAIL FROM:<alice@example.com>"));
        }
        return d;
    }

    private static boolean closed(SmtpDialog d) {
        try {
            return d.readLine() == null;
        } catch (IOException e) {
            return true;
        }
    }

    private static String fullStage;

    @Test
    void beyondTheCapA421AndCloseThenRoomAgain() throws Exception {
        // The count is this James's own: connections of other test classes' servers are not in it.
        assertThat(env.tarpitted()).as("tarpitted before the first client").isZero();
        List<SmtpDialog> held = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                List<String> replies = new ArrayList<>();
                held.add(listedClient(replies));
                assertThat(replies).allMatch(r -> r.startsWith("250"));
            }
            assertThat(env.tarpitted()).isEqualTo(CAP);

            List<String> replies = new ArrayList<>();
            try (SmtpDialog third = listedClient(replies)) {
                String last = replies.get(replies.size() - 1);
                // The 421 replaces the reply of the command it came at: EHLO when the evidence was in by then.
                fullStage = replies.size() == 1 ? "helo" : "mail";
                System.out.println("SmtpTarpitCapIT: third listed client got " + replies);
                assertThat(last).startsWith("421 4.7.0");
                assertThat(closed(third)).as("connection closed after the 421").isTrue();
            }
            assertThat(env.tarpitted()).isEqualTo(CAP);
            assertThat(env.server().getProbe(TarpitProbe.class).refused()).as("421s for a full tarpit").isEqualTo(1);

            held.remove(0).close();
            long end = System.nanoTime() + 5_000_000_000L;
            while (env.tarpitted() > CAP - 1 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            replies.clear();
            SmtpDialog next = listedClient(replies);
            held.add(next);
            // Its evidence is in by the MAIL reply at the latest (EHLO waits for it), so from then on every
            // reply is delayed: RCPT's comes DELAY after it was sent.
            long t0 = System.nanoTime();
            replies.add(next.command("RCPT TO:<" + PortcullisServer.DEMO_USER + ">"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("SmtpTarpitCapIT: after one left, the next listed client got " + replies + ", RCPT in "
                    + ms + " ms");
            assertThat(replies).allMatch(r -> r.startsWith("250"));
            // The delay counts from the previous reply; the client's own turnaround is part of it.
            assertThat(ms).as("held again: its replies are delayed").isGreaterThanOrEqualTo(DELAY * 8 / 10);
        } finally {
            for (SmtpDialog d : held) {
                d.close();
            }
        }
        Path log = env.james().resolve("var/portcullis/decisions");
        List<String> lines = DecisionLogIT.awaitLine(log, l -> l.contains("\"reason\": \"tarpit-full\""));
        // Logged at the stage whose reply it replaced, not "rcpt".
        assertThat(DecisionLogIT.count(lines, "\"stage\": \"" + fullStage + "\"", "\"action\": \"tempfail\"", "\"reason\": \"tarpit-full\"",
                "\"reply\": \"421 4.7.0 Too many slow connections")).isEqualTo(1);
    }
}
