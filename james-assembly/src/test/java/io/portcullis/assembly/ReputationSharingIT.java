package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.mailets.LearnReputation;
import io.portcullis.testing.KnotServer;
import io.portcullis.testing.RedisServer;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.mail.internet.MimeMessage;
import org.apache.james.GuiceJamesServer;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reputation shared through a real Redis: "node A" (a second Portcullis runtime with the same {@code store.*}
 * settings, as another James would have) learns, through the {@code LearnReputation} mailet, three verdicts that
 * rejected mail from 127.0.0.60; the real James ("node B", {@code store.type = redis}) then greylists that address
 * at RCPT on its first connection. With Redis stopped, node B has no reputation and lets mail through.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReputationSharingIT {
    private static final String USER = PortcullisServer.DEMO_USER;
    static final List<String> SETTINGS = List.of("reputation.enabled = true", "store.type = redis", "reputation.ip.weight = 8",
            "reputation.net.weight = 0", "reputation.mail-from.weight = 0", "reputation.from.weight = 0",
            "reputation.min-observations = 3", "smtp.greylist-threshold = 4");

    @TempDir
    static Path work;
    static KnotServer knot;
    static RedisServer redis;
    static GuiceJamesServer server;
    static int port;
    static PortcullisRuntime nodeA;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServer.isInstalled(), "redis-server is not installed (.ci/run installs it)");
        Map<String, String> z = new LinkedHashMap<>();
        z.put("0.0.127.in-addr.arpa", String.join("\n", "$ORIGIN 0.0.127.in-addr.arpa.", "$TTL 60",
                "@ IN SOA ns1.rep.test. hostmaster.rep.test. 1 3600 600 86400 30", "@ IN NS ns1.rep.test.", ""));
        knot = KnotServer.start(work.resolve("knot"), z);
        redis = RedisServer.start(work);
        List<String> props = new java.util.ArrayList<>(SETTINGS);
        props.add("store.redis.uri = " + redis.uri());
        props.add("store.redis.prefix = share:");
        server = TestJames.in(work.resolve("james")).smtpHandler().dns(knot.hostPort()).dropSampleLists()
                .properties(props).start();
        port = TestJames.smtpPort(server);
        Map<String, String> conf = new HashMap<>();
        for (String line : SETTINGS) {
            String[] kv = line.split("=", 2);
            conf.put(kv[0].trim(), kv[1].trim());
        }
        conf.put("headers.enabled", "false");
        conf.put("store.redis.uri", redis.uri());
        conf.put("store.redis.prefix", "share:");
        nodeA = new PortcullisRuntime(PortcullisConfig.parse(conf, "node-a.properties"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (knot != null) {
            knot.close();
        }
    }

    /** Node A's pipeline rejects a mail from {@code client} on a DNS list finding (20) and learns it. */
    static void rejectedOnNodeA(String client, int i) throws Exception {
        LearnReputation learn = new LearnReputation(nodeA);
        learn.init(FakeMailetConfig.builder().mailetName("LearnReputation").build());
        MimeMessage msg = MimeMessageBuilder.mimeMessageBuilder().addFrom("x@bulk.example").setSubject("x")
                .setText("x").build();
        FakeMail mail = FakeMail.builder().name("a-" + i).remoteAddr(client).remoteHost("bulk.example")
                .sender("x@bulk.example").recipient(USER).mimeMessage(msg).build();
        MailAttributes.storeFindings(mail, "dnsbl", List.of(new Finding("dnsbl", "bl", 20, "client listed")));
        learn.service(mail);
    }

    static String rcpt(String client) throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(client, port)) {
            d.greeting();
            d.command("EHLO bulk.example");
            assertThat(d.command("MAIL FROM:<x@bulk.example>")).startsWith("250");
            return d.command("RCPT TO:<" + USER + ">");
        }
    }

    @Test
    @Order(1)
    void reputationLearnedOnNodeAChangesTheSmtpDecisionOnNodeB() throws Exception {
        assertThat(rcpt("127.0.0.61")).as("a newcomer").startsWith("250");
        for (int i = 0; i < 3; i++) {
            rejectedOnNodeA("127.0.0.60", i);
        }
        assertThat(redis.command("EXISTS share:rep:ip:127.0.0.60")).isEqualTo(":1");
        assertThat(rcpt("127.0.0.60")).startsWith("451 4.7.1").contains("Greylisted");
    }

    @Test
    @Order(2)
    void withRedisDownThereIsNoReputationAndMailFlows() throws Exception {
        redis.close();
        String r = rcpt("127.0.0.60");
        assertThat(r).as("no reputation finding, no greylisting: the store does not answer").startsWith("250");
        String token = MailClients.token();
        assertThat(MailClients.sendSmtp(InetAddress.getByName("127.0.0.60"), port, "x@bulk.example", USER,
                MailClients.conformant(token))).startsWith("250");
        assertThat(TestJames.demoMailbox(server).await("INBOX", token)).isNotNull();
    }
}
