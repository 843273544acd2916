package io.portcullis.james;

import io.portcullis.config.NameserverConfig;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.StoreConfig;
import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsPurpose;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsType;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListHealth;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.nameservers.LearnedNameservers;
import io.portcullis.nameservers.LocalNsList;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.nameservers.NameserverReport;
import io.portcullis.nameservers.NameserverView;
import io.portcullis.nameservers.NsDelegation;
import io.portcullis.nameservers.NsHost;
import io.portcullis.nameservers.NsTargets;
import io.portcullis.store.StateStore;
import io.portcullis.store.StoreException;
import io.portcullis.verdict.Finding;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-spam-nameserver check inside one James: the {@link NameserverChecker} on the shared DNS
 * client, the operator's local list (re-read when the file changes), the {@code ns-name:}/{@code ns-ip:}
 * lists with their self-test, and the state store behind the learned source. Owned by
 * {@link PortcullisRuntime}, which closes it when James stops.
 *
 * <p>Identities of a mail: MAIL FROM domain, From header domain, and, unless the mail was authenticated,
 * came from an authorised network or was created by a mailet, the HELO name and the client's host name
 * (rDNS) when it is forward-confirmed: its A (IPv4 client) or AAAA (IPv6 client) records, asked on the
 * shared DNS client, include the client address.
 *
 * <p>The resolved view travels with the mail in the JSON-serialisable attribute {@value #VIEW_NAME}
 * (delegations and NS hosts with addresses), so the learning mailet later in the pipeline does not resolve
 * again. Every failure (DNS, store, internal) is "unknown": no finding, a log line, never an exception.
 * Thread-safe.
 */
public final class NameserverService implements AutoCloseable {
    /** Attribute carrying the resolved nameserver view of a mail. */
    public static final String VIEW_NAME = "io.portcullis.nameservers.view";
    public static final AttributeName VIEW = AttributeName.of(VIEW_NAME);

    private static final Logger LOGGER = LoggerFactory.getLogger(NameserverService.class);

    private final NameserverConfig config;
    private final DnsClient dns;
    private final NameserverChecker checker;
    private final LearnedNameservers learned;
    private final StateStore store;
    private final ListHealth health;
    private final LocalNsList localList;
    private final long budgetMs;
    private final String storeDescription;

    private NameserverService(NameserverConfig config, DnsClient dns, NameserverChecker checker,
            LearnedNameservers learned, StateStore store, ListHealth health, LocalNsList localList, long budgetMs,
            String storeDescription) {
        this.config = config;
        this.dns = dns;
        this.checker = checker;
        this.learned = learned;
        this.store = store;
        this.health = health;
        this.localList = localList;
        this.budgetMs = budgetMs;
        this.storeDescription = storeDescription;
    }

    /**
     * Builds the check of {@code config} on {@code dns}: opens the store (a store that cannot be opened is
     * logged as an error and makes the learned source "unknown"; James still starts), reads the local list
     * and starts the lists' self-test when {@code dnsbl.self-test} is on.
     *
     * @param workingDirectory base of a relative {@code store.directory}, or null for the process's directory
     */
    public static NameserverService start(PortcullisConfig config, DnsClient dns, Path workingDirectory,
            ListHealth.Listener listener) {
        NameserverConfig ns = config.nameservers();
        LocalNsList local = null;
        if (ns.localList().isPresent()) {
            local = LocalNsList.watch(ns.localList().get(), ns.localListCheckInterval());
            for (String w : local.warnings()) {
                LOGGER.warn("Portcullis: nameserver local list {}: {}", ns.localList().get(), w);
            }
        }
        StateStore store = null;
        LearnedNameservers learned = null;
        String where = "none";
        if (ns.learnedEnabled()) {
            StoreConfig sc = config.store();
            where = sc.describe(workingDirectory);
            try {
                store = sc.open(workingDirectory);
            } catch (RuntimeException e) {
                LOGGER.error("Portcullis: cannot open the state store ({}): {}. Learned nameservers are 'unknown' "
                        + "until James restarts with a usable store.", where, e.getMessage());
                store = new UnavailableStore(e.getMessage(), sc.retention());
            }
            learned = new LearnedNameservers(store, ns.settings());
        }
        List<ListSpec> lists = ns.settings().lists();
        ListHealth health = null;
        if (!lists.isEmpty() && config.dnsbl().selfTest()) {
            health = new ListHealth(dns, lists, listener);
            health.start(config.dnsbl().selfTestInterval());
        }
        NameserverChecker checker = new NameserverChecker(dns, ns.settings(), local, learned, health);
        long budget = Math.max(1000, config.dns().budget().toMillis() * 2);
        LOGGER.info("Portcullis: shared spam nameservers check on (local list {}, lists {}, learned {}; store {})",
                ns.localList().map(Path::toString).orElse("none"), lists, ns.learnedEnabled() ? "on" : "off", where);
        return new NameserverService(ns, dns, checker, learned, store, health, local, budget, where);
    }

    public NameserverChecker checker() {
        return checker;
    }

    /** The learned source, or null when {@code nameservers.learned.enabled = false}. */
    public LearnedNameservers learned() {
        return learned;
    }

    /** The state store, or null when learning is off. */
    public StateStore store() {
        return store;
    }

    public NameserverConfig config() {
        return config;
    }

    /** Longest a spooler thread waits for the check of one mail. */
    public long budgetMs() {
        return budgetMs;
    }

    /**
     * Runs the check for the mail (blocking the calling thread within {@link #budgetMs()}), stores the view
     * in {@value #VIEW_NAME} and returns the findings. Never throws.
     */
    public List<Finding> findings(Mail mail) {
        Optional<NameserverReport> report = await(targets(mail).thenCompose(checker::check), mail, "check");
        if (report.isEmpty()) {
            return List.of();
        }
        storeView(mail, report.get().view());
        return report.get().findings();
    }

    /** The full report for a mail (the view from the attribute when present). Never throws; empty on timeout. */
    public Optional<NameserverReport> report(Mail mail) {
        Optional<NameserverView> carried = view(mail);
        CompletableFuture<NameserverReport> f = carried.isPresent() ? checker.evaluate(carried.get())
                : targets(mail).thenCompose(checker::check);
        return await(f, mail, "check");
    }

    /**
     * Records the mail's sender domains (MAIL FROM and From header) against their nameservers as spam or
     * ham, using the view the mail carries or resolving it now. Domains for which {@code skipDomain} holds
     * (the server's own domains) are not recorded. Returns the number of sender domains recorded; never
     * throws (a store failure is logged and gives 0).
     */
    public int learn(Mail mail, LearnedNameservers.Verdict verdict, Predicate<String> skipDomain) {
        if (learned == null) {
            return 0;
        }
        Optional<NameserverView> view = view(mail);
        if (view.isEmpty()) {
            NsTargets t = senderTargets(mail);
            if (t.isEmpty()) {
                return 0;
            }
            view = await(checker.resolver().resolve(t), mail, "resolution");
            if (view.isEmpty()) {
                return 0;
            }
            storeView(mail, view.get());
        }
        return record(view.get(), verdict, skipDomain, mail);
    }

    /**
     * Records the sender domains of a <em>reported</em> message (one attached to {@code report}, e.g. spam forwarded
     * as an attachment to a spam-report address): {@code targets} are its envelope sender (Return-Path) and From
     * domains, resolved now. As {@link #learn(Mail, LearnedNameservers.Verdict, Predicate)} otherwise.
     */
    public int learnReported(NsTargets targets, LearnedNameservers.Verdict verdict, Predicate<String> skipDomain,
            Mail report) {
        if (learned == null || targets.isEmpty()) {
            return 0;
        }
        Optional<NameserverView> view = await(checker.resolver().resolve(targets), report, "resolution");
        return view.isEmpty() ? 0 : record(view.get(), verdict, skipDomain, report);
    }

    private int record(NameserverView view, LearnedNameservers.Verdict verdict, Predicate<String> skipDomain,
            Mail mail) {
        List<NsDelegation> senders = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (NsDelegation d : view.delegations()) {
            if ((d.identity() == Identity.MAIL_FROM || d.identity() == Identity.FROM_HEADER)
                    && d.status() == NsDelegation.Status.FOUND && !skipDomain.test(d.name())) {
                senders.add(d);
                if (!domains.contains(d.name())) {
                    domains.add(d.name());
                }
            }
        }
        if (senders.isEmpty()) {
            return 0;
        }
        NameserverView senderView = new NameserverView(senders, view.hosts(), view.truncated());
        try {
            learned.learn(senderView, verdict).get(budgetMs, TimeUnit.MILLISECONDS);
            return domains.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOGGER.warn("Portcullis: could not record the nameservers of mail {} as {} in the state store ({}): {}",
                    PortcullisRuntime.safeName(mail), verdict.name().toLowerCase(Locale.ROOT), storeDescription,
                    String.valueOf(c.getMessage()));
            return 0;
        }
    }

    /**
     * The check at SMTP time (started at MAIL FROM by the SMTP handler): the envelope sender's domain and, when
     * {@code judgeClient}, the HELO name and the client's host name once forward-confirmed (its A/AAAA records,
     * asked on the shared DNS client, include {@code client}). Asynchronous; never completes exceptionally
     * (failures give a null report, i.e. "unknown").
     *
     * @param rdns the client's host name from its PTR lookup (may complete with null); ignored unless judgeClient
     */
    public CompletableFuture<NameserverReport> checkAtSmtp(String mailFromDomain, String helo,
            CompletableFuture<String> rdns, InetAddress client, boolean judgeClient) {
        return checkAtSmtp(mailFromDomain, helo, rdns, client, judgeClient, DnsRequester.SYSTEM);
    }

    /**
     * {@link #checkAtSmtp(String, String, CompletableFuture, InetAddress, boolean)} with every DNS question asked on
     * behalf of {@code requester} (normally {@code DnsRequester.client(client)}): it counts against that client
     * network's share of the in-flight cap, and a question refused for capacity makes the report
     * {@link NameserverReport#overCap()}.
     */
    public CompletableFuture<NameserverReport> checkAtSmtp(String mailFromDomain, String helo,
            CompletableFuture<String> rdns, InetAddress client, boolean judgeClient, DnsRequester requester) {
        try {
            NsTargets.Builder b = NsTargets.builder();
            if (mailFromDomain != null) {
                b.mailFrom(mailFromDomain);
            }
            if (!judgeClient) {
                return check(b.build(), requester);
            }
            if (helo != null) {
                b.helo(helo);
            }
            if (rdns == null || client == null) {
                return check(b.build(), requester);
            }
            return rdns.handle((host, err) -> host).thenCompose(host -> {
                if (host == null || host.equalsIgnoreCase("localhost") || MailTargets.ipLiteral(host).isPresent()) {
                    return CompletableFuture.completedFuture(b.build());
                }
                return forwardConfirmed(host, client, requester).thenApply(ok -> {
                    b.rdns(host, Boolean.TRUE.equals(ok));
                    return b.build();
                });
            }).thenCompose(t -> check(t, requester)).exceptionally(e -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * Whether a check of the envelope sender's domain covers the mail's sender domains: the From header's domain
     * is absent or the same as the MAIL FROM domain (the SMTP handler attaches its report only then).
     */
    public static boolean coversSenderDomains(Mail mail) {
        try {
            Optional<String> from = MailTargets.fromDomain(mail);
            if (from.isEmpty()) {
                return true;
            }
            Optional<String> envelope = mail.getMaybeSender().asOptional().map(a -> a.getDomain().asString());
            return envelope.isPresent() && envelope.get().equalsIgnoreCase(from.get());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private CompletableFuture<NameserverReport> check(NsTargets t, DnsRequester requester) {
        if (t.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return checker.check(t, requester).exceptionally(e -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** MAIL FROM and From header only (what the learning mailet records). */
    static NsTargets senderTargets(Mail mail) {
        NsTargets.Builder b = NsTargets.builder();
        senderNames(mail, b);
        return b.build();
    }

    private static void senderNames(Mail mail, NsTargets.Builder b) {
        try {
            mail.getMaybeSender().asOptional().map(MailAddress::getDomain).map(d -> d.asString()).ifPresent(b::mailFrom);
        } catch (RuntimeException e) {
            // no usable sender
        }
        MailTargets.fromDomain(mail).ifPresent(b::fromHeader);
    }

    /** The identities of a mail; the rDNS name only once forward-confirmed. Never completes exceptionally. */
    CompletableFuture<NsTargets> targets(Mail mail) {
        NsTargets.Builder b = NsTargets.builder();
        senderNames(mail, b);
        if (MailTargets.relayAllowed(mail)) {
            return CompletableFuture.completedFuture(b.build());
        }
        mail.getAttribute(Mail.SMTP_HELO).map(a -> a.getValue().value()).filter(String.class::isInstance)
                .map(String.class::cast).ifPresent(b::helo);
        String host = mail.getRemoteHost();
        Optional<InetAddress> client = MailTargets.ipLiteral(mail.getRemoteAddr());
        if (host == null || client.isEmpty() || MailTargets.ipLiteral(host).isPresent()
                || host.equalsIgnoreCase("localhost")) {
            return CompletableFuture.completedFuture(b.build());
        }
        return forwardConfirmed(host, client.get()).handle((ok, err) -> {
            b.rdns(host, Boolean.TRUE.equals(ok));
            return b.build();
        });
    }

    /** True when {@code host}'s A (IPv4) or AAAA (IPv6) records include {@code client}. */
    CompletableFuture<Boolean> forwardConfirmed(String host, InetAddress client) {
        return forwardConfirmed(host, client, DnsRequester.SYSTEM);
    }

    private CompletableFuture<Boolean> forwardConfirmed(String host, InetAddress client, DnsRequester requester) {
        return io.portcullis.net.ForwardConfirmation.check(dns, host, client, requester);
    }

    private <T> Optional<T> await(CompletableFuture<T> f, Mail mail, String what) {
        try {
            return Optional.ofNullable(f.get(budgetMs, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOGGER.warn("Portcullis: nameserver {} gave no answer for mail {} within {} ms; treating it as unknown",
                    what, PortcullisRuntime.safeName(mail), budgetMs);
            return Optional.empty();
        }
    }

    // --- the view attribute (JSON-serialisable: maps, lists, strings, booleans) --------------------------

    /** Stores the resolved view on the mail ({@value #VIEW_NAME}), for the pipeline. */
    public static void storeView(Mail mail, NameserverView view) {
        try {
            List<AttributeValue<?>> ds = new ArrayList<>();
            for (NsDelegation d : view.delegations()) {
                Map<String, AttributeValue<?>> m = new LinkedHashMap<>();
                m.put("identity", AttributeValue.of(d.identity().name()));
                m.put("name", AttributeValue.of(d.name()));
                m.put("status", AttributeValue.of(d.status().name()));
                m.put("zone", AttributeValue.of(d.zone()));
                m.put("hosts", strings(d.hosts()));
                m.put("reason", AttributeValue.of(d.reason()));
                ds.add(AttributeValue.of(m));
            }
            List<AttributeValue<?>> hs = new ArrayList<>();
            for (NsHost h : view.hosts()) {
                Map<String, AttributeValue<?>> m = new LinkedHashMap<>();
                m.put("name", AttributeValue.of(h.name()));
                m.put("addresses", strings(h.addresses()));
                m.put("status", AttributeValue.of(h.addressStatus().name()));
                m.put("reason", AttributeValue.of(h.reason()));
                hs.add(AttributeValue.of(m));
            }
            Map<String, AttributeValue<?>> top = new LinkedHashMap<>();
            top.put("delegations", AttributeValue.of(ds));
            top.put("hosts", AttributeValue.of(hs));
            top.put("truncated", AttributeValue.of(view.truncated()));
            mail.setAttribute(new Attribute(VIEW, AttributeValue.of(top)));
        } catch (RuntimeException e) {
            LOGGER.debug("Portcullis: could not store the nameserver view on mail {}", PortcullisRuntime.safeName(mail), e);
        }
    }

    private static AttributeValue<?> strings(Collection<String> values) {
        List<AttributeValue<?>> out = new ArrayList<>();
        for (String s : values) {
            out.add(AttributeValue.of(s));
        }
        return AttributeValue.of(out);
    }

    /** The view the mail carries, if any and well-formed. */
    public static Optional<NameserverView> view(Mail mail) {
        try {
            Optional<Attribute> a = mail.getAttribute(VIEW);
            if (a.isEmpty()) {
                return Optional.empty();
            }
            Map<?, ?> top = (Map<?, ?>) unwrap(a.get().getValue());
            List<NsDelegation> ds = new ArrayList<>();
            for (Object o : (Collection<?>) unwrap(top.get("delegations"))) {
                Map<?, ?> m = (Map<?, ?>) unwrap(o);
                ds.add(new NsDelegation(Identity.valueOf(str(m, "identity")), str(m, "name"),
                        NsDelegation.Status.valueOf(str(m, "status")), str(m, "zone"), strs(m.get("hosts")),
                        str(m, "reason")));
            }
            List<NsHost> hs = new ArrayList<>();
            for (Object o : (Collection<?>) unwrap(top.get("hosts"))) {
                Map<?, ?> m = (Map<?, ?>) unwrap(o);
                hs.add(new NsHost(str(m, "name"), strs(m.get("addresses")), NsHost.AddressStatus.valueOf(str(m, "status")),
                        str(m, "reason")));
            }
            return Optional.of(new NameserverView(ds, hs, Boolean.TRUE.equals(unwrap(top.get("truncated")))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = unwrap(m.get(key));
        return v instanceof String ? (String) v : "";
    }

    private static List<String> strs(Object o) {
        List<String> out = new ArrayList<>();
        Object v = unwrap(o);
        if (v instanceof Collection) {
            for (Object x : (Collection<?>) v) {
                Object u = unwrap(x);
                if (u instanceof String) {
                    out.add((String) u);
                }
            }
        }
        return out;
    }

    private static Object unwrap(Object o) {
        Object v = o;
        while (v instanceof AttributeValue) {
            v = ((AttributeValue<?>) v).value();
        }
        return v;
    }

    /** Stops the lists' self-test and closes the store (the DNS client belongs to the runtime). Never throws. */
    @Override
    public void close() {
        if (health != null) {
            try {
                health.close();
            } catch (RuntimeException e) {
                LOGGER.debug("Portcullis: closing the nameserver lists' self-test", e);
            }
        }
        if (store != null) {
            try {
                store.close();
                LOGGER.info("Portcullis: state store closed ({})", storeDescription);
            } catch (RuntimeException e) {
                LOGGER.warn("Portcullis: closing the state store ({}): {}", storeDescription, e.getMessage());
            }
        }
    }

    /** Stands in for a store that could not be opened: every call fails, so learned results are "unknown". */
    static final class UnavailableStore implements StateStore {
        private final String why;
        private final Duration retention;

        UnavailableStore(String why, Duration retention) {
            this.why = "state store unavailable: " + why;
            this.retention = retention;
        }

        @Override
        public CompletableFuture<Void> record(Collection<String> sets, String member, Instant seen) {
            return CompletableFuture.failedFuture(new StoreException(why));
        }

        @Override
        public CompletableFuture<Map<String, Long>> count(Collection<String> sets, Instant since) {
            return CompletableFuture.failedFuture(new StoreException(why));
        }

        @Override
        public Duration retention() {
            return retention;
        }

        @Override
        public void close() {
        }
    }
}
