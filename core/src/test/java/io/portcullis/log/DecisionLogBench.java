package io.portcullis.log;

import io.portcullis.verdict.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cost of the decision log on the deciding thread, and a soak that overflows its queue.
 * <ol>
 *   <li>cost: one thread offers N typical decisions (a refusal with two findings) to a log writing real files, at a
 *       pace the writer keeps up with; prints the offer cost per decision (mean, p50, p99, max) and the writer's
 *       throughput.</li>
 *   <li>soak: T threads offer as fast as they can for S seconds to a log with a small queue; prints decisions
 *       offered, written, dropped, the overflow lines written, and the offer latency (p99, max): a full queue
 *       never makes {@code offer} wait.</li>
 * </ol>
 * {@code ./portcullis bench-log [N] [SECONDS]} (defaults 200000, 5).
 */
public final class DecisionLogBench {
    private DecisionLogBench() {
    }

    static Decision typical(int i) {
        return Decision.of(Decision.RCPT, Decision.REJECT).client("192.0.2." + (i & 255)).rdns("host.example.net")
                .helo("client.example.net").sender("someone" + i + "@example.com").recipients(1).reason("score")
                .score(23).findings(List.of(
                        new Finding("dnsbl", "zen", 20, "client-ip 192.0.2.1 listed in zen.spamhaus.org [127.0.0.2]"),
                        new Finding("headers", "MISSING_DATE", 3, "no Date header")))
                .reply("550 5.7.1 Rejected: client-ip 192.0.2.1 listed in zen.spamhaus.org (zen)");
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("portcullis-decision-bench");
        try {
            cost(dir.resolve("cost"), n);
            soak(dir.resolve("soak"), seconds);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static void cost(Path dir, int n) throws IOException {
        DecisionLog log = DecisionLog.open(dir, "bench", 10_000, 0, Clock.systemUTC());
        // warm-up
        for (int i = 0; i < 20_000; i++) {
            while (log.pending() > 5_000) {
                Thread.onSpinWait();
            }
            log.offer(typical(i));
        }
        long[] ns = new long[n];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            while (log.pending() > 5_000) { // stay below the queue bound: measure the cost, not the overflow
                Thread.onSpinWait();
            }
            Decision d = typical(i);
            long a = System.nanoTime();
            log.offer(d);
            ns[i] = System.nanoTime() - a;
        }
        log.close();
        long total = System.nanoTime() - t0;
        Arrays.sort(ns);
        long sum = 0;
        for (long x : ns) {
            sum += x;
        }
        long bytes;
        try (Stream<Path> s = Files.list(dir)) {
            bytes = s.mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf(Locale.ROOT, "cost: %d decisions offered, %d dropped; offer mean %.0f ns, p50 %d ns, "
                + "p99 %d ns, max %.1f us; writer kept up with %.0f decisions/s (%.0f bytes/line)%n", n, log.dropped(),
                (double) sum / n, ns[n / 2], ns[(int) (n * 0.99)], ns[n - 1] / 1000.0,
                (n + 20_000) / (total / 1e9), (double) bytes / (n + 20_000));
    }

    static void soak(Path dir, int seconds) throws Exception {
        int threads = 4;
        DecisionLog log = DecisionLog.open(dir, "soak", 256, 0, Clock.systemUTC());
        AtomicLong offered = new AtomicLong();
        AtomicLong maxNs = new AtomicLong();
        long[][] samples = new long[threads][];
        CountDownLatch done = new CountDownLatch(threads);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                long[] s = new long[1 << 20];
                int k = 0;
                int i = 0;
                while (System.nanoTime() < end) {
                    Decision d = typical(i++);
                    long a = System.nanoTime();
                    log.offer(d);
                    long x = System.nanoTime() - a;
                    if (k < s.length) {
                        s[k++] = x;
                    }
                    maxNs.accumulateAndGet(x, Math::max);
                }
                offered.addAndGet(i);
                samples[id] = Arrays.copyOf(s, k);
                done.countDown();
            }, "soak-" + t);
            th.start();
        }
        done.await();
        log.close();
        long[] all = Arrays.stream(samples).flatMapToLong(Arrays::stream).sorted().toArray();
        long overflowLines;
        long lines;
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.collect(Collectors.toList());
            lines = 0;
            overflowLines = 0;
            for (Path f : files) {
                for (String l : Files.readAllLines(f)) {
                    lines++;
                    if (l.contains("\"type\": \"overflow\"")) {
                        overflowLines++;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "soak: %d threads x %d s, queue 256: %d offered, %d written, %d dropped "
                + "(%.1f%%), %d overflow line(s) in the log; offer p50 %d ns, p99 %d ns, max %.1f us%n", threads,
                seconds, offered.get(), lines - overflowLines, log.dropped(), 100.0 * log.dropped() / offered.get(),
                overflowLines, all[all.length / 2], all[(int) (all.length * 0.99)], maxNs.get() / 1000.0);
    }
}
