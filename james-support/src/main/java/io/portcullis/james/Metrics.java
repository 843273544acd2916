package io.portcullis.james;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsEvents;
import io.portcullis.dns.DnsPurpose;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsType;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.dnsbl.ListStatus;
import io.portcullis.log.Decision;
import io.portcullis.log.DecisionLog;
import io.portcullis.verdict.Finding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portcullis metrics in James's {@link MetricFactory} and {@link GaugeRegistry} (JMX, and Prometheus through
 * WebAdmin's {@code GET /metrics} when enabled). A no-op without a factory (tests, offline tools).
 *
 * <p>Counters:
 * <ul>
 *   <li>{@code portcullis_decision_<stage>_<action>} per decision as logged (counted even when the decision log is off
 *       or full); observe mode: {@code portcullis_decision_observe_<stage>_<action>};</li>
 *   <li>{@code portcullis_refused_<check>_<rule>} per finding of a refusal (list id, header rule, nameserver
 *       source);</li>
 *   <li>{@code portcullis_dnsbl_<status>_<list>} per lookup result other than clean (pipeline), and
 *       {@code portcullis_dnsbl_suspended_<list>} when a list fails its self-test;</li>
 *   <li>{@code portcullis_decision_log_dropped}: decisions not logged because the log's queue was full;</li>
 *   <li>network owner: {@code portcullis_network_lookup} (every lookup), {@code portcullis_network_cache_hit} (answered
 *       from the prefix cache or a local database), {@code portcullis_network_unknown} (failures: timeout, SERVFAIL,
 *       garbled answer, suspended zone), {@code portcullis_network_not_found} (no route known),
 *       {@code portcullis_network_suspended} (a zone failed its self-test);</li>
 *   <li>OS fingerprint: {@code portcullis_os_query} (every p0f lookup), {@code portcullis_os_no_match} (p0f has no
 *       record of the client), {@code portcullis_os_error} (no answer: p0f down, timeout, over the in-flight cap);</li>
 *   <li>DNS client: {@code portcullis_dns_question} (questions sent to a server), {@code portcullis_dns_cache_hit}
 *       (answered from the cache or joined to the same question in flight), {@code portcullis_dns_timeout} (no
 *       answer within {@code dns.timeout-ms}), {@code portcullis_dns_servfail}, {@code portcullis_dns_error}
 *       (another response code such as REFUSED, a transport failure, an invalid name),
 *       {@code portcullis_dns_over_cap} (a lookup refused for capacity, never sent: over {@code dns.max-in-flight},
 *       the client network's {@code dns.max-in-flight-per-client}, or the part not {@code dns.reserved-for-lists}
 *       for a non-list question).</li>
 *   <li>reputation and greylisting (counted by {@link ReputationService}, which also keeps them per instance):
 *       {@code portcullis_reputation_learned_<outcome>} (transactions learned: {@code refused}, {@code tagged},
 *       {@code clean}, {@code spam}, {@code ham}), {@code portcullis_greylist_first_attempt} (a triplet's first attempt
 *       answered 451), {@code portcullis_greylist_early_retry} (a retry before the delay, 451 again),
 *       {@code portcullis_greylist_passed} (a retry in the window passed; the network is remembered),
 *       {@code portcullis_greylist_remembered_pass} (in the greylist band, passed at once: the network passed
 *       before);</li>
 *   <li>{@code portcullis_tarpit_remember_failed}: addresses the {@code Tarpit} mailet could not remember (the
 *       tarpit store failed or was unavailable).</li>
 * </ul>
 *
 * <p>Timer: {@code portcullis_dns_answer}, the time from a question sent to its server's answer (any response code;
 * timeouts are not in it). In Prometheus a summary: {@code portcullis_dns_answer_count}, quantiles in seconds.
 *
 * <p>Gauges (values read when scraped): {@code portcullis_dns_in_flight} (questions waiting for an answer),
 * {@code portcullis_decision_log_queue} (decisions waiting for the log writer), and from the SMTP handler
 * {@code portcullis_tarpit_connections} (connections tarpitted now) and {@code portcullis_smtp_paused_connections}
 * (connections whose reads are paused now: by the tarpit or while waiting for DNS lookups).
 */
