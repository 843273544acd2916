package io.portcullis.james;

import io.portcullis.config.ConfigException;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderInput;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.network.NetworkEngine;
import io.portcullis.verdict.Finding;
import io.portcullis.decision.MessageEvaluator;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import com.google.inject.Injector;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.DnsblEngine;
import io.portcullis.dnsbl.ListHealth;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListSpec;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state Portcullis shares between all its matchers, mailets and SMTP hooks inside one James: the
 * configuration (read once from {@code portcullis.properties} in James's configuration directory) and the
 * evaluator built from it.
 *
 * <p>One instance per James server: bound as an eager singleton by {@link PortcullisModule} when that
 * module is listed in {@code conf/extensions.properties}, and otherwise created just in time by Guice
 * (the class is {@code @Singleton} with an {@code @Inject} constructor), so adapters work either way.
 *
 * <p>A missing {@code portcullis.properties} means defaults (logged once). A bad value throws a
 * {@link ConfigException} naming the file, the key and the value, which stops James at startup.
 *
 * <p>Thread-safe and immutable.
 */
@Singleton
public class PortcullisRuntime {
    /** Name of the Portcullis configuration file inside James's configuration directory. */
    public static final String FILE_NAME = "portcullis.properties";

    private static final Logger LOGGER = LoggerFactory.getLogger(PortcullisRuntime.class);

    private final PortcullisConfig config;
    private final MessageEvaluator evaluator;
    private final Function<HeaderInput, List<Finding>> headerCheck;
    private final Metrics metrics;
    /** Null when no DNS-based check is configured: no thread, socket or timer is started then. */
    private final DnsjavaClient dns;
    private final DnsblEngine dnsbl;
    /** The shared spam nameservers check (and its state store); null when nameservers.enabled is false. */
    private final NameserverService nameservers;
    /** Sender reputation and the greylist (store opened on first use). */
    private final ReputationService reputation;
    /** The network owner check; created at boot when a network policy scores, else on first use; null when off. */
    private volatile NetworkEngine network;
    /** The OS fingerprint check (p0f); created at boot when an os.* policy scores, else on first use; null when off. */
    private volatile io.portcullis.os.OsEngine os;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The decision log ({@code log.*}); {@link io.portcullis.log.DecisionLog#DISABLED} when off. */
    private final io.portcullis.log.DecisionLog decisionLog;
    /** Whether the resolvers answer (warns when they do not); null without a DNS client. */
    private final DnsHealthWatch dnsHealth;
    /** Warns when every client is exempt by James's authorised networks. */
    private final ExemptClients exemptClients = new ExemptClients();

    /** Guice entry point: locates {@code portcullis.properties} the way James locates its own files. */
    @Inject
    public PortcullisRuntime(FileSystem fileSystem, Configuration.ConfigurationPath configurationPath,
            MetricFactory metricFactory, Injector injector) {
        this(loadFromJames(fileSystem, configurationPath), null, new Metrics(metricFactory),
                workingDirectory(fileSystem));
        closeWhenJamesStops(injector);
        ExemptClients.startupNote(readQuietly(fileSystem, configurationPath.asString() + "smtpserver.xml"));
    }

    /** A James configuration file as text, or null when it cannot be read. */
    private static String readQuietly(FileSystem fileSystem, String url) {
        try (InputStream in = fileSystem.getResource(url)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** As the Guice entry point, without registering for James's shutdown (tests; call {@link #close()}). */
    public PortcullisRuntime(FileSystem fileSystem, Configuration.ConfigurationPath configurationPath,
            MetricFactory metricFactory) {
        this(loadFromJames(fileSystem, configurationPath), null, new Metrics(metricFactory),
                workingDirectory(fileSystem));
    }

    /** Closes this runtime when James stops (see {@link JamesShutdown}). */
    private void closeWhenJamesStops(Injector injector) {
        JamesShutdown.register(injector, this::close, "portcullis-close");
    }

    /** A runtime for an already-loaded configuration (tests, tools); a relative store.directory is taken from the process's directory. */
    public PortcullisRuntime(PortcullisConfig config) {
        this(config, null, new Metrics(null), null);
    }

    /** A runtime whose relative {@code store.directory} is resolved against {@code workingDirectory} (tests, tools). */
    public PortcullisRuntime(PortcullisConfig config, Path workingDirectory) {
        this(config, null, new Metrics(null), workingDirectory);
    }

    private PortcullisRuntime(PortcullisConfig config, Function<HeaderInput, List<Finding>> headerCheck,
            Metrics metrics) {
        this(config, headerCheck, metrics, null);
    }

    private PortcullisRuntime(PortcullisConfig config, Function<HeaderInput, List<Finding>> headerCheck,
            Metrics metrics, Path workingDirectory) {
        this.config = Objects.requireNonNull(config, "config");
        this.evaluator = new MessageEvaluator(config);
        this.headerCheck = headerCheck == null ? evaluator::headerFindings : headerCheck;
        this.metrics = metrics;
        this.decisionLog = openDecisionLog(config, workingDirectory, metrics);
        boolean dnsblOn = config.dnsbl().enabled() && !config.dnsbl().lists().isEmpty();
        boolean nameserversOn = config.nameservers().enabled();
        boolean networkOn = config.network().scoresAnything();
        // One DNS client for every DNS-based check, created when any of them is on (reputation verifies a sender's
        // domain through DNS: the forward-confirmed reverse name, SPF).
        boolean reputationOn = config.reputation().enabled();
        DnsjavaClient client = dnsblOn || nameserversOn || networkOn || reputationOn ? new DnsjavaClient(config.dns())
                : null;
        if (client != null) {
            warnAboutPublicResolvers(config);
            this.dnsHealth = new DnsHealthWatch(metrics, config.dns()::servers, config.dns().usesSystemServers(),
                    decisionLog);
            client.events(dnsHealth);
            dnsHealth.probe(() -> client.lookup(DnsHealthWatch.probeName(), io.portcullis.dns.DnsType.A)
                    .thenAccept(dnsHealth::probeAnswered));
            metrics.gauge("portcullis_dns_in_flight", client::inFlight);
        } else {
            this.dnsHealth = null;
        }
        metrics.gauge("portcullis_decision_log_queue", decisionLog::pending);
        this.nameservers = nameserversOn
                ? NameserverService.start(config, client, workingDirectory, new SuspensionLog(metrics, decisionLog))
                : null;
        if (dnsHealth != null) {
            dnsHealth.start();
        }
        this.reputation = new ReputationService(config, nameservers, workingDirectory, java.time.Clock.systemUTC(),
                metrics);
        if (workingDirectory != null) {
            // In James: open the store at start (tests and tools without a working directory open it on first use).
            this.reputation.openNow();
        }
        if (dnsblOn) {
            this.dns = client;
            this.dnsbl = new DnsblEngine(dns, config.dnsbl(), new SuspensionLog(metrics, decisionLog));
            this.dnsbl.start();
            LOGGER.info("Portcullis: DNS lists {} via {}", config.dnsbl().lists(), config.dns().usesSystemServers()
                    ? "the system's resolvers " + config.dns().servers() : config.dns().servers());
        } else {
            this.dns = client;
            this.dnsbl = null;
        }
        if (config.os().scoresAnything()) {
            this.os = startOs();
        }
        if (networkOn) {
            this.network = startNetwork(client);
            LOGGER.info("Portcullis: network owner check {} via {}", config.network().rules(),
                    config.network().mmdbFiles().isEmpty() ? "zone " + config.network().originZone() + "/"
                            + config.network().origin6Zone() : "files " + config.network().mmdbFiles() + " and zone "
                            + config.network().originZone() + "/" + config.network().origin6Zone());
        }
    }

    /** The OS fingerprint check's p0f client (its thread; no connection until the first lookup). */
    private io.portcullis.os.OsEngine startOs() {
        io.portcullis.os.OsSettings s = config.os();
        io.portcullis.os.OsEngine engine = new io.portcullis.os.OsEngine(s, metrics::osLookup);
        String why;
        try {
            why = engine.client() == null ? "netty's native transport cannot be loaded"
                    : io.portcullis.os.P0fClient.transportUnavailability();
        } catch (LinkageError e) {
            why = e.toString();
        }
        if (why != null) {
            LOGGER.error("Portcullis: os.enabled is true but Unix sockets are not available ({}): the OS fingerprint "
                    + "check gives no findings", why);
        } else {
            LOGGER.info("Portcullis: OS fingerprint check via p0f at {} ({})", s.socket(), s.rules());
        }
        return engine;
    }

    /** The network engine on {@code client}, its databases opened and its self-test started. */
    private NetworkEngine startNetwork(DnsjavaClient client) {
        io.portcullis.network.NetworkSettings ns = config.network();
        NetworkEngine engine = new NetworkEngine(client, ns, io.portcullis.network.MmdbSource.open(ns.mmdbFiles(),
                w -> LOGGER.warn("Portcullis: {}", w), ns.mmdbCheckInterval()), new NetworkLog(metrics, decisionLog));
        engine.start();
        return engine;
    }

    /**
     * The decision log in {@code log.directory} (resolved against James's working directory); disabled when
     * {@code log.enabled} is false, or when the directory is relative and no working directory is known (tests).
     */
    private static io.portcullis.log.DecisionLog openDecisionLog(PortcullisConfig config, Path workingDirectory,
            Metrics metrics) {
        io.portcullis.config.LogSettings ls = config.log();
        if (!ls.enabled || (workingDirectory == null && !ls.directory.isAbsolute())) {
            return metrics.counting() ? io.portcullis.log.DecisionLog.disabled(metrics)
                    : io.portcullis.log.DecisionLog.DISABLED;
        }
        Path dir = ls.resolvedDirectory(workingDirectory);
        String node = ls.node != null ? ls.node : io.portcullis.log.LocalNode.name();
        LOGGER.info("Portcullis: decision log in {} (node {}, {} days kept, queue {})", dir, node, ls.retentionDays,
                ls.queueSize);
        return io.portcullis.log.DecisionLog.open(dir, node, ls.queueSize, ls.retentionDays,
                java.time.Clock.systemUTC()).listener(metrics.counting() ? metrics : null);
    }

    /**
     * James's gauge registry (Prometheus {@code /metrics}), injected by Guice after construction; optional, so a
     * James without one still starts. Registers the Portcullis gauges (see {@link Metrics}).
     */
    @com.google.inject.Inject(optional = true)
    void gaugeRegistry(org.apache.james.metrics.api.GaugeRegistry registry) {
        metrics.registry(registry);
    }

    /** A gauge in James's metrics (read when scraped; never throws); nothing outside James. */
    public void gauge(String name, java.util.function.Supplier<? extends Number> value) {
        metrics.gauge(name, value);
    }

    /** Adds one to a counter in James's metrics (never throws); nothing outside James. */
    public void increment(String counter) {
        metrics.count(counter);
    }

    /** The decision log (never null; {@code enabled()} false when off). Offer decisions: it never blocks. */
    public io.portcullis.log.DecisionLog decisionLog() {
        return decisionLog;
    }

    private static Path workingDirectory(FileSystem fileSystem) {
        try {
            return fileSystem.getBasedir().toPath().toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The shared spam nameservers check, or null when {@code nameservers.enabled} is false. */
    public NameserverService nameservers() {
        return nameservers;
    }

    /** Sender reputation and the greylist (never null; see {@link ReputationService#enabled()}). */
    public ReputationService reputation() {
        return reputation;
    }

    /**
     * The owner report of a client address when the network owner check runs (for the reputation of its AS); null
     * when the check is not running.
     */
    public CompletableFuture<io.portcullis.network.NetworkReport> networkReport(java.net.InetAddress client) {
        NetworkEngine n = network;
        if (client == null || n == null) {
            return CompletableFuture.completedFuture(null);
        }
        return n.lookup(client).exceptionally(e -> null);
    }

    /**
     * Stops what the runtime started: the lists' self-test timers, the state store (journal forced to disk,
     * lock released; Redis connection closed) and the DNS client. Called by James when it stops (James runs
     * the {@code @PreDestroy} methods of the objects its injectors created); idempotent, never throws.
     */
    @PreDestroy
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (nameservers != null) {
            nameservers.close();
        }
        if (dnsHealth != null) {
            dnsHealth.close();
        }
        reputation.close();
        decisionLog.close();
        NetworkEngine n = network;
        if (n != null) {
            n.close();
        }
        io.portcullis.os.OsEngine o = os;
        if (o != null) {
            o.close();
        }
        if (dnsbl != null) {
            try {
                dnsbl.close();
            } catch (RuntimeException e) {
                LOGGER.debug("Portcullis: closing the DNS lists", e);
            }
        }
        DnsjavaClient[] clients = {dns, adHocDns};
        for (DnsjavaClient c : clients) {
            if (c != null) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    LOGGER.debug("Portcullis: closing the DNS client", e);
                }
            }
        }
    }

    private static void warnAboutPublicResolvers(PortcullisConfig config) {
        for (InetSocketAddress pub : config.dns().publicResolvers()) {
            LOGGER.warn("Portcullis: DNS resolver {} is a public resolver: most DNS lists refuse its queries "
                    + "(Spamhaus answers 127.255.255.254, reported as 'blocked', never as a listing). Run a local "
                    + "recursive resolver and set dns.servers in {}", pub, FILE_NAME);
        }
    }

    /** A runtime whose header check is replaced, for tests of the adapters. */
    public static PortcullisRuntime withHeaderCheck(PortcullisConfig config,
            Function<HeaderInput, List<Finding>> headerCheck) {
        return new PortcullisRuntime(config, Objects.requireNonNull(headerCheck, "headerCheck"), new Metrics(null));
    }

    public PortcullisConfig config() {
        return config;
    }

    public MessageEvaluator evaluator() {
        return evaluator;
    }

    /**
     * The enforced findings of the mail: {@link #allFindings} without those of checks, lists and rules in observe
     * mode ({@code *.mode} keys). Matchers act on these only, so an observed check never changes where mail goes.
     */
    public List<Finding> findings(Mail mail) {
        return config.modes().enforced(allFindings(mail));
    }

    /**
     * All findings recorded on the mail (observed ones included), running the header check first if no earlier
     * stage recorded it (attribute {@value MailAttributes#CHECKS_NAME} lacks {@code headers}). The header findings
     * are stored back on the mail, so later matchers and mailets do not repeat the work. Never throws: a message
     * that cannot be read gives no header findings (logged).
     */
    public List<Finding> allFindings(Mail mail) {
        exemptClients.seen(mail);
        java.util.Set<String> recorded = MailAttributes.checks(mail);
        List<Finding> stored = MailAttributes.findings(mail);
        MessageEvaluator.Evaluation e = evaluator.evaluate(check -> recorded.contains(check)
                ? MessageEvaluator.Result.recorded(ofCheck(stored, check)) : runNow(check, mail));
        e.toAttach().forEach((check, findings) -> MailAttributes.storeFindings(mail, check, findings));
        // The mail's record, in the order its checks were attached (an earlier stage's first).
        return MailAttributes.findings(mail);
    }

    private static List<Finding> ofCheck(List<Finding> findings, String check) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            if (f.check().equals(check)) {
                out.add(f);
            }
        }
        return out;
    }

    /** One check of the mail run now, on the spooler thread (within its budget); the SMTP-only checks have none. */
    private MessageEvaluator.Result runNow(String check, Mail mail) {
        switch (check) {
            case HeaderChecker.CHECK:
                try {
                    return MessageEvaluator.Result.complete(headerCheck.apply(MailHeaderInputs.from(mail)));
                } catch (RuntimeException ex) {
                    LOGGER.warn("Portcullis: header check failed on mail {}; treating it as neutral", safeName(mail),
                            ex);
                    return MessageEvaluator.Result.complete(List.of());
                }
            case DnsblChecker.CHECK:
                if (dnsbl == null) {
                    return MessageEvaluator.Result.NONE;
                }
                List<ListResult> results = await(dnsbl.check(MailTargets.of(mail, config.dnsbl())), mail);
                MailAttributes.storeListsUnknown(mail, listsUnknown(results));
                metrics.listed(results);
                return MessageEvaluator.Result.complete(DnsblChecker.findings(results));
            case NameserverChecker.CHECK:
                return nameservers == null ? MessageEvaluator.Result.NONE
                        : MessageEvaluator.Result.complete(nameservers.findings(mail));
            case NetworkEngine.CHECK:
                return config.network().scoresAnything() ? MessageEvaluator.Result.complete(networkFindings(mail))
                        : MessageEvaluator.Result.NONE;
            case io.portcullis.os.OsEngine.CHECK:
                if (!config.os().scoresAnything()) {
                    return MessageEvaluator.Result.NONE;
                }
                io.portcullis.os.OsEngine o = os();
                io.portcullis.os.OsReport r = osReport(mail);
                return MessageEvaluator.Result.complete(o == null || r == null ? List.of() : o.findings(r));
            default:
                return MessageEvaluator.Result.NONE;
        }
    }

    // --- OS fingerprint (p0f) --------------------------------------------------------------------------------------

    /**
     * The OS fingerprint check: {@code lookup(InetAddress)} asks p0f, {@code findings(report)} gives the configured
     * policies' findings. Null when {@code os.enabled} is false. Created at boot when an {@code os.*} policy scores;
     * otherwise (a {@code FromOperatingSystem} matcher with its own patterns) on first use.
     */
    public io.portcullis.os.OsEngine os() {
        io.portcullis.os.OsEngine o = os;
        if (o != null || !config.os().enabled() || closed.get()) {
            return o;
        }
        synchronized (this) {
            if (os == null) {
                os = startOs();
            }
            return os;
        }
    }

    /**
     * The SMTP connect-time call: the OS fingerprint findings of a client address (start it at connect, beside the
     * DNS lookups; never blocks). Completes at once with an empty list when the address is null, {@code os.enabled}
     * is false or no {@code os.*} policy is configured; p0f down, slow or without a record of the client gives an
     * empty list within {@code os.timeout-ms}. Never completes exceptionally. At end of DATA, store the result with
     * {@code MailAttributes.storeFindings(mail, OsEngine.CHECK, findings)} so the pipeline does not ask again.
     */
    public CompletableFuture<List<Finding>> osFindings(java.net.InetAddress client) {
        if (client == null || !config.os().scoresAnything()) {
            return CompletableFuture.completedFuture(List.of());
        }
        io.portcullis.os.OsEngine o = os();
        return o == null ? CompletableFuture.completedFuture(List.of()) : o.clientFindings(client);
    }

    /**
     * What p0f says about the mail's SMTP client, asked now (the spooler thread waits at most {@code os.timeout-ms});
     * null when the check is off or the mail has no client to judge (authenticated, authorised network, made by a
     * mailet). Only the direct client: p0f saw no other SYN. Never throws.
     */
    public io.portcullis.os.OsReport osReport(Mail mail) {
        io.portcullis.os.OsEngine o = os();
        if (o == null || MailTargets.relayAllowed(mail)) {
            return null;
        }
        java.net.InetAddress client = MailTargets.ipLiteral(mail.getRemoteAddr()).orElse(null);
        if (client == null) {
            return null;
        }
        try {
            return o.lookup(client).get(config.os().timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOGGER.debug("Portcullis: p0f lookup for mail {} failed", safeName(mail), e);
        }
        return io.portcullis.os.OsReport.unknown(client, "no answer from p0f", 0);
    }

    // --- network owner -------------------------------------------------------------------------------------------

    /**
     * The network owner check: {@code lookup(InetAddress)} gives the owner of an address (cached by prefix),
     * {@code findings(report)} the configured policies' findings. Null when {@code network.enabled} is false.
     * Created at boot when a network policy scores; otherwise (a {@code FromNetwork} matcher asking about ASNs or
     * countries without any policy) on first use.
     */
    public NetworkEngine network() {
        NetworkEngine n = network;
        if (n != null || !config.network().enabled() || closed.get()) {
            return n;
        }
        synchronized (this) {
            if (network == null) {
                network = startNetwork(adHocDns());
            }
            return network;
        }
    }

    /**
     * The SMTP connect-time call: the network findings of a client address (start it at connect, beside the lists;
     * never blocks). Completes at once with an empty list when the address is null, {@code network.enabled} is false
     * or no network policy is configured; an unknown owner (timeout, SERVFAIL, suspended zone) gives an empty list.
     * Never completes exceptionally. At end of DATA, store the result with
     * {@code MailAttributes.storeFindings(mail, NetworkEngine.CHECK, findings)} so the pipeline does not ask again.
     */
    public CompletableFuture<List<Finding>> networkFindings(java.net.InetAddress client) {
        if (client == null || !config.network().scoresAnything()) {
            return CompletableFuture.completedFuture(List.of());
        }
        NetworkEngine n = network();
        return n == null ? CompletableFuture.completedFuture(List.of()) : n.clientFindings(client);
    }

    /**
     * The network owners of the mail's client address and (when the client is a trusted relay, as for the lists) of
     * the first untrusted Received hop: read from attribute {@value MailAttributes#NETWORK_NAME} when an earlier stage
     * stored them, else looked up now (within the DNS budget) and stored. Empty when the check is off or the mail has
     * no client to judge (authenticated, authorised network, made by a mailet). Never throws.
     */
    public List<MailAttributes.NetworkOwner> networkOwners(Mail mail) {
        if (MailAttributes.hasNetwork(mail)) {
            return MailAttributes.network(mail);
        }
        NetworkEngine n = network();
        if (n == null) {
            return List.of();
        }
        List<MailAttributes.NetworkOwner> out = new ArrayList<>();
        try {
            io.portcullis.dnsbl.DnsblTargets targets = MailTargets.of(mail, config.dnsbl());
            List<String> ids = new ArrayList<>();
            List<java.net.InetAddress> addresses = new ArrayList<>();
            List<CompletableFuture<io.portcullis.network.NetworkReport>> pending = new ArrayList<>();
            for (Map.Entry<io.portcullis.dnsbl.Identity, java.net.InetAddress> e : targets.addresses().entrySet()) {
                ids.add(e.getKey().id());
                addresses.add(e.getValue());
                pending.add(n.lookup(e.getValue()));
            }
            long deadline = System.nanoTime() + config.dns().budget().toNanos();
            for (int i = 0; i < pending.size(); i++) {
                io.portcullis.network.NetworkReport r;
                try {
                    r = pending.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    r = io.portcullis.network.NetworkReport.unknown(addresses.get(i), "",
                            "no answer within dns.budget-ms");
                }
                out.add(new MailAttributes.NetworkOwner(ids.get(i), r));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: network owner lookup failed for mail {}; treating it as unknown", safeName(mail),
                    e);
        }
        MailAttributes.storeNetwork(mail, out);
        return out;
    }

    /** The policies' findings for the mail's network owners (see {@link #networkOwners}). */
    private List<Finding> networkFindings(Mail mail) {
        NetworkEngine n = network();
        if (n == null) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        for (MailAttributes.NetworkOwner o : networkOwners(mail)) {
            out.addAll(n.findings(o.report(), o.identity()));
        }
        return out;
    }

    /** Counts lookups and failures; logs self-test state changes loudly. */
    private static final class NetworkLog implements NetworkEngine.Listener {
        private final Metrics metrics;
        private final io.portcullis.log.DecisionLog log;

        NetworkLog(Metrics metrics, io.portcullis.log.DecisionLog log) {
            this.metrics = metrics;
            this.log = log;
        }

        @Override
        public void looked(io.portcullis.network.NetworkReport report, boolean cached) {
            metrics.networkLookup(report, cached);
        }

        private void event(String event, String zone, String why) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("event", event);
            m.put("list", "network:" + zone);
            m.put("zone", zone);
            if (why != null) {
                m.put("why", io.portcullis.json.Text.headerSafe(why, 200));
            }
            log.offerEvent("dns", m);
        }

        @Override
        public void suspended(String zone, String why) {
            LOGGER.error("Portcullis: network owner zone {} SUSPENDED by its self-test: {}. Its lookups count as "
                    + "'unknown' until a later self-test passes.", zone, why);
            metrics.networkSuspended();
            event("suspended", zone, why);
        }

        @Override
        public void resumed(String zone) {
            LOGGER.warn("Portcullis: network owner zone {} passed its self-test again and is back in service", zone);
            event("resumed", zone, null);
        }

        @Override
        public void inconclusive(String zone, String why) {
            LOGGER.info("Portcullis: self-test of network owner zone {} inconclusive ({}); state unchanged", zone, why);
        }
    }

    /**
     * Results of the configured lists plus {@code extraLists} for the mail, looked up now (answers come from
     * the DNS cache when an earlier stage asked the same). Empty when DNS lists are not configured and no
     * extra list is given. Blocks the calling spooler thread for at most the DNS budget.
     */
    public List<ListResult> dnsblResults(Mail mail, List<ListSpec> extraLists) {
        DnsblChecker checker;
        if (dnsbl != null) {
            checker = dnsbl.withExtraLists(extraLists);
        } else if (!extraLists.isEmpty()) {
            checker = new DnsblChecker(adHocDns(), extraLists, null);
        } else {
            return List.of();
        }
        return await(checker.check(MailTargets.of(mail, config.dnsbl())), mail);
    }

    private volatile DnsjavaClient adHocDns;

    /** A DNS client for matcher-only lists when the configuration has none (created on first use). */
    private DnsjavaClient adHocDns() {
        if (dns != null) {
            return dns;
        }
        synchronized (this) {
            if (adHocDns == null) {
                adHocDns = new DnsjavaClient(config.dns()).events(metrics);
                warnAboutPublicResolvers(config);
            }
            return adHocDns;
        }
    }

    /** Waits for DNS results within the budget; past it (never expected: the client times out first), nothing. */
    private List<ListResult> await(CompletableFuture<List<ListResult>> f, Mail mail) {
        long budgetMs = config.dns().budget().toMillis();
        try {
            return f.get(budgetMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOGGER.warn("Portcullis: DNS lists gave no answer for mail {} within {} ms; treating them as unknown",
                    safeName(mail), budgetMs);
            return List.of();
        }
    }

    /**
     * What a decision says about lists that gave no answer, e.g. {@code zen, dbl: resolver unreachable} or
     * {@code zen: TIMEOUT}; null when every list answered. {@code resolver unreachable} when the resolvers
     * answered nothing in the last period ({@link DnsHealthWatch}), otherwise the lists' own reasons.
     */
    public String listsUnknown(List<ListResult> results) {
        java.util.Set<String> lists = new java.util.TreeSet<>();
        java.util.Set<String> why = new java.util.TreeSet<>();
        for (ListResult r : results) {
            if (r.status() == io.portcullis.dnsbl.ListStatus.UNKNOWN) {
                lists.add(r.list().id());
                String reason = r.reason();
                int colon = reason.indexOf(':');
                why.add(reason.startsWith("list suspended") ? "suspended by its self-test"
                        : colon > 0 ? reason.substring(0, colon) : reason.isEmpty() ? "no answer" : reason);
            }
        }
        if (lists.isEmpty()) {
            return null;
        }
        boolean unreachable = dnsHealth != null && dnsHealth.unreachable();
        return String.join(", ", lists) + ": " + (unreachable ? "resolver unreachable" : String.join(", ", why));
    }

    /** The DNS lists of the configuration, or null when none are configured. */
    public DnsblEngine dnsbl() {
        return dnsbl;
    }

    /** The shared DNS client, or null when no DNS-based check is configured. */
    public DnsjavaClient dns() {
        return dns;
    }

    /** Logs self-test state changes loudly and counts suspensions. */
    private static final class SuspensionLog implements ListHealth.Listener {
        private final Metrics metrics;
        private final io.portcullis.log.DecisionLog log;

        SuspensionLog(Metrics metrics, io.portcullis.log.DecisionLog log) {
            this.metrics = metrics;
            this.log = log;
        }

        private void event(String event, ListSpec list, String why) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("event", event);
            m.put("list", list.id());
            m.put("zone", list.zone());
            if (why != null) {
                m.put("why", io.portcullis.json.Text.headerSafe(why, 200));
            }
            log.offerEvent("dns", m);
        }

        @Override
        public void suspended(ListSpec list, String why) {
            LOGGER.error("Portcullis: DNS list {} ({}) SUSPENDED by its self-test: {}. Its lookups count as "
                    + "'unknown' until a later self-test passes.", list.id(), list.zone(), why);
            metrics.suspended(list);
            event("suspended", list, why);
        }

        @Override
        public void resumed(ListSpec list) {
            LOGGER.warn("Portcullis: DNS list {} ({}) passed its self-test again and is back in service", list.id(),
                    list.zone());
            event("resumed", list, null);
        }

        /** List id to the reason of its last inconclusive self-test; warned once per change. */
        private final Map<String, String> inconclusive = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void inconclusive(ListSpec list, String why) {
            String kind = why == null ? "" : why.replaceAll(":.*", "");
            String before = inconclusive.put(list.id(), kind);
            if (kind.equals(before)) {
                LOGGER.info("Portcullis: self-test of DNS list {} still inconclusive ({})", list.id(), why);
                return;
            }
            LOGGER.warn("Portcullis: self-test of DNS list {} ({}) INCONCLUSIVE: {}. The test entries got no "
                    + "answer, so neither they nor real lookups can list anything: check that dns.servers in {} "
                    + "points at a working recursive resolver that may query {}", list.id(), list.zone(), why,
                    FILE_NAME, list.zone());
            event("self-test-inconclusive", list, why);
        }

        @Override
        public void passed(ListSpec list) {
            if (inconclusive.remove(list.id()) != null) {
                LOGGER.warn("Portcullis: self-test of DNS list {} ({}) passed: the list answers again", list.id(),
                        list.zone());
                event("self-test-passed", list, null);
            }
        }
    }

    /** The enforced header findings of the mail (computing them if needed). */
    public List<Finding> headerFindings(Mail mail) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings(mail)) {
            if (HeaderChecker.CHECK.equals(f.check())) {
                out.add(f);
            }
        }
        return out;
    }

    private static String codeSource() {
        try {
            return String.valueOf(PortcullisRuntime.class.getProtectionDomain().getCodeSource().getLocation());
        } catch (RuntimeException e) {
            return "?";
        }
    }

    static String safeName(Mail mail) {
        try {
            return mail.getName();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /**
     * Reads {@code portcullis.properties} from James's configuration directory ({@code file://conf/} in a
     * real server, {@code classpath:} when a test uses {@code configurationFromClasspath()}).
     */
    static PortcullisConfig loadFromJames(FileSystem fileSystem, Configuration.ConfigurationPath configurationPath) {
        try {
            return loadFromJamesOrThrow(fileSystem, configurationPath);
        } catch (ConfigException e) {
            // One line, no stack trace, once: without PortcullisModule every matcher and mailet asks again.
            if (REPORTED.add(e.getMessage())) {
                LOGGER.error("Portcullis: James cannot start: {}", e.getMessage());
            }
            throw e;
        }
    }

    /** Configuration errors already logged (one ERROR line each, however many classes ask for the runtime). */
    private static final java.util.Set<String> REPORTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static PortcullisConfig loadFromJamesOrThrow(FileSystem fileSystem,
            Configuration.ConfigurationPath configurationPath) {
        String url = configurationPath.asString() + FILE_NAME;
        String source = describe(fileSystem, url);
        try (InputStream in = fileSystem.getResource(url)) {
            PortcullisConfig config = parse(in, source);
            LOGGER.info("Portcullis: configuration loaded from {} ({}); classes from {}", source, config.policy(),
                    codeSource());
            return config;
        } catch (FileNotFoundException e) {
            LOGGER.info("Portcullis: no {} found at {}; using built-in defaults ({})", FILE_NAME, source,
                    PortcullisConfig.defaults().policy());
            return PortcullisConfig.defaults();
        } catch (IOException e) {
            if (isMissing(fileSystem, url)) {
                LOGGER.info("Portcullis: no {} found at {}; using built-in defaults ({})", FILE_NAME, source,
                        PortcullisConfig.defaults().policy());
                return PortcullisConfig.defaults();
            }
            throw new ConfigException(source, "(file)", null, "cannot read: " + e);
        }
    }

    /** Parses a properties stream (UTF-8) named {@code source} in error messages. */
    public static PortcullisConfig parse(InputStream in, String source) throws IOException {
        return PortcullisConfig.read(in, source);
    }

    private static boolean isMissing(FileSystem fileSystem, String url) {
        try {
            File f = fileSystem.getFile(url);
            return f != null && !f.exists();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String describe(FileSystem fileSystem, String url) {
        if (url.startsWith(FileSystem.CLASSPATH_PROTOCOL)) {
            return url;
        }
        try {
            File f = fileSystem.getFile(url);
            return f == null ? url : f.getAbsolutePath();
        } catch (IOException | RuntimeException e) {
            return url;
        }
    }
}
