package io.portcullis.reputation;

import io.portcullis.store.JournalStateStore;
import io.portcullis.store.RedisStateStore;
import io.portcullis.store.StateStore;
import io.portcullis.testing.RedisCluster;
import io.portcullis.testing.RedisServer;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cost per SMTP transaction of the reputation check: the entities of a transaction (address, network, HELO, envelope
 * sender and From domains: 5 records) read in one batch and scored, over a population of 10,000 clients with a
 * learned history. Embedded store (warm: everything in memory) and, when redis-server is installed, a local Redis
 * (one pipelined round trip per transaction). Also the cost of learning one outcome for the 5 entities, and of the
 * envelope sender's SPF evaluation (reputation's verification) against a local Knot: the first evaluation (DNS asked)
 * and then from the DNS client's cache, for records of 1 to 11 DNS-querying terms. Then the same reads on a real
 * three-master Redis Cluster started on loopback (the 5 keys fall on several nodes, each node's commands sent at
 * once: one round trip per node, in parallel).
 * {@code ./portcullis bench-reputation [N] [--store URI]} (default 200000 embedded, N/10 Redis, cluster and SPF
 * evaluations per record; {@code --store}: only a Redis of yours, any URI form of {@code store.redis.uri}, keys under
 * {@code portcullis-bench:} expiring after a day).
 */
public final class ReputationBench {
    private ReputationBench() {
    }

    static List<Entity> entities(int i) throws Exception {
        InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
        return Entities.builder().client(a).helo("mx" + i + ".example.net").mailFrom("sender" + (i % 500) + ".example",
                false).from("sender" + (i % 500) + ".example").build();
    }

