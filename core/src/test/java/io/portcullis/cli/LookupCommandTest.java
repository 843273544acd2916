package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.KnotServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis lookup} against a real Knot server. */
class LookupCommandTest {
    @TempDir
    static Path tmp;
    static KnotServer knot;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        knot = KnotServer.start(tmp, KnotServer.zonesFromClasspath("bl.test", "name.test", "all.test", "errors.test",
                "test", "alpha.test", "spamhost.test", "goodns.test", "gamma.test", "bulkdns.test", "nsip.test", "asn.cymru.com"));
    }

    @AfterAll
    static void stop() {
        knot.close();
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> lines() {
        return List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
    }

    /** {@code --dns [::1]:PORT}: a resolver on IPv6 loopback (a relay in front of the Knot server) answers. */
    @Test
    void anIpv6ResolverIsUsed() throws Exception {
        try (io.portcullis.testing.DroppingUdpProxy v6 = new io.portcullis.testing.DroppingUdpProxy(knot.address(),
                "never.invalid", java.time.Duration.ZERO, java.net.InetAddress.getByName("::1"))) {
            assertThat(v6.hostPort()).startsWith("[");
            assertThat(run("lookup", "--dns", v6.hostPort(), "--list", "bl.test=127.0.0.[2..11]*3", "127.0.0.2"))
                    .isZero();
            assertThat(lines()).singleElement().asString().contains("\"status\": \"listed\"");
            assertThat(v6.questionsSeen()).isPositive();
        }
    }

    @Test
    void ipTargetsShowTheirNetworkOwnerWithoutAnyList() {
        assertThat(run("lookup", "--dns", knot.hostPort(), "192.0.2.1", "2001:db8::1", "example.org")).isZero();
        List<String> l = lines();
        assertThat(l).hasSize(3);
        assertThat(l.get(0)).isEqualTo("{\"target\": \"192.0.2.1\", \"lists\": [], \"network\": {\"asn\": 64496, "
                + "\"prefix\": \"192.0.2.0/24\", \"country\": \"NL\", \"registry\": \"ripencc\", "
                + "\"as_name\": \"EXAMPLE-HOSTER Example Bulletproof Hosting, NL\", \"source\": \"cymru:origin.asn.cymru.com\", "
                + "\"status\": \"found\"}, \"reputation\": {\"store\": \"embedded "
                + java.nio.file.Path.of("var/portcullis/state").toAbsolutePath() + "\", \"status\": \"unavailable\", "
                + "\"reason\": \"StoreException: no state directory " + java.nio.file.Path.of("var/portcullis/state")
                .toAbsolutePath() + "\"}, \"score\": 0}");
        assertThat(l.get(1)).startsWith("{\"target\": \"2001:db8::1\", \"lists\": [], \"network\": {\"asn\": 64500, "
                + "\"prefix\": \"2001:db8::/32\", \"country\": \"DE\", \"registry\": \"ripencc\", "
                + "\"as_name\": \"DB8-NET Documentation Networks, DE\", \"source\": \"cymru:origin6.asn.cymru.com\", "
                + "\"status\": \"found\"}, \"reputation\": {").endsWith("\"score\": 0}");
        assertThat(l.get(2)).doesNotContain("network");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("suspended");
    }

    @Test
    void networkPoliciesOfTheConfigurationScore() throws Exception {
        Path conf = tmp.resolve("network.properties");
        Files.write(conf, ("dns.servers = " + knot.hostPort() + "\n"
                + "network.asn = 64501*2, 64502*5\nnetwork.country = JP*1\n").getBytes(StandardCharsets.UTF_8));
        assertThat(run("lookup", "--config", conf.toString(), "203.0.113.9", "127.0.0.1")).isZero();
        List<String> l = lines();
        assertThat(l.get(0)).contains("\"asn\": 64501, \"asns\": [64501, 64502]")
                .contains("\"findings\": [{\"rule\": \"ASN\", \"weight\": 5")
                .contains("{\"rule\": \"COUNTRY\", \"weight\": 1").endsWith("\"score\": 6}");
        assertThat(l.get(1)).contains("\"network\": {\"asn\": null, \"prefix\": null, \"country\": null, "
                + "\"registry\": null, \"as_name\": null, \"source\": \"cymru:origin.asn.cymru.com\", "
                + "\"status\": \"not-found\"}").endsWith("\"score\": 0}");
    }

    @Test
    void networkOffAndNoListsIsAUsageError() throws Exception {
        Path conf = tmp.resolve("network-off.properties");
        Files.write(conf, "network.enabled = false\nreputation.enabled = false\n".getBytes(StandardCharsets.UTF_8));
        assertThat(run("lookup", "--config", conf.toString(), "--dns", knot.hostPort(), "192.0.2.1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no lists configured");
    }

    @Test
    void adHocListsPrintOneJsonObjectPerTarget() {
        assertThat(run("lookup", "--dns", knot.hostPort(), "--list", "bl.test=127.0.0.[2..11]*3",
                "--list", "name:name.test=127.0.1.[2..99]*4", "127.0.0.2", "127.0.0.1", "2001:db8::2",
                "www.spamdomain.example")).isZero();
        List<String> l = lines();
        assertThat(l).hasSize(4);
        assertThat(l.get(0)).startsWith("{\"target\": \"127.0.0.2\", \"lists\": [{\"list\": \"bl.test\", \"zone\": \"bl.test\"")
                .contains("\"status\": \"listed\"").contains("\"codes\": [\"127.0.0.2\"]").contains("\"weight\": 3")
                .contains("\"reason\": \"Listed: 127.0.0.2 is a test entry").endsWith("\"score\": 3}");
        assertThat(l.get(1)).contains("\"status\": \"clean\"").endsWith("\"score\": 0}");
        assertThat(l.get(2)).contains("\"status\": \"listed\"");
        assertThat(l.get(3)).contains("\"list\": \"name.test\"").contains("\"queried\": \"spamdomain.example\"")
                .contains("\"status\": \"listed\"").endsWith("\"score\": 4}");
    }

    @Test
    void errorCodesAreBlockedAndBrokenListsSuspended() throws Exception {
        // A generous timeout: on a loaded machine a self-test answer that comes late leaves the list in service
        // ("inconclusive"), which is right, but not what this test is about.
        Path conf = tmp.resolve("slow-dns.properties");
        Files.write(conf, "dns.timeout-ms = 8000\n".getBytes(StandardCharsets.UTF_8));
        assertThat(run("lookup", "--config", conf.toString(), "--dns", knot.hostPort(), "--list", "errors.test*5",
                "--list", "all.test*5", "127.0.0.2")).isZero();
        String line = lines().get(0);
        assertThat(line).contains("\"list\": \"errors.test\"").contains("\"score\": 0}");
        assertThat(line).doesNotContain("\"status\": \"listed\"");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("all.test suspended").contains("answers everything");
    }

    @Test
    void configuredListsAndCodesFromAFile() throws Exception {
        Path conf = tmp.resolve("p.properties");
        Files.write(conf, ("dns.servers = " + knot.hostPort() + "\n"
                + "dnsbl.list.zen = bl.test=127.0.0.[2..11]\n"
                + "dnsbl.list.zen.codes = 127.0.0.2 SBL 4, 127.0.0.4 XBL 3.5, 127.0.0.10 PBL 1.5\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(run("lookup", "--config", conf.toString(), "127.0.0.4")).isZero();
        assertThat(lines().get(0)).contains("\"list\": \"zen\"").contains("\"label\": \"XBL,PBL\"")
                .endsWith("\"score\": 3.5}");
    }

    @Test
    void publicResolverWarningAndBadSpec() {
        assertThat(run("lookup", "--list", "bl.test=127.0.0", "127.0.0.2")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--list").contains("four octets");
    }

    @Test
    void nameserverViewOfADomainWithALocalListAndAnNsIpList() throws Exception {
        Path list = tmp.resolve("ns.txt");
        Files.write(list, "ns1.spamhost.test\n".getBytes(StandardCharsets.UTF_8));
        assertThat(run("lookup", "--dns", knot.hostPort(), "--nameserver-list", list.toString(), "--list",
                "ns-ip:nsip.test=127.0.0.2*3", "alpha.test", "gamma.test", "127.0.0.2")).isZero();
        List<String> l = lines();
        assertThat(l).hasSize(3);
        assertThat(l.get(0)).startsWith("{\"target\": \"alpha.test\", \"lists\": [], \"nameservers\": [")
                .contains("{\"host\": \"ns1.spamhost.test\", \"addresses\": [\"192.0.2.53\"], \"status\": \"listed\", "
                        + "\"sources\": [\"local-list\"]")
                .contains("{\"host\": \"ns1.goodns.test\", \"addresses\": [\"203.0.113.1\"], \"status\": \"clean\", "
                        + "\"sources\": []}")
                .endsWith("\"score\": 4}");
        assertThat(l.get(1)).contains("\"host\": \"ns1.bulkdns.test\"").contains("\"sources\": [\"ns-ip:nsip.test\"]")
                .contains("listed in nsip.test [127.0.0.2]").endsWith("\"score\": 3}");
        assertThat(l.get(2)).doesNotContain("nameservers");
    }

    /** A store holding records for 192.0.2.1 (AS64496 in the test zone) and example.org, as James would write them. */
    private static Path storeWithRecords(String name) throws Exception {
        Path dir = tmp.resolve(name);
        java.time.Instant now = java.time.Instant.now();
        try (io.portcullis.store.JournalStateStore st = io.portcullis.store.JournalStateStore.open(dir,
                io.portcullis.store.JournalStateStore.Options.DEFAULTS)) {
            io.portcullis.reputation.ReputationStore rep = new io.portcullis.reputation.ReputationStore(st,
                    io.portcullis.reputation.ReputationSettings.DEFAULTS, java.time.Clock.systemUTC());
            List<io.portcullis.reputation.Entity> client = io.portcullis.reputation.Entities.builder()
                    .client(java.net.InetAddress.getByName("192.0.2.1")).asn(64496L).build();
            for (int i = 0; i < 8; i++) {
                rep.learn(client, io.portcullis.reputation.Outcome.REFUSED).get();
            }
            rep.learn(client, io.portcullis.reputation.Outcome.CLEAN).get();
            List<io.portcullis.reputation.Entity> domain = List.of(new io.portcullis.reputation.Entity(
                    io.portcullis.reputation.EntityKind.MAIL_FROM, "example.org"),
                    new io.portcullis.reputation.Entity(io.portcullis.reputation.EntityKind.MAIL_FROM,
                            "example.org@198.51.100.0/24"));
            rep.learn(domain, io.portcullis.reputation.Outcome.CLEAN).get();
            rep.learn(domain, io.portcullis.reputation.Outcome.REPORTED_SPAM).get();
        }
        assertThat(now).isNotNull();
        return dir;
    }

    @Test
    void reputationRecordsOfAnAddressAndADomainFromTheEmbeddedStore() throws Exception {
        Path dir = storeWithRecords("state-a");
        Path conf = tmp.resolve("rep.properties");
        Files.write(conf, ("dns.servers = " + knot.hostPort() + "\nstore.directory = " + dir + "\n")
                .getBytes(StandardCharsets.UTF_8));
        // James holds the store (its lock) meanwhile: lookup reads the files without the lock
        try (io.portcullis.store.JournalStateStore held = io.portcullis.store.JournalStateStore.open(dir,
                io.portcullis.store.JournalStateStore.Options.DEFAULTS)) {
            assertThat(run("lookup", "--config", conf.toString(), "--client", "198.51.100.7", "192.0.2.1",
                    "www.example.org", "nothing.example")).isZero();
        }
        List<String> l = lines();
        assertThat(l).hasSize(3);
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        assertThat(l.get(0)).contains("\"reputation\": {\"store\": \"embedded " + dir + "\", \"status\": \"ok\", "
                + "\"records\": [{\"entity\": \"ip\", \"key\": \"192.0.2.1\", \"status\": \"found\", "
                + "\"counts\": {\"refused\": 8, \"tagged\": 0, \"clean\": 1, \"spam\": 0, \"ham\": 0}, "
                + "\"observations\": 9, \"window_days\": 30, \"ratio\": 0.89, \"below_minimum\": false, "
                + "\"score\": 3.11, \"first_seen\": \"" + today)
                .contains("{\"entity\": \"net\", \"key\": \"192.0.2.0/24\", \"status\": \"found\"")
                .contains("{\"entity\": \"asn\", \"key\": \"AS64496\", \"status\": \"found\"")
                .contains("\"detail\": \"ip 192.0.2.1: 8 refused, 0 tagged, 1 clean, 0 spam, 0 ham in 30d")
                // ip 3.11 + net 2 * (2 * 8/9 - 1) = 1.56 + asn 0.78
                .endsWith("\"score\": 5.45}, \"score\": 5.45}");
        assertThat(l.get(1)).contains("{\"entity\": \"helo\", \"key\": \"example.org\", \"status\": \"no record\"}")
                .contains("{\"entity\": \"mail-from\", \"key\": \"example.org\", \"status\": \"found\", "
                        + "\"counts\": {\"refused\": 0, \"tagged\": 0, \"clean\": 1, \"spam\": 1, \"ham\": 0}, "
                        + "\"observations\": 2, \"window_days\": 30, \"ratio\": 0.75, \"below_minimum\": true, "
                        + "\"score\": 0")
                .contains("{\"entity\": \"mail-from\", \"key\": \"example.org@198.51.100.0/24\", \"status\": \"found\"")
                .contains("{\"entity\": \"ns\", \"key\": \"www.example.org\", \"status\": \"no record\"}")
                .endsWith("\"score\": 0}");
        assertThat(l.get(2)).contains("\"status\": \"no record\"").doesNotContain("\"found\"");
    }

    @Test
    void anUnavailableStoreIsSaidWithoutAStackTrace() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = tmp.resolve("redis-down.properties");
        Files.write(conf, ("dns.servers = " + knot.hostPort() + "\nstore.type = redis\n"
                + "store.redis.uri = redis://127.0.0.1:" + port + "\nstore.redis.timeout-ms = 300\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(run("lookup", "--config", conf.toString(), "192.0.2.1")).isZero();
        assertThat(lines().get(0)).contains("\"reputation\": {\"store\": \"redis redis://127.0.0.1:" + port)
                .contains("\"status\": \"unavailable\", \"reason\": \"").doesNotContain("records")
                .endsWith("\"score\": 0}");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("\tat ").doesNotContain("Exception in");
    }

    @Test
    void reputationOffLeavesTheSectionOutAndABadClientIsAUsageError() throws Exception {
        Path conf = tmp.resolve("rep-off.properties");
        Files.write(conf, ("dns.servers = " + knot.hostPort() + "\nreputation.enabled = false\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(run("lookup", "--config", conf.toString(), "192.0.2.1")).isZero();
        assertThat(lines().get(0)).doesNotContain("reputation");
        assertThat(run("lookup", "--config", conf.toString(), "--client", "nope", "example.org")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--client");
    }

    @Test
    void aRelativeStoreDirectoryIsJamesesWorkingDirectoryTheParentOfConf() throws Exception {
        Path james = tmp.resolve("james-home");
        Path dir = storeWithRecords("james-home/var/portcullis/state");
        Files.createDirectories(james.resolve("conf"));
        Path conf = james.resolve("conf/portcullis.properties");
        Files.write(conf, ("dns.servers = " + knot.hostPort() + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(run("lookup", "--config", conf.toString(), "192.0.2.1")).isZero();
        assertThat(lines().get(0)).contains("\"store\": \"embedded " + dir + "\", \"status\": \"ok\"")
                .contains("\"counts\": {\"refused\": 8");
        assertThat(ReputationLookup.jamesHome(tmp.resolve("elsewhere.properties")))
                .isEqualTo(Path.of("").toAbsolutePath());
    }
}
