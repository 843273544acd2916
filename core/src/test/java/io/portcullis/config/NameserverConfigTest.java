package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.dnsbl.ListKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nameservers.* and store.* keys of portcullis.properties. */
class NameserverConfigTest {
    @TempDir
    Path tmp;

    static PortcullisConfig parse(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return PortcullisConfig.parse(m, "t.properties");
    }

    @Test
    void defaults() {
        PortcullisConfig c = parse();
        assertThat(c.nameservers().enabled()).isFalse();
        assertThat(c.nameservers().learnedEnabled()).isTrue();
        assertThat(c.nameservers().localList()).isEmpty();
        assertThat(c.nameservers().settings().maxNames()).isEqualTo(4);
        assertThat(c.nameservers().settings().maxHosts()).isEqualTo(8);
        assertThat(c.nameservers().settings().maxAddresses()).isEqualTo(16);
        assertThat(c.nameservers().settings().localListScore()).isEqualTo(4.0);
        assertThat(c.nameservers().settings().learnedScore()).isEqualTo(3.0);
        assertThat(c.nameservers().settings().learnedMinSpamDomains()).isEqualTo(5);
        assertThat(c.nameservers().settings().learnedMinSpamRatio()).isEqualTo(0.9);
        assertThat(c.nameservers().settings().learnedWindow()).isEqualTo(Duration.ofDays(30));
        assertThat(c.nameservers().settings().allowList().allows("ada.ns.cloudflare.com")).isTrue();
        assertThat(c.store().type()).isEqualTo(StoreConfig.Type.EMBEDDED);
        assertThat(c.store().directory()).isEqualTo(Paths.get("var/portcullis/state"));
        assertThat(c.store().retention()).isEqualTo(Duration.ofDays(30));
        assertThat(c.store().fsyncInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.store().redisPrefix()).isEqualTo("portcullis:");
        assertThat(c.store().redisTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void everyKey() throws Exception {
        Path conf = tmp.resolve("portcullis.properties");
        Files.write(conf, ("nameservers.enabled = true\nnameservers.max-names = 2\nnameservers.max-hosts = 3\n"
                + "nameservers.max-addresses = 5\nnameservers.local-list = lists/ns.txt\nnameservers.local-list.score = 6\n"
                + "nameservers.list.sbl = ns-ip:sbl.example=127.0.0.2*3\nnameservers.list.sbl.codes = 127.0.0.2 SBL 4\n"
                + "nameservers.list.dbl = ns-name:dbl.example\nnameservers.list.dbl.reason = false\n"
                + "nameservers.learned.enabled = false\nnameservers.learned.score = 2.5\n"
                + "nameservers.learned.min-spam-domains = 7\nnameservers.learned.min-spam-ratio = 0.8\n"
                + "nameservers.learned.window-days = 10\nnameservers.learned.allow = none\n"
                + "nameservers.learned.allow-extra = hoster.example, dns-*\n"
                + "store.type = redis\nstore.redis.uri = redis://127.0.0.1:6390/2\nstore.redis.prefix = p:\n"
                + "store.redis.timeout-ms = 250\nstore.retention-days = 20\nstore.fsync-interval-ms = 0\n"
                + "store.directory = /srv/state\n").getBytes());
        PortcullisConfig c = PortcullisConfig.load(conf);
        NameserverConfig ns = c.nameservers();
        assertThat(ns.enabled()).isTrue();
        assertThat(ns.learnedEnabled()).isFalse();
        assertThat(ns.localList()).contains(tmp.resolve("lists/ns.txt"));
        assertThat(ns.settings().maxNames()).isEqualTo(2);
        assertThat(ns.settings().maxHosts()).isEqualTo(3);
        assertThat(ns.settings().maxAddresses()).isEqualTo(5);
        assertThat(ns.settings().localListScore()).isEqualTo(6.0);
        assertThat(ns.settings().learnedScore()).isEqualTo(2.5);
        assertThat(ns.settings().learnedMinSpamDomains()).isEqualTo(7);
        assertThat(ns.settings().learnedMinSpamRatio()).isEqualTo(0.8);
        assertThat(ns.settings().learnedWindow()).isEqualTo(Duration.ofDays(10));
        assertThat(ns.settings().allowList().allows("ada.ns.cloudflare.com")).isFalse();
        assertThat(ns.settings().allowList().allows("ns1.hoster.example")).isTrue();
        assertThat(ns.settings().allowList().allows("ns.dns-42.example")).isTrue();
        assertThat(ns.settings().lists()).extracting(l -> l.id() + "/" + l.kind())
                .containsExactly("dbl/" + ListKind.NS_NAME, "sbl/" + ListKind.NS_IP);
        assertThat(ns.settings().lists().get(0).fetchReason()).isFalse();
        StoreConfig s = c.store();
        assertThat(s.type()).isEqualTo(StoreConfig.Type.REDIS);
        assertThat(s.redisUri()).isEqualTo("redis://127.0.0.1:6390/2");
        assertThat(s.redisPrefix()).isEqualTo("p:");
        assertThat(s.redisTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.retention()).isEqualTo(Duration.ofDays(20));
        assertThat(s.fsyncInterval()).isEqualTo(Duration.ZERO);
        assertThat(s.directory()).isEqualTo(Paths.get("/srv/state"));
        assertThat(s.describe(null)).isEqualTo("redis redis://127.0.0.1:6390/2 (prefix p:)");
        assertThat(c.toBuilder().dns(c.dns()).build().nameservers()).isSameAs(ns);
    }

    @Test
    void strictParsing() {
        assertThatThrownBy(() -> parse("nameservers.enable", "true")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("nameservers.enable").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> parse("store.kind", "redis")).hasMessageContaining("store.kind")
                .hasMessageContaining("unknown key");
        assertThatThrownBy(() -> parse("nameservers.list.x", "sbl.example")).hasMessageContaining("nameservers.list.x")
                .hasMessageContaining("ns-name:").hasMessageContaining("ns-ip:");
        assertThatThrownBy(() -> parse("nameservers.list.x.codes", "127.0.0.2 A 1"))
                .hasMessageContaining("nameservers.list.x is not defined");
        assertThatThrownBy(() -> parse("nameservers.max-hosts", "0")).hasMessageContaining("nameservers.max-hosts");
        assertThatThrownBy(() -> parse("nameservers.max-hosts", "100")).hasMessageContaining("nameservers.max-hosts")
                .hasMessageContaining("1..64");
        assertThatThrownBy(() -> parse("nameservers.learned.min-spam-ratio", "1.5"))
                .hasMessageContaining("nameservers.learned.min-spam-ratio");
        assertThatThrownBy(() -> parse("nameservers.learned.allow-extra", "bad!name"))
                .hasMessageContaining("nameservers.learned.allow-extra").hasMessageContaining("bad!name");
        assertThatThrownBy(() -> parse("store.type", "mongo")).hasMessageContaining("store.type")
                .hasMessageContaining("embedded or redis");
        assertThatThrownBy(() -> parse("store.type", "redis")).hasMessageContaining("store.redis.uri");
        assertThatThrownBy(() -> parse("store.type", "redis", "store.redis.uri", "localhost:6379"))
                .hasMessageContaining("redis://");
        assertThatThrownBy(() -> parse("store.type", "redis", "store.redis.uri", "redis-sentinel://s1:26379"))
                .hasMessageContaining("store.redis.uri").hasMessageContaining("#MASTER");
        assertThatThrownBy(() -> parse("store.type", "redis", "store.redis.uri", "redis-cluster://n1:7000/1"))
                .hasMessageContaining("store.redis.uri").hasMessageContaining("one database");
        assertThatThrownBy(() -> parse("store.type", "redis", "store.redis.uri", "redis-cluster://n1:7000",
                "store.redis.prefix", "{pc}:")).hasMessageContaining("store.redis.prefix").hasMessageContaining("slot");
        assertThat(parse("store.type", "redis", "store.redis.uri", "redis-cluster://pw@n1:7000,n2:7001").store()
                .describe(null)).isEqualTo("redis redis-cluster://***@n1:7000,n2:7001 (prefix portcullis:)");
        assertThat(parse("store.type", "redis", "store.redis.uri", "redis-sentinel://s1:26379,s2:26379#mymaster")
                .store().redisUri()).isEqualTo("redis-sentinel://s1:26379,s2:26379#mymaster");
        assertThat(parse("store.type", "redis", "store.redis.uri", "redis://n1:7000", "store.redis.prefix", "{pc}:")
                .store().redisPrefix()).as("a hash tag is harmless on one server").isEqualTo("{pc}:");
        assertThatThrownBy(() -> parse("nameservers.learned.window-days", "40"))
                .hasMessageContaining("store.retention-days");
        assertThatThrownBy(() -> parse("store.fsync-interval-ms", "-1")).hasMessageContaining("store.fsync-interval-ms");
    }
}
