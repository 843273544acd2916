package io.portcullis.network;

import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.testing.DroppingUdpProxy;
import io.portcullis.testing.KnotServer;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Cost of the network owner check, against a real Knot serving Team Cymru-format zones behind a UDP relay that
 * delays every answer (a real network's round trip):
 * <ol>
 *   <li>cold connect-time evidence: two DNS lists alone vs the same lists plus the network owner, both started at
 *   once as the SMTP handler does (a fresh DNS client and engine per sample, so nothing is cached), at 5, 10 and
 *   20 ms round trips; also with AS-name patterns (which wait for the AS name: a second round trip);</li>
 *   <li>warm check: lookup (answered from the prefix cache) plus the policies' findings, per call.</li>
 * </ol>
 * Run: {@code ./portcullis bench-network [SAMPLES]}.
 */
public final class NetworkBench {
    private NetworkBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path tmp = Files.createTempDirectory("network-bench");
        NetworkRules rules = new NetworkRules(Map.of(64496L, 6.0, 64497L, 3.0), Map.of("BR", 2.0), Map.of(), List.of());
        NetworkRules withNames = new NetworkRules(Map.of(64496L, 6.0), Map.of(), Map.of(),
                List.of(new NetworkRules.NamePattern("bp", "bulletproof", 4.0)));
        List<ListSpec> lists = List.of(ListSpec.parse("bl.test=127.0.0.[2..11]*3"), ListSpec.parse("errors.test*2"));
        String[] clients = {"192.0.2.1", "198.51.100.7", "203.0.113.9", "10.1.2.3"};
        try (KnotServer knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath("bl.test", "errors.test",
                "asn.cymru.com"))) {
            System.out.println("Network owner check: Knot on loopback behind a delaying UDP relay; lists bl.test + "
                    + "errors.test; " + samples + " cold samples per mode (fresh DNS client and engine each)");
            try (DroppingUdpProxy relay = new DroppingUdpProxy(knot.address(), "dropped.invalid", Duration.ofMillis(5))) {
                for (int i = 0; i < 40; i++) { // JIT warm-up of every mode's code, not measured
                    InetAddress a = InetAddress.getByName(clients[i % clients.length]);
                    cold(relay, lists, a, null);
                    cold(relay, lists, a, rules);
                    cold(relay, lists, a, withNames);
                }
            }
            for (int delayMs : new int[] {5, 10, 20}) {
                try (DroppingUdpProxy relay = new DroppingUdpProxy(knot.address(), "dropped.invalid",
                        Duration.ofMillis(delayMs))) {
                    long[] listsAlone = new long[samples];
                    long[] listsAndNetwork = new long[samples];
                    long[] listsAndNamedNetwork = new long[samples];
                    for (int i = 0; i < samples; i++) {
                        InetAddress a = InetAddress.getByName(clients[i % clients.length]);
                        // alternate the order so drift hits every mode alike
                        for (int mode = 0; mode < 3; mode++) {
                            int m = (mode + i) % 3;
                            long[] into = m == 0 ? listsAlone : m == 1 ? listsAndNetwork : listsAndNamedNetwork;
                            into[i] = cold(relay, lists, a, m == 0 ? null : m == 1 ? rules : withNames);
                        }
                    }
                    System.out.println();
                    System.out.printf(Locale.ROOT, "round trip %d ms:%n", delayMs);
                    System.out.printf(Locale.ROOT, "  lists alone              %s%n", stats(listsAlone));
                    System.out.printf(Locale.ROOT, "  lists + network          %s   p50 ratio %.3f%n",
                            stats(listsAndNetwork), p50(listsAndNetwork) / p50(listsAlone));
                    System.out.printf(Locale.ROOT, "  lists + network, AS-name patterns (awaits the name) %s   "
                            + "p50 ratio %.3f%n", stats(listsAndNamedNetwork), p50(listsAndNamedNetwork)
                            / p50(listsAlone));
                }
            }
            warm(knot, rules);
        }
    }

    /** One cold decision's evidence: lists (and the network owner) started together; nanoseconds until all are in. */
    private static long cold(DroppingUdpProxy relay, List<ListSpec> lists, InetAddress a, NetworkRules rules)
            throws Exception {
        try (DnsjavaClient dns = new DnsjavaClient(DnsSettings.builder().servers(List.of(relay.address()))
                .queryTimeout(Duration.ofSeconds(2)).build())) {
            DnsblChecker checker = new DnsblChecker(dns, lists, null);
            NetworkEngine engine = rules == null ? null : new NetworkEngine(dns,
                    NetworkSettings.builder().rules(rules).build(), null, NetworkEngine.Listener.NONE);
            DnsblTargets t = DnsblTargets.builder().address(Identity.CLIENT_IP, a).build();
            long s = System.nanoTime();
            CompletableFuture<?> l = checker.check(t);
            CompletableFuture<List<Finding>> n = engine == null ? CompletableFuture.completedFuture(List.of())
                    : engine.clientFindings(a);
            CompletableFuture.allOf(l, n).get();
            long took = System.nanoTime() - s;
            if (engine != null && n.get().isEmpty() && a.getHostAddress().equals("192.0.2.1")) {
                throw new IllegalStateException("no network finding for 192.0.2.1: the zone did not answer");
            }
            return took;
        }
    }

    private static void warm(KnotServer knot, NetworkRules rules) throws Exception {
        try (DnsjavaClient dns = new DnsjavaClient(DnsSettings.builder().servers(List.of(knot.address())).build())) {
            NetworkEngine engine = new NetworkEngine(dns, NetworkSettings.builder().rules(rules).build(), null,
                    NetworkEngine.Listener.NONE);
            InetAddress[] addresses = new InetAddress[256];
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = InetAddress.getByName(i % 2 == 0 ? "192.0.2." + i : "2001:db8::" + Integer.toHexString(i));
            }
            for (InetAddress a : addresses) {
                engine.lookup(a, true).get(); // fills the prefix and name caches
            }
            int n = 2_000_000;
            long q0 = dns.stats().queries();
            long sink = 0;
            for (int i = 0; i < n; i++) { // warm-up for the JIT
                sink += engine.findings(engine.lookup(addresses[i & 255]).getNow(null)).size();
            }
            long[] each = new long[200_000];
            for (int i = 0; i < each.length; i++) {
                long s = System.nanoTime();
                sink += engine.findings(engine.lookup(addresses[i & 255]).getNow(null)).size();
                each[i] = System.nanoTime() - s;
            }
            long s = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += engine.findings(engine.lookup(addresses[i & 255]).getNow(null)).size();
            }
            double mean = (System.nanoTime() - s) / (double) n;
            System.out.println();
            System.out.printf(Locale.ROOT, "warm check (prefix cache hit + policies' findings), IPv4 and IPv6 mixed:%n");
            System.out.printf(Locale.ROOT, "  per call, timed one by one: %s%n", statsNanos(each));
            System.out.printf(Locale.ROOT, "  per call, %d calls in a loop: mean %.2f us (sink %d)%n", n, mean / 1000.0,
                    sink);
            System.out.printf(Locale.ROOT, "  DNS questions during %d warm calls: %d%n", 2 * n + each.length,
                    dns.stats().queries() - q0);
        }
    }

    private static double p50(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String stats(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "p50 %6.2f ms, p90 %6.2f ms, max %6.2f ms", s[s.length / 2] / 1e6,
                s[(int) (s.length * 0.9)] / 1e6, s[s.length - 1] / 1e6);
    }

    private static String statsNanos(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "p50 %.2f us, p99 %.2f us", s[s.length / 2] / 1000.0,
                s[(int) (s.length * 0.99)] / 1000.0);
    }
}
