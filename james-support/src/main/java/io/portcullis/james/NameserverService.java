package io.portcullis.james;

import io.portcullis.config.NameserverConfig;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.StoreConfig;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dnsbl.ListHealth;
import io.portcullis.nameservers.LearnedNameservers;
import io.portcullis.nameservers.NameserverEngine;
import io.portcullis.nameservers.NameserverReport;
import io.portcullis.nameservers.NameserverView;
import io.portcullis.nameservers.NsTargets;
import io.portcullis.store.StateStore;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The James side of the shared-spam-nameserver check ({@link NameserverEngine}, core): the engine built from
 * {@code portcullis.properties}, a mail's identities (MAIL FROM domain, From header domain, and, unless the mail was
 * authenticated, came from an authorised network or was created by a mailet, the HELO name and the forward-confirmed
 * client host name), and the view attribute. Owned by {@link PortcullisRuntime}, which closes it when James stops.
 *
 * <p>The resolved view travels with the mail in the JSON-serialisable attribute {@value #VIEW_NAME} (its
 * {@link NameserverView#toPlain() plain form}), so the learning mailet later in the pipeline does not resolve again.
 * Never throws. Thread-safe.
 */
public final class NameserverService implements AutoCloseable {
    /** Attribute carrying the resolved nameserver view of a mail. */
    public static final String VIEW_NAME = "io.portcullis.nameservers.view";
    public static final AttributeName VIEW = AttributeName.of(VIEW_NAME);

    private static final Logger LOGGER = LoggerFactory.getLogger(NameserverService.class);

    private static final NameserverEngine.Log LOG = new NameserverEngine.Log() {
        @Override
        public void info(String message) {
            LOGGER.info(message);
        }

        @Override
        public void warn(String message) {
            LOGGER.warn(message);
        }

        @Override
        public void error(String message) {
            LOGGER.error(message);
        }
    };

    private final NameserverConfig config;
    private final NameserverEngine engine;

    private NameserverService(NameserverConfig config, NameserverEngine engine) {
        this.config = config;
        this.engine = engine;
    }

    /**
     * Builds the check of {@code config} on {@code dns} (see {@link NameserverEngine#start}).
     *
     * @param workingDirectory base of a relative {@code store.directory}, or null for the process's directory
     */
    public static NameserverService start(PortcullisConfig config, DnsClient dns, Path workingDirectory,
            ListHealth.Listener listener) {
        NameserverConfig ns = config.nameservers();
        NameserverEngine.Setup setup = new NameserverEngine.Setup(ns.settings()).dnsBudget(config.dns().budget());
        ns.localList().ifPresent(f -> setup.localList(f, ns.localListCheckInterval()));
        if (ns.learnedEnabled()) {
            StoreConfig sc = config.store();
            setup.learned(() -> sc.open(workingDirectory), sc.describe(workingDirectory), sc.retention());
        }
        if (config.dnsbl().selfTest()) {
            setup.selfTest(config.dnsbl().selfTestInterval());
        }
        return new NameserverService(ns, NameserverEngine.start(setup, dns, listener, LOG));
    }

    /** The check itself (core): the SMTP-time check, forward confirmation, learning. */
    public NameserverEngine engine() {
        return engine;
    }

    /** The learned source, or null when {@code nameservers.learned.enabled = false}. */
    public LearnedNameservers learned() {
        return engine.learned();
    }

    /** The state store, or null when learning is off. */
    public StateStore store() {
        return engine.store();
    }

    public NameserverConfig config() {
        return config;
    }

    /**
     * Runs the check for the mail (blocking the calling thread within the engine's budget), stores the view in
     * {@value #VIEW_NAME} and returns the findings. Never throws.
     */
    public List<Finding> findings(Mail mail) {
        Optional<NameserverReport> report = engine.await(targets(mail).thenCompose(engine.checker()::check),
                PortcullisRuntime.safeName(mail), "check");
        if (report.isEmpty()) {
            return List.of();
        }
        storeView(mail, report.get().view());
        return report.get().findings();
    }

    /** The full report for a mail (the view from the attribute when present). Never throws; empty on timeout. */
    public Optional<NameserverReport> report(Mail mail) {
        Optional<NameserverView> carried = view(mail);
        CompletableFuture<NameserverReport> f = carried.isPresent() ? engine.checker().evaluate(carried.get())
                : targets(mail).thenCompose(engine.checker()::check);
        return engine.await(f, PortcullisRuntime.safeName(mail), "check");
    }

    /**
     * Records the mail's sender domains (MAIL FROM and From header) against their nameservers as spam or ham, using
     * the view the mail carries or resolving it now. Domains for which {@code skipDomain} holds (the server's own
     * domains) are not recorded. Returns the number of sender domains recorded; never throws.
     */
    public int learn(Mail mail, LearnedNameservers.Verdict verdict, Predicate<String> skipDomain) {
        if (engine.learned() == null) {
            return 0;
        }
        Optional<NameserverView> view = view(mail);
        if (view.isEmpty()) {
            NsTargets t = senderTargets(mail);
            if (t.isEmpty()) {
                return 0;
            }
            view = engine.await(engine.checker().resolver().resolve(t), PortcullisRuntime.safeName(mail),
                    "resolution");
            if (view.isEmpty()) {
                return 0;
            }
            storeView(mail, view.get());
        }
        return engine.learn(view.get(), verdict, skipDomain, PortcullisRuntime.safeName(mail));
    }

    /**
     * Records the sender domains of a <em>reported</em> message (one attached to {@code report}, e.g. spam forwarded
     * as an attachment to a spam-report address): {@code targets} are its envelope sender (Return-Path) and From
     * domains, resolved now. As {@link #learn(Mail, LearnedNameservers.Verdict, Predicate)} otherwise.
     */
    public int learnReported(NsTargets targets, LearnedNameservers.Verdict verdict, Predicate<String> skipDomain,
            Mail report) {
        if (engine.learned() == null || targets.isEmpty()) {
            return 0;
        }
        String name = PortcullisRuntime.safeName(report);
        Optional<NameserverView> view = engine.await(engine.checker().resolver().resolve(targets), name,
                "resolution");
        return view.isEmpty() ? 0 : engine.learn(view.get(), verdict, skipDomain, name);
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
        Optional<InetAddress> client = MailTargets.ipLiteral(mail.getRemoteAddr());
        return engine.withClientName(b, mail.getRemoteHost(), client.orElse(null), DnsRequester.SYSTEM);
    }

    // --- the view attribute: the view's plain form as attribute values ---------------------------------------------

    /** Stores the resolved view on the mail ({@value #VIEW_NAME}), for the pipeline. */
    public static void storeView(Mail mail, NameserverView view) {
        try {
            mail.setAttribute(new Attribute(VIEW, toAttribute(view.toPlain())));
        } catch (RuntimeException e) {
            LOGGER.debug("Portcullis: could not store the nameserver view on mail {}", PortcullisRuntime.safeName(mail), e);
        }
    }

    /** The view the mail carries, if any and well-formed. */
    public static Optional<NameserverView> view(Mail mail) {
        try {
            return mail.getAttribute(VIEW).flatMap(a -> NameserverView.fromPlain(plain(a.getValue())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Maps, lists, strings and booleans as attribute values (JSON-serialisable). */
    private static AttributeValue<?> toAttribute(Object o) {
        if (o instanceof Map) {
            Map<String, AttributeValue<?>> m = new LinkedHashMap<>();
            ((Map<?, ?>) o).forEach((k, v) -> m.put(String.valueOf(k), toAttribute(v)));
            return AttributeValue.of(m);
        }
        if (o instanceof Collection) {
            List<AttributeValue<?>> l = new ArrayList<>();
            ((Collection<?>) o).forEach(v -> l.add(toAttribute(v)));
            return AttributeValue.of(l);
        }
        return o instanceof Boolean ? AttributeValue.of((Boolean) o) : AttributeValue.of(String.valueOf(o));
    }

    /** Attribute values back to maps, lists, strings and booleans. */
    private static Object plain(Object o) {
        Object v = o;
        while (v instanceof AttributeValue) {
            v = ((AttributeValue<?>) v).value();
        }
        if (v instanceof Map) {
            Map<Object, Object> m = new LinkedHashMap<>();
            ((Map<?, ?>) v).forEach((k, x) -> m.put(k, plain(x)));
            return m;
        }
        if (v instanceof Collection) {
            List<Object> l = new ArrayList<>();
            ((Collection<?>) v).forEach(x -> l.add(plain(x)));
            return l;
        }
        return v;
    }

    /** Stops the lists' self-test and closes the store (the DNS client belongs to the runtime). Never throws. */
    @Override
    public void close() {
        engine.close();
    }
}
