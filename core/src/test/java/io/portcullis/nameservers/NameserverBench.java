package io.portcullis.nameservers;

import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.store.JournalStateStore;
import io.portcullis.testing.KnotServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cost of the nameserver check, against a real Knot server on loopback:
 * <ol>
 *   <li>DNS questions per message on a cold cache (a fresh client per message shape);</li>
 *   <li>time per message on a warm cache (all answers cached), all sources on: local list, two DNS lists,
 *   learned store (embedded).</li>
 * </ol>
 * Run: {@code java -cp core/target/test-classes:core/target/classes:$(deps) io.portcullis.nameservers.NameserverBench [iterations]}.
 */
public final class NameserverBench {
    private NameserverBench() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path tmp = Files.createTempDirectory("ns-bench");
        try (KnotServer knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath(NameserverKnotTest.ZONES));
                JournalStateStore store = JournalStateStore.open(tmp.resolve("store"), JournalStateStore.Options.DEFAULTS)) {
            NameserverSettings settings = NameserverSettings.builder()
                    .lists(List.of(ListSpec.parse("ns-name:nsname.test*2"), ListSpec.parse("ns-ip:nsip.test*3")))
                    .build();
            LocalNsList local = LocalNsList.of(NameserverKnotTest.LOCAL_LIST);
            LearnedNameservers learned = new LearnedNameservers(store, settings);
            Object[][] shapes = {
                {"typical: MAIL FROM = From = clean.test, HELO + confirmed rDNS mail.clean.test",
                    NsTargets.builder().mailFrom("bounce@clean.test").fromHeader("news@clean.test")
                            .helo("mail.clean.test").rdns("mail.clean.test", true).build()},
                {"spam: MAIL FROM gamma.test, From alpha.test, HELO mail.sub.spamdomain.test",
                    NsTargets.builder().mailFrom("x@gamma.test").fromHeader("y@alpha.test")
                            .helo("mail.sub.spamdomain.test").build()},
                {"heavy: 4 distinct names (one walk-up over 3 labels), all with NS",
                    NsTargets.builder().mailFrom("x@gamma.test").fromHeader("y@alpha.test")
                            .helo("mail.sub.spamdomain.test").rdns("epsilon.test", true).build()},
            };
            System.out.println("Nameserver check, Knot on loopback, sources: local list + ns-name list + ns-ip list"
                    + " + learned (embedded store)");
            for (Object[] shape : shapes) {
                NsTargets t = (NsTargets) shape[1];
                try (DnsjavaClient dns = new DnsjavaClient(DnsSettings.builder().servers(List.of(knot.address()))
                        .queryTimeout(Duration.ofSeconds(2)).build())) {
                    NameserverChecker checker = new NameserverChecker(dns, settings, local, learned, null);
                    NameserverChecker resolveOnly = new NameserverChecker(dns, NameserverSettings.DEFAULTS, null, null, null);
                    long q0 = dns.stats().queries();
                    NameserverView view = checker.resolver().resolve(t).get();
                    long resolveQueries = dns.stats().queries() - q0;
                    NameserverReport cold = checker.evaluate(view).get();
                    long coldQueries = dns.stats().queries() - q0;
                    // warm
                    for (int i = 0; i < 2000; i++) {
                        checker.check(t).get();
                    }
                    long[] ns = new long[iterations];
                    for (int i = 0; i < iterations; i++) {
                        long s = System.nanoTime();
                        checker.check(t).get();
                        ns[i] = System.nanoTime() - s;
                    }
                    long[] nsResolve = new long[iterations];
                    for (int i = 0; i < iterations; i++) {
                        long s = System.nanoTime();
                        resolveOnly.check(t).get();
                        nsResolve[i] = System.nanoTime() - s;
                    }
                    long warmQueries = dns.stats().queries() - q0 - coldQueries;
                    System.out.println();
                    System.out.println(shape[0]);
                    System.out.printf(Locale.ROOT, "  result: %s, %d NS hosts, %d addresses, findings %s%n",
                            cold.status().id(), view.hosts().size(),
                            view.hosts().stream().mapToInt(h -> h.addresses().size()).sum(),
                            cold.findings().stream().map(f -> f.rule()).toArray().length == 0 ? "[]"
                                    : Arrays.toString(cold.findings().stream().map(f -> f.rule()).toArray()));
                    System.out.printf(Locale.ROOT, "  cold cache: %d DNS questions (%d for NS walk + addresses, %d for lists)%n",
                            coldQueries, resolveQueries, coldQueries - resolveQueries);
                    System.out.printf(Locale.ROOT, "  warm cache, all sources: %s%n", stats(ns));
                    System.out.printf(Locale.ROOT, "  warm cache, resolution only (no sources): %s%n", stats(nsResolve));
                    System.out.printf(Locale.ROOT, "  DNS questions during %d warm checks: %d%n", 2 * iterations + 2000,
                            warmQueries);
                }
            }
        }
    }

    private static String stats(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0) / 1000.0;
        return String.format(Locale.ROOT, "mean %.1f us, p50 %.1f us, p99 %.1f us (n=%d)", mean, s[s.length / 2] / 1000.0,
                s[(int) (s.length * 0.99)] / 1000.0, s.length);
    }
}
