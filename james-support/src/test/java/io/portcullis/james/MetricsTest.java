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
                    String name = (String) args[0];
                    if (m.getName().equals("timer")) {
                        return new org.apache.james.metrics.api.TimeMetric() {
                            @Override
                            public String name() {
                                return name;
                            }

                            @Override
                            public ExecutionResult stopAndPublish() {
                                counts.merge(name + "(timed)", 1, Integer::sum);
                                return null;
                            }
                        };
                    }
                    if (!m.getName().equals("generate")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
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

    @Test
    void dnsQuestionsAreCountedAndAnswersTimed() {
        Map<String, Integer> counts = new TreeMap<>();
        Metrics metrics = new Metrics(recording(counts));
        metrics.sent(io.portcullis.dns.DnsType.A).ended(io.portcullis.dns.DnsAnswer.Status.ANSWER, true, 1_000_000);
        metrics.sent(io.portcullis.dns.DnsType.A).ended(io.portcullis.dns.DnsAnswer.Status.NXDOMAIN, true, 1_000_000);
        metrics.sent(io.portcullis.dns.DnsType.A).ended(io.portcullis.dns.DnsAnswer.Status.SERVFAIL, true, 1_000_000);
        metrics.sent(io.portcullis.dns.DnsType.PTR).ended(io.portcullis.dns.DnsAnswer.Status.ERROR, true, 1_000_000);
        metrics.sent(io.portcullis.dns.DnsType.A).ended(io.portcullis.dns.DnsAnswer.Status.TIMEOUT, false, 1_000_000);
        metrics.cacheHit();
        metrics.cacheHit();
        metrics.refused();
        metrics.overCap(io.portcullis.dns.DnsRequester.SYSTEM, io.portcullis.dns.DnsPurpose.LIST);
        metrics.overCap(io.portcullis.dns.DnsRequester.SYSTEM, io.portcullis.dns.DnsPurpose.OTHER);
        assertThat(counts).isEqualTo(new TreeMap<>(Map.of(
                "portcullis_dns_question", 5,
                "portcullis_dns_answer(timed)", 4,
                "portcullis_dns_servfail", 1,
                "portcullis_dns_error", 2,
                "portcullis_dns_timeout", 1,
                "portcullis_dns_cache_hit", 2,
                "portcullis_dns_over_cap", 2)));
    }

    @Test
    void gaugesAreRegisteredOnceWhenTheRegistryComesAndNeverThrow() {
        Map<String, org.apache.james.metrics.api.Gauge<?>> registered = new TreeMap<>();
        org.apache.james.metrics.api.GaugeRegistry registry = new org.apache.james.metrics.api.GaugeRegistry() {
            @Override
            public <T> org.apache.james.metrics.api.GaugeRegistry register(String name,
                    org.apache.james.metrics.api.Gauge<T> gauge) {
                if (registered.putIfAbsent(name, gauge) != null) {
                    throw new IllegalArgumentException("A metric named " + name + " already exists");
                }
                return this;
            }

            @Override
            public <T> SettableGauge<T> settableGauge(String name) {
                throw new UnsupportedOperationException();
            }
        };
        Metrics metrics = new Metrics(recording(new TreeMap<>()));
        metrics.gauge("portcullis_before", () -> 7);
        assertThat(registered).isEmpty();
        metrics.registry(registry);
        metrics.gauge("portcullis_after", () -> {
            throw new IllegalStateException("broken supplier");
        });
        metrics.gauge("portcullis_before", () -> 8); // a second handler instance: first one kept
        new Metrics(recording(new TreeMap<>())).gauge("portcullis_before", () -> 9);
        Metrics second = new Metrics(recording(new TreeMap<>()));
        second.gauge("portcullis_before", () -> 9);
        second.registry(registry); // the name is taken: no exception
        assertThat(registered.keySet()).containsExactly("portcullis_after", "portcullis_before");
        assertThat(registered.get("portcullis_before").get()).isEqualTo(7);
        assertThat(registered.get("portcullis_after").get()).isEqualTo(0);
    }
}
