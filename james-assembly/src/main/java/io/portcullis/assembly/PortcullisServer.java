package io.portcullis.assembly;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;

/**
 * Runs Apache James 3.8.1 (memory storage) with Portcullis, the way an administrator deploys it: James's own
 * classpath ({@code lib/}), the configuration folder copied into {@code WORK/conf}, and the Portcullis jars copied
 * into {@code WORK/extensions-jars}, from where James's extension class loader loads them (they are not on the
 * launcher's classpath).
 *
 * <pre>
 * java -jar portcullis-james-assembly.jar [--conf DIR] [--work DIR] [--smtp HOST:PORT] [--imap HOST:PORT]
 * </pre>
 *
 * Provisions the domain {@value #DEMO_DOMAIN} and the user {@value #DEMO_USER} (password {@value #DEMO_PASSWORD}),
 * and, from the command line, {@value #POSTMASTER_USER} (password {@value #POSTMASTER_PASSWORD}; the daily report),
 * prints a banner with the ports, and stops James cleanly on Ctrl-C. This class only uses James classes.
 */
public final class PortcullisServer {
    public static final String DEMO_DOMAIN = "portcullis.test";
    public static final String DEMO_USER = "demo@portcullis.test";
    public static final String DEMO_PASSWORD = "demo";
    /** The postmaster of the sample mailetcontainer.xml (the daily report's default recipient), for the demo. */
    public static final String POSTMASTER_USER = "postmaster@portcullis.test";
    public static final String POSTMASTER_PASSWORD = "postmaster";

    private PortcullisServer() {
    }

