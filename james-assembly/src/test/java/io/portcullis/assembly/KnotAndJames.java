package io.portcullis.assembly;

import io.portcullis.testing.KnotServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test Knot serving some zones and one James with Portcullis asking it, started once for a test class and
 * stopped after it; the working directory is a temporary folder, deleted afterwards.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KnotAndJames env = new KnotAndJames(List.of("bl.test"),
 *         (james, knot) -> james.smtpHandler().dns(knot.hostPort()).dropSampleLists().properties("..."));
 * }</pre>
 */
final class KnotAndJames implements BeforeAllCallback, AfterAllCallback {
    /** How the test wants its James, given the started Knot. */
    interface Setup {
        TestJames configure(TestJames james, KnotServer knot) throws Exception;
    }

    private final List<String> zones;
    private final Setup setup;
    private Path work;
    private KnotServer knot;
    private GuiceJamesServer server;
    private JamesLog log;

    KnotAndJames(List<String> zones, Setup setup) {
        this.zones = zones;
        this.setup = setup;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        work = Files.createTempDirectory("portcullis-it-");
        knot = KnotServer.start(work, KnotServer.zonesFromClasspath(zones.toArray(new String[0])));
        log = JamesLog.capture();
        server = setup.configure(TestJames.in(work.resolve("james")), knot).start();
    }

    /**
     * Stops James and Knot; fails the class if, while it ran, the Portcullis SMTP side logged that a hook failed.
     */
    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (log != null && server != null) {
                log.assertNoHookFailure();
            }
        } finally {
            stopAll();
        }
    }

    private void stopAll() throws IOException {
        try {
            if (log != null) {
                log.close();
            }
            if (server != null) {
                server.stop();
            }
        } finally {
            if (knot != null) {
                knot.close();
            }
            if (work != null) {
                WorkingDirectory.deleteRecursively(work);
            }
        }
    }

    GuiceJamesServer server() {
        return server;
    }

    int smtpPort() {
        return TestJames.smtpPort(server);
    }

    /** Connections this James tarpits now (its own count: other servers of the JVM are not in it). */
    int tarpitted() {
        return server.getProbe(TarpitProbe.class).held();
    }

    /** The demo user's mailbox over IMAP. */
    ImapMailbox mailbox() {
        return TestJames.demoMailbox(server);
    }

    /** James's log and decision log, captured since before James started. */
    JamesLog log() {
        return log;
    }

    /**
     * Waits for exactly one line of this James's decision log containing every one of {@code parts} and returns it.
     */
    String awaitDecision(String... parts) throws Exception {
        return JamesLog.awaitDecision(james(), parts);
    }

    KnotServer knot() {
        return knot;
    }

    /** James's working directory. */
    Path james() {
        return work.resolve("james");
    }
}
