package io.portcullis.james;

import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.dnsbl.ListStatus;
import io.portcullis.log.Decision;
import io.portcullis.log.DecisionLog;
import io.portcullis.verdict.Finding;
import java.util.List;
import java.util.Locale;
import org.apache.james.metrics.api.MetricFactory;

/**
 * Portcullis counters in James's {@link MetricFactory} (JMX, and Prometheus through WebAdmin's
 * {@code /metrics} when enabled): {@code portcullis_dnsbl_suspended_<list>} when a list fails its
 * self-test, {@code portcullis_dnsbl_<status>_<list>} per lookup result; per decision (as logged, counted even when
 * the decision log is off or full): {@code portcullis_decision_<stage>_<action>} (observe mode:
 * {@code portcullis_decision_observe_<stage>_<action>}), and for refusals {@code portcullis_refused_<check>_<rule>}
 * per finding (list id, header rule, nameserver source); {@code portcullis_decision_log_dropped} when the log's queue
 * was full. A no-op without a factory.
 */
final class Metrics implements DecisionLog.Listener {
    private final MetricFactory factory;

    Metrics(MetricFactory factory) {
        this.factory = factory;
    }

    void suspended(ListSpec list) {
        if (factory != null) {
            factory.generate("portcullis_dnsbl_suspended_" + list.id()).increment();
        }
    }

    void listed(List<ListResult> results) {
        if (factory == null) {
            return;
        }
        for (ListResult r : results) {
            if (r.status() != ListStatus.CLEAN) {
                factory.generate("portcullis_dnsbl_" + r.status().id() + "_" + r.list().id()).increment();
            }
        }
    }

    boolean counting() {
        return factory != null;
    }

    @Override
    public void decided(Decision d) {
        if (factory == null) {
            return;
        }
        factory.generate("portcullis_decision_" + (d.isObserve() ? "observe_" : "") + d.stage() + "_" + d.action())
                .increment();
        if (!d.isObserve() && (Decision.REJECT.equals(d.action()) || Decision.TEMPFAIL.equals(d.action()))) {
            for (Finding f : d.findings()) {
                if (f.score() > 0) {
                    factory.generate("portcullis_refused_" + name(f.check()) + "_" + name(f.rule())).increment();
                }
            }
        }
    }

    @Override
    public void dropped() {
        if (factory != null) {
            factory.generate("portcullis_decision_log_dropped").increment();
        }
    }

    /** A metric name part: letters, digits and underscores only. */
    private static String name(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }
}
