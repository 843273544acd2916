package io.portcullis.james;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.log.Decision;
import io.portcullis.log.DecisionLog;
import io.portcullis.verdict.Finding;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.junit.jupiter.api.Test;

class MetricsTest {
    /** A MetricFactory that counts increments per metric name. */
    static MetricFactory recording(Map<String, Integer> counts) {
        return (MetricFactory) Proxy.newProxyInstance(MetricsTest.class.getClassLoader(),
                new Class<?>[] {MetricFactory.class}, (p, m, args) -> {
                    if (!m.getName().equals("generate")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    String name = (String) args[0];
                    return Proxy.newProxyInstance(MetricsTest.class.getClassLoader(), new Class<?>[] {Metric.class},
                            (p2, m2, a2) -> {
                                if (m2.getName().equals("increment")) {
                                    counts.merge(name, 1, Integer::sum);
                                }
                                return null;
                            });
                });
    }

    @Test
    void decisionsAreCountedPerStageActionAndRefusingRule() {
        Map<String, Integer> counts = new TreeMap<>();
        DecisionLog log = DecisionLog.disabled(new Metrics(recording(counts)));
        log.offer(Decision.of(Decision.RCPT, Decision.REJECT).findings(List.of(
                new Finding("dnsbl", "zen", 20, "listed"), new Finding("headers", "MISSING_DATE", 0, "zero"))));
        log.offer(Decision.of(Decision.DATA, Decision.REJECT).findings(List.of(
                new Finding("headers", "INVALID_DATE", 6, "x"), new Finding("dnsbl", "zen", 9, "listed"))));
        log.offer(Decision.of(Decision.PIPELINE, Decision.TAG).findings(List.of(new Finding("dnsbl", "dyn", 6, "x"))));
        log.offer(Decision.of(Decision.RCPT, Decision.REJECT).observe(true)
                .findings(List.of(new Finding("dnsbl", "barracuda", 15, "x"))));
        assertThat(counts).isEqualTo(new TreeMap<>(Map.of(
                "portcullis_decision_rcpt_reject", 1,
                "portcullis_decision_data_reject", 1,
                "portcullis_decision_pipeline_tag", 1,
                "portcullis_decision_observe_rcpt_reject", 1,
                "portcullis_refused_dnsbl_zen", 2,
                "portcullis_refused_headers_invalid_date", 1)));
    }
}
