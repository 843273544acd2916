package io.portcullis.james;

import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.dnsbl.ListStatus;
import java.util.List;
import org.apache.james.metrics.api.MetricFactory;

/**
 * Portcullis counters in James's {@link MetricFactory} (JMX, and Prometheus through WebAdmin's
 * {@code /metrics} when enabled): {@code portcullis_dnsbl_suspended_<list>} when a list fails its
 * self-test, {@code portcullis_dnsbl_<status>_<list>} per lookup result. A no-op without a factory.
 */
final class Metrics {
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
}
