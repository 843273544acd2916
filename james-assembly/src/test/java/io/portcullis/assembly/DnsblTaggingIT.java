package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DNS lists in a real James 3.8.1 (the repository's {@code conf/} without its sample lists, plus two lists served
 * by a real Knot server): clients connect from chosen loopback addresses; 127.0.0.2 is listed, 127.0.0.5 gets Spamhaus's
 * 127.255.255.254 error answer, 127.0.0.1 is clean.
 */
class DnsblTaggingIT {
    private static final String USER = PortcullisServer.DEMO_USER;

    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("bl.test", "errors.test"),
            (james, knot) -> james.dns(knot.hostPort()).dropSampleLists()
                    .properties("dnsbl.list.bl = bl.test=127.0.0.[2..11]*6", "dnsbl.list.errs = errors.test*6"));

    @Test
    void mailFromAListedClientIsTaggedNamingTheList() throws Exception {
        String token = MailClients.token();
        MailClients.sendSmtp(InetAddress.getByName("127.0.0.2"), env.smtpPort(), "alice@example.com", USER,
                MailClients.conformant(token));
        byte[] delivered = env.mailbox().await("Spam", token);
        String report = MailClients.header(delivered, "X-Portcullis-Report");
        assertThat(report).contains("bl (6.0)").contains("client-ip 127.0.0.2 listed in bl.test [127.0.0.2]")
                .contains("Listed: 127.0.0.2 is a test entry");
        assertThat(MailClients.header(delivered, "X-Portcullis-Score")).isEqualTo("6.0");
        assertThat(MailClients.header(delivered, "org.apache.james.spamassassin.status")).startsWith("Yes, score=6.0");
        assertThat(env.mailbox().find("INBOX", token)).isEmpty();
        // The pipeline's decision line for it (no SMTP handler here: the Tag mailet decides).
        assertThat(env.awaitDecision(JamesLog.field("stage", "pipeline"), "<" + token + "@mail.example.com>"))
                .contains(JamesLog.field("action", "tag")).contains(JamesLog.field("rule", "bl"))
                .contains(JamesLog.field("client", "127.0.0.2"));
    }

    @Test
    void errorAnswer127_255_255_254IsNeverAListing() throws Exception {
        String token = MailClients.token();
        MailClients.sendSmtp(InetAddress.getByName("127.0.0.5"), env.smtpPort(), "alice@example.com", USER,
                MailClients.conformant(token));
        byte[] delivered = env.mailbox().await("INBOX", token);
        assertThat(MailClients.headers(delivered)).doesNotContain("X-Portcullis").doesNotContain("spamassassin");
        assertThat(env.mailbox().find("Spam", token)).isEmpty();
    }

    @Test
    void cleanClientIsNotTagged() throws Exception {
        String token = MailClients.token();
        MailClients.sendSmtp(InetAddress.getByName("127.0.0.1"), env.smtpPort(), "alice@example.com", USER,
                MailClients.conformant(token));
        byte[] delivered = env.mailbox().await("INBOX", token);
        assertThat(MailClients.headers(delivered)).doesNotContain("X-Portcullis");
    }
}
