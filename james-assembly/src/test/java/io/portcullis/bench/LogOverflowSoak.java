package io.portcullis.bench;

import io.portcullis.log.DecisionLog;
import io.portcullis.report.DecisionReport;
import io.portcullis.testing.KnotServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.GuiceJamesServer;

/**
 * A soak of the decision log through a real James 3.8.1 with the Portcullis SMTP handler and a real Knot server:
 * many concurrent SMTP clients run transactions that produce decisions, and the reply latency is measured with the
 * log disabled, with the log and its normal queue, and with a queue that overflows.
 *
 * <p>Overflow is made honestly, without a hook in the product: {@code log.queue-size = 1} and a log directory whose
 * day file is a named pipe (FIFO) nobody reads yet, so the log's writer thread blocks in the kernel opening it, as
 * on a hung disk. After the load, a reader opens the pipe and copies what the writer then writes (the queued
 * decisions and the overflow lines) into a plain file; {@link DecisionReport} reads that file.
 *
 * <p>Transactions (round robin per client): <b>listed</b> from 127.0.0.2 (list {@code bl}, weight 20: tarpit
 * decision at EHLO with a 0 ms delay, 550 at RCPT), <b>broken headers</b> from 127.0.0.1 (550 at end of DATA),
 * <b>tagged</b> from 127.0.0.4 (list {@code dyn}, weight 6: 250, tag decisions at end of DATA and in the pipeline),
 * <b>clean</b> from 127.0.0.1 (250, no decision). Every reply is checked against the expected code.
 */
public final class LogOverflowSoak {
    /** How the decision log is set up. */
    public enum LogMode {
        DISABLED("log disabled"),
        NORMAL("log on, queue 10000"),
        OVERFLOW("log on, queue 1, writer stalled");

        final String label;

        LogMode(String label) {
            this.label = label;
        }
    }

    /** What one run measured. */
    public static final class Result {
        public final LogMode mode;
        public final int transactions;
        public final double seconds;
        /** Latency of every command reply (EHLO to QUIT), in nanoseconds. */
        public final List<Long> replyNanos;
        /** Latency of the replies that carry a decision (550 at RCPT, end of DATA), in nanoseconds. */
        public final List<Long> decisionReplyNanos;
        /** Wrong or missing replies ("kind: expected X, got Y"); empty when every transaction went as expected. */
        public final List<String> failures;
        /** Message-ID tokens of the mails accepted with 250 at end of DATA (warm-up included). */
        public final List<String> accepted;
        /** {@code portcullis_decision_log_dropped_total} from James's Prometheus route (0 when absent). */
        public final long droppedMetric;
        /** The overflow count of {@link DecisionReport} over the written files (-1: the log was disabled). */
        public final long droppedReport;
        /** Decision lines in the written files. */
        public final long loggedLines;
        /** The text report over the written files (empty when the log was disabled). */
        public final String report;

        Result(LogMode mode, int transactions, double seconds, List<Long> replyNanos, List<Long> decisionReplyNanos,
                List<String> failures, List<String> accepted, long droppedMetric, long droppedReport,
                long loggedLines, String report) {
            this.mode = mode;
            this.transactions = transactions;
            this.seconds = seconds;
            this.replyNanos = replyNanos;
            this.decisionReplyNanos = decisionReplyNanos;
            this.failures = failures;
            this.accepted = accepted;
            this.droppedMetric = droppedMetric;
            this.droppedReport = droppedReport;
            this.loggedLines = loggedLines;
            this.report = report;
        }

        public String row() {
            return String.format("  %-32s %5d tx %6.1f tx/s  reply median %6.2f ms p99 %7.2f ms  decision reply "
                    + "median %6.2f ms p99 %7.2f ms  logged %5d  dropped: metric %5d, report %s  wrong replies %d",
                    mode.label, transactions, transactions / seconds, ms(percentile(replyNanos, 50)),
                    ms(percentile(replyNanos, 99)), ms(percentile(decisionReplyNanos, 50)),
                    ms(percentile(decisionReplyNanos, 99)), loggedLines, droppedMetric,
                    droppedReport < 0 ? "-" : String.valueOf(droppedReport), failures.size());
        }
    }

    private LogOverflowSoak() {
    }

    /** Knot zones of the soak. */
    public static Map<String, String> zones() throws IOException {
        return KnotServer.zonesFromClasspath("bl.test");
    }