final class Metrics implements DecisionLog.Listener, DnsEvents {
    private static final Logger LOGGER = LoggerFactory.getLogger(Metrics.class);

    private final MetricFactory factory;
    /** Gauges asked for so far (registered again if the registry comes later); guarded by {@code this}. */
    private final Map<String, Supplier<? extends Number>> gauges = new LinkedHashMap<>();
    private GaugeRegistry registry;

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

    /** One network owner lookup: counted, with its outcome when not found (failures: unknown). */
    void networkLookup(io.portcullis.network.NetworkReport r, boolean cached) {
        if (factory == null) {
            return;
        }
        factory.generate("portcullis_network_lookup").increment();
        if (cached) {
            factory.generate("portcullis_network_cache_hit").increment();
        }
        if (r.status() == io.portcullis.network.NetworkReport.Status.UNKNOWN) {
            factory.generate("portcullis_network_unknown").increment();
        } else if (r.status() == io.portcullis.network.NetworkReport.Status.NOT_FOUND) {
            factory.generate("portcullis_network_not_found").increment();
        }
    }

    /** One p0f lookup (OS fingerprint): counted, with its outcome when p0f had no record or gave no answer. */
    void osLookup(io.portcullis.os.OsReport r, long nanos) {
        if (factory == null) {
            return;
        }
        factory.generate("portcullis_os_query").increment();
        if (r.status() == io.portcullis.os.OsReport.Status.NO_MATCH) {
            factory.generate("portcullis_os_no_match").increment();
        } else if (r.status() == io.portcullis.os.OsReport.Status.UNKNOWN) {
            factory.generate("portcullis_os_error").increment();
        }
    }

    void networkSuspended() {
        count("portcullis_network_suspended");
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

    void count(String name) {
        if (factory != null) {
            factory.generate(name).increment();
        }
    }

    @Override
    public Question sent(DnsType type) {
        if (factory == null) {
            return Question.NONE;
        }
        factory.generate("portcullis_dns_question").increment();
        TimeMetric timer = factory.timer("portcullis_dns_answer");
        return (status, response, nanos) -> {
            if (response) {
                timer.stopAndPublish();
            }
            if (status == DnsAnswer.Status.TIMEOUT) {
                count("portcullis_dns_timeout");
            } else if (status == DnsAnswer.Status.SERVFAIL) {
                count("portcullis_dns_servfail");
            } else if (status == DnsAnswer.Status.ERROR) {
                count("portcullis_dns_error");
            }
        };
    }

    @Override
    public void cacheHit() {
        count("portcullis_dns_cache_hit");
    }

    @Override
    public void refused() {
        count("portcullis_dns_error");
    }

    @Override
    public void overCap(DnsRequester requester, DnsPurpose purpose) {
        count("portcullis_dns_over_cap");
    }

    /**
     * A gauge named {@code name} reading {@code value} when scraped (a failing supplier reads 0). Registered now if
     * James's registry is known, else when it comes ({@link #registry}); a name is registered once.
     */
    synchronized void gauge(String name, Supplier<? extends Number> value) {
        if (gauges.putIfAbsent(name, value) == null && registry != null) {
            register(name, value);
        }
    }

    /** James's gauge registry: registers the gauges asked for so far, and later ones at once. */
    synchronized void registry(GaugeRegistry gaugeRegistry) {
        if (gaugeRegistry == null || registry != null) {
            return;
        }
        registry = gaugeRegistry;
        gauges.forEach(this::register);
    }

    private void register(String name, Supplier<? extends Number> value) {
        try {
            registry.register(name, () -> {
                try {
                    Number n = value.get();
                    return n == null ? 0 : n;
                } catch (RuntimeException e) {
                    return 0;
                }
            });
        } catch (RuntimeException e) {
            // DropWizard refuses a name registered before (e.g. a second runtime in the same James)
            LOGGER.debug("Portcullis: gauge {} not registered", name, e);
        }
    }

    /** A metric name part: letters, digits and underscores only. */
    private static String name(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }
}
