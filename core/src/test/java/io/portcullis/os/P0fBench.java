package io.portcullis.os;

import io.portcullis.testing.P0fDaemon;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./portcullis bench-os [CONNECTIONS]}: the cost of the p0f lookup per SMTP connection, against a real p0f
 * capturing on {@code lo} (root). Three figures:
 * <ol>
 *   <li>at connect: a fresh client connects, and the lookup starts as soon as {@code connect()} returns (as the SMTP
 *       handler does): time until the answer, p0f's capture latency and the retries while it has no record
 *       included;</li>
 *   <li>warm: one lookup at a time for a client p0f knows (the API round trip alone);</li>
 *   <li>pipelined: lookups per second with many in flight on the one connection.</li>
 * </ol>
 */
public final class P0fBench {
    private P0fBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 500);
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        server.accept().close();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (P0fDaemon p0f = P0fDaemon.start("tcp dst port " + server.getLocalPort(), null);
                 P0fClient client = new P0fClient(p0f.socket(), Duration.ofMillis(1000), Duration.ofMillis(1000),
                         1000, null)) {
                System.out.println("bench-os: p0f 3 on lo, " + n + " connections from distinct loopback addresses");
                long[] atConnect = new long[n];
                int found = 0;
                int queries = 0;
                for (int i = 0; i < n; i++) {
                    InetAddress c = InetAddress.getByName("127.1." + (i / 250) + "." + (1 + i % 250));
                    try (Socket s = new Socket()) {
                        s.bind(new InetSocketAddress(c, 0));
                        s.connect(server.getLocalSocketAddress(), 5000);
                        long t = System.nanoTime();
                        OsReport r = client.lookup(c).get(5, TimeUnit.SECONDS);
                        atConnect[i] = System.nanoTime() - t;
                        found += r.found() ? 1 : 0;
                        queries += r.queries();
                    }
                }
                print("at connect (capture latency + retries)", atConnect);
                System.out.printf(Locale.ROOT, "  found %d of %d, %.2f queries per lookup%n", found, n,
                        queries / (double) n);
                InetAddress known = InetAddress.getByName("127.1.0.1");
                for (int i = 0; i < 2000; i++) {
                    client.lookup(known).get(5, TimeUnit.SECONDS);
                }
                long[] warm = new long[5000];
                for (int i = 0; i < warm.length; i++) {
                    long t = System.nanoTime();
                    client.lookup(known).get(5, TimeUnit.SECONDS);
                    warm[i] = System.nanoTime() - t;
                }
                print("warm, one at a time (API round trip)", warm);
                int total = 50_000;
                long t = System.nanoTime();
                for (int done = 0; done < total; done += 500) {
                    List<CompletableFuture<OsReport>> batch = new ArrayList<>(500);
                    for (int i = 0; i < 500; i++) {
                        batch.add(client.lookup(known));
                    }
                    for (CompletableFuture<OsReport> f : batch) {
                        f.get(5, TimeUnit.SECONDS);
                    }
                }
                double secs = (System.nanoTime() - t) / 1e9;
                System.out.printf(Locale.ROOT, "pipelined, 500 in flight: %.0f lookups/s%n", total / secs);
            }
        }
    }

    private static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%s: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", what, s[s.length / 2] / 1e6,
                s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1e6, s[s.length - 1] / 1e6);
    }
}
