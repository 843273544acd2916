package io.portcullis.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.SmtpSettings;
import io.portcullis.james.TarpitMemory;
import io.portcullis.testing.RedisCluster;
import io.portcullis.testing.RedisServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarpit memory shared by two James nodes through a real Redis ({@code smtp.tarpit.store = redis://...}): an
 * address remembered by the {@code Tarpit} mailet on one node is tarpitted by the other; when Redis goes away,
 * lookups answer "not remembered" instead of failing.
 */
class TarpitRedisTest {
    @TempDir
    static Path tmp;
    static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        RedisServer.requireInstalled();
        redis = RedisServer.start(tmp);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    private static SmtpSettings settings(String store) {
        return PortcullisConfig.parse(Map.of("smtp.tarpit.store", store), "t").smtp();
    }

    private static boolean remembered(TarpitMemory m, String address) throws Exception {
        return m.isRemembered(InetAddress.getByName(address)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anAddressRememberedOnOneNodeIsKnownOnTheOther() throws Exception {
        SmtpSettings s = settings(redis.uri());
        try (TarpitMemory node1 = new TarpitMemory(s, tmp.resolve("n1"), Clock.systemUTC());
             TarpitMemory node2 = new TarpitMemory(s, tmp.resolve("n2"), Clock.systemUTC())) {
            Tarpit mailet = new Tarpit(node1);
            mailet.init(FakeMailetConfig.builder().mailetName("Tarpit").setProperty("ipv4Prefix", "24").build());
            mailet.service(FakeMail.builder().name("m").remoteAddr("192.0.2.10").remoteHost("x.example").build());

            assertThat(remembered(node2, "192.0.2.10")).isTrue();
            assertThat(remembered(node2, "192.0.2.200")).as("the /24").isTrue();
            assertThat(remembered(node2, "198.51.100.1")).isFalse();
            assertThat(redis.command("DBSIZE")).as("stored in Redis").isNotEqualTo(":0");
        }
    }

    /** {@code smtp.tarpit.store = redis-cluster://...}: the same sharing on a real three-master Redis Cluster. */
    @Test
    void theMemoryIsSharedThroughARedisCluster() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(tmp.resolve("cluster"))) {
            SmtpSettings s = settings(cluster.uri());
            try (TarpitMemory node1 = new TarpitMemory(s, tmp.resolve("c1"), Clock.systemUTC());
                 TarpitMemory node2 = new TarpitMemory(s, tmp.resolve("c2"), Clock.systemUTC())) {
                Tarpit mailet = new Tarpit(node1);
                mailet.init(FakeMailetConfig.builder().mailetName("Tarpit").setProperty("ipv4Prefix", "24").build());
                for (int i = 1; i <= 6; i++) {
                    mailet.service(FakeMail.builder().name("m" + i).remoteAddr("192.0." + i + ".10")
                            .remoteHost("x.example").build());
                }
                for (int i = 1; i <= 6; i++) {
                    assertThat(remembered(node2, "192.0." + i + ".10")).isTrue();
                    assertThat(remembered(node2, "192.0." + i + ".99")).as("the /24").isTrue();
                }
                assertThat(remembered(node2, "198.51.100.1")).isFalse();
                assertThat(cluster.keysPerNode()).as("12 keys spread over the masters")
                        .allSatisfy(n -> assertThat(n).isPositive());
                cluster.close();
                assertThat(remembered(node2, "192.0.1.10")).as("cluster down: not remembered, no failure").isFalse();
            }
        }
    }

    @Test
    void anUnreachableRedisMeansNotRemembered() throws Exception {
        try (TarpitMemory m = new TarpitMemory(settings("redis://127.0.0.1:1"), tmp.resolve("n3"),
                Clock.systemUTC())) {
            assertThat(remembered(m, "192.0.2.10")).isFalse();
        }
    }

    /**
     * The Redis connection is made when the memory is built (James: at start), so the first connection's greeting
     * does not wait for it: Redis sees a client before any lookup.
     */
    @Test
    void theRedisConnectionIsMadeAtConstruction() throws Exception {
        int before = redis.connectedClients();
        assertThat(before).isPositive();
        try (TarpitMemory m = new TarpitMemory(settings(redis.uri()), tmp.resolve("n4"), Clock.systemUTC())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (redis.connectedClients() <= before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(redis.connectedClients()).as("a connection from the memory, before any lookup")
                    .isGreaterThan(before);
            assertThat(m.isOpen()).isTrue();
        }
    }
}
