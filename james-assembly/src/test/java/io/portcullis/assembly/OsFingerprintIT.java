package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.report.DecisionReport;
import io.portcullis.testing.P0fDaemon;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OS fingerprint check at SMTP time in a real James 3.8.1 with a real p0f capturing James's SMTP port on
 * {@code lo}. The test's fingerprint file relabels loopback Linux SYNs by their window: a client whose receive buffer
 * is 8192 bytes (window 8192) is "Windows XP" (weight 20: over the reject threshold 15), 4096 bytes "Windows 7 or 8"
 * (weight 12: the tarpit band 10..15); a default client stays "Linux". Then p0f is killed: the Windows-looking client's
 * mail is accepted within the budget.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OsFingerprintIT {
    private static final String USER = PortcullisServer.DEMO_USER;
    static final int DELAY = 800;
    static final int BUDGET = 400;
    static final Path P0F_DIR;
    static P0fDaemon p0f;

    static {
        try {
            P0F_DIR = Files.createTempDirectory("p0f-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("asn.cymru.com"), (james, knot) ->
            james.smtpHandler().dns(knot.hostPort()).dropSampleLists().properties(
                "nameservers.enabled = false",
                "smtp.budget-ms = " + BUDGET,
                "os.enabled = true",
                "os.socket = " + P0F_DIR.resolve("p0f.sock"),
                "os.match.xp = Windows XP",
                "os.match.xp.weight = 20",
                "os.match.win7 = Windows 7*",
                "os.match.win7.weight = 12",
                "smtp.tarpit.delay-ms = " + DELAY,
                "smtp.tarpit.step-ms = 0",
                "smtp.tarpit.max-delay-ms = " + DELAY));

    @BeforeAll
    static void startP0f() throws IOException {
        Path fp = P0fDaemon.relabelled(P0F_DIR, Map.of(
                "*:64:0:*:8192,0:mss,sok,ts,nop,ws:df,id+:0", "s:win:Windows:XP",
                "*:64:0:*:4096,0:mss,sok,ts,nop,ws:df,id+:0", "s:win:Windows:7 or 8"));
        p0f = P0fDaemon.startOrSkip(P0F_DIR, "tcp dst port " + env.smtpPort(), fp);
    }

    @BeforeEach
    void p0fRuns() {
        assertThat(p0f.isAlive()).as("p0f is running").isTrue();
    }

    @AfterAll
    static void stopP0f() {
        if (p0f != null) {
            p0f.close();
        }
    }

    /** One transaction from {@code client} (receive buffer {@code rcvbuf}, 0: default); {reply, ms per step, token}. */
    static String[] send(String client, int rcvbuf) throws Exception {
        String token = MailClients.token();
        InetAddress from = InetAddress.getByName(client);
        try (SmtpDialog d = rcvbuf > 0 ? SmtpDialog.connectWithReceiveBuffer(from, env.smtpPort(), rcvbuf)
                : SmtpDialog.connect(from, env.smtpPort())) {
            return d.timedTransaction(USER, token);
        }
    }

    /** The decision log lines so far. */
    static List<String> decisions() throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = env.james().resolve("var/portcullis/decisions");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "decisions-*.jsonl")) {
            for (Path f : ds) {
                out.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The decision log lines about {@code client} (waits a little for the log writer). */
    static List<String> decisionsOf(String client, String action) throws Exception {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 50 && mine.isEmpty(); i++) {
            for (String l : decisions()) {
                if (l.contains("\"client\": \"" + client + "\"") && l.contains("\"action\": \"" + action + "\"")) {
                    mine.add(l);
                }
            }
            if (mine.isEmpty()) {
                Thread.sleep(100);
            }
        }
        return mine;
    }

    @Test
    @Order(1)
    void windowsXpLookingClientIsRefusedNamingTheOs() throws Exception {
        String[] r = send("127.0.0.21", 8192);
        System.out.println("OsFingerprintIT: XP reply " + r[0] + " after ms " + r[1]);
        assertThat(r[0]).startsWith("550").contains("Windows XP");
        List<String> logged = decisionsOf("127.0.0.21", "reject");
        assertThat(logged).as("the refusal is logged with its os finding").isNotEmpty();
        assertThat(logged.get(0)).contains("\"check\": \"os\"").contains("Windows XP (exact)");
        assertThat(p0f.logText()).contains("cli=127.0.0.21/").contains("os=Windows XP");
        DecisionReport report = new DecisionReport(LocalDate.now(ZoneOffset.UTC).minusDays(1),
                LocalDate.now(ZoneOffset.UTC).plusDays(1)).read(env.james().resolve("var/portcullis/decisions"));
        assertThat(report.render()).containsPattern("by operating system\n +Windows XP +1\n");
    }

    @Test
    @Order(2)
    void windows7LookingClientIsTarpittedAndLinuxIsNot() throws Exception {
        send("127.0.0.23", 0); // warm up
        String[] linux = send("127.0.0.23", 0);
        String[] win7 = send("127.0.0.22", 4096);
        System.out.println("OsFingerprintIT: Linux  greeting/EHLO/MAIL/RCPT/DATA/body ms " + linux[1]);
        System.out.println("OsFingerprintIT: Win7/8 greeting/EHLO/MAIL/RCPT/DATA/body ms " + win7[1]);
        assertThat(linux[0]).startsWith("250");
        assertThat(win7[0]).startsWith("250");
        assertThat(SmtpDialog.total(linux[1])).isLessThan(1000);
        assertThat(SmtpDialog.total(win7[1])).isGreaterThanOrEqualTo(3L * (DELAY - 50));
        assertThat(env.mailbox().await("INBOX", linux[2])).as("the Linux client's mail is delivered").isNotNull();
        // Delivered, tagged (score 12 is over the tag threshold 5: the sample pipeline files it as spam), with the OS
        // finding the SMTP handler attached at end of DATA.
        assertThat(new String(env.mailbox().await("Spam", win7[2]), StandardCharsets.ISO_8859_1))
                .as("tarpitted mail is delivered").contains("X-Portcullis-Report: OS (12.0): Windows 7 or 8 (exact), distance 0, link ?: client-ip "
                        + "127.0.0.22; pattern win7 'Windows 7*'");
        List<String> tarpit = decisionsOf("127.0.0.22", "tarpit");
        assertThat(tarpit).as("the tarpit decision is logged").isNotEmpty();
        assertThat(tarpit.get(0)).contains("Windows 7 or 8 (exact)");
        assertThat(p0f.logText()).contains("cli=127.0.0.23/").contains("os=Linux");
        assertThat(decisionsOf("127.0.0.23", "tarpit")).isEmpty();
    }

    @Test
    @Order(3)
    void p0fKilledMidRunMeansAcceptedWithoutExtraDelay() throws Exception {
        p0f.kill();
        send("127.0.0.23", 0); // the first lookup after the kill finds the connection closed
        String[] r = send("127.0.0.24", 8192);
        System.out.println("OsFingerprintIT: p0f dead, XP-looking client greeting/EHLO/MAIL/RCPT/DATA/body ms " + r[1]);
        assertThat(r[0]).startsWith("250");
        assertThat(SmtpDialog.total(r[1])).as("no tarpit, no wait for p0f").isLessThan(1000);
        assertThat(env.mailbox().await("INBOX", r[2])).as("accepted mail is delivered").isNotNull();
    }
}