    /** Parsed command line. */
    static final class Options {
        Path conf;
        Path work;
        String smtp;
        String imap;
        Path extensions;
        /** Resolvers given with --dns (override dns.servers). */
        final java.util.List<String> dns = new java.util.ArrayList<>();
        /** Lists given with --list (replace the configured dnsbl.list.* entries). */
        final java.util.List<String> lists = new java.util.ArrayList<>();
        boolean smtpHooks = true;
        /** WebAdmin for James's Prometheus route GET /metrics (every other route refused); null = off. */
        String metrics = "127.0.0.1:8000";
        /** --metrics-public: allow a --metrics address beyond loopback. */
        boolean metricsPublic;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    throw new UsageException(null);
                }
                if (a.equals("--no-smtp-hooks")) {
                    o.smtpHooks = false;
                    continue;
                }
                if (a.equals("--metrics-public")) {
                    o.metricsPublic = true;
                    continue;
                }
                String value;
                String name;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                } else {
                    name = a;
                    if (i + 1 >= args.length) {
                        throw new UsageException(a.startsWith("--") ? "missing value for " + a : "unknown argument " + a);
                    }
                    value = args[++i];
                }
                switch (name) {
                    case "--conf":
                        o.conf = Paths.get(value);
                        break;
                    case "--work":
                        o.work = Paths.get(value);
                        break;
                    case "--smtp":
                        o.smtp = WorkingDirectory.checkHostPort("--smtp", value);
                        break;
                    case "--imap":
                        o.imap = WorkingDirectory.checkHostPort("--imap", value);
                        break;
                    case "--extensions":
                        o.extensions = Paths.get(value);
                        break;
                    case "--dns":
                        for (String server : value.split(",")) {
                            if (!server.trim().isEmpty()) {
                                o.dns.add(WorkingDirectory.checkHostPort("--dns", server));
                            }
                        }
                        break;
                    case "--metrics":
                        o.metrics = value.equals("off") ? null : WorkingDirectory.checkHostPort("--metrics", value);
                        break;
                    case "--list":
                        if (value.trim().isEmpty() || value.contains("\n")) {
                            throw new UsageException("--list: expected [KIND:]ZONE[=FILTER][*WEIGHT], got '" + value + "'");
                        }
                        o.lists.add(value.trim());
                        break;
                    default:
                        throw new UsageException("unknown option " + name);
                }
            }
            if (o.metrics != null && !o.metricsPublic
                    && !WorkingDirectory.parseHostPort("--metrics", o.metrics).isLoopback()) {
                throw new UsageException("--metrics " + o.metrics + ": WebAdmin would listen beyond loopback. Only "
                        + "GET /metrics answers there (every other WebAdmin route is refused), but the metrics tell "
                        + "anyone who can connect about your mail traffic: use a loopback address (127.0.0.1:8000, "
                        + "[::1]:8000), or add --metrics-public to listen there anyway");
            }
            Path home = launcherHome();
            Path repo = home == null ? null : repositoryRoot(home);
            if (o.conf == null) {
                o.conf = repo != null ? repo.resolve("conf") : home != null && Files.isDirectory(home.resolve("conf"))
                        ? home.resolve("conf") : Paths.get("conf");
            }
            if (o.work == null) {
                o.work = repo != null ? repo.resolve("var").resolve("james") : Paths.get("var", "james");
            }
            if (o.extensions == null && home != null && Files.isDirectory(home.resolve("extensions-jars"))) {
                o.extensions = home.resolve("extensions-jars");
            }
            return o;
        }
    }

    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException | IllegalArgumentException e) {
            if (e.getMessage() != null) {
                System.err.println("portcullis: " + e.getMessage());
            }
            System.err.println("usage: PortcullisServer [--conf DIR] [--work DIR] [--smtp HOST:PORT] [--imap HOST:PORT]"
                    + " [--extensions DIR] [--dns HOST:PORT] [--list SPEC]... [--no-smtp-hooks] [--metrics HOST:PORT|off]"
                    + " [--metrics-public]");
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        Path work = options.work.toAbsolutePath().normalize();
        if (System.getProperty("james.exit.on.startup.error") == null) {
            // Let us report a failed start ourselves (James would log a stack trace and System.exit(1)).
            System.setProperty("james.exit.on.startup.error", "false");
        }
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", work.resolve("conf").resolve("logback.xml").toString());
        }
        long t0 = System.nanoTime();
        GuiceJamesServer server;
        try {
            if (options.extensions == null) {
                System.err.println("portcullis: warning: no extensions-jars folder found next to the launcher; "
                        + "Portcullis classes must then be on the classpath");
            }
            WorkingDirectory.prepare(options.conf, work, options.smtp, options.imap, options.extensions);
            applyOverrides(options, work);
            server = start(work);
            provisionPostmaster(server);
        } catch (Exception e) {
            System.err.println("portcullis: James failed to start: " + rootMessage(e));
            System.err.println("portcullis: (" + work.resolve("conf") + " is a copy of " + options.conf.toAbsolutePath()
                    .normalize() + ")");
            System.exit(1);
            return;
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("portcullis: stopping James...");
            try {
                server.stop();
            } finally {
                stopped.countDown();
            }
        }, "portcullis-shutdown"));

        int smtp = server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
        int imap = server.getProbe(ImapGuiceProbe.class).getImapPort();
        String smtpHost = hostOf(options.smtp, "127.0.0.1");
        String imapHost = hostOf(options.imap, "127.0.0.1");
        System.out.println(banner(millis, work, options.conf, smtpHost, smtp, imapHost, imap));
        if (options.metrics != null) {
            System.out.println("  metrics: curl -s http://" + options.metrics + "/metrics   (James WebAdmin: only "
                    + "/metrics answers, every other route is refused; --metrics off disables it)");
        }
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes the command-line overrides into the working copy of the configuration: enables the SMTP handler
     * (unless {@code --no-smtp-hooks}), {@code --dns} as {@code dns.servers}, and {@code --list} specs as
     * {@code dnsbl.list.cli1..N} replacing the configured lists.
     */
    static void applyOverrides(Options options, Path work) throws java.io.IOException {
        if (options.smtpHooks && !WorkingDirectory.enableSmtpHandler(work)) {
            System.err.println("portcullis: warning: no <handlerchain> in smtpserver.xml; SMTP-time checks are off");
        }
        java.util.List<String> lines = new java.util.ArrayList<>();
        if (!options.dns.isEmpty()) {
            lines.add("dns.servers = " + String.join(", ", options.dns));
        }
        if (!options.lists.isEmpty()) {
            WorkingDirectory.dropConfiguredLists(work);
            for (int i = 0; i < options.lists.size(); i++) {
                lines.add("dnsbl.list.cli" + (i + 1) + " = " + options.lists.get(i));
            }
        }
        WorkingDirectory.appendProperties(work, "added by ./portcullis run (--dns / --list)", lines);
        if (options.metrics != null) {
            writeMetricsEndpoint(work, options.metrics);
        }
    }

    /** The public key WebAdmin checks tokens against (its private key is never kept: no token can be made). */
    static final String METRICS_JWT_KEY = "webadmin-jwt-public.pem";

    /**
     * James's WebAdmin for its Prometheus route {@code GET /metrics} (Portcullis counters {@code portcullis_*} among
     * James's own) and nothing else. WebAdmin's other routes (users, domains, mail queues...) are always built in,
     * so they are shut instead: JWT authentication is on, with a public key made here whose private key is thrown
     * away, so no request can carry a valid token and every route but the public {@code /metrics} answers 401.
     */
    public static void writeMetricsEndpoint(Path work, String hostPort) throws java.io.IOException {
        io.portcullis.net.HostPort hp = WorkingDirectory.parseHostPort("--metrics", hostPort);
        Path conf = work.resolve("conf");
        Files.write(conf.resolve(METRICS_JWT_KEY), unusablePublicKeyPem().getBytes(StandardCharsets.US_ASCII));
        String text = "# written by ./portcullis run (--metrics): WebAdmin for GET /metrics only; every other route\n"
                + "# needs a token signed by the private key of " + METRICS_JWT_KEY + ", which nobody has\n"
                + "enabled=true\n"
                + "host=" + hp.host() + "\n"
                + "port=" + hp.port() + "\n"
                + "https.enabled=false\n"
                + "jwt.enabled=true\n"
                + "jwt.publickeypem.url=file://conf/" + METRICS_JWT_KEY + "\n"
                + "extensions.routes=org.apache.james.webadmin.dropwizard.MetricsRoutes\n";
        Files.write(conf.resolve("webadmin.properties"), text.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh RSA public key in PEM form; its private key is discarded at once. */
    static String unusablePublicKeyPem() {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            byte[] der = g.generateKeyPair().getPublic().getEncoded();
            return "-----BEGIN PUBLIC KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END PUBLIC KEY-----\n";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no RSA in this JVM", e);
        }
    }

    /** Boots James on a prepared working directory and provisions the demo domain and user. */
    public static GuiceJamesServer start(Path work) throws Exception {
        return start(work, new com.google.inject.Module[0]);
    }

    /** Same, with Guice overrides (tests: probes). */
    public static GuiceJamesServer start(Path work, com.google.inject.Module... overrides) throws Exception {
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
                .workingDirectory(work.toFile())
                .build();
        com.google.inject.Module[] all = Arrays.copyOf(overrides, overrides.length + 1);
        all[overrides.length] = ListenAddresses.module();
        GuiceJamesServer server = MemoryJamesServerMain.createServer(configuration).overrideWith(all);
        try {
            server.start();
            provisionDemo(server);
        } catch (Exception | Error e) {
            try {
                server.stop();
            } catch (RuntimeException ignored) {
                // already failing
            }
            throw e;
        }
        return server;
    }

    static void provisionDemo(GuiceJamesServer server) throws Exception {
        DataProbeImpl data = server.getProbe(DataProbeImpl.class);
        if (!data.containsDomain(DEMO_DOMAIN)) {
            data.addDomain(DEMO_DOMAIN);
        }
        if (!Arrays.asList(data.listUsers()).contains(DEMO_USER)) {
            data.addUser(DEMO_USER, DEMO_PASSWORD);
        }
    }

    /** The postmaster's mailbox, so the daily report (report.enabled) can be read in the demo. */
    static void provisionPostmaster(GuiceJamesServer server) throws Exception {
        DataProbeImpl data = server.getProbe(DataProbeImpl.class);
        if (!Arrays.asList(data.listUsers()).contains(POSTMASTER_USER)) {
            data.addUser(POSTMASTER_USER, POSTMASTER_PASSWORD);
        }
    }

    static String banner(long millis, Path work, Path conf, String smtpHost, int smtp, String imapHost, int imap) {
        String nl = System.lineSeparator();
        return nl
                + "Portcullis on Apache James 3.8.1 is ready (started in " + millis + " ms)" + nl
                + "  SMTP  " + smtpHost + ":" + smtp + "   IMAP  " + imapHost + ":" + imap
                + "   (no other James server listens)" + nl
                + "  mailbox " + DEMO_USER + " / password " + DEMO_PASSWORD + "   (and " + POSTMASTER_USER + " / "
                + POSTMASTER_PASSWORD + ": the daily report, when report.enabled)" + nl
                + "  configuration " + conf.toAbsolutePath().normalize() + " (copied to " + work.resolve("conf") + ")"
                + nl + nl
                + "  send:  swaks --server " + smtpHost + ":" + smtp + " --to " + DEMO_USER + " --from you@example.com" + nl
                + "  read:  curl -s 'imap://" + imapHost + ":" + imap + "/INBOX;UID=1' -u " + DEMO_USER + ":"
                + DEMO_PASSWORD + nl
                + "         curl -s 'imap://" + imapHost + ":" + imap + "/Spam;UID=1' -u " + DEMO_USER + ":"
                + DEMO_PASSWORD + "   (mail Portcullis tagged as spam)" + nl
                + "  Ctrl-C stops the server." + nl;
    }

    private static String hostOf(String hostPort, String def) {
        if (hostPort == null) {
            return def;
        }
        io.portcullis.net.HostPort hp = io.portcullis.net.HostPort.parse(hostPort, -1);
        return hp.isIpv6() ? "[" + hp.host() + "]" : hp.host();
    }

    /** The deepest cause's message, which for a bad portcullis.properties names the file, the key and the value. */
    static String rootMessage(Throwable t) {
        Throwable c = t;
        String best = String.valueOf(t);
        while (c != null) {
            if (c.getMessage() != null) {
                best = c.getClass().getSimpleName() + ": " + c.getMessage();
            }
            c = c.getCause() == c ? null : c.getCause();
        }
        return best;
    }

    /** Folder of the launcher jar, or null when running from classes (IDE, tests). */
    static Path launcherHome() {
        try {
            File f = new File(PortcullisServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return f.isFile() ? f.getParentFile().toPath() : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The checkout root when the launcher runs from {@code james-assembly/target/portcullis-james}. */
    static Path repositoryRoot(Path home) {
        Path p = home.toAbsolutePath().normalize();
        for (int i = 0; i < 3 && p != null; i++) {
            p = p.getParent();
        }
        if (p != null && Files.isRegularFile(p.resolve("conf").resolve("mailetcontainer.xml"))
                && Files.isDirectory(p.resolve("james-assembly"))) {
            return p;
        }
        return null;
    }
}
