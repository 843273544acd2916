package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.bench.LogOverflowSoak;
import io.portcullis.testing.KnotServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision-log soak ({@link LogOverflowSoak}, {@code ./portcullis bench-smtp log-overflow}) in a short form:
 * concurrent clients through a real James whose decision log has a queue of 1 and a stalled writer. Every
 * transaction gets its expected reply (550 for the listed client and the broken headers, 250 otherwise), every
 * accepted mail is delivered, and the overflow is reported both in the log files (the report's overflow line)
 * and by the metric {@code portcullis_decision_log_dropped}.
 */
class LogOverflowIT {
    private static final int CLIENTS = 8;
    private static final int PER_CLIENT = 12;
    private static final int ACCEPTED = CLIENTS * (PER_CLIENT + LogOverflowSoak.WARM_UP) / 2;

    @TempDir
    static Path work;

    @Test
    void overflowingLogDropsDecisionsNotRepliesAndReportsTheCount() throws Exception {
        List<String> delivered = new ArrayList<>();
        LogOverflowSoak.Result r;
        try (KnotServer knot = KnotServer.start(work, LogOverflowSoak.zones())) {
            r = LogOverflowSoak.run(work.resolve("soak"), knot, LogOverflowSoak.LogMode.OVERFLOW, CLIENTS, PER_CLIENT,
                    server -> awaitDelivery(server.getProbe(ImapGuiceProbe.class).getImapPort(), delivered));
        }
        System.out.println("LogOverflowIT:" + r.row());
        System.out.println(r.report);
        assertThat(r.failures).as("wrong or missing replies").isEmpty();
        assertThat(r.transactions).isEqualTo(CLIENTS * PER_CLIENT);
        // half the transactions are accepted (tagged and clean), warm-up included
        assertThat(r.accepted).hasSize(ACCEPTED);
        for (String token : r.accepted) {
            assertThat(delivered).as("mail %s delivered", token).anyMatch(h -> h.contains("<" + token + "@"));
        }
        // The log overflowed: counted by the metric, reported in the files; what was written is far from all.
        assertThat(r.droppedMetric).isPositive();
        assertThat(r.droppedReport).isGreaterThanOrEqualTo(r.droppedMetric);
        assertThat(r.report).contains("Log overflow: " + r.droppedReport + " decision(s) not logged");
        assertThat(r.loggedLines).isPositive().isLessThan(r.droppedMetric);
    }

    /** Headers of the mails in INBOX and Spam, once ACCEPTED are there (delivery is asynchronous; at most 60 s). */
    private static void awaitDelivery(int imapPort, List<String> delivered) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
            do {
                delivered.clear();
                for (String folder : List.of("INBOX", "Spam")) {
                    try {
                        for (byte[] m : MailClients.fetchAll(imapPort, PortcullisServer.DEMO_USER,
                                PortcullisServer.DEMO_PASSWORD, folder)) {
                            delivered.add(MailClients.headers(m));
                        }
                    } catch (IOException e) {
                        // Spam not created yet
                    }
                }
                Thread.sleep(200);
            } while (delivered.size() < ACCEPTED && System.nanoTime() < end);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
