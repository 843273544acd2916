package io.portcullis.bench;

import io.portcullis.assembly.PortcullisServer;
import io.portcullis.assembly.WorkingDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.protocols.SmtpGuiceProbe;

/**
 * Shared pieces of the SMTP benchmarks and of the integration tests that use them ({@code MetricsIT},
 * {@code LogOverflowIT}): an in-process James on a copy of the repository's conf in a temporary working directory
 * (the Portcullis handler, lists on a test Knot, optionally WebAdmin's Prometheus route), a raw SMTP client.
 */
public final class BenchJames implements AutoCloseable {
    /** The handler line of the Portcullis SMTP handler, for {@link #start}. */
    public static final String SMTP_HANDLER = "<handler class=\"io.portcullis.smtp.PortcullisSmtpHandler\"/>";

    public final GuiceJamesServer server;
    /** James's SMTP port. */
    public final int port;
    /** WebAdmin's port (Prometheus {@code GET /metrics}), or -1 when not enabled. */
    public final int webAdminPort;

    private BenchJames(GuiceJamesServer server, boolean metrics) {
        this.server = server;
        this.port = server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
        this.webAdminPort = metrics
                ? server.getProbe(org.apache.james.utils.WebAdminGuiceProbe.class).getWebAdminPort().getValue() : -1;
    }

    /**
     * Starts James on a copy of the repository's {@code conf/} in {@code work}.
     *
     * @param handlers   handler lines put at the top of the handler chain (e.g. the Portcullis handler), or none
     * @param properties lines appended to portcullis.properties (the sample DNS lists are dropped)
     */
    static BenchJames start(Path work, List<String> handlers, List<String> properties) throws Exception {
        return start(work, handlers, properties, false);
    }

    /** As {@link #start(Path, List, List)}; with {@code metrics}, WebAdmin's Prometheus route on a free loopback port. */
    public static BenchJames start(Path work, List<String> handlers, List<String> properties, boolean metrics)
            throws Exception {
        WorkingDirectory.prepare(repository().resolve("conf"), work, "127.0.0.1:0", "127.0.0.1:0", null);
        Path smtpXml = work.resolve("conf/smtpserver.xml");
        String xml = new String(Files.readAllBytes(smtpXml), StandardCharsets.UTF_8);
        StringBuilder lines = new StringBuilder();
        for (String h : handlers) {
            lines.append("\n            ").append(h);
        }
        Files.write(smtpXml, xml.replace("<handlerchain>", "<handlerchain>" + lines).getBytes(StandardCharsets.UTF_8));
        WorkingDirectory.dropConfiguredLists(work);
        WorkingDirectory.appendProperties(work, "added by the benchmark", properties);
        if (metrics) {
            PortcullisServer.writeMetricsEndpoint(work, "127.0.0.1:0");
        }
        return new BenchJames(PortcullisServer.start(work, DELIVERED_PROBE), metrics);
    }

