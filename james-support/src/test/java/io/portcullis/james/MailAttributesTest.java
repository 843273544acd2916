package io.portcullis.james;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.Policy;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.util.List;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

class MailAttributesTest {
    private static final Finding DATE = new Finding("headers", "MISSING_DATE", 3.0, "no Date header");
    private static final Finding LISTED = new Finding("dnsbl", "zen", 4.5, "127.0.0.2", "zen.spamhaus.org");

    @Test
    void roundTripsFindingsAndChecks() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        MailAttributes.storeFindings(mail, "dnsbl", List.of(LISTED));
        MailAttributes.storeFindings(mail, "headers", List.of(DATE));

        assertThat(MailAttributes.findings(mail)).containsExactly(LISTED, DATE);
        assertThat(MailAttributes.checks(mail)).containsExactly("dnsbl", "headers");
    }

    @Test
    void storingACheckAgainReplacesItsFindings() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        MailAttributes.storeFindings(mail, "headers", List.of(DATE));
        MailAttributes.storeFindings(mail, "dnsbl", List.of(LISTED));
        MailAttributes.storeFindings(mail, "headers", List.of());

        assertThat(MailAttributes.findings(mail)).containsExactly(LISTED);
        assertThat(MailAttributes.checks(mail)).containsExactly("headers", "dnsbl");
    }

    @Test
    void everyAttributeIsJsonSerialisable() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        MailAttributes.storeFindings(mail, "headers", List.of(DATE));
        MailAttributes.storeVerdict(mail, Verdict.of(List.of(DATE, LISTED), Policy.DEFAULT));

        for (AttributeName name : List.of(MailAttributes.FINDINGS, MailAttributes.CHECKS, MailAttributes.SCORE,
                MailAttributes.ACTION)) {
            AttributeValue<?> value = mail.getAttribute(name).orElseThrow().getValue();
            // What James's RabbitMQ mail queue does: serialise to JSON, read back.
            assertThat(value.toJson()).as(name.asString()).isPresent();
            AttributeValue<?> back = AttributeValue.fromJson(value.toJson().orElseThrow());
            assertThat(back).as(name.asString()).isEqualTo(value);
        }
        assertThat(MailAttributes.score(mail)).contains(7.5);
        assertThat(MailAttributes.action(mail)).contains("tag");
    }

    @Test
    void ignoresAttributesOfAnUnexpectedShape() throws Exception {
        FakeMail mail = FakeMail.builder().name("m")
                .attribute(new Attribute(MailAttributes.FINDINGS, AttributeValue.of("not a list")))
                .attribute(new Attribute(MailAttributes.CHECKS, AttributeValue.of(42)))
                .build();
        assertThat(MailAttributes.findings(mail)).isEmpty();
        assertThat(MailAttributes.checks(mail)).isEmpty();
    }
}