    public static void main(String[] args) throws Exception {
        int n = 200_000;
        String storeUri = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--store") && i + 1 < args.length) {
                storeUri = args[++i];
            } else if (args[i].startsWith("--store=")) {
                storeUri = args[i].substring("--store=".length());
            } else {
                n = Integer.parseInt(args[i]);
            }
        }
        if (storeUri != null) {
            // a Redis of the caller's (one server, Sentinel or Cluster): its own key prefix, records expire
            try (RedisStateStore store = new RedisStateStore(storeUri, "portcullis-bench:", Duration.ofDays(1),
                    RedisStateStore.DEFAULT_MAX_MEMBERS, Duration.ofSeconds(2))) {
                run(store.mode().name().toLowerCase(Locale.ROOT) + " " + io.portcullis.store.RedisUris.redact(storeUri),
                        store, n);
            }
            return;
        }
        Path dir = Files.createTempDirectory("rep-bench");
        try (JournalStateStore store = JournalStateStore.open(dir.resolve("state"), JournalStateStore.Options.DEFAULTS
                .withSyncInterval(Duration.ofSeconds(1)))) {
            run("embedded (warm)", store, n);
        }
        if (RedisServer.isInstalled()) {
            try (RedisServer redis = RedisServer.start(dir.resolve("redis"));
                    RedisStateStore store = new RedisStateStore(redis.uri(), Duration.ofDays(30))) {
                run("redis (loopback)", store, Math.max(1000, n / 10));
            }
            try (RedisCluster cluster = RedisCluster.start(dir.resolve("cluster"));
                    RedisStateStore store = new RedisStateStore(cluster.uri(), Duration.ofDays(30))) {
                run("redis cluster (3 masters, loopback)", store, Math.max(1000, n / 10));
                System.out.printf(Locale.ROOT, "redis cluster: the 5 keys of a transaction fall on %.2f of the 3 nodes "
                        + "on average (keys per node %s); each node involved gets its commands at once: one round trip "
                        + "per node, in parallel%n", nodesPerTransaction(RedisStateStore.DEFAULT_PREFIX),
                        cluster.keysPerNode());
            }
        } else {
            System.out.println("redis-server not installed: Redis parts skipped");
        }
        spf(dir, Math.max(1000, n / 10));
    }

    /** SPF evaluation cost: cold (DNS asked of Knot on loopback) and warm (the DNS client's cache). */
    static void spf(Path dir, int n) throws Exception {
        io.portcullis.testing.KnotServer knot;
        try {
            knot = io.portcullis.testing.KnotServer.start(dir.resolve("knot"),
                    io.portcullis.testing.KnotServer.zonesFromClasspath("spf.test", "2.0.192.in-addr.arpa"));
        } catch (Exception | AssertionError e) {
            System.out.println("knotd not available: SPF part skipped (" + e.getMessage() + ")");
            return;
        }
        try (io.portcullis.testing.KnotServer k = knot;
                io.portcullis.dns.DnsjavaClient dns = new io.portcullis.dns.DnsjavaClient(io.portcullis.dns.DnsSettings
                        .builder().servers(List.of(k.address())).build())) {
            io.portcullis.spf.SpfCheck spf = new io.portcullis.spf.SpfCheck(dns, 0);
            InetAddress ip = InetAddress.getByName("192.0.2.10");
            for (String sender : List.of("bob@pass.spf.test", "bob@include.spf.test", "bob@mx.spf.test",
                    "bob@exists.spf.test", "bob@limit10.spf.test", "bob@limit11.spf.test")) {
                long c0 = System.nanoTime();
                io.portcullis.spf.Spf first = spf.checkSender(ip, sender, null, io.portcullis.dns.DnsRequester.SYSTEM)
                        .get();
                double coldUs = (System.nanoTime() - c0) / 1e3;
                for (int i = 0; i < Math.min(n, 2000); i++) {
                    spf.checkSender(ip, sender, null, io.portcullis.dns.DnsRequester.SYSTEM).get();
                }
                long[] ns = new long[n];
                for (int i = 0; i < n; i++) {
                    long t = System.nanoTime();
                    spf.checkSender(ip, sender, null, io.portcullis.dns.DnsRequester.SYSTEM).get();
                    ns[i] = System.nanoTime() - t;
                }
                Arrays.sort(ns);
                System.out.printf(Locale.ROOT, "spf %s: %s, %d DNS-querying terms; first %.0f us (DNS asked), then "
                        + "cached: p50 %.2f us, p99 %.2f us (%d evaluations)%n", sender.substring(4),
                        first.result().id(), first.lookups(), coldUs, ns[n / 2] / 1e3, ns[(int) (n * 0.99)] / 1e3, n);
            }
        }
    }

    /** Mean number of cluster nodes (thirds of the slots, as {@link RedisCluster} assigns them) a transaction's keys hit. */
    static double nodesPerTransaction(String prefix) throws Exception {
        int population = 10_000;
        long sum = 0;
        for (int i = 0; i < population; i++) {
            java.util.Set<Integer> nodes = new java.util.HashSet<>();
            for (Entity e : entities(i)) {
                nodes.add(io.lettuce.core.cluster.SlotHash.getSlot(prefix + e.storeKey()) * 3 / 16384);
            }
            sum += nodes.size();
        }
        return sum / (double) population;
    }

    static void run(String name, StateStore store, int n) throws Exception {
        ReputationStore rep = new ReputationStore(store, ReputationSettings.DEFAULTS, Clock.systemUTC());
        int population = 10_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < population; i++) {
            List<Entity> e = entities(i);
            for (int k = 0; k < 6; k++) {
                rep.learn(e, i % 3 == 0 ? Outcome.REFUSED : Outcome.CLEAN).get();
            }
        }
        double learnUs = (System.nanoTime() - t0) / 1e3 / (population * 6.0);
        List<List<Entity>> txs = new java.util.ArrayList<>();
        for (int i = 0; i < population; i++) {
            txs.add(entities(i));
        }
        for (int i = 0; i < Math.min(n, 20_000); i++) { // warm-up
            rep.findings(txs.get(i % population)).get();
        }
        long[] ns = new long[n];
        long findings = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            List<Finding> f = rep.findings(txs.get(i % population)).get();
            ns[i] = System.nanoTime() - s;
            findings += f.size();
        }
        double total = (System.nanoTime() - start) / 1e3;
        Arrays.sort(ns);
        System.out.printf(Locale.ROOT, "%s: %d transactions of 5 entities: mean %.2f us, p50 %.2f us, p99 %.2f us, "
                + "max %.0f us; %.2f findings per transaction; learning one outcome for 5 entities: %.2f us%n", name, n,
                total / n, ns[n / 2] / 1e3, ns[(int) (n * 0.99)] / 1e3, ns[n - 1] / 1e3, findings / (double) n, learnUs);
    }
}