    /**
     * Starts the same James on a copy of the repository's {@code conf/} with Portcullis entirely removed: no SMTP
     * handler, every Portcullis matcher and mailet taken out of {@code mailetcontainer.xml} ({@link
     * #withoutPortcullis}) and the Portcullis Guice extensions out of {@code extensions.properties}. Everything else
     * (James's own handlers, mailets, processors, spooler threads) is the repository's file, unchanged.
     *
     * @param removed receives a description of each element taken out (for the benchmark's output)
     */
    static BenchJames startWithoutPortcullis(Path work, List<String> removed) throws Exception {
        System.setProperty("james.protocols.mdc.hostname", "false");
        WorkingDirectory.prepare(repository().resolve("conf"), work, "127.0.0.1:0", "127.0.0.1:0", null);
        Path mailets = work.resolve("conf/mailetcontainer.xml");
        String stripped = withoutPortcullis(new String(Files.readAllBytes(mailets), StandardCharsets.UTF_8), removed);
        Files.write(mailets, stripped.getBytes(StandardCharsets.UTF_8));
        Path extensions = work.resolve("conf/extensions.properties");
        if (Files.isRegularFile(extensions)) {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(extensions, StandardCharsets.UTF_8)) {
                boolean portcullis = !line.trim().startsWith("#") && line.contains("io.portcullis.");
                if (portcullis) {
                    removed.add("extensions.properties: " + line.trim());
                }
                out.add(portcullis ? "# (removed by the benchmark) " + line : line);
            }
            Files.write(extensions, out, StandardCharsets.UTF_8);
        }
        String smtp = new String(Files.readAllBytes(work.resolve("conf/smtpserver.xml")), StandardCharsets.UTF_8);
        if (stripComments(smtp).contains("io.portcullis.")) {
            throw new IllegalStateException("conf/smtpserver.xml enables Portcullis: cannot run James without it");
        }
        return new BenchJames(PortcullisServer.start(work, DELIVERED_PROBE), false);
    }

    /** Registers {@link Delivered} as a probe of the James under test. */
    private static final com.google.inject.Module DELIVERED_PROBE = binder -> com.google.inject.multibindings
            .Multibinder.newSetBinder(binder, org.apache.james.utils.GuiceProbe.class).addBinding()
            .to(Delivered.class);

    /**
     * Adds the users {@code bench0..bench(n-1)} of the demo domain, so that a benchmark can spread its mail over n
     * mailboxes: James's memory mailbox guesses the thread of each new message by searching the user's mailbox,
     * parsing the headers of every message in it, so a single mailbox that fills up during a run makes delivery
     * cost grow with the run's length (it would dominate the CPU). Returns their addresses.
     */
    List<String> benchUsers(int n) throws Exception {
        org.apache.james.utils.DataProbeImpl data = server.getProbe(org.apache.james.utils.DataProbeImpl.class);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String u = "bench" + i + "@" + PortcullisServer.DEMO_DOMAIN;
            data.addUser(u, "bench-password-" + i);
            users.add(u);
        }
        return users;
    }

    /** Counts the messages in the users' INBOX and Spam folders: what the mail pipeline has delivered. */
    public static final class Delivered implements org.apache.james.utils.GuiceProbe {
        private final org.apache.james.mailbox.MailboxManager mailboxes;

        @javax.inject.Inject
        public Delivered(org.apache.james.mailbox.MailboxManager mailboxes) {
            this.mailboxes = mailboxes;
        }

        long count(List<String> users) throws Exception {
            long n = 0;
            for (String address : users) {
                org.apache.james.core.Username user = org.apache.james.core.Username.of(address);
                org.apache.james.mailbox.MailboxSession session = mailboxes.createSystemSession(user);
                for (String folder : new String[] {"INBOX", "Spam"}) {
                    try {
                        n += mailboxes.getMailbox(org.apache.james.mailbox.model.MailboxPath.forUser(user, folder),
                                session).getMessageCount(session);
                    } catch (org.apache.james.mailbox.exception.MailboxNotFoundException e) {
                        // not created yet
                    }
                }
            }
            return n;
        }
    }

    /** Messages delivered to these users so far (INBOX and Spam). */
    long delivered(List<String> users) throws Exception {
        return server.getProbe(Delivered.class).count(users);
    }

    /**
     * Waits until {@code expected} messages are delivered to these users (the spooler has caught up) or
     * {@code timeoutMs} has passed; returns the {@code System.nanoTime()} when the count was reached, or -1.
     */
    long awaitDelivered(List<String> users, long expected, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
            if (delivered(users) >= expected) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        return -1;
    }

    /**
     * {@code mailetcontainer.xml} with every {@code <mailet>} and {@code <matcher>} element whose {@code class} or
     * {@code match} names a Portcullis class ({@code io.portcullis.}) removed; comments, James's own mailets and
     * the processors stay as they are. Fails if a Portcullis class is still referenced outside comments.
     *
     * @param removed receives {@code processor: <element ...>} for each element taken out
     */
    static String withoutPortcullis(String xml, List<String> removed) throws Exception {
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        org.w3c.dom.Document doc = f.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
        List<org.w3c.dom.Element> drop = new ArrayList<>();
        for (String tag : new String[] {"mailet", "matcher"}) {
            org.w3c.dom.NodeList nodes = doc.getElementsByTagName(tag);
            for (int i = 0; i < nodes.getLength(); i++) {
                org.w3c.dom.Element e = (org.w3c.dom.Element) nodes.item(i);
                if (e.getAttribute("class").contains("io.portcullis.") || e.getAttribute("match")
                        .contains("io.portcullis.")) {
                    drop.add(e);
                }
            }
        }
        for (org.w3c.dom.Element e : drop) {
            org.w3c.dom.Node p = e.getParentNode();
            while (p != null && !(p instanceof org.w3c.dom.Element && "processor".equals(p.getNodeName()))) {
                p = p.getParentNode();
            }
            String processor = p == null ? "?" : ((org.w3c.dom.Element) p).getAttribute("state");
            removed.add("mailetcontainer.xml, processor " + processor + ": <" + e.getNodeName() + " match=\""
                    + e.getAttribute("match") + "\" class=\"" + e.getAttribute("class") + "\">");
            e.getParentNode().removeChild(e);
        }
        javax.xml.transform.Transformer t = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
        java.io.StringWriter w = new java.io.StringWriter();
        t.transform(new javax.xml.transform.dom.DOMSource(doc), new javax.xml.transform.stream.StreamResult(w));
        String out = w.toString();
        if (stripComments(out).contains("io.portcullis.")) {
            throw new IllegalStateException("a Portcullis class is still referenced in mailetcontainer.xml");
        }
        return out;
    }

    private static String stripComments(String xml) {
        return xml.replaceAll("(?s)<!--.*?-->", "");
    }

    /** A benchmark's body. */
    interface Body {
        void run(Map<String, String> options) throws Exception;
    }

    /**
     * Parses {@code --name value} options (names and defaults in {@code defaults}; an unknown name fails naming the
     * known ones), runs the body and exits the JVM: 0, or 1 after printing the failure (James leaves non-daemon
     * threads behind, so a benchmark never ends on its own).
     */
    static void runAndExit(String[] args, Map<String, String> defaults, Body body) {
        try {
            Map<String, String> options = new java.util.LinkedHashMap<>(defaults);
            for (int i = 0; i < args.length; i++) {
                String name = args[i].startsWith("--") ? args[i].substring(2) : "";
                if (!defaults.containsKey(name) || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown or incomplete argument " + args[i] + " (expected "
                            + String.join(", ", defaults.keySet().stream().map(k -> "--" + k + " V")
                                    .toArray(String[]::new)) + ")");
                }
                options.put(name, args[++i]);
            }
            body.run(options);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static Path repository() {
        String prop = System.getProperty("portcullis.repo");
        if (prop != null) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("conf").resolve("mailetcontainer.xml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("run from the repository (conf/mailetcontainer.xml not found)");
        }
        return p;
    }

    /** Eight list zones z1.bench..z8.bench listing 127.0.0.2 only (answers in the zone: TTL 300). */
    static Map<String, String> eightZones() {
        Map<String, String> zones = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= 8; i++) {
            String z = "z" + i + ".bench";
            zones.put(z, "$ORIGIN " + z + ".\n$TTL 300\n@ IN SOA ns." + z + ". h." + z + ". 1 3600 600 86400 300\n"
                    + "@ IN NS ns." + z + ".\nns IN A 127.0.0.1\n2.0.0.127 IN A 127.0.0.2\n");
        }
        return zones;
    }

    /** {@code dnsbl.list.zN = zN.bench=127.0.0.[2..11]*weight} for the eight zones. */
    static List<String> eightLists(double weight) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            out.add("dnsbl.list.z" + i + " = z" + i + ".bench=127.0.0.[2..11]*" + weight);
        }
        return out;
    }

    /** JVM threads now, and SMTP/Portcullis threads by name family. */
    static String threads() {
        Map<String, Integer> m = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName().replaceAll("[-_]?\\d+$", "");
            if (name.startsWith("smtp") || name.startsWith("portcullis") || name.startsWith("tarpit")) {
                m.merge(name, 1, Integer::sum);
            }
        }
        return ManagementFactory.getThreadMXBean().getThreadCount() + " " + m;
    }

    @Override
    public void close() {
        server.stop();
    }

    static byte[] message(String token) {
        return message(token, PortcullisServer.DEMO_USER);
    }

    /** A conformant message to {@code to}. */
    static byte[] message(String token, String to) {
        return ("Date: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now().withNano(0)) + "\r\n"
                + "From: Alice Example <alice@example.com>\r\n"
                + "To: Demo <" + to + ">\r\n"
                + "Subject: Bench " + token + "\r\n"
                + "Message-ID: <" + token + "@mail.example.com>\r\n"
                + "\r\n"
                + "Hello, this is a benchmark message.\r\n.\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A blocking raw SMTP client (one command at a time). */
    static final class Client implements AutoCloseable {
        /** Read timeout of new clients. */
        static volatile int timeoutMs = 600_000;
        final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Client(InetAddress from, int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port, from, 0);
            socket.setSoTimeout(timeoutMs);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        String reply() throws IOException {
            String line;
            do {
                line = readLine();
            } while (line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            if (c == -1) {
                throw new IOException("connection closed");
            }
            return new String(b.toByteArray(), StandardCharsets.ISO_8859_1);
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return reply();
        }

        String send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            return reply();
        }

        /** A whole transaction on a new connection; throws if a reply is not the expected one. */
        static void transaction(InetAddress from, int port, String token) throws IOException {
            try (Client c = new Client(from, port)) {
                expect(c.reply(), "220");
                expect(c.command("EHLO bench.example.net"), "250");
                expect(c.command("MAIL FROM:<alice@example.com>"), "250");
                expect(c.command("RCPT TO:<" + PortcullisServer.DEMO_USER + ">"), "250");
                expect(c.command("DATA"), "354");
                expect(c.send(message(token)), "250");
                expect(c.command("QUIT"), "221");
            }
        }

        private static void expect(String reply, String code) throws IOException {
            if (!reply.startsWith(code)) {
                throw new IOException("expected " + code + ", got " + reply);
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    static double median(List<Double> xs) {
        return percentile(xs, 50);
    }

    static double percentile(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }
}
