package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.RedisServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Redis store against a real redis-server (child process on a loopback port). */
class RedisStateStoreTest {
    @TempDir
    static Path tmp;
    static RedisServer redis;

    @BeforeAll
    static void start() throws Exception {
        RedisServer.requireInstalled();
        redis = RedisServer.start(tmp);
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    static long count(StateStore s, String set, Instant since) throws Exception {
        return s.count(List.of(set), since).get().get(set);
    }

    /**
     * These tests run lettuce on James 3.8.1's own netty and reactor, as in a deployment: lettuce 6.3.2 is built
     * against netty 4.1.107 and reactor 3.6.4, whose copies the build excludes (the parent pom).
     */
    @Test
    void lettuceRunsOnJamesNettyAndReactor() throws Exception {
        Map<String, io.netty.util.Version> netty = io.netty.util.Version.identify();
        assertThat(netty.get("netty-common").artifactVersion()).isEqualTo("4.1.86.Final");
        assertThat(netty.get("netty-handler").artifactVersion()).isEqualTo("4.1.86.Final");
        String reactor = jarOf(reactor.core.publisher.Flux.class);
        assertThat(reactor).endsWith("reactor-core-3.5.1.jar");
        assertThat(jarOf(io.lettuce.core.RedisClient.class)).endsWith("lettuce-core-6.3.2.RELEASE.jar");
    }

    private static String jarOf(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation().getPath();
    }

    @Test
    void sameSemanticsAsTheEmbeddedStore() throws Exception {
        Instant now = Instant.now();
        try (RedisStateStore s = new RedisStateStore(redis.uri(), "t1:", Duration.ofDays(30), 5, Duration.ofSeconds(2))) {
            s.record(List.of("a", "b"), "x.test", now.minus(Duration.ofDays(10))).get();
            s.record(List.of("a"), "x.test", now.minus(Duration.ofDays(1))).get();
            s.record(List.of("a"), "y.test", now.minus(Duration.ofDays(20))).get();
            s.record(List.of("a"), "x.test", now.minus(Duration.ofDays(25))).get(); // GT: never moves back
            s.record(List.of("a"), "old.test", now.minus(Duration.ofDays(31))).get(); // outside the retention
            Map<String, Long> c = s.count(List.of("a", "b", "never"), now.minus(Duration.ofDays(30))).get();
            assertThat(c).containsEntry("a", 2L).containsEntry("b", 1L).containsEntry("never", 0L);
            assertThat(count(s, "a", now.minus(Duration.ofDays(5)))).isEqualTo(1);
            assertThat(count(s, "a", Instant.EPOCH)).as("never counts beyond the retention").isEqualTo(2);
            for (int i = 0; i < 10; i++) {
                s.record(List.of("bounded"), "m" + i, now.minusSeconds(100 - i)).get();
            }
            assertThat(redis.command("ZCARD t1:bounded")).isEqualTo(":5");
            assertThat(redis.command("ZSCORE t1:bounded m9")).startsWith("$");
            assertThat(redis.command("ZSCORE t1:bounded m0")).isEqualTo("$-1");
        }
    }

    @Test
    void anUnreachableRedisFailsFastWithStoreException() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        try (RedisStateStore s = new RedisStateStore("redis://127.0.0.1:" + closedPort, "x:", Duration.ofDays(1), 10,
                Duration.ofMillis(300))) {
            assertThatThrownBy(() -> s.count(List.of("a"), Instant.EPOCH).get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(StoreException.class);
            assertThatThrownBy(() -> s.record(List.of("a"), "m", Instant.now()).get())
                    .hasCauseInstanceOf(StoreException.class);
        }
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
        assertThatThrownBy(() -> new RedisStateStore("not a uri", Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badInputIsIgnored() throws Exception {
        try (RedisStateStore s = new RedisStateStore(redis.uri(), Duration.ofDays(1))) {
            s.record(null, "m", Instant.now()).get();
            s.record(List.of("a"), null, Instant.now()).get();
            s.record(List.of("", "a"), "", Instant.now()).get();
            assertThat(s.count(null, Instant.now()).get()).isEmpty();
            assertThat(s.count(List.of(""), Instant.now()).get()).isEmpty();
        }
    }

    @Test
    void counterRecordsAreHashesReadInOneBatch() throws Exception {
        Instant now = Instant.now();
        try (RedisStateStore s = new RedisStateStore(redis.uri(), "t9:", Duration.ofDays(30), 5, Duration.ofSeconds(2))) {
            s.add(List.of("rep:ip:192.0.2.1", "rep:net:192.0.2.0/24"), Map.of("refused:1", 2L, "clean:1", 1L),
                    List.of(), now.minusSeconds(100), Duration.ofDays(60)).get();
            s.add(List.of("rep:ip:192.0.2.1"), Map.of("refused:1", 3L), List.of("clean:1"), now, Duration.ofDays(60))
                    .get();
            Map<String, Counters> c = s.counters(List.of("rep:ip:192.0.2.1", "rep:net:192.0.2.0/24", "never")).get();
            assertThat(c).containsOnlyKeys("rep:ip:192.0.2.1", "rep:net:192.0.2.0/24");
            assertThat(c.get("rep:ip:192.0.2.1").fields()).containsOnly(Map.entry("refused:1", 5L));
            assertThat(c.get("rep:ip:192.0.2.1").first().getEpochSecond()).isEqualTo(now.minusSeconds(100)
                    .getEpochSecond());
            assertThat(c.get("rep:net:192.0.2.0/24").get("clean:1")).isEqualTo(1);
            assertThat(Long.parseLong(redis.command("TTL t9:rep:ip:192.0.2.1").substring(1)))
                    .isGreaterThan(Duration.ofDays(59).getSeconds());
        }
    }
}
