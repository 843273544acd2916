package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.portcullis.bench.Prometheus;
import io.portcullis.testing.KnotServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Deploying into an existing James 3.8.x", followed literally on James's own memory server with
 * James's own sample configuration (the {@code conf/} of {@code james-server-memory-app-3.8.1.zip}, unpacked by the
 * build; not this repository's {@code conf/}). The snippets are read from the README, so text and test cannot
 * drift; each is applied as the README says (appended, or placed after/before/instead of a line of James's file).
 *
 * <p>Besides the README's steps the test changes only what a test must: every {@code <bind>} on a free loopback
 * port, WebAdmin and JMX on free ports, JMAP off, the 465/587 SMTP servers and the IMAPS server off (one SMTP and one
 * IMAP port to talk to), IMAP LOGIN allowed without STARTTLS (to read the mailbox), a self-signed keystore where James's sample expects {@code conf/keystore}, and
 * {@code portcullis.properties} adapted (step 3) to a test Knot serving {@code bl.test}, where 127.0.0.2 is listed.
 */
class StockJamesDeployIT {
    @TempDir
    static Path tmp;
    static Path work;
    static KnotServer knot;
    static GuiceJamesServer server;
    static int smtpPort;
    static ImapMailbox mailbox;
    static int webAdminPort;

    /** One README snippet: file, action, anchor and text. */
    static final class Snippet {
        final String file;
        final String action;
        final String anchor;
        final String text;

        Snippet(String file, String action, String anchor, String text) {
            this.file = file;
            this.action = action;
            this.anchor = anchor;
            this.text = text;
        }
    }

    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- deploy: (\\S+) \\| (append|after|before|replace)(?: \\| (.*?))? -->\\s*\\n\\s*```\\w*\\n(.*?)\\n\\s*```",
            Pattern.DOTALL);

    /** The deploy snippets of the README, in order (their code lines without the list indentation). */
    static List<Snippet> readmeSnippets() throws IOException {
        String readme = new String(Files.readAllBytes(TestPaths.repository().resolve("README.md")),
                StandardCharsets.UTF_8);
        List<Snippet> out = new ArrayList<>();
        Matcher m = SNIPPET.matcher(readme);
        while (m.find()) {
            StringBuilder text = new StringBuilder();
            for (String line : m.group(4).split("\n", -1)) {
                text.append(text.length() > 0 ? "\n" : "").append(line.startsWith("   ") ? line.substring(3) : line);
            }
            out.add(new Snippet(m.group(1), m.group(2), m.group(3), text.toString()));
        }
        return out;
    }

    /** Applies one snippet to {@code conf}: as the README says, at the first occurrence of its anchor. */
    static void apply(Path conf, Snippet s) throws IOException {
        Path file = conf.resolve(s.file);
        String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        String result;
        if (s.action.equals("append")) {
            // on a line of its own, whether or not the file ends with a newline (James's extensions.properties)
            result = content + "\n" + s.text + "\n";
        } else {
            int at = content.indexOf(s.anchor);
            assertThat(at).as("'%s' in James's %s", s.anchor, s.file).isGreaterThanOrEqualTo(0);
            int lineStart = content.lastIndexOf('\n', at) + 1;
            String indent = content.substring(lineStart, at).replaceAll("\\S", " ");
            String indented = s.text.replace("\n", "\n" + indent);
            switch (s.action) {
                case "after":
                    result = content.substring(0, at + s.anchor.length()) + "\n" + indent + indented
                            + content.substring(at + s.anchor.length());
                    break;
                case "before":
                    result = content.substring(0, at) + indented + "\n" + indent + content.substring(at);
                    break;
                default:
                    result = content.substring(0, at) + indented + content.substring(at + s.anchor.length());
            }
        }
        Files.write(file, result.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void deploy() throws Exception {
        System.setProperty("james.protocols.mdc.hostname", "false");
        Path stock = Paths.get(System.getProperty("james.stock.conf", "target/james-stock/james-server-memory-app/conf"));
        Path assembly = Paths.get(System.getProperty("portcullis.assembly", "target/portcullis-james"));
        assertThat(stock.resolve("smtpserver.xml")).as("James's own sample configuration (unpacked by the build)")
                .isRegularFile();
        knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath("bl.test"));
        work = tmp.resolve("james");
        Path conf = work.resolve("conf");
        copyFiles(stock, conf);

        // Step 1: the jars.
        copyFiles(assembly.resolve("extensions-jars"), work.resolve("extensions-jars"));
        // Steps 2 and 4 to 7: the snippets, exactly as in the README.
        List<Snippet> snippets = readmeSnippets();
        assertThat(snippets).extracting(s -> s.file).containsExactly("extensions.properties", "smtpserver.xml",
                "smtpserver.xml", "mailetcontainer.xml", "mailetcontainer.xml", "mailetcontainer.xml", "listeners.xml",
                "logback.xml", "webadmin.properties");
        for (Snippet s : snippets) {
            apply(conf, s);
        }
        // Step 3: portcullis.properties copied from the repository, adapted to the test resolver and list.
        Files.copy(TestPaths.repository().resolve("conf/portcullis.properties"), conf.resolve("portcullis.properties"));
        WorkingDirectory.dropConfiguredLists(work);
        WorkingDirectory.appendProperties(work, "adapted for the test (step 3)", List.of(
                "dns.servers = " + knot.hostPort(),
                "dnsbl.list.bl = bl.test=127.0.0.[2..11]*20"));
        // Step 9: the tools next to extensions-jars/.
        for (String f : List.of("portcullis-tools", "portcullis-tools.jar")) {
            Files.copy(assembly.resolve("tools").resolve(f), work.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }

        harness(conf);
        server = PortcullisServer.start(work);
        smtpPort = server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
        mailbox = new ImapMailbox(server.getProbe(ImapGuiceProbe.class).getImapStartTLSPort(), PortcullisServer.DEMO_USER,
                PortcullisServer.DEMO_PASSWORD);
        webAdminPort = server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    /** What a test must change and an admin would not: ports, extra servers, a keystore. */
    private static void harness(Path conf) throws Exception {
        edit(conf, "smtpserver.xml", x -> WorkingDirectory.rewriteBind(x, "127.0.0.1:0")
                .replaceFirst("(?s)(<smtpserver enabled=\")true(\">\\s*<jmxName>smtpserver-TLS)", "$1false$2")
                .replaceFirst("(?s)(<smtpserver enabled=\")true(\">\\s*<jmxName>smtpserver-authenticated)", "$1false$2"));
        edit(conf, "imapserver.xml", x -> WorkingDirectory.rewriteBind(x, "127.0.0.1:0")
                .replaceFirst("(?s)(<imapserver enabled=\")true(\">(?:(?!</imapserver>).)*socketTLS=\"true\")", "$1false$2")
                // the test reads the mailbox with a plain LOGIN, without STARTTLS
                .replace("<plainAuthDisallowed>true</plainAuthDisallowed>", "<plainAuthDisallowed>false</plainAuthDisallowed>"));
        edit(conf, "webadmin.properties", x -> x.replace("port=8000", "port=0"));
        edit(conf, "jmx.properties", x -> x.replace("jmx.port=9999", "jmx.port=" + freePort()));
        edit(conf, "jmap.properties", x -> x.replace("enabled=true", "enabled=false"));
        Process keytool = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "james", "-keyalg", "RSA", "-storetype", "PKCS12", "-keystore",
                conf.resolve("keystore").toString(), "-storepass", "james72laBalle", "-dname", "CN=localhost",
                "-validity", "2").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as("keytool").isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (knot != null) {
            knot.close();
        }
    }

    @Test
    void brokenHeadersAreTaggedIntoTheSpamFolder() throws Exception {
        String token = MailClients.token();
        byte[] broken = ("Date: Mon, 2 Sep 2002 25:61:00 +1900\r\n"
                + "From: Alice Example <alice@example.com>\r\n"
                + "To: Demo <" + PortcullisServer.DEMO_USER + ">\r\n"
                + "Subject: Broken " + token + "\r\n"
                + "Message-ID: <" + token + "@mail.example.com>\r\n"
                + "X-Mailer: Microsoft Outlook Express 6.00.2600.0000\r\n"
                + "\r\n"
                + "Hello.\r\n").getBytes(StandardCharsets.US_ASCII);

        MailClients.sendSmtp(smtpPort, "alice@example.com", PortcullisServer.DEMO_USER, broken);

        byte[] spam = mailbox.await("Spam", token);
        assertThat(MailClients.header(spam, "X-Portcullis-Report")).contains("INVALID_DATE");
        assertThat(MailClients.header(spam, "X-Portcullis-Score")).isNotNull();
    }

    @Test
    void aListedClientIsRefusedAtRcptAndTheReportReadsTheServersLog() throws Exception {
        try (SmtpDialog smtp = SmtpDialog.connect(InetAddress.getByName("127.0.0.2"), smtpPort)) {
            assertThat(smtp.greeting()).startsWith("220");
            assertThat(smtp.command("EHLO client.example.net")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<bob@example.net>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<" + PortcullisServer.DEMO_USER + ">")).startsWith("550 5.7.1")
                    .contains("bl");
        }

        // /metrics answers, with the refusal counted
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Prometheus.scrape(webAdminPort))
                .contains("portcullis_decision_rcpt_reject"));

        // the tools on the James host read that server's decision log (README step 9)
        Path lib = Paths.get(System.getProperty("portcullis.assembly", "target/portcullis-james")).resolve("lib");
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String report = run(List.of("sh", work.resolve("portcullis-tools").toString(), "report"),
                    lib.toAbsolutePath().toString());
            assertThat(report).contains("Refused (reject + tempfail): 1").contains("bl").contains("127.0.0.0/24");
        });
        String lookup = run(List.of("sh", work.resolve("portcullis-tools").toString(), "lookup", "127.0.0.2"),
                lib.toAbsolutePath().toString());
        assertThat(lookup).contains("\"status\": \"listed\"");
    }

    @Test
    void theLoggerSnippetShowsPortcullisInfoUnderJamesSampleLogback() throws Exception {
        Path stock = Paths.get(System.getProperty("james.stock.conf", "target/james-stock/james-server-memory-app/conf"));
        assertThat(effectiveLevel(stock.resolve("logback.xml"))).as("James's sample").isEqualTo(Level.WARN);
        assertThat(effectiveLevel(work.resolve("conf/logback.xml"))).as("with the snippet").isEqualTo(Level.INFO);
    }

    /** The level logback configured from {@code file} gives a Portcullis logger (a context of its own). */
    private static Level effectiveLevel(Path file) throws Exception {
        LoggerContext ctx = new LoggerContext();
        try {
            // the sample's file appender writes to /logs: point it at a temporary folder
            String xml = new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .replace("/logs/", tmp.resolve("logs").toString() + "/");
            JoranConfigurator jc = new JoranConfigurator();
            jc.setContext(ctx);
            jc.doConfigure(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            return ctx.getLogger("io.portcullis.james.PortcullisRuntime").getEffectiveLevel();
        } finally {
            ctx.stop();
        }
    }

    private static String run(List<String> command, String jamesLibs) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAMES_LIBS", jamesLibs);
        pb.environment().remove("JAMES_HOME");
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    private interface Edit {
        String apply(String text) throws IOException;
    }

    private static void edit(Path conf, String name, Edit e) throws IOException {
        Path f = conf.resolve(name);
        String before = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        String after = e.apply(before);
        assertThat(after).as("harness change to %s", name).isNotEqualTo(before);
        Files.write(f, after.getBytes(StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
            for (Path f : ds) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, to.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