    /**
     * One run: starts James in {@code work} with {@code mode}, runs {@code clients} x {@code perClient}
     * transactions, waits for the pipeline, calls {@code beforeStop} (e.g. to read the mailbox), stops James and
     * reads the log.
     */
    public static Result run(Path work, KnotServer knot, LogMode mode, int clients, int perClient,
            Consumer<GuiceJamesServer> beforeStop) throws Exception {
        Files.createDirectories(work);
        List<String> props = new ArrayList<>(List.of(
                "dns.servers = " + knot.hostPort(),
                "dns.timeout-ms = 1000",
                "dnsbl.list.bl = bl.test=127.0.0.2*20",
                "dnsbl.list.dyn = bl.test=127.0.0.4*6",
                "dnsbl.self-test = false",
                "smtp.budget-ms = 1000",
                // tarpit decisions are made and logged, but cost no delay: the replies measure the log
                "smtp.tarpit.delay-ms = 0",
                "smtp.tarpit.step-ms = 0",
                "smtp.tarpit.max-delay-ms = 0",
                "nameservers.enabled = false",
                "log.node = soak"));
        Path logDir = work.resolve("james/var/portcullis/decisions");
        Path stalled = null;
        switch (mode) {
            case DISABLED:
                props.add("log.enabled = false");
                break;
            case NORMAL:
                props.add("log.queue-size = 10000");
                break;
            default:
                logDir = work.resolve("stalled-log");
                Files.createDirectories(logDir);
                stalled = DecisionLog.file(logDir, LocalDate.now(ZoneOffset.UTC));
                mkfifo(stalled);
                props.add("log.directory = " + logDir.toAbsolutePath());
                props.add("log.queue-size = 1");
        }
        Result partial;
        Thread reader = null;
        Path copy = work.resolve("log-copy");
        try (BenchJames james = BenchJames.start(work.resolve("james"), List.of(BenchJames.SMTP_HANDLER), props,
                true)) {
            partial = load(james, mode, clients, perClient);
            awaitPipeline(james.webAdminPort, partial.accepted.size() / 2);
            if (beforeStop != null) {
                beforeStop.accept(james.server);
            }
            long dropped = (long) Prometheus.value(Prometheus.scrape(james.webAdminPort),
                    "portcullis_decision_log_dropped_total").orElse(0);
            partial = new Result(mode, partial.transactions, partial.seconds, partial.replyNanos,
                    partial.decisionReplyNanos, partial.failures, partial.accepted, dropped, -1, 0, "");
            if (stalled != null) {
                // The disk "comes back": whatever the writer writes from now on goes to a plain file.
                Files.createDirectories(copy);
                Path from = stalled;
                Path to = copy.resolve(stalled.getFileName());
                reader = new Thread(() -> {
                    try {
                        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                    } catch (IOException e) {
                        e.printStackTrace();
                    }
                }, "soak-log-reader");
                reader.setDaemon(true);
                reader.start();
            }
        } // James stops: the log writes what is queued and a last overflow line, and closes its file
        if (reader != null) {
            reader.join(TimeUnit.SECONDS.toMillis(30));
            logDir = copy;
        }
        if (mode == LogMode.DISABLED) {
            return partial;
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String report = new DecisionReport(today.minusDays(1), today).read(logDir).render();
        long lines = 0;
        try (var files = Files.list(logDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                lines += Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> l.contains("\"stage\""))
                        .count();
            }
        }
        return new Result(mode, partial.transactions, partial.seconds, partial.replyNanos, partial.decisionReplyNanos,
                partial.failures, partial.accepted, partial.droppedMetric, overflow(report), lines, report);
    }

