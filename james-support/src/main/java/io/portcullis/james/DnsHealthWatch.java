package io.portcullis.james;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsEvents;
import io.portcullis.dns.DnsType;
import io.portcullis.log.DecisionLog;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches whether the DNS resolvers answer, so that a resolver that is not there does not silently turn every DNS
 * list into "unknown". It observes every question of the shared DNS client (it sits in front of {@link Metrics} as
 * the client's {@link DnsEvents}) and, every {@link #PERIOD}, judges the questions of the last period:
 *
 * <ul>
 *   <li><b>unreachable</b>: questions went out and no server answered any (network errors such as an ICMP port
 *       unreachable, or timeouts) — a WARN naming the resolvers and {@code dns.servers};</li>
 *   <li><b>degraded</b>: at least {@value #DEGRADED_MIN_QUESTIONS} questions and half or more unanswered — a WARN;</li>
 *   <li><b>answering</b>: otherwise; after one of the above, a WARN that the resolvers answer again.</li>
 * </ul>
 *
 * Only changes are logged. A period without questions tells nothing: then the watch asks one question of its own
 * (a unique name under {@code .invalid}, which a resolver answers NXDOMAIN at once; any response counts), at start
 * and, while the resolvers have not been seen answering, every period; when they answer, at most every
 * {@link #IDLE_PROBE_EVERY}. Each state change, and each period with unanswered questions or SERVFAIL answers, is
 * written to the decision log as a {@code "type": "dns"} line, so {@code report}'s "DNS health" shows the
 * resolver's outage and counts the failed questions.
 *
 * <p>Thread-safe; observer calls are counter increments (never block, never throw).
 */
final class DnsHealthWatch implements DnsEvents {
    static final Duration PERIOD = Duration.ofSeconds(10);
    static final Duration IDLE_PROBE_EVERY = Duration.ofMinutes(5);
    static final int DEGRADED_MIN_QUESTIONS = 4;

    private static final Logger LOGGER = LoggerFactory.getLogger(DnsHealthWatch.class);

    /** What the last judged period showed. */
    enum State {
        UNTESTED("untested"), ANSWERING("resolver-answering"), DEGRADED("resolver-degraded"),
        UNREACHABLE("resolver-unreachable");

        final String event;

        State(String event) {
            this.event = event;
        }
    }

    private final DnsEvents next;
    private final Supplier<List<InetSocketAddress>> servers;
    private final boolean systemServers;
    private final DecisionLog log;
    private final LongAdder sent = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder networkErrors = new LongAdder();
    private final LongAdder servfails = new LongAdder();
    private volatile State state = State.UNTESTED;
    private volatile String lastProbeError = "";
    private long periodsSinceProbe;
    private Runnable probe = () -> { };
    private ScheduledExecutorService timer;

    /**
     * @param next          the observer to pass every event on to (metrics)
     * @param servers       the resolvers asked (for messages)
     * @param systemServers whether they come from the system ({@code dns.servers = system})
     * @param log           where state changes and failures are written ({@code type dns})
     */
    DnsHealthWatch(DnsEvents next, Supplier<List<InetSocketAddress>> servers, boolean systemServers,
            DecisionLog log) {
        this.next = next == null ? DnsEvents.NONE : next;
        this.servers = servers;
        this.systemServers = systemServers;
        this.log = log;
    }

    /** The question the watch asks when a period had none: {@code client.lookup(uniqueName, A)}. */
    synchronized DnsHealthWatch probe(Runnable question) {
        this.probe = question;
        return this;
    }

    /** A unique name under {@code .invalid} (RFC 6761: never delegated; resolvers answer NXDOMAIN). */
    static String probeName() {
        return "portcullis-probe-" + Long.toHexString(System.nanoTime()) + ".invalid.";
    }

    /** The probe's outcome, when it got no response: kept to name the cause in the warning. */
    void probeAnswered(DnsAnswer answer) {
        if (answer != null && (answer.status() == DnsAnswer.Status.TIMEOUT
                || answer.status() == DnsAnswer.Status.ERROR)) {
            lastProbeError = answer.status() + (answer.error().isEmpty() ? "" : " " + answer.error());
        }
    }

    /** Probes now, then judges every {@link #PERIOD} on one daemon thread. */
    synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portcullis-dns-health");
            t.setDaemon(true);
            return t;
        });
        timer.execute(this::runProbe);
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                LOGGER.debug("Portcullis: DNS health check failed", e);
            }
        }, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The state the last period showed. */
    State state() {
        return state;
    }

    /** True while the last judged period had questions and no answer. */
    boolean unreachable() {
        return state == State.UNREACHABLE;
    }

    private void runProbe() {
        periodsSinceProbe = 0;
        try {
            probe.run();
        } catch (RuntimeException e) {
            LOGGER.debug("Portcullis: DNS probe failed", e);
        }
    }

    /** Judges the questions since the last call; logs and records a change. Returns the state. */
    synchronized State check() {
        long q = sent.sumThenReset();
        long a = answered.sumThenReset();
        long t = timeouts.sumThenReset();
        long n = networkErrors.sumThenReset();
        long sf = servfails.sumThenReset();
        long unanswered = t + n;
        periodsSinceProbe++;
        if (unanswered > 0 || sf > 0) {
            Map<String, Object> m = event("questions-unanswered");
            m.put("count", unanswered);
            m.put("questions", q);
            m.put("servfail", sf);
            log.offerEvent("dns", m);
        }
        if (q == 0) {
            long idlePeriods = IDLE_PROBE_EVERY.toMillis() / PERIOD.toMillis();
            if (state != State.ANSWERING || periodsSinceProbe >= idlePeriods) {
                runProbe();
            }
            return state;
        }
        State now = a == 0 ? State.UNREACHABLE
                : q >= DEGRADED_MIN_QUESTIONS && unanswered * 2 >= q ? State.DEGRADED : State.ANSWERING;
        State before = state;
        state = now;
        if (now != before && !(before == State.UNTESTED && now == State.ANSWERING)) {
            changed(before, now, q, a, t, n);
        } else if (before == State.UNTESTED) {
            LOGGER.info("Portcullis: DNS resolver(s) {} answer ({} of {} questions in {} s)", describeServers(), a, q,
                    PERIOD.getSeconds());
        }
        return now;
    }

    private void changed(State before, State now, long q, long a, long t, long n) {
        String servers = describeServers();
        String counts = q + " question(s) in the last " + PERIOD.getSeconds() + " s, " + a + " answered, " + n
                + " network error(s), " + t + " timeout(s)";
        String where = "dns.servers in " + PortcullisRuntime.FILE_NAME + " ("
                + (systemServers ? "system: the resolvers of /etc/resolv.conf" : "now " + servers) + ")";
        switch (now) {
            case UNREACHABLE:
                LOGGER.warn("Portcullis: DNS resolver(s) {} UNREACHABLE: {}{}. Every DNS list and nameserver lookup "
                        + "counts as 'unknown', so nothing is refused or tagged for a listing. Run a recursive "
                        + "resolver there or fix {}", servers, counts,
                        lastProbeError.isEmpty() ? "" : " (probe: " + lastProbeError + ")", where);
                break;
            case DEGRADED:
                LOGGER.warn("Portcullis: DNS resolver(s) {} answer badly: {}. Lookups that get no answer count as "
                        + "'unknown'; check the resolver and {}", servers, counts, where);
                break;
            default:
                LOGGER.warn("Portcullis: DNS resolver(s) {} answer again ({}); DNS lists are back in service",
                        servers, counts);
        }
        Map<String, Object> m = event(now.event);
        m.put("questions", q);
        m.put("answered", a);
        log.offerEvent("dns", m);
        lastProbeError = "";
    }

    private Map<String, Object> event(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", name);
        m.put("resolver", describeServers());
        return m;
    }

    private String describeServers() {
        try {
            return servers.get().stream().map(s -> s.getAddress().getHostAddress() + ":" + s.getPort())
                    .collect(Collectors.joining(", "));
        } catch (RuntimeException e) {
            return "?";
        }
    }

    @Override
    public Question sent(DnsType type) {
        sent.increment();
        Question inner;
        try {
            inner = next.sent(type);
        } catch (RuntimeException e) {
            inner = Question.NONE;
        }
        Question passOn = inner == null ? Question.NONE : inner;
        return (status, response, nanos) -> {
            if (response) {
                answered.increment();
                if (status == DnsAnswer.Status.SERVFAIL) {
                    servfails.increment();
                }
            } else if (status == DnsAnswer.Status.TIMEOUT) {
                timeouts.increment();
            } else {
                networkErrors.increment();
            }
            try {
                passOn.ended(status, response, nanos);
            } catch (RuntimeException e) {
                // an observer never fails a lookup
            }
        };
    }

    @Override
    public void cacheHit() {
        next.cacheHit();
    }

    @Override
    public void refused() {
        next.refused();
    }
}
