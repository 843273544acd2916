package io.portcullis.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.HeaderInput;
import io.portcullis.verdict.Action;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void everyCheckIsAskedOnceInOrderAndOnlyFreshCompleteResultsAreToBeAttached() {
        MessageEvaluator e = new MessageEvaluator(PortcullisConfig.defaults());
        List<String> asked = new ArrayList<>();
        MessageEvaluator.Evaluation ev = e.evaluate(check -> {
            asked.add(check);
            Finding f = new Finding(check, "R", 1.0, "");
            switch (check) {
                case "headers":
                    return MessageEvaluator.Result.recorded(List.of(f));
                case "dnsbl":
                    return MessageEvaluator.Result.partial(List.of(f));
                case "nameservers":
                    return MessageEvaluator.Result.complete(List.of(f));
                case "os":
                    return MessageEvaluator.Result.complete(List.of());
                default:
                    return MessageEvaluator.Result.NONE;
            }
        });
        assertThat(asked).containsExactly("headers", "dnsbl", "smtp", "nameservers", "reputation", "network", "os");
        assertThat(asked).isEqualTo(MessageEvaluator.CHECKS);
        assertThat(ev.findings()).extracting(Finding::check).containsExactly("headers", "dnsbl", "nameservers");
        assertThat(ev.toAttach().keySet()).as("ran clean is attached too; recorded and partial are not")
                .containsExactly("nameservers", "os");
        assertThat(e.verdict(ev.findings()).score()).isEqualTo(3.0);
    }
}
