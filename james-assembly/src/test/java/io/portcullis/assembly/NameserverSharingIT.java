package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.mailets.LearnNameservers;
import io.portcullis.testing.KnotServer;
import io.portcullis.testing.RedisServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.mail.internet.MimeMessage;
import org.apache.james.GuiceJamesServer;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learned spam nameservers shared through a real Redis: "node B" (a second Portcullis runtime with the same
 * {@code store.*} settings, as another James would have) learns spam1..5.test, all served by
 * ns1.learnhost.test, through the LearnNameservers mailet; then the real James ("node A": the repository's
 * {@code conf/}, Knot for DNS, {@code store.type = redis}) receives mail from newcomer.test, a domain it has
 * never seen on the same nameserver: {@code SharesSpamNameserver} matches (a header added by
 * {@code SetMimeHeader} shows it) and {@code Tag} reports the learned finding and files it as spam.
 */
class NameserverSharingIT {
    private static final String USER = PortcullisServer.DEMO_USER;

    @TempDir
    static Path work;
    static KnotServer knot;
    static RedisServer redis;
    static GuiceJamesServer server;
    static int smtpPort;
    static ImapMailbox mailbox;
    static PortcullisRuntime nodeB;

    static String zone(String origin, String... records) {
        StringBuilder z = new StringBuilder("$ORIGIN ").append(origin).append(".\n$TTL 300\n@ IN SOA ns1.")
                .append(origin).append(". hostmaster.").append(origin).append(". 1 3600 600 86400 60\n");
        for (String r : records) {
            z.append(r).append('\n');
        }
        return z.toString();
    }

    @BeforeAll
    static void start() throws Exception {
        RedisServer.requireInstalled();
        Map<String, String> zones = new LinkedHashMap<>(KnotServer.zonesFromClasspath("test", "goodns.test"));
        zones.put("learnhost.test", zone("learnhost.test", "@ IN NS ns1", "ns1 IN A 192.0.2.200"));
        for (int i = 1; i <= 5; i++) {
            zones.put("spam" + i + ".test", zone("spam" + i + ".test", "@ IN NS ns1.learnhost.test."));
        }
        zones.put("newcomer.test", zone("newcomer.test", "@ IN NS ns1.learnhost.test."));
        zones.put("clean.test", zone("clean.test", "@ IN NS ns1.goodns.test."));
        knot = KnotServer.start(work, zones);
        redis = RedisServer.start(work);

        // The matcher in the real pipeline, just before Tag. Hermetic: no sample (Spamhaus) list, DNS to Knot.
        String tag = "<mailet match=\"All\" class=\"io.portcullis.mailets.Tag\"/>";
        TestJames james = TestJames.in(work.resolve("james")).dns(knot.hostPort()).dropSampleLists().properties(
                "nameservers.enabled = true",
                "nameservers.learned.score = 6",
                "store.type = redis",
                "store.redis.uri = " + redis.uri(),
                "store.redis.prefix = it:")
                .edit("mailetcontainer.xml", tag, "<mailet match=\"io.portcullis.matchers.SharesSpamNameserver=learned\""
                        + " class=\"SetMimeHeader\"><name>X-Spam-Nameserver</name><value>learned</value></mailet>\n"
                        + "            " + tag);

        Map<String, String> conf = new HashMap<>();
        conf.put("dns.servers", knot.hostPort());
        conf.put("headers.enabled", "false");
        conf.put("nameservers.enabled", "true");
        conf.put("store.type", "redis");
        conf.put("store.redis.uri", redis.uri());
        conf.put("store.redis.prefix", "it:");
        nodeB = new PortcullisRuntime(PortcullisConfig.parse(conf, "node-b.properties"));

        server = james.start();
        smtpPort = TestJames.smtpPort(server);
        mailbox = TestJames.demoMailbox(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (knot != null) {
            knot.close();
        }
    }

    private static byte[] message(String fromDomain, String token) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().withNano(0));
        return ("Date: " + date + "\r\n"
                + "From: News <news@" + fromDomain + ">\r\n"
                + "To: Demo <" + USER + ">\r\n"
                + "Subject: Offer " + token + "\r\n"
                + "Message-ID: <" + token + "@" + fromDomain + ">\r\n"
                + "\r\n"
                + "Hello.\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void learnOnNodeB(String domain) throws Exception {
        LearnNameservers learn = new LearnNameservers(nodeB);
        learn.init(FakeMailetConfig.builder().mailetName("LearnNameservers").setProperty("mode", "spam").build());
        MimeMessage msg = MimeMessageBuilder.mimeMessageBuilder().addFrom("news@" + domain).setSubject("x")
                .setText("x").build();
        learn.service(FakeMail.builder().name("b-" + domain).remoteAddr("127.0.0.1").remoteHost("localhost")
                .sender("bounce@" + domain).recipient("demo@portcullis.test").mimeMessage(msg).build());
    }

    @Test
    void spamLearnedOnOneNodeFlagsANewDomainOnTheOther() throws Exception {
        String before = MailClients.token();
        MailClients.sendSmtp(InetAddress.getByName("127.0.0.1"), smtpPort, "bounce@newcomer.test", USER,
                message("newcomer.test", before));
        assertThat(MailClients.headers(mailbox.await("INBOX", before))).doesNotContain("X-Spam-Nameserver")
                .doesNotContain("X-Portcullis-Report");

        for (int i = 1; i <= 5; i++) {
            learnOnNodeB("spam" + i + ".test");
        }
        assertThat(redis.command("ZCARD it:ns:spam:host:ns1.learnhost.test")).isEqualTo(":5"); // RESP integer 5

        String after = MailClients.token();
        MailClients.sendSmtp(InetAddress.getByName("127.0.0.1"), smtpPort, "bounce@newcomer.test", USER,
                message("newcomer.test", after));
        byte[] delivered = mailbox.await("Spam", after);
        assertThat(MailClients.header(delivered, "X-Spam-Nameserver")).isEqualTo("learned");
        assertThat(MailClients.header(delivered, "X-Portcullis-Report")).contains("learned (6.0)")
                .contains("NS ns1.learnhost.test serves 5 spam domains");
        assertThat(mailbox.find("INBOX", after)).isEmpty();
    }

    @Test
    void aDomainOnACleanNameserverIsNotFlagged() throws Exception {
        String token = MailClients.token();
        MailClients.sendSmtp(InetAddress.getByName("127.0.0.1"), smtpPort, "bounce@clean.test", USER,
                message("clean.test", token));
        assertThat(MailClients.headers(mailbox.await("INBOX", token))).doesNotContain("X-Spam-Nameserver");
    }
}
