package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.reputation.Entities;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.Outcome;
import io.portcullis.reputation.ReputationSettings;
import io.portcullis.reputation.ReputationStore;
import io.portcullis.testing.RedisSentinel;
import io.portcullis.testing.RedisServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state store through Redis Sentinel ({@code redis-sentinel://HOST:PORT#MASTER}): a real master, a real replica and
 * a real sentinel on loopback ports. The store finds the master through the sentinel, and after a failover (the replica
 * promoted by {@code SENTINEL FAILOVER}) it writes to the new master without being told.
 */
class RedisSentinelStoreTest {
    @TempDir
    Path tmp;

    @Test
    void theStoreFindsTheMasterThroughTheSentinelAndFollowsAFailover() throws Exception {
        RedisServer.requireInstalled();
        try (RedisServer master = RedisServer.start(tmp.resolve("m"));
                RedisServer replica = RedisServer.startReplicaOf(tmp.resolve("r"), master.port());
                RedisSentinel sentinel = startSentinelOnceReplicated(master);
                RedisStateStore store = new RedisStateStore(sentinel.uri(), "s:", Duration.ofDays(30), 100,
                        Duration.ofSeconds(1))) {
            assertThat(store.mode()).isEqualTo(RedisUris.Mode.SENTINEL);
            List<Entity> entities = Entities.builder().client(InetAddress.getByName("192.0.2.33")).helo("mx.a.example")
                    .build();
            ReputationStore rep = new ReputationStore(store, ReputationSettings.DEFAULTS, Clock.systemUTC());
            for (int i = 0; i < 6; i++) {
                rep.learn(entities, Outcome.REFUSED).get(10, TimeUnit.SECONDS);
            }
            store.record(List.of("ns:spam:host:ns1.x.test"), "spam1.test", Instant.now()).get(10, TimeUnit.SECONDS);
            assertThat(rep.findings(entities).get(10, TimeUnit.SECONDS)).anySatisfy(f -> assertThat(f.rule())
                    .isEqualTo("IP"));
            assertThat(rep.counters()[3]).as("no learning failed").isZero();
            assertThat(master.command("EXISTS s:rep:ip:192.0.2.33")).as("written to the master").isEqualTo(":1");

            // fail over to the replica once it has everything
            awaitTrue(() -> ":1".equals(replica.command("EXISTS s:ns:spam:host:ns1.x.test")), "replicated");
            awaitTrue(() -> "+OK".equals(sentinel.command("SENTINEL FAILOVER pcmaster")), "failover accepted");
            awaitTrue(() -> sentinel.masterPort() == replica.port(), "the replica promoted");
            awaitTrue(() -> replica.command("INFO replication") != null
                    && RedisServer.reply(replica.port(), "INFO replication").contains("role:master"), "replica is master");

            // the store reconnects through the sentinel to the new master: writes land there, history survives
            awaitTrue(() -> {
                try {
                    store.record(List.of("after"), "m", Instant.now()).get(5, TimeUnit.SECONDS);
                    return ":1".equals(replica.command("EXISTS s:after"));
                } catch (Exception e) {
                    return false;
                }
            }, "a write after the failover on the new master");
            Map<String, Long> c = store.count(List.of("ns:spam:host:ns1.x.test"), Instant.EPOCH).get(10, TimeUnit.SECONDS);
            assertThat(c).containsEntry("ns:spam:host:ns1.x.test", 1L);
            assertThat(rep.findings(entities).get(10, TimeUnit.SECONDS)).anySatisfy(f -> assertThat(f.rule())
                    .isEqualTo("IP"));
        }
    }

    /** The sentinel, started once the replica is attached (the sentinel then sees it at its first look). */
    static RedisSentinel startSentinelOnceReplicated(RedisServer master) throws Exception {
        awaitTrue(() -> String.valueOf(RedisServer.reply(master.port(), "INFO replication")).contains("connected_slaves:1"),
                "the replica attached");
        return RedisSentinel.start(master.log().getParent().getParent(), master.port(), "pcmaster");
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls {@code check} until true, for at most 60 s (a failover takes a few seconds). */
    static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