    /** "Log overflow: N decision(s) not logged" in the text report; 0 for "none". */
    static long overflow(String report) {
        Matcher m = Pattern.compile("Log overflow: (\\d+) decision").matcher(report);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        if (proc.waitFor() != 0 || !Files.exists(p)) {
            throw new IOException("mkfifo " + p + " failed: "
                    + new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Waits (at most 60 s) until the pipeline has tagged {@code tagged} mails, so its decisions are in. */
    private static void awaitPipeline(int webAdminPort, int tagged) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            double n = Prometheus.value(Prometheus.scrape(webAdminPort), "portcullis_decision_pipeline_tag_total")
                    .orElse(0);
            if (n >= tagged) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static Result load(BenchJames james, LogMode mode, int clients, int perClient) throws Exception {
        List<Long> replies = Collections.synchronizedList(new ArrayList<>());
        List<Long> decisionReplies = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        // warm-up (not measured, replies checked): WARM_UP transactions per client, every kind
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            fs.add(pool.submit(() -> {
                for (int i = 0; i < WARM_UP; i++) {
                    transaction(james.port, (client + i) % 4, "warm-" + mode.name().toLowerCase() + "-" + client
                            + "-" + i, new ArrayList<>(), new ArrayList<>(), failures, accepted);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        fs.clear();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            fs.add(pool.submit(() -> {
                for (int i = 0; i < perClient; i++) {
                    transaction(james.port, (client + i) % 4, mode.name().toLowerCase() + "-" + client + "-" + i,
                            replies, decisionReplies, failures, accepted);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return new Result(mode, clients * perClient, seconds, new ArrayList<>(replies),
                new ArrayList<>(decisionReplies), failures, accepted, 0, -1, 0, "");
    }

    private static final String[] KIND = {"listed", "broken", "tagged", "clean"};
    /** Unmeasured transactions per client before the measured ones (a multiple of 4: every kind alike). */
    public static final int WARM_UP = 8;

    /** One transaction of {@code kind}; records reply latencies; a wrong reply is recorded as a failure. */
    private static void transaction(int port, int kind, String token, List<Long> replies, List<Long> decisionReplies,
            List<String> failures, List<String> accepted) {
        String from = kind == 0 ? "127.0.0.2" : kind == 2 ? "127.0.0.4" : "127.0.0.1";
        try (BenchJames.Client c = new BenchJames.Client(InetAddress.getByName(from), port)) {
            expect(KIND[kind], c.reply(), "220");
            expect(KIND[kind], timed(replies, null, () -> c.command("EHLO soak.example.net")), "250");
            expect(KIND[kind], timed(replies, null, () -> c.command("MAIL FROM:<alice@example.com>")), "250");
            String rcpt = "RCPT TO:<" + io.portcullis.assembly.PortcullisServer.DEMO_USER + ">";
            if (kind == 0) {
                expect(KIND[kind], timed(replies, decisionReplies, () -> c.command(rcpt)), "550");
            } else {
                expect(KIND[kind], timed(replies, null, () -> c.command(rcpt)), "250");
                expect(KIND[kind], timed(replies, null, () -> c.command("DATA")), "354");
                byte[] message = kind == 1 ? broken(token) : BenchJames.message(token);
                String end = timed(replies, decisionReplies, () -> c.send(message));
                expect(KIND[kind], end, kind == 1 ? "550" : "250");
                if (end.startsWith("250")) {
                    accepted.add(token);
                }
            }
            expect(KIND[kind], timed(replies, null, () -> c.command("QUIT")), "221");
        } catch (IOException | RuntimeException e) {
            failures.add(KIND[kind] + " " + token + ": " + e);
        }
    }

    private interface Step {
        String run() throws IOException;
    }

    private static String timed(List<Long> all, List<Long> decisions, Step step) throws IOException {
        long t = System.nanoTime();
        String r = step.run();
        long d = System.nanoTime() - t;
        all.add(d);
        if (decisions != null) {
            decisions.add(d);
        }
        return r;
    }

    private static void expect(String kind, String reply, String code) {
        if (!reply.startsWith(code)) {
            throw new IllegalStateException(kind + ": expected " + code + ", got " + reply);
        }
    }

    /** Broken headers (invalid date, two From, two Subject, a bad Message-ID): refused at end of DATA. */
    static byte[] broken(String token) {
        return ("Date: Mon, 99 Foo 2024 99:99:99 +9999\r\n"
                + "From: winner\r\n"
                + "From: also winner\r\n"
                + "Subject: You won " + token + "\r\n"
                + "Subject: You won again\r\n"
                + "Message-ID: garbage\r\n"
                + "\r\n"
                + "Claim now.\r\n.\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static double percentile(List<Long> xs, int p) {
        List<Double> d = new ArrayList<>(xs.size());
        for (long x : xs) {
            d.add((double) x);
        }
        return BenchJames.percentile(d, p);
    }

    static double ms(double nanos) {
        return nanos / 1e6;
    }
}
