package io.portcullis.bench;

import io.portcullis.smtp.PortcullisSmtpHandler;
import io.portcullis.testing.KnotServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tarpit under load, in a real in-process James 3.8.1: N connections from 127.0.0.2 (listed with weight 12, in
 * the tarpit band) each repeat EHLO and wait for the reply, driven by one NIO client thread, while a clean client
 * (127.0.0.1) runs full transactions (new connection, EHLO, MAIL, RCPT, DATA, QUIT) 100 ms apart. Figures: the
 * clean transaction's median / p95 idle vs loaded (target: loaded median within 10 % of idle), the tarpitted
 * EHLO cycles per second (ideal N / delay), and JVM thread counts.
 *
 * <p>Then the same with a naive tarpit ({@link SleepingTarpitHook}: {@code Thread.sleep} in the EHLO hook) instead
 * of Portcullis, with far fewer connections (default 10: more would only make the clean transactions time out).
 *
 * <p>Run: {@code ./portcullis bench-smtp tarpit [--connections 1000] [--delay-ms 3000] [--naive 10]
 * [--transactions 30]}. Needs about 2 file descriptors per connection ({@code ulimit -n}). Asserts nothing.
 */
public final class TarpitBench {
    public static void main(String[] args) {
        BenchJames.runAndExit(args,
                Map.of("connections", "1000", "delay-ms", "3000", "naive", "10", "transactions", "30"),
                TarpitBench::run);
    }

