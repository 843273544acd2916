package io.portcullis.bench;

import io.portcullis.smtp.PortcullisSmtpHandler;
import io.portcullis.testing.KnotServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SMTP throughput (messages/s accepted with 250 at end of DATA) through a real in-process James 3.8.1 on the
 * repository's {@code conf/}: with the full Portcullis chain (the SMTP handler, 8 DNS lists on a local Knot
 * server, the header check at end of DATA, the pipeline reusing the findings) vs the same James without the
 * Portcullis SMTP handler (the pipeline's matchers then ask the lists themselves). Target: with / without >= 90 %.
 *
 * <p>Each message is one connection (greeting, EHLO, MAIL, RCPT, DATA, QUIT). With {@code --clients one}
 * (default) everything comes from 127.0.0.1 (list answers from the cache after the first connection; the PTR
 * question, refused by Knot, is asked again per connection). With {@code --clients fresh} every connection comes
 * from a new loopback address 127.N.x.y, so each one costs the handler 8 list questions plus a PTR question that
 * no cache answers; James itself then also does a blocking JVM reverse lookup per message
 * ({@code AddDefaultAttributesMessageHook}) through the system resolver, which dominates both figures. The nameserver check is off in both runs (Knot serves no
 * delegations for the sender domains).
 *
 * <p>Run: {@code ./portcullis bench-smtp throughput [--threads 4] [--messages 500] [--clients one|fresh] [--rounds 3]}.
 * Prints figures; asserts nothing.
 */
public final class SmtpThroughputBench {
    public static void main(String[] args) {
        BenchJames.runAndExit(args, Map.of("threads", "4", "messages", "500", "clients", "one", "rounds", "3"),
                SmtpThroughputBench::run);
    }

    private static void run(Map<String, String> o) throws Exception {
        int threads = Integer.parseInt(o.get("threads"));
        int perThread = Integer.parseInt(o.get("messages"));
        boolean fresh = o.get("clients").equals("fresh");
        int rounds = Integer.parseInt(o.get("rounds"));
        Path tmp = Files.createTempDirectory("smtp-bench");
        try (KnotServer knot = KnotServer.start(tmp, BenchJames.eightZones())) {
            List<String> props = new ArrayList<>(BenchJames.eightLists(1));
            props.add("dns.servers = " + knot.hostPort());
            props.add("nameservers.enabled = false");
            System.out.printf("SMTP throughput: %d clients x %d messages, one connection per message, client "
                    + "addresses %s; Knot %s, 8 lists; %d CPUs%n", threads, perThread,
                    fresh ? "fresh per connection (127.1.x.y: cold DNS every time)" : "127.0.0.1 only (warm DNS cache)",
                    knot.hostPort(), Runtime.getRuntime().availableProcessors());
            double[] without = new double[rounds];
            double[] with = new double[rounds];
            // Rounds alternate, so that JIT warm-up and machine noise hit both sides.
            for (int round = 0; round < rounds; round++) {
                without[round] = runOnce("without Portcullis SMTP handler", tmp.resolve("plain" + round), List.of(),
                        props, threads, perThread, fresh, 10 + round * 2);
                with[round] = runOnce("with Portcullis SMTP handler", tmp.resolve("full" + round),
                        List.of(BenchJames.SMTP_HANDLER), props, threads,
                        perThread, fresh, 11 + round * 2);
            }
            double w = java.util.Arrays.stream(with).max().getAsDouble();
            double wo = java.util.Arrays.stream(without).max().getAsDouble();
            double[] sw = with.clone();
            double[] swo = without.clone();
            java.util.Arrays.sort(sw);
            java.util.Arrays.sort(swo);
            System.out.printf("best of %d: with %.1f msg/s, without %.1f msg/s: %.1f %%; medians %.1f vs %.1f msg/s: "
                    + "%.1f %%   (target >= 90 %%)%n", rounds, w, wo, 100.0 * w / wo, sw[rounds / 2], swo[rounds / 2],
                    100.0 * sw[rounds / 2] / swo[rounds / 2]);
        }
    }

    private static double runOnce(String label, Path work, List<String> handlers, List<String> props, int threads,
            int perThread, boolean fresh, int net) throws Exception {
        try (BenchJames james = BenchJames.start(work, handlers, props)) {
            // warm-up: 100 messages
            for (int i = 0; i < 100; i++) {
                BenchJames.Client.transaction(InetAddress.getByName("127.0.0.1"), james.port, "warm" + i);
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicInteger failures = new AtomicInteger();
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int n = thread * perThread + i;
                        try {
                            InetAddress from = fresh ? InetAddress.getByAddress(new byte[] {127, (byte) net,
                                    (byte) (n >> 7), (byte) (1 + (n & 0x7f))}) : InetAddress.getByName("127.0.0.1");
                            BenchJames.Client.transaction(from, james.port, label.hashCode() + "-" + n);
                        } catch (Exception e) {
                            if (failures.incrementAndGet() <= 3) {
                                System.out.println("  failure: " + e);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            int total = threads * perThread;
            double rate = (total - failures.get()) / seconds;
            String dns = PortcullisSmtpHandler.activeRuntime().map(r -> r.dns() == null ? "-" : r.dns().stats()
                    .toString()).orElse("-");
            System.out.printf("  %-34s %5d messages in %6.2f s: %7.1f msg/s (%d failed); JVM threads %s%n", label,
                    total, seconds, rate, failures.get(), BenchJames.threads());
            if (!handlers.isEmpty()) {
                System.out.println("    handler DNS counters: " + dns);
            }
            return rate;
        }
    }
}
