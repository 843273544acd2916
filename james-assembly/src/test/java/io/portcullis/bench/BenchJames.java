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
        return new BenchJames(PortcullisServer.start(work), metrics);
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
        return ("Date: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now().withNano(0)) + "\r\n"
                + "From: Alice Example <alice@example.com>\r\n"
                + "To: Demo <" + PortcullisServer.DEMO_USER + ">\r\n"
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
