package io.portcullis.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.HeaderInput;
import io.portcullis.policy.Action;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageEvaluatorTest {
    private static final byte[] NO_DATE = ("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\n"
            + "Subject: hi\r\nMessage-ID: <1@example.com>\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void headerFindingsDecideThroughThePolicy() {
        PortcullisConfig config = PortcullisConfig.parse(Map.of("headers.rule.MISSING_DATE", "6"), "test");
        MessageEvaluator e = new MessageEvaluator(config);
        assertThat(e.config()).isSameAs(config);
        Verdict v = e.evaluate(HeaderInput.of(NO_DATE));
        assertThat(v.findings()).extracting(Finding::rule).containsExactly("MISSING_DATE");
        assertThat(v.score()).isEqualTo(6.0);
        assertThat(v.action()).isEqualTo(Action.TAG);
    }

    @Test
    void withTheHeaderCheckOffThereAreNoFindings() {
        MessageEvaluator e = new MessageEvaluator(PortcullisConfig.parse(Map.of("headers.enabled", "false"), "test"));
        assertThat(e.headerFindings(HeaderInput.of(NO_DATE))).isEmpty();
        assertThat(e.evaluate(HeaderInput.of(NO_DATE)).action()).isEqualTo(Action.ACCEPT);
    }
}
