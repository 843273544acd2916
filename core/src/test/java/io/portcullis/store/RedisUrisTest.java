package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The Redis URI forms (pure: no Redis, no lettuce). */
class RedisUrisTest {
    @Test
    void theThreeDeploymentsAreToldApartByTheScheme() {
        assertThat(RedisUris.mode("redis://127.0.0.1:6379/2")).isEqualTo(RedisUris.Mode.STANDALONE);
        assertThat(RedisUris.mode("rediss://secret@redis.example:6380")).isEqualTo(RedisUris.Mode.STANDALONE);
        assertThat(RedisUris.mode("redis-socket:///run/redis.sock")).isEqualTo(RedisUris.Mode.STANDALONE);
        assertThat(RedisUris.mode("redis-sentinel://s1:26379,s2:26379#mymaster")).isEqualTo(RedisUris.Mode.SENTINEL);
        assertThat(RedisUris.mode("REDIS-CLUSTER://n1:7000")).isEqualTo(RedisUris.Mode.CLUSTER);
        assertThat(RedisUris.mode("localhost:6379")).isNull();
        assertThat(RedisUris.mode(null)).isNull();
    }

    @Test
    void validFormsHaveNoProblem() {
        for (String ok : new String[] {"redis://127.0.0.1:6379", "redis://pw@127.0.0.1:6379/3", "rediss://h",
                "redis-sentinel://127.0.0.1:26379#m", "redis-sentinel://pw@s1,s2:26380,[::1]:26381/1#m",
                "redis-sentinel://s1:26379?sentinelMasterId=m", "rediss-sentinel://s1#m",
                "redis-cluster://127.0.0.1:7000", "redis-cluster://pw@n1:7000,n2:7001,n3", "redis-cluster://n1:7000/0",
                "rediss-cluster://n1:7000?timeout=2s"}) {
            assertThat(RedisUris.problem(ok)).as(ok).isNull();
        }
    }

    @Test
    void problemsAreNamed() {
        assertThat(RedisUris.problem("localhost:6379")).contains("redis-sentinel://").contains("redis-cluster://");
        assertThat(RedisUris.problem("redis-sentinel://s1:26379")).contains("#MASTER");
        assertThat(RedisUris.problem("redis-sentinel://s1:99999#m")).contains("99999");
        assertThat(RedisUris.problem("redis-cluster://n1:7000/2")).contains("one database");
        assertThat(RedisUris.problem("redis-cluster://")).isNotNull();
        assertThat(RedisUris.problem("redis-cluster://n1:7000,,n2")).isNotNull();
        assertThat(RedisUris.problem("redis-cluster://n1:7000#x")).isNotNull();
    }

    @Test
    void clusterSeedsKeepPasswordSchemeAndQuery() {
        assertThat(RedisUris.seeds("redis-cluster://pw@n1:7000,n2,[::1]:7002?timeout=2s")).containsExactly(
                "redis://pw@n1:7000?timeout=2s", "redis://pw@n2:6379?timeout=2s", "redis://pw@[::1]:7002?timeout=2s");
        assertThat(RedisUris.seeds("rediss-cluster://n1:7000")).containsExactly("rediss://n1:7000");
        assertThatThrownBy(() -> RedisUris.seeds("redis://n1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordsAreRedacted() {
        assertThat(RedisUris.redact("redis-cluster://secret@n1:7000,n2:7001")).isEqualTo("redis-cluster://***@n1:7000,n2:7001");
        assertThat(RedisUris.redact("redis-sentinel://u:secret@s1#m")).isEqualTo("redis-sentinel://***@s1#m");
    }

    @Test
    void aHashTagInThePrefixIsSeen() {
        assertThat(RedisStateStore.hashTagged("{pc}:")).isTrue();
        assertThat(RedisStateStore.hashTagged("portcullis:")).isFalse();
        assertThat(RedisStateStore.hashTagged("p{}:")).as("an empty tag hashes the whole key").isFalse();
    }
}
