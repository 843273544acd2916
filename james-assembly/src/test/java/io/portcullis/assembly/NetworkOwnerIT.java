package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.DroppingUdpProxy;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The network owner check at SMTP time in a real James 3.8.1, against Team Cymru-format zones served by a real Knot
 * (test zone {@code asn.cymru.com}) behind a relay that drops the questions about 127.0.0.9: 127.0.0.2 is in
 * AS64510 (listed, weight 20: over the reject threshold 15), 127.0.0.4 is assigned to BR (listed, weight 12: the
 * tarpit band 10..15), 127.0.0.1 has no route, 127.0.0.9's ASN lookup never answers.
 */
class NetworkOwnerIT {
    private static final String USER = PortcullisServer.DEMO_USER;
    static final int DELAY = 800;
    static final int BUDGET = 400;
    static DroppingUdpProxy relay;

    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("asn.cymru.com"), (james, knot) -> {
        relay = new DroppingUdpProxy(knot.address(), "9.0.0.127.origin.asn.cymru.com");
        return james.smtpHandler().dns(relay.hostPort()).dropSampleLists().properties(
                "dns.timeout-ms = 1000",
                "smtp.budget-ms = " + BUDGET,
                "nameservers.enabled = false",
                "network.asn = 64510*20",
                "network.country = BR*12",
                "smtp.tarpit.delay-ms = " + DELAY,
                "smtp.tarpit.step-ms = 0",
                "smtp.tarpit.max-delay-ms = " + DELAY);
    });

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    /** One transaction; returns {first refusal or end-of-DATA reply, milliseconds per step as text, token}. */
    static String[] send(String client) throws Exception {
        String token = MailClients.token();
        try (SmtpDialog d = SmtpDialog.connect(client, env.smtpPort())) {
            return d.timedTransaction(USER, token);
        }
    }

    @Test
    void clientFromAListedAsnIsRefusedNamingTheAsn() throws Exception {
        String[] r = send("127.0.0.2");
        assertThat(r[0]).startsWith("550").contains("AS64510");
    }

    @Test
    void clientFromAListedCountryIsTarpitted() throws Exception {
        send("127.0.0.1"); // warm up
        String[] clean = send("127.0.0.1");
        String[] slow = send("127.0.0.4");
        System.out.println("NetworkOwnerIT: no route greeting/EHLO/MAIL/RCPT/DATA/body ms " + clean[1]);
        System.out.println("NetworkOwnerIT: BR       greeting/EHLO/MAIL/RCPT/DATA/body ms " + slow[1]);
        assertThat(clean[0]).startsWith("250");
        assertThat(slow[0]).startsWith("250");
        assertThat(SmtpDialog.total(clean[1])).isLessThan(1000);
        assertThat(SmtpDialog.total(slow[1])).isGreaterThanOrEqualTo(3L * (DELAY - 50));
    }

    @Test
    void deadAsnZoneMeansAcceptedWithoutDelayBeyondTheBudget() throws Exception {
        send("127.0.0.1"); // warm up
        String[] r = send("127.0.0.9");
        System.out.println("NetworkOwnerIT: dead zone greeting/EHLO/MAIL/RCPT/DATA/body ms " + r[1]);
        assertThat(r[0]).startsWith("250");
        assertThat(SmtpDialog.total(r[1])).isLessThan(BUDGET + 1000);
        assertThat(relay.questionsDropped()).isPositive();
        assertThat(env.mailbox().await("INBOX", r[2])).as("accepted mail is delivered").isNotNull();
    }
}
