package io.portcullis.bench;

import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.testing.DroppingUdpProxy;
import io.portcullis.testing.KnotServer;
import com.codahale.metrics.MetricRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.transport.matchers.InSpammerBlacklist;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;

/**
 * DNSBL benchmark against a real Knot server on loopback:
 * <ol>
 * <li>latency of one Portcullis check (cold cache, a new address each time) against 1 zone and 8 zones;</li>
 * <li>cost of a check answered from the warm cache (8 zones);</li>
 * <li>the same 8 zones through James's own {@code InSpammerBlacklist}, one matcher per zone, as James
 * runs them (one after the other, blocking), with James's {@code DNSJavaService} pointed at the same
 * server.</li>
 * </ol>
 * On bare loopback an answer takes about 0.1 ms, so the CPU cost of each question dominates; a second
 * run puts a relay that adds a 5 ms round trip in front of the same server, as a real network does.
 * Run: {@code ./portcullis bench-dnsbl}. Prints figures; asserts nothing.
 */
public final class DnsblBench {
    private static final int ZONES = 8;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        Path tmp = Files.createTempDirectory("dnsbl-bench");
        Map<String, String> zones = new LinkedHashMap<>();
        for (int i = 1; i <= ZONES; i++) {
            String z = "z" + i + ".bench";
            zones.put(z, "$ORIGIN " + z + ".\n$TTL 300\n@ IN SOA ns." + z + ". h." + z + ". 1 3600 600 86400 300\n"
                    + "@ IN NS ns." + z + ".\nns IN A 127.0.0.1\n2.0.0.127 IN A 127.0.0.2\n");
        }
        try (KnotServer knot = KnotServer.start(tmp, zones)) {
            List<ListSpec> all = new ArrayList<>();
            for (String z : zones.keySet()) {
                all.add(ListSpec.parse(z + "=127.0.0.[2..11]"));
            }
            System.out.printf("Knot %s, %d zones, %d rounds per figure, cold = a new client address each round%n",
                    knot.hostPort(), ZONES, rounds);
            double one;
            double eight;
            try (DnsjavaClient dns = client(knot)) {
                DnsblChecker c1 = new DnsblChecker(dns, all.subList(0, 1), null);
                DnsblChecker c8 = new DnsblChecker(dns, all, null);
                cold(c1, 100, 1); // warm-up JIT
                cold(c8, 100, 2);
                one = report("portcullis, 1 zone, cold", cold(c1, rounds, 3));
                eight = report("portcullis, 8 zones, cold", cold(c8, rounds, 4));
                System.out.printf("ratio 8 zones / 1 zone (median): %.2f   (target <= 1.3)%n", eight / one);
                warm(c8, 200_000);
                long n = 1_000_000;
                long t0 = System.nanoTime();
                warm(c8, n);
                double us = (System.nanoTime() - t0) / 1000.0 / n;
                System.out.printf("portcullis, 8 zones, warm cache: %.2f us/check   (target <= 5 us)%n", us);
                System.out.println("dns counters: " + dns.stats());
            }
            try (DroppingUdpProxy rtt = new DroppingUdpProxy(knot.address(), "none.invalid", Duration.ofMillis(5));
                 DnsjavaClient dns = new DnsjavaClient(DnsSettings.builder().servers(List.of(rtt.address()))
                         .queryTimeout(Duration.ofSeconds(2)).build())) {
                DnsblChecker c1 = new DnsblChecker(dns, all.subList(0, 1), null);
                DnsblChecker c8 = new DnsblChecker(dns, all, null);
                cold(c8, 50, 10);
                double r1 = report("portcullis, 1 zone, cold, 5 ms RTT", cold(c1, rounds / 4, 11));
                double r8 = report("portcullis, 8 zones, cold, 5 ms RTT", cold(c8, rounds / 4, 12));
                System.out.printf("ratio 8 zones / 1 zone with a 5 ms round trip (median): %.2f%n", r8 / r1);
            }
            double james = report("james InSpammerBlacklist x 8 zones, cold", jamesCold(knot, zones, rounds));
            System.out.printf("InSpammerBlacklist x 8 / portcullis 8 zones (median): %.1fx slower%n", james / eight);
        }
    }

    private static DnsjavaClient client(KnotServer knot) {
        return new DnsjavaClient(DnsSettings.builder().servers(List.of(knot.address()))
                .queryTimeout(Duration.ofSeconds(2)).build());
    }

    private static InetAddress address(int series, int i) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, (byte) series, (byte) (i >> 8), (byte) i});
    }

    private static long[] cold(DnsblChecker checker, int rounds, int series) throws Exception {
        long[] ns = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            DnsblTargets t = DnsblTargets.builder().address(Identity.CLIENT_IP, address(series, i)).build();
            long t0 = System.nanoTime();
            checker.check(t).get();
            ns[i] = System.nanoTime() - t0;
        }
        return ns;
    }

    private static void warm(DnsblChecker checker, long rounds) throws Exception {
        DnsblTargets t = DnsblTargets.builder().address(Identity.CLIENT_IP, address(9, 9)).build();
        checker.check(t).get();
        for (long i = 0; i < rounds; i++) {
            checker.check(t).join();
        }
    }

    private static long[] jamesCold(KnotServer knot, Map<String, String> zones, int rounds) throws Exception {
        DNSJavaService dns = new DNSJavaService(new DropWizardMetricFactory(new MetricRegistry())) {
            @Override
            public void init() throws Exception {
                super.init();
                resolver.setPort(knot.address().getPort()); // DNSJavaService always asks port 53
            }
        };
        BaseHierarchicalConfiguration conf = new BaseHierarchicalConfiguration();
        conf.addProperty("servers.server", "127.0.0.1");
        conf.addProperty("autodiscover", false);
        conf.addProperty("setAsDNSJavaDefault", false);
        dns.configure(conf);
        dns.init();
        List<InSpammerBlacklist> matchers = new ArrayList<>();
        for (String z : zones.keySet()) {
            InSpammerBlacklist m = new InSpammerBlacklist();
            m.setDNSService(dns);
            m.init(FakeMatcherConfig.builder().matcherName("InSpammerBlacklist").condition(z + ".").build());
            matchers.add(m);
        }
        for (int i = 0; i < 50; i++) {
            runJames(matchers, address(5, i));
        }
        long[] ns = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            InetAddress a = address(6, i);
            long t0 = System.nanoTime();
            runJames(matchers, a);
            ns[i] = System.nanoTime() - t0;
        }
        return ns;
    }

    private static void runJames(List<InSpammerBlacklist> matchers, InetAddress a) throws Exception {
        FakeMail mail = FakeMail.builder().name("m").remoteAddr(a.getHostAddress()).recipient("r@example.com").build();
        for (InSpammerBlacklist m : matchers) {
            m.match(mail);
        }
    }

    private static double report(String what, long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        double median = s[s.length / 2] / 1e6;
        System.out.printf("%-44s median %.3f ms, p90 %.3f ms, p99 %.3f ms%n", what + ":", median,
                s[(int) (s.length * 0.9)] / 1e6, s[(int) (s.length * 0.99)] / 1e6);
        return median;
    }
}
