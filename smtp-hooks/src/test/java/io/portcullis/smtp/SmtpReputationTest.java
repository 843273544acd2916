package io.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dnsbl.Identity;
import io.portcullis.nameservers.NameserverReport;
import io.portcullis.nameservers.NameserverView;
import io.portcullis.nameservers.NsDelegation;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpReputationTest {
    @Test
    void onlyTheEnvelopeSendersFoundNameserversBecomeEntities() {
        NameserverView view = new NameserverView(List.of(
                new NsDelegation(Identity.MAIL_FROM, "shop.example", NsDelegation.Status.FOUND, "shop.example",
                        List.of("ns1.host.example", "ns2.host.example"), ""),
                new NsDelegation(Identity.HELO, "mx.other.example", NsDelegation.Status.FOUND, "other.example",
                        List.of("ns.other.example"), "")), List.of(), false);
        assertThat(SmtpReputation.senderNameservers(new NameserverReport(view, List.of())))
                .containsExactly("ns1.host.example", "ns2.host.example");
        assertThat(SmtpReputation.senderNameservers(null)).isEmpty();
    }
}