    private static void run(Map<String, String> o) throws Exception {
        int connections = Integer.parseInt(o.get("connections"));
        int delayMs = Integer.parseInt(o.get("delay-ms"));
        int naive = Integer.parseInt(o.get("naive"));
        int transactions = Integer.parseInt(o.get("transactions"));
        Path tmp = Files.createTempDirectory("tarpit-bench");
        try (KnotServer knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath("bl.test"))) {
            List<String> props = List.of(
                    "dns.servers = " + knot.hostPort(),
                    "dnsbl.list.bl = bl.test=127.0.0.[2..11]*12",
                    "nameservers.enabled = false",
                    "smtp.tarpit.delay-ms = " + delayMs,
                    "smtp.tarpit.step-ms = 0",
                    "smtp.tarpit.max-delay-ms = " + delayMs,
                    "smtp.tarpit.max-connections = " + Math.max(2000, connections + 100));
            System.out.printf("Tarpit: %d tarpitted connections from 127.0.0.2 repeating EHLO, delay %d ms; clean "
                    + "client 127.0.0.1: %d full transactions per figure, 100 ms apart; %d CPUs%n", connections,
                    delayMs, transactions, Runtime.getRuntime().availableProcessors());
            try (BenchJames james = BenchJames.start(tmp.resolve("async"),
                    List.of(BenchJames.SMTP_HANDLER), props)) {
                measure("Portcullis (paused reads, shared timer)", james, connections, delayMs, transactions);
                System.out.println("  handler counters: "
                        + PortcullisSmtpHandler.active().map(PortcullisSmtpHandler::stats).orElse("no handler"));
            }
            try (BenchJames james = BenchJames.start(tmp.resolve("naive"),
                    List.of("<handler class=\"io.portcullis.bench.SleepingTarpitHook\"><address>127.0.0.2</address>"
                            + "<delayMs>" + delayMs + "</delayMs></handler>"),
                    List.of("dns.servers = " + knot.hostPort(), "dnsbl.list.bl = bl.test=127.0.0.[2..11]*12",
                            "nameservers.enabled = false"))) {
                BenchJames.Client.timeoutMs = 60_000;
                measure("naive Thread.sleep tarpit (" + naive + " connections only)", james, naive, delayMs,
                        Math.min(transactions, 3));
            }
        }
    }

    private static void measure(String label, BenchJames james, int n, int delayMs, int transactions)
            throws Exception {
        InetAddress clean = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < 20; i++) {
            BenchJames.Client.transaction(clean, james.port, "warm" + i);
        }
        String threadsIdle = BenchJames.threads();
        List<Double> idle = cleanTransactions(james, transactions);
        try (Holder holder = new Holder(new InetSocketAddress(InetAddress.getLoopbackAddress(), james.port),
                InetAddress.getByName("127.0.0.2"))) {
            Thread driver = new Thread(holder, "bench-tarpit-clients");
            driver.setDaemon(true);
            driver.start();
            holder.open(n);
            // let every connection reach the tarpit (greeting, EHLO answered, then paused)
            Thread.sleep(Math.max(3000, 2L * delayMs));
            long r0 = holder.replies.get();
            long t0 = System.nanoTime();
            String threadsLoaded = BenchJames.threads();
            String tarpitted = label.startsWith("naive") ? "-" : PortcullisSmtpHandler.active()
                    .map(h -> String.valueOf(h.tarpitted())).orElse("-");
            List<Double> loaded = cleanTransactions(james, transactions);
            double secs = (System.nanoTime() - t0) / 1e9;
            double cycles = (holder.replies.get() - r0) / secs;
            System.out.printf("%s:%n", label);
            System.out.printf("  connections open %d (handler's tarpitted count %s), failed %d; tarpitted EHLO replies "
                    + "%.1f/s (ideal %.1f/s)%n", holder.open.get(), tarpitted, holder.failed.get(), cycles,
                    n * 1000.0 / delayMs);
            System.out.printf("  clean transaction idle:   median %7.1f ms  p95 %7.1f ms  max %7.1f ms  (n=%d)%n",
                    BenchJames.median(idle), BenchJames.percentile(idle, 95), BenchJames.percentile(idle, 100),
                    idle.size());
            System.out.printf("  clean transaction loaded: median %7.1f ms  p95 %7.1f ms  max %7.1f ms  (n=%d, %d "
                    + "timed out)%n", BenchJames.median(loaded), BenchJames.percentile(loaded, 95),
                    BenchJames.percentile(loaded, 100), loaded.size(), transactions - loaded.size());
            System.out.printf("  loaded / idle median: %.2f   (target <= 1.10)%n",
                    BenchJames.median(loaded) / BenchJames.median(idle));
            System.out.println("  JVM threads idle:   " + threadsIdle);
            System.out.println("  JVM threads loaded: " + threadsLoaded);
        }
    }

    /** Milliseconds per full clean transaction (timed-out ones left out). */
    private static List<Double> cleanTransactions(BenchJames james, int count) throws Exception {
        InetAddress clean = InetAddress.getByName("127.0.0.1");
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            try {
                BenchJames.Client.transaction(clean, james.port, "clean" + i);
                out.add((System.nanoTime() - t0) / 1e6);
            } catch (IOException e) {
                System.out.println("  clean transaction failed after " + (System.nanoTime() - t0) / 1_000_000
                        + " ms: " + e);
            }
            Thread.sleep(100);
        }
        return out;
    }

    /** N non-blocking connections that each send EHLO, wait for its reply, and repeat; one thread. */
    static final class Holder implements Runnable, AutoCloseable {
        private final InetSocketAddress server;
        private final InetAddress from;
        private final Selector selector;
        private final List<SocketChannel> channels = new ArrayList<>();
        private final java.util.concurrent.ConcurrentLinkedQueue<SocketChannel> pending =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        final AtomicLong replies = new AtomicLong();
        final AtomicLong open = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        private volatile boolean closed;
        private static final ByteBuffer EHLO = ByteBuffer.wrap("EHLO tarpit.example.net\r\n"
                .getBytes(StandardCharsets.US_ASCII));

        Holder(InetSocketAddress server, InetAddress from) throws IOException {
            this.server = server;
            this.from = from;
            this.selector = Selector.open();
        }

        /** Opens n connections in batches (James's backlog is 200). */
        void open(int n) throws Exception {
            for (int i = 0; i < n; i++) {
                SocketChannel c = SocketChannel.open();
                c.bind(new InetSocketAddress(from, 0));
                c.configureBlocking(false);
                c.connect(server);
                pending.add(c);
                channels.add(c);
                if (i % 50 == 49) {
                    selector.wakeup();
                    Thread.sleep(50);
                }
            }
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!closed) {
                    SocketChannel p;
                    while ((p = pending.poll()) != null) {
                        p.register(selector, SelectionKey.OP_CONNECT, ByteBuffer.allocate(2048));
                    }
                    selector.select(200);
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey k = it.next();
                        it.remove();
                        handle(k);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    System.out.println("  client driver stopped: " + e);
                }
            }
        }

        private void handle(SelectionKey k) {
            SocketChannel c = (SocketChannel) k.channel();
            try {
                if (k.isConnectable()) {
                    c.finishConnect();
                    open.incrementAndGet();
                    k.interestOps(SelectionKey.OP_READ);
                    return;
                }
                if (k.isReadable()) {
                    ByteBuffer b = (ByteBuffer) k.attachment();
                    if (c.read(b) < 0) {
                        k.cancel();
                        c.close();
                        open.decrementAndGet();
                        failed.incrementAndGet();
                        return;
                    }
                    // every final reply line ("NNN ...\r\n") triggers the next EHLO
                    b.flip();
                    int lineStart = 0;
                    for (int i = 0; i < b.limit(); i++) {
                        if (b.get(i) == '\n') {
                            boolean last = i - lineStart >= 3 && (i - lineStart == 3 || b.get(lineStart + 3) != '-');
                            lineStart = i + 1;
                            if (last) {
                                replies.incrementAndGet();
                                c.write(EHLO.duplicate());
                            }
                        }
                    }
                    b.position(lineStart);
                    b.compact();
                }
            } catch (IOException e) {
                k.cancel();
                failed.incrementAndGet();
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            selector.wakeup();
            for (SocketChannel c : channels) {
                try {
                    c.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

}
