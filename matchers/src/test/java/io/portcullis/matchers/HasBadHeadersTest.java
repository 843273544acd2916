package io.portcullis.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.verdict.Finding;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

class HasBadHeadersTest {
    private static final Finding DATE = new Finding("headers", "MISSING_DATE", 3.0, "no Date header");
    private static final Finding MID = new Finding("headers", "MISSING_MESSAGE_ID", 1.5, "no Message-ID header");
    private static final Finding DNSBL = new Finding("dnsbl", "zen", 10.0, "listed");

    private final AtomicInteger calls = new AtomicInteger();

    private PortcullisRuntime runtime(List<Finding> headerFindings) {
        return PortcullisRuntime.withHeaderCheck(
                PortcullisConfig.parse(Map.of("policy.tag-threshold", "4"), "test.properties"), input -> {
                    calls.incrementAndGet();
                    return headerFindings;
                });
    }

    private static HasBadHeaders matcher(PortcullisRuntime runtime, String condition) throws MessagingException {
        HasBadHeaders m = new HasBadHeaders(runtime);
        m.init(FakeMatcherConfig.builder().matcherName("io.portcullis.matchers.HasBadHeaders").condition(condition)
                .build());
        return m;
    }

    private static FakeMail mail() throws Exception {
        MimeMessage message = new MimeMessage(null, new ByteArrayInputStream(
                "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        return FakeMail.builder().name("m").recipients("a@portcullis.test", "b@portcullis.test")
                .mimeMessage(message).build();
    }

    @Test
    void noConditionMeansTheTagThreshold() throws Exception {
        assertThat(matcher(runtime(List.of(DATE, MID)), null).match(mail())).hasSize(2);
        assertThat(matcher(runtime(List.of(DATE)), null).match(mail())).isEmpty();
        assertThat(matcher(runtime(List.of(DATE)), "").condition().minScore()).isEqualTo(4.0);
    }

    @Test
    void numberIsTheMinimumHeaderScore() throws Exception {
        assertThat(matcher(runtime(List.of(DATE)), "3").match(mail())).hasSize(2);
        assertThat(matcher(runtime(List.of(DATE)), "3.5").match(mail())).isEmpty();
    }

    @Test
    void ruleIdsMatchIfAnyFired() throws Exception {
        assertThat(matcher(runtime(List.of(MID)), "MISSING_DATE, missing_message_id").match(mail())).hasSize(2);
        assertThat(matcher(runtime(List.of(MID)), "MISSING_DATE").match(mail())).isEmpty();
    }

    @Test
    void numberAndRulesMeanEither() throws Exception {
        assertThat(matcher(runtime(List.of(DATE)), "10 MISSING_DATE").match(mail())).hasSize(2);
        assertThat(matcher(runtime(List.of(DATE, MID)), "4,NO_HEADERS").match(mail())).hasSize(2);
        assertThat(matcher(runtime(List.of(MID)), "4,NO_HEADERS").match(mail())).isEmpty();
    }

    @Test
    void cleanMailNeverMatches() throws Exception {
        assertThat(matcher(runtime(List.of()), "0").match(mail())).isEmpty();
    }

    @Test
    void onlyHeaderFindingsCount() throws Exception {
        FakeMail mail = mail();
        MailAttributes.storeFindings(mail, "dnsbl", List.of(DNSBL));
        assertThat(matcher(runtime(List.of()), "1").match(mail)).isEmpty();
    }

    @Test
    void reusesFindingsRecordedEarlier() throws Exception {
        FakeMail mail = mail();
        MailAttributes.storeFindings(mail, "headers", List.of(DATE, MID));
        assertThat(matcher(runtime(List.of()), "4").match(mail)).hasSize(2);
        assertThat(calls).hasValue(0);
    }

    @Test
    void computesOnceAndStoresTheFindings() throws Exception {
        FakeMail mail = mail();
        PortcullisRuntime runtime = runtime(List.of(DATE));
        matcher(runtime, "1").match(mail);
        matcher(runtime, "MISSING_DATE").match(mail);
        assertThat(calls).hasValue(1);
        assertThat(MailAttributes.findings(mail)).containsExactly(DATE);
    }

    @Test
    void unknownRuleFailsAtInitNamingConditionAndToken() {
        assertThatThrownBy(() -> matcher(runtime(List.of()), "5, NO_SUCH_RULE"))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("'5, NO_SUCH_RULE'").hasMessageContaining("'NO_SUCH_RULE'")
                .hasMessageContaining("MISSING_DATE");
    }

    @Test
    void badNumbersFailAtInit() {
        assertThatThrownBy(() -> matcher(runtime(List.of()), "5 6")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("'6'");
        assertThatThrownBy(() -> matcher(runtime(List.of()), "1e999")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("'1e999'");
        assertThatThrownBy(() -> matcher(runtime(List.of()), "5x")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("'5x'");
    }
}
