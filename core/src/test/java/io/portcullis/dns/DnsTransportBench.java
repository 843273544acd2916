package io.portcullis.dns;

import io.portcullis.testing.ScriptedDnsResponder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cost of a socket per DNS try: (1) open, bind to a random port, connect, send one datagram and close a UDP socket
 * (what a try adds over a long-lived socket); (2) lookups per second through {@link DnsjavaClient} against a
 * scripted responder on loopback, one at a time and 50 at a time (cache off).
 * Run: {@code java -cp core/target/test-classes:core/target/classes:$(deps) io.portcullis.dns.DnsTransportBench [n]}.
 */
public final class DnsTransportBench {
    private DnsTransportBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        try (ScriptedDnsResponder dns = new ScriptedDnsResponder(q -> q.send(q.replyA("127.0.0.2")))) {
            InetSocketAddress server = dns.address();
            byte[] datagram = new byte[40];
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    try (DatagramChannel c = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
                        c.configureBlocking(false);
                        c.bind(null);
                        c.connect(server);
                        c.write(ByteBuffer.wrap(datagram));
                    }
                }
                long t1 = System.nanoTime();
                try (DatagramChannel c = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
                    c.configureBlocking(false);
                    c.bind(null);
                    c.connect(server);
                    for (int i = 0; i < n; i++) {
                        c.write(ByteBuffer.wrap(datagram));
                    }
                }
                long t2 = System.nanoTime();
                System.out.printf("round %d: socket per datagram %.1f us, one socket %.1f us per datagram%n", round,
                        (t1 - t0) / 1000.0 / n, (t2 - t1) / 1000.0 / n);
            }
            for (int round = 0; round < 3; round++) {
                try (DnsjavaClient c = new DnsjavaClient(DnsSettings.builder().servers(List.of(server))
                        .queryTimeout(Duration.ofSeconds(3)).cacheSize(0).build())) {
                    int m = Math.min(n, 5000);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < m; i++) {
                        c.lookup("s" + round + "-" + i + ".bench.test", DnsType.A).get(5, TimeUnit.SECONDS);
                    }
                    long t1 = System.nanoTime();
                    List<CompletableFuture<DnsAnswer>> batch = new ArrayList<>();
                    for (int i = 0; i < m; i++) {
                        batch.add(c.lookup("p" + round + "-" + i + ".bench.test", DnsType.A));
                        if (batch.size() == 50) {
                            for (CompletableFuture<DnsAnswer> f : batch) {
                                f.get(5, TimeUnit.SECONDS);
                            }
                            batch.clear();
                        }
                    }
                    long t2 = System.nanoTime();
                    System.out.printf("round %d: %d lookups one at a time %.1f us each; 50 at a time %.0f lookups/s%n",
                            round, m, (t1 - t0) / 1000.0 / m, m / ((t2 - t1) / 1e9));
                }
            }
        }
    }
}
