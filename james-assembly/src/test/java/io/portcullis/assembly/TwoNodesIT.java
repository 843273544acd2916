package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.james.PortcullisRuntime;
import io.portcullis.james.ReputationService;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.EntityKind;
import io.portcullis.testing.KnotServer;
import io.portcullis.testing.RedisServer;
import io.portcullis.verdict.Finding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two James nodes (each its own working directory, SMTP and IMAP ports, decision log and node name; node A in a JVM
 * of its own, {@link NodeMain}, as James's MBeans allow one James per JVM), one real Redis as their shared state
 * store. Node A refuses three messages from 127.0.0.70 and learns it; node B, which
 * has never seen that address, greylists it on its first connection while a newcomer is delivered; then
 * {@code portcullis report --log A --log B} (the CLI's main class) merges both nodes' logs.
 */
class TwoNodesIT {
    private static final String USER = PortcullisServer.DEMO_USER;
    private static final String SPAMMER = "127.0.0.70";

    @TempDir
    static Path work;
    static KnotServer knot;
    static RedisServer redis;
    static Process nodeA;
    static int smtpA;
    static int imapA;
    static GuiceJamesServer nodeB;
    static PortcullisRuntime runtimeB;

    static List<String> settings(String node) {
        return List.of("reputation.enabled = true", "store.type = redis", "store.redis.uri = " + redis.uri(),
                "store.redis.prefix = nodes:", "log.node = " + node, "headers.rule.MISSING_DATE = 20",
                "reputation.ip.weight = 8", "reputation.net.weight = 0", "reputation.helo.weight = 0",
                "reputation.mail-from.weight = 0", "reputation.from.weight = 0", "reputation.min-observations = 3",
                "smtp.tarpit-threshold = 15", "smtp.tarpit.delay-ms = 0", "smtp.tarpit.step-ms = 0",
                "smtp.tarpit.max-delay-ms = 0", "smtp.greylist-threshold = 4", "smtp.greylist.delay = 1h",
                "smtp.greylist.window = 2h");
    }

    @BeforeAll
    static void start() throws Exception {
        RedisServer.requireInstalled();
        Map<String, String> z = new LinkedHashMap<>();
        z.put("0.0.127.in-addr.arpa", String.join("\n", "$ORIGIN 0.0.127.in-addr.arpa.", "$TTL 60",
                "@ IN SOA ns1.rep.test. hostmaster.rep.test. 1 3600 600 86400 30", "@ IN NS ns1.rep.test.", ""));
        knot = KnotServer.start(work.resolve("knot"), z);
        redis = RedisServer.start(work);
        Path dirA = TestJames.in(work.resolve("a")).smtpHandler().dns(knot.hostPort()).dropSampleLists()
                .properties(settings("node-a")).prepare();
        nodeA = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + ItHosts.PROPERTY + "=" + System.getProperty(ItHosts.PROPERTY, ""),
                "-cp", System.getProperty("java.class.path"), NodeMain.class.getName(), dirA.toString())
                .redirectError(work.resolve("node-a.log").toFile()).start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(nodeA.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("PORTS ")) {
            // James's own output
        }
        assertThat(line).as("node A started (its log: " + work.resolve("node-a.log") + ")").isNotNull();
        smtpA = Integer.parseInt(line.split(" ")[1]);
        imapA = Integer.parseInt(line.split(" ")[2]);
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep node A's stdout flowing
                }
            } catch (java.io.IOException e) {
                // node A ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        nodeB = TestJames.in(work.resolve("b")).smtpHandler().dns(knot.hostPort()).dropSampleLists()
                .properties(settings("node-b")).start();
        runtimeB = io.portcullis.smtp.PortcullisSmtpHandler.activeRuntime().orElseThrow();
    }

    /** Stops node A (James's shutdown closes its decision log) and waits for its JVM. */
    static void stopNodeA() throws Exception {
        if (nodeA != null) {
            nodeA.getOutputStream().close();
            if (!nodeA.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                nodeA.destroyForcibly();
            }
            nodeA = null;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        stopNodeA();
        if (nodeB != null) {
            nodeB.stop();
        }
        if (redis != null) {
            redis.close();
        }
        if (knot != null) {
            knot.close();
        }
    }

    /** One transaction on {@code node}; the first refusal or the end-of-DATA reply. */
    static String send(int port, String client, byte[] message) throws Exception {
        return SmtpDialog.transaction(client, port, "bulk@example.org", USER, message);
    }

    static List<Finding> reputationOn(PortcullisRuntime runtime, String address) throws Exception {
        ReputationService rep = runtime.reputation();
        return rep.findings(rep.read(List.of(new Entity(EntityKind.IP, address)), List.of()).get());
    }

    /** Decision lines (not event lines) of a node's log folder. */
    static long decisionLines(Path dir) throws Exception {
        long n = 0;
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (l.contains("\"action\"") && !l.contains("\"type\"")) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    @Test
    void reputationLearnedOnNodeAChangesTheDecisionOnNodeBAndTheReportMergesBothLogs() throws Exception {
        // node A: three messages without Date (score 20) refused at end of DATA, learned into the shared Redis
        List<String> refusedTokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String t = MailClients.token();
            refusedTokens.add(t);
            assertThat(send(smtpA, SPAMMER, ReputationIT.without("Date", t))).startsWith("550 5.7.1");
        }
        long end = System.nanoTime() + 15_000_000_000L;
        while (reputationOn(runtimeB, SPAMMER).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(redis.command("EXISTS nodes:rep:ip:" + SPAMMER)).isEqualTo(":1");
        assertThat(reputationOn(runtimeB, SPAMMER)).as("node B reads what node A learned")
                .extracting(Finding::rule, Finding::score).containsExactly(org.assertj.core.groups.Tuple.tuple("IP",
                        8.0));
        assertThat(runtimeB.reputation().counter(ReputationService.LEARNED_PREFIX + "refused"))
                .as("node B learned nothing itself").isZero();

        // node B: never saw 127.0.0.70, greylists it (reputation 8: the greylist band from 4); a newcomer passes
        String greyToken = MailClients.token();
        assertThat(send(TestJames.smtpPort(nodeB), SPAMMER, MailClients.conformant(greyToken))).startsWith("451 4.7.1")
                .contains("Greylisted");
        assertThat(runtimeB.reputation().counter(ReputationService.GREYLIST_FIRST)).isEqualTo(1);
        String newcomerToken = MailClients.token();
        assertThat(send(TestJames.smtpPort(nodeB), "127.0.0.71", MailClients.conformant(newcomerToken))).startsWith("250");
        ImapMailbox demoA = new ImapMailbox(imapA, USER, PortcullisServer.DEMO_PASSWORD);
        ImapMailbox demoB = TestJames.demoMailbox(nodeB);
        assertThat(demoB.await("INBOX", newcomerToken)).as("the newcomer delivered on node B").isNotNull();
        // what was refused or greylisted is in no mailbox of either node
        for (ImapMailbox box : List.of(demoA, demoB)) {
            for (String folder : List.of("INBOX", "Spam")) {
                assertThat(box.find(folder, greyToken)).isEmpty();
                for (String t : refusedTokens) {
                    assertThat(box.find(folder, t)).isEmpty();
                }
            }
        }
        assertThat(demoA.find("INBOX", newcomerToken)).as("node B's mail stays on node B").isEmpty();

        // the two nodes' logs (closed: James stopped, so every line is written), merged by the CLI
        Path logA = work.resolve("a").resolve("var/portcullis/decisions");
        Path logB = work.resolve("b").resolve("var/portcullis/decisions");
        stopNodeA();
        nodeB.stop();
        nodeB = null;
        long linesA = decisionLines(logA);
        long linesB = decisionLines(logB);
        assertThat(linesA).as("node A's three refusals at least").isGreaterThanOrEqualTo(3);
        assertThat(linesB).as("node B's greylisting at least").isGreaterThanOrEqualTo(1);
        assertThat(String.join("\n", Files.readAllLines(Files.list(logA).findFirst().orElseThrow())))
                .as("decision lines name the reputation entities").contains("\"entities\": [\"net:127.0.0.0/24\"");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // node A's folder given twice (as when a copy of it is collected too): its decisions still count once
        int rc = io.portcullis.cli.Main.run(new String[] {"report", "--log", logA.toString(), "--log",
                logB.toString(), "--log", logA.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(report).contains("Nodes: node-a (" + linesA + "), node-b (" + linesB + ")\n")
                .contains("Decisions: " + (linesA + linesB) + "\n")
                .contains("Lines in several logs, counted once: " + linesA + "\n");
        assertThat(report).containsPattern("by reason\n(?:    .*\n)*    greylisted +1\n");
        assertThat(report).containsPattern("Worst networks \\(spam: refused \\+ tagged\\)\n.*\n +127\\.0\\.0\\.0/24 +3 ");
    }
}
