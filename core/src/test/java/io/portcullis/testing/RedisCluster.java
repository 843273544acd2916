package io.portcullis.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * A real three-master Redis Cluster for a test: three {@code redis-server} child processes with
 * {@code cluster-enabled yes} on free loopback ports (client and cluster-bus ports both chosen free), the 16384 slots
 * split in three ({@code CLUSTER ADDSLOTSRANGE}), the nodes introduced ({@code CLUSTER MEET}), ready when every node
 * says {@code cluster_state:ok} and knows the three. No replicas, no persistence. {@link #close()} stops the nodes;
 * the JVM's shutdown hook kills any left running (as for {@link RedisServer}).
 */
public final class RedisCluster implements AutoCloseable {
    private static final int SLOTS = 16384;
    private final List<RedisServer> nodes;
    private final List<Integer> busPorts;

    private RedisCluster(List<RedisServer> nodes, List<Integer> busPorts) {
        this.nodes = nodes;
        this.busPorts = busPorts;
    }

    /** Starts the three nodes under {@code workDir} and forms the cluster (within 30 s or fails). */
    public static RedisCluster start(Path workDir) throws IOException, InterruptedException {
        List<RedisServer> nodes = new ArrayList<>();
        List<Integer> bus = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(nodes, bus);
        try {
            for (int i = 0; i < 3; i++) {
                int busPort = ChildServers.freeLoopbackPort();
                bus.add(busPort);
                nodes.add(RedisServer.start(workDir.resolve("cluster"), port -> List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "2000",
                        "--cluster-port", String.valueOf(busPort))));
            }
            for (int i = 0; i < 3; i++) {
                int from = i * SLOTS / 3;
                int to = (i + 1) * SLOTS / 3 - 1;
                expectOk(nodes.get(i).command("CLUSTER ADDSLOTSRANGE " + from + " " + to), "ADDSLOTSRANGE");
            }
            for (int i = 1; i < 3; i++) {
                expectOk(nodes.get(0).command("CLUSTER MEET 127.0.0.1 " + nodes.get(i).port() + " " + bus.get(i)),
                        "MEET");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!cluster.ready()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the Redis Cluster did not form within 30 s: "
                            + RedisServer.reply(nodes.get(0).port(), "CLUSTER INFO"));
                }
                Thread.sleep(50);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static void expectOk(String reply, String what) throws IOException {
        if (!"+OK".equals(reply)) {
            throw new IOException("CLUSTER " + what + " answered " + reply);
        }
    }

    /** Every node sees the cluster as ok, with three known nodes and all slots assigned. */
    public boolean ready() {
        for (RedisServer n : nodes) {
            String info = RedisServer.reply(n.port(), "CLUSTER INFO");
            if (info == null || !info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:3")
                    || !info.contains("cluster_slots_assigned:" + SLOTS)) {
                return false;
            }
        }
        return true;
    }

    /** The three nodes (node i owns the i-th third of the slots). */
    public List<RedisServer> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3}. */
    public String uri() {
        StringJoiner j = new StringJoiner(",", "redis-cluster://", "");
        for (RedisServer n : nodes) {
            j.add("127.0.0.1:" + n.port());
        }
        return j.toString();
    }

    /** The number of keys each node holds ({@code DBSIZE}), in node order; -1 for a node that does not answer. */
    public List<Long> keysPerNode() {
        List<Long> out = new ArrayList<>();
        for (RedisServer n : nodes) {
            String r = n.command("DBSIZE");
            out.add(r == null || !r.startsWith(":") ? -1L : Long.parseLong(r.substring(1)));
        }
        return out;
    }

    /** Stops every node. Idempotent. */
    @Override
    public void close() {
        for (RedisServer n : nodes) {
            n.close();
        }
    }
}
