package io.portcullis.smtp;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.SmtpSettings;
import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsType;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.DnsblEngine;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.QueryNames;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.MailHeaderInputs;
import io.portcullis.james.MailTargets;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.james.TarpitMemory;
import io.portcullis.json.Text;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portcullis at SMTP time: one handler, enabled by one line in {@code smtpserver.xml}'s {@code <handlerchain>}:
 *
 * <pre>{@code
 * <handler class="io.portcullis.smtp.PortcullisSmtpHandler"/>
 * }</pre>
 *
 * Settings are the {@code smtp.*} keys of {@code portcullis.properties} ({@link SmtpSettings}); thresholds follow
 * the policy's, so the SMTP side and the pipeline judge the same score.
 *
 * <h2>What runs when</h2>
 * <ul>
 *   <li><b>connect</b>: the client address's DNS lists, its reverse DNS (then the host name's name lists) and the
 *       tarpit memory are asked, asynchronously. Returns an empty response (never null).</li>
 *   <li><b>HELO/EHLO</b>: the HELO name's name lists are asked.</li>
 *   <li><b>MAIL FROM</b>: the sender domain's name lists are asked, and (with {@code nameservers.enabled}) the
 *       shared-spam-nameserver check of the sender domain, the HELO name and the forward-confirmed reverse DNS
 *       name starts ({@link io.portcullis.james.NameserverService#checkAtSmtp}); its findings count at RCPT and
 *       end of DATA once in, and are attached (check {@code nameservers}, with the resolved view) so the
 *       pipeline does not resolve again.</li>
 *   <li><b>RCPT TO</b> (decision point 1): connection and envelope evidence that has arrived is scored; at or above
 *       {@code smtp.reject-threshold} → {@code 550 5.7.1} naming the lists; at or above
 *       {@code smtp.tempfail-threshold} → {@code 451 4.7.1}; client evidence unknown and
 *       {@code smtp.tempfail-on-unknown} → {@code 451 4.4.3}; never a 5xx for unknown evidence.</li>
 *   <li><b>end of DATA</b> (decision point 2): header conformance plus every list result; the verdict and all
 *       findings are attached to the mail ({@link MailAttributes}), so the pipeline's matchers and {@code Tag}
 *       reuse them; at or above the thresholds → 550 / 451 naming the rules or lists.</li>
 * </ul>
 * Hooks return {@code DECLINED} unless they refuse: {@code OK} would skip James's relay check (open relay) or its
 * enqueueing (lost mail).
 *
 * <h2>Exemptions</h2>
 * Clients allowed to relay (smtpserver.xml's {@code authorizedAddresses}, SMTP AUTH), the allow list
 * {@code smtp.allow} (client address, host name or HELO), and recipients {@code postmaster@} / {@code abuse@} of
 * local domains (RFC 5321 section 4.5.1) are never refused by this handler (James's own checks still apply).
 *
 * <h2>Never blocking the event loop</h2>
 * Hooks run on Netty's I/O threads in James 3.8.1 and must answer synchronously. This handler never waits: a
 * decision uses only the lookups that have completed. To give lookups their chance without a thread, it <em>pauses
 * reads</em> on the connection after a reply while lookups that the next decision needs are running
 * ({@link ReadGate}: {@code setReadable(false)}, resumed from one timer thread when the lookups complete or
 * {@code smtp.budget-ms} has passed). EHLO ends a pipelined group (RFC 2920), so the client's evidence is in (or
 * its budget spent) before MAIL/RCPT are read; after MAIL and RCPT the next read (RCPT, or the message body) waits
 * for the sender's lists. Past the budget the missing evidence is "unknown": accepted, or 451 if configured.
 *
 * <h2>Tarpit</h2>
 * Clients whose connection score reaches {@code smtp.tarpit-threshold} (below the reject threshold), and clients
 * remembered by the {@code Tarpit} mailet, get every later reply delayed: reads are paused after each reply for
 * {@code smtp.tarpit.delay-ms}, growing by {@code smtp.tarpit.step-ms} per command up to
 * {@code smtp.tarpit.max-delay-ms}. Delays requested during a pause add up, so a client pipelining N commands in
 * one write pays N delays before its next write is read. At most {@code smtp.tarpit.max-connections} connections
 * are tarpitted at once; beyond, {@code 421 4.7.0} and close. No thread is held per connection.
 *
 * <h2>Greeting test</h2>
 * Holding the 220 greeting and catching clients that talk before it needs James's core handler list without its
 * welcome handler: see {@link PortcullisGreetingHandler} ({@code coreHandlersPackage=
 * "io.portcullis.smtp.PortcullisCoreHandlers"}, {@code smtp.greeting.*}). An early talker gets the finding
 * {@code smtp}/{@code PREGREET} (scored {@code smtp.greeting.score}) at RCPT and end of DATA.
 *
 * <p>{@code smtp.mode = observe} computes and logs everything and attaches the findings, but never refuses or
 * tarpits; it still waits for unfinished lookups (up to the budget) as enforce mode does, so the log says what
 * enforce mode would have done. Thread-safe: per-connection state lives in the session; shared state is atomic.
 */
public class PortcullisSmtpHandler implements ConnectHandler<SMTPSession>, HeloHook, MailHook, RcptHook,
        JamesMessageHook, DisconnectHandler<SMTPSession>, ProtocolHandlerResultHandler<Response, ProtocolSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(PortcullisSmtpHandler.class);
    static final ProtocolSession.AttachmentKey<Conn> CONN = ProtocolSession.AttachmentKey.of("io.portcullis.smtp.conn",
            Conn.class);
    /** An empty connect response: writes nothing, keeps the session (null would drop the connection). */
    static final Response NOTHING = new Response() {
        @Override
        public String getRetCode() {
            return "";
        }

        @Override
        public List<CharSequence> getLines() {
            return List.of();
        }

        @Override
        public boolean isEndSession() {
            return false;
        }
    };

    /** Tarpitted connections right now (all handler instances of the JVM). */
    static final AtomicInteger TARPITTED = new AtomicInteger();
    static final AtomicLong TARPIT_REFUSED = new AtomicLong();
    static final AtomicLong REJECTED = new AtomicLong();
    static final AtomicLong TEMPFAILED = new AtomicLong();

    private final PortcullisRuntime runtime;
    private final DomainList domains;
    private final TarpitMemory memory;

    @Inject
    public PortcullisSmtpHandler(PortcullisRuntime runtime, DomainList domains, TarpitMemory memory) {
        this.runtime = runtime;
        this.domains = domains;
        this.memory = memory;
        ACTIVE.set(runtime);
        runtime.gauge("portcullis_tarpit_connections", TARPITTED::get);
        runtime.gauge("portcullis_smtp_paused_connections", ReadGate::pausedNow);
    }

    private static final java.util.concurrent.atomic.AtomicReference<PortcullisRuntime> ACTIVE =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** The runtime of the most recently created handler (tests and benchmarks read its DNS counters). */
    public static Optional<PortcullisRuntime> activeRuntime() {
        return Optional.ofNullable(ACTIVE.get());
    }

    private SmtpSettings settings() {
        return runtime.config().smtp();
    }

    @Override
    public void init(org.apache.commons.configuration2.Configuration config) {
        LOGGER.info("Portcullis: SMTP handler active: {}", settings());
    }

    // ---------------------------------------------------------------- per-connection state

    /** State of one connection. Fields are touched on the connection's event loop only (futures excepted). */
    static final class Conn {
        final InetAddress client;
        final long connectNanos = System.nanoTime();
        final ReadGate gate;
        boolean allowListed;
        CompletableFuture<List<ListResult>> clientLists = done();
        CompletableFuture<String> rdns = CompletableFuture.completedFuture(null);
        CompletableFuture<List<ListResult>> rdnsLists = done();
        CompletableFuture<List<ListResult>> heloLists = done();
        CompletableFuture<Boolean> remembered = CompletableFuture.completedFuture(false);
        String helo;
        CompletableFuture<List<ListResult>> senderLists = done();
        String senderDomain;
        /** The shared-spam-nameserver check of the transaction (null report: unknown or not run). */
        CompletableFuture<io.portcullis.nameservers.NameserverReport> nameservers =
                CompletableFuture.completedFuture(null);
        /** End of the wait budget of the current transaction (set at MAIL FROM). */
        long txDeadlineNanos;
        boolean tarpitted;
        /** An observe-mode decision ("would have refused") was logged for the current transaction. */
        boolean wouldLogged;
        boolean counted;
        int delayed;
        volatile boolean pregreet;

        Conn(InetAddress client, ReadGate gate) {
            this.client = client;
            this.gate = gate;
        }

        CompletableFuture<Void> connectionEvidence() {
            return CompletableFuture.allOf(clientLists, rdnsLists, heloLists, remembered);
        }
    }

    private static CompletableFuture<List<ListResult>> done() {
        return CompletableFuture.completedFuture(List.of());
    }

    static Optional<Conn> conn(ProtocolSession session) {
        return session.getAttachment(CONN, ProtocolSession.State.Connection);
    }

    /** The connection state, created on first use (connect handlers of other chains may not have run). */
    Conn connFor(ProtocolSession session) {
        Optional<Conn> c = conn(session);
        if (c.isPresent()) {
            return c.get();
        }
        InetSocketAddress remote = session.getRemoteAddress();
        InetAddress client = remote == null ? null : remote.getAddress();
        ReadGate gate = session instanceof ProtocolSessionImpl
                ? new ReadGate(((ProtocolSessionImpl) session).getProtocolTransport()) : null;
        Conn conn = new Conn(client, gate);
        session.setAttachment(CONN, conn, ProtocolSession.State.Connection);
        return conn;
    }

    private static boolean relayAllowed(SMTPSession session) {
        return session.isRelayingAllowed() || session.getUsername() != null;
    }

    private boolean exempt(SMTPSession session, Conn conn) {
        return relayAllowed(session) || conn.allowListed || conn.client == null;
    }

    // ---------------------------------------------------------------- connect

    @Override
    public Response onConnect(SMTPSession session) {
        try {
            SmtpSettings s = settings();
            if (!s.enabled) {
                return NOTHING;
            }
            Conn conn = connFor(session);
            startConnectLookups(session, conn, s);
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: connect handler failed; the connection goes on unchecked", e);
        }
        return NOTHING;
    }

    void startConnectLookups(SMTPSession session, Conn conn, SmtpSettings s) {
        if (conn.client == null) {
            return;
        }
        conn.allowListed = s.allow.contains(conn.client);
        if (conn.allowListed || session.isRelayingAllowed()) {
            return;
        }
        DnsblEngine dnsbl = runtime.dnsbl();
        DnsjavaClient dns = runtime.dns();
        if (dnsbl != null) {
            conn.clientLists = dnsbl.check(DnsblTargets.builder().address(Identity.CLIENT_IP, conn.client).build());
        }
        if (dns != null) {
            String ptr = QueryNames.reverse(conn.client)
                    + (conn.client instanceof Inet4Address ? ".in-addr.arpa" : ".ip6.arpa");
            conn.rdns = dns.lookup(ptr, DnsType.PTR).thenApply(PortcullisSmtpHandler::firstName);
            if (dnsbl != null && hasNameLists()) {
                conn.rdnsLists = conn.rdns.thenCompose(name -> name == null ? done()
                        : dnsbl.check(DnsblTargets.builder().name(Identity.RDNS, name).build()));
            }
        }
        if (s.tarpitRemembered || s.rejectRemembered) {
            conn.remembered = memory.isRemembered(conn.client);
        }
    }

    private boolean hasNameLists() {
        DnsblEngine dnsbl = runtime.dnsbl();
        if (dnsbl == null) {
            return false;
        }
        for (io.portcullis.dnsbl.ListSpec l : dnsbl.settings().lists()) {
            if (l.kind() == io.portcullis.dnsbl.ListKind.NAME) {
                return true;
            }
        }
        return false;
    }

    private static String firstName(DnsAnswer a) {
        if (a.status() != DnsAnswer.Status.ANSWER || a.values().isEmpty()) {
            return null;
        }
        String n = a.values().get(0).trim().toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.isEmpty() ? null : n;
    }

    // ---------------------------------------------------------------- HELO / MAIL

    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        try {
            SmtpSettings s = settings();
            if (!s.enabled) {
                return HookResult.DECLINED;
            }
            Conn conn = connFor(session);
            conn.helo = helo == null ? null : helo.trim();
            if (conn.helo != null && s.allow.containsDomain(conn.helo)) {
                conn.allowListed = true;
            }
            if (exempt(session, conn)) {
                return HookResult.DECLINED;
            }
            DnsblEngine dnsbl = runtime.dnsbl();
            if (dnsbl != null && hasNameLists() && conn.helo != null && MailTargetsView.isName(conn.helo)) {
                conn.heloLists = dnsbl.check(DnsblTargets.builder().name(Identity.HELO, conn.helo).build());
            }
            if (conn.gate != null) { // observe mode waits too: it logs what enforce would do
                long left = s.budgetMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - conn.connectNanos);
                conn.gate.awaitEvidence(conn.connectionEvidence(), left);
            }
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: HELO hook failed; going on", e);
        }
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        try {
            SmtpSettings s = settings();
            if (!s.enabled) {
                return HookResult.DECLINED;
            }
            Conn conn = connFor(session);
            conn.senderLists = done();
            conn.senderDomain = null;
            conn.nameservers = CompletableFuture.completedFuture(null);
            conn.wouldLogged = false;
            conn.txDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings().budgetMs);
            startNameservers(session, conn, sender);
            if (exempt(session, conn)) {
                return HookResult.DECLINED;
            }
            DnsblEngine dnsbl = runtime.dnsbl();
            Optional<MailAddress> address = sender == null ? Optional.empty() : sender.asOptional();
            if (dnsbl != null && hasNameLists() && address.isPresent()) {
                String domain = address.get().getDomain().asString();
                conn.senderDomain = domain;
                if (!s.allow.containsDomain(domain)) {
                    conn.senderLists = dnsbl.check(DnsblTargets.builder().name(Identity.MAIL_FROM, domain).build());
                }
            }
            if (conn.gate != null) { // observe mode waits too: it logs what enforce would do
                conn.gate.awaitEvidence(CompletableFuture.allOf(conn.connectionEvidence(), conn.senderLists,
                        conn.nameservers), budgetLeft(conn));
            }
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: MAIL hook failed; going on", e);
        }
        return HookResult.DECLINED;
    }

    /**
     * Starts the shared-spam-nameserver check ({@code nameservers.enabled}) for the transaction: the sender
     * domain, plus (unless the client is exempt) the HELO name and the forward-confirmed reverse DNS name.
     * Asynchronous on the shared DNS client; its findings count at RCPT and end of DATA once they have arrived.
     */
    private void startNameservers(SMTPSession session, Conn conn, MaybeSender sender) {
        io.portcullis.james.NameserverService ns = runtime.nameservers();
        if (ns == null) {
            return;
        }
        Optional<MailAddress> address = sender == null ? Optional.empty() : sender.asOptional();
        String domain = address.map(a -> a.getDomain().asString()).orElse(null);
        boolean judgeClient = !exempt(session, conn);
        String helo = conn.helo != null && MailTargetsView.isName(conn.helo) ? conn.helo : null;
        conn.nameservers = ns.checkAtSmtp(domain, helo, conn.rdns, conn.client, judgeClient);
    }

    private static List<Finding> nameserverFindings(Conn conn) {
        io.portcullis.nameservers.NameserverReport r = conn.nameservers.isDone()
                ? conn.nameservers.getNow(null) : null;
        return r == null ? List.of() : r.findings();
    }

    // ---------------------------------------------------------------- RCPT: decision point 1

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        try {
            return rcpt(session, rcpt);
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: RCPT hook failed; accepting", e);
            return HookResult.DECLINED;
        }
    }

    private HookResult rcpt(SMTPSession session, MailAddress rcpt) {
        SmtpSettings s = settings();
        if (!s.enabled) {
            return HookResult.DECLINED;
        }
        Conn conn = connFor(session);
        if (exempt(session, conn) || isLocalPostmasterOrAbuse(rcpt)) {
            return HookResult.DECLINED;
        }
        if (s.rejectRemembered && Boolean.TRUE.equals(conn.remembered.getNow(false))) {
            return refuse(s, session, "550", "5.7.1 Rejected: " + conn.client.getHostAddress()
                    + " recently sent spam here", false);
        }
        Evidence e = evidence(conn);
        DecisionRecorder.note(session, e, runtime.config().modes());
        double score = e.score();
        if (score >= s.rejectThreshold) {
            return refuse(s, session, "550", "5.7.1 Rejected: " + e.reason(), false);
        }
        if (score >= s.tempfailThreshold) {
            return refuse(s, session, "451", "4.7.1 Try again later: " + e.reason(), true);
        }
        if (s.tempfailOnUnknown && e.clientUnknown) {
            return refuse(s, session, "451", "4.4.3 DNS lists did not answer in time, try again later", true);
        }
        wouldRefuse(s, session, conn, e.wouldScore(), e.reason(true));
        if (conn.gate != null) { // observe mode waits too: it logs what enforce would do
            conn.gate.awaitEvidence(CompletableFuture.allOf(conn.connectionEvidence(), conn.senderLists),
                    budgetLeft(conn));
        }
        return HookResult.DECLINED;
    }

    /** What is left of the transaction's wait budget (one budget per transaction, from MAIL FROM). */
    private static long budgetLeft(Conn conn) {
        return TimeUnit.NANOSECONDS.toMillis(conn.txDeadlineNanos - System.nanoTime());
    }

    private Evidence evidence(Conn conn) {
        Evidence e = new Evidence(runtime.config().modes());
        e.add(conn.clientLists, true);
        e.add(conn.rdnsLists, false);
        e.add(conn.heloLists, false);
        e.add(conn.senderLists, false);
        for (Finding f : smtpFindings(conn)) {
            e.add(f);
        }
        for (Finding f : nameserverFindings(conn)) {
            e.add(f);
        }
        return e;
    }

    /** Check {@code smtp}: the greeting test's finding ({@link PortcullisGreetingHandler}). */
    static final String SMTP_CHECK = io.portcullis.config.ModeSettings.SMTP_CHECK;

    private List<Finding> smtpFindings(Conn conn) {
        if (!conn.pregreet) {
            return List.of();
        }
        return List.of(new Finding(SMTP_CHECK, io.portcullis.config.ModeSettings.PREGREET, settings().greetingScore,
                "client talked before the greeting"));
    }

    private HookResult refuse(SmtpSettings s, SMTPSession session, String code, String description, boolean soft) {
        String text = Text.headerSafe(description, 400);
        DecisionRecorder.refused(runtime.decisionLog(), session, code, text, soft, s.observe);
        if (s.observe) {
            LOGGER.info("Portcullis (observe): would answer {} {} to {}", code, text, session.getRemoteAddress());
            return HookResult.DECLINED;
        }
        (soft ? TEMPFAILED : REJECTED).incrementAndGet();
        LOGGER.info("Portcullis: {} {} to {}", code, text, session.getRemoteAddress());
        return HookResult.builder().hookReturnCode(soft ? HookReturnCode.denySoft() : HookReturnCode.deny())
                .smtpReturnCode(code).smtpDescription(text).build();
    }

    /**
     * Checks in observe mode: logs, once per transaction, the refusal they would have caused had they been
     * enforced ({@code wouldScore} counts their findings). Nothing is refused.
     */
    private boolean wouldRefuse(SmtpSettings s, SMTPSession session, Conn conn, double wouldScore, String reason) {
        if (conn.wouldLogged) {
            return true;
        }
        if (wouldScore >= s.rejectThreshold) {
            conn.wouldLogged = true;
            DecisionRecorder.wouldHave(runtime.decisionLog(), session, io.portcullis.log.Decision.REJECT,
                    "550 " + Text.headerSafe("5.7.1 Rejected: " + reason, 400));
        } else if (wouldScore >= s.tempfailThreshold) {
            conn.wouldLogged = true;
            DecisionRecorder.wouldHave(runtime.decisionLog(), session, io.portcullis.log.Decision.TEMPFAIL,
                    "451 " + Text.headerSafe("4.7.1 Try again later: " + reason, 400));
        }
        return conn.wouldLogged;
    }

    boolean isLocalPostmasterOrAbuse(MailAddress rcpt) {
        String local = rcpt.getLocalPart();
        if (!local.equalsIgnoreCase("postmaster") && !local.equalsIgnoreCase("abuse")) {
            return false;
        }
        try {
            Domain d = rcpt.getDomain();
            return domains.containsDomain(d);
        } catch (Exception e) {
            return true;
        }
    }

    // ---------------------------------------------------------------- end of DATA: decision point 2

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        try {
            return message(session, mail);
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: end-of-DATA hook failed; accepting the message", e);
            return HookResult.DECLINED;
        }
    }

    private HookResult message(SMTPSession session, Mail mail) {
        SmtpSettings s = settings();
        if (!s.enabled) {
            return HookResult.DECLINED;
        }
        PortcullisConfig config = runtime.config();
        Conn conn = connFor(session);
        boolean relay = relayAllowed(session);

        List<Finding> headerFindings = runtime.evaluator().headerFindings(MailHeaderInputs.from(mail));
        MailAttributes.storeFindings(mail, HeaderChecker.CHECK, headerFindings);

        List<Finding> listFindings = List.of();
        DnsblEngine dnsbl = runtime.dnsbl();
        if (dnsbl != null) {
            boolean judgeClient = !(relay || conn.allowListed);
            String rdns = conn.rdns.isDone() ? conn.rdns.getNow(null) : null;
            DnsblTargets targets = MailTargets.of(conn.client, rdns, conn.helo, !judgeClient, mail, config.dnsbl());
            Optional<List<ListResult>> complete = DialogLists.collect(dnsbl, conn, targets, judgeClient,
                    hasNameLists());
            if (complete.isPresent()) {
                listFindings = DnsblChecker.findings(complete.get());
                MailAttributes.storeFindings(mail, DnsblChecker.CHECK, listFindings);
            } else {
                LOGGER.debug("Portcullis: end of DATA, list results still pending for {} {}", targets.addresses(),
                        targets.names());
                // Some lookup is still running (past the budget): judge on what has arrived, and leave the check
                // unmarked so the pipeline completes it (its questions join the running ones).
                listFindings = judgeClient ? DnsblChecker.findings(evidence(conn).results) : List.of();
            }
        }
        List<Finding> all = new ArrayList<>(headerFindings);
        all.addAll(listFindings);
        List<Finding> smtpFindings = smtpFindings(conn);
        if (!smtpFindings.isEmpty() && !(relay || conn.allowListed)) {
            MailAttributes.storeFindings(mail, SMTP_CHECK, smtpFindings);
            all.addAll(smtpFindings);
        }
        all.addAll(attachNameservers(conn, mail));
        Verdict verdict = Verdict.of(all, config.policy(), config.modes());
        MailAttributes.storeVerdict(mail, verdict);
        DecisionRecorder.note(session, verdict, mail);

        if (relay || conn.allowListed || hasExemptRecipient(mail.getRecipients())) {
            return HookResult.DECLINED;
        }
        if (verdict.score() >= s.rejectThreshold) {
            return refuse(s, session, "550", "5.7.1 Rejected: " + Replies.reason(verdict), false);
        }
        if (verdict.score() >= s.tempfailThreshold) {
            return refuse(s, session, "451", "4.7.1 Try again later: " + Replies.reason(verdict), true);
        }
        if (!verdict.observed().isEmpty() && !wouldRefuse(s, session, conn, verdict.wouldScore(),
                Replies.reason(verdict, true))) {
            wouldAccept(s, session, conn, verdict);
        }
        if (verdict.score() >= s.tarpitThreshold) {
            markTarpit(conn, s);
        }
        if (conn.tarpitted && !s.observe && conn.gate != null) {
            // The end-of-DATA reply does not reach result handlers (it comes from a line handler): delay here.
            conn.gate.delay(s.tarpitDelay(conn.delayed++));
        }
        DecisionRecorder.accepted(runtime.decisionLog(), session, config.policy(), conn.tarpitted, s.observe);
        return HookResult.DECLINED;
    }

    /**
     * The nameserver findings of the transaction. When the check has finished and covered the mail's sender
     * domains (the From header's domain is the MAIL FROM domain, or absent), they are attached with the view
     * (check {@code nameservers} in {@code io.portcullis.checks}), so the pipeline does not resolve again;
     * otherwise the check is left unmarked and the pipeline completes it.
     */
    private List<Finding> attachNameservers(Conn conn, Mail mail) {
        if (runtime.nameservers() == null || !conn.nameservers.isDone()) {
            return List.of();
        }
        io.portcullis.nameservers.NameserverReport r = conn.nameservers.getNow(null);
        if (r == null) {
            return List.of();
        }
        if (io.portcullis.james.NameserverService.coversSenderDomains(mail)) {
            io.portcullis.james.NameserverService.storeView(mail, r.view());
            MailAttributes.storeFindings(mail, io.portcullis.nameservers.NameserverChecker.CHECK, r.findings());
        }
        return r.findings();
    }

    private boolean hasExemptRecipient(Collection<MailAddress> recipients) {
        if (recipients == null) {
            return false;
        }
        for (MailAddress r : recipients) {
            if (isLocalPostmasterOrAbuse(r)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks in observe mode that would have tarpitted or tagged an accepted message: logged as an observe-mode
     * decision (the message goes on as the enforced checks decide).
     */
    private void wouldAccept(SmtpSettings s, SMTPSession session, Conn conn, Verdict verdict) {
        double would = verdict.wouldScore();
        String action = would >= s.tarpitThreshold && verdict.score() < s.tarpitThreshold && !conn.tarpitted
                ? io.portcullis.log.Decision.TARPIT
                : verdict.wouldAction().compareTo(io.portcullis.policy.Action.TAG) >= 0
                        && verdict.action().compareTo(io.portcullis.policy.Action.TAG) < 0
                        ? io.portcullis.log.Decision.TAG : null;
        if (action != null) {
            DecisionRecorder.wouldHave(runtime.decisionLog(), session, action, "250");
        }
    }

    // ---------------------------------------------------------------- tarpit (after every reply)

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime,
            ProtocolHandler handler) {
        try {
            if (response == null || response.isEndSession() || handler instanceof ConnectHandler) {
                return response;
            }
            SmtpSettings s = settings();
            if (!s.enabled || s.observe || !(session instanceof SMTPSession)) {
                return response;
            }
            Optional<Conn> oc = conn(session);
            if (oc.isEmpty()) {
                return response;
            }
            Conn conn = oc.get();
            if (exempt((SMTPSession) session, conn) || conn.gate == null) {
                return response;
            }
            // James 3.8.1 passes a command's response through the result handlers twice: from the command
            // dispatcher (handler = the command handler) and from the channel handler (handler = the dispatcher,
            // a LineHandler). Act once per command: on the first.
            if (handler instanceof org.apache.james.protocols.api.handler.LineHandler) {
                return response;
            }
            if (!conn.tarpitted) {
                boolean remembered = s.tarpitRemembered && Boolean.TRUE.equals(conn.remembered.getNow(false));
                if (remembered || evidence(conn).score() >= s.tarpitThreshold) {
                    markTarpit(conn, s);
                    DecisionRecorder.tarpitted(runtime.decisionLog(), (SMTPSession) session, evidence(conn),
                            runtime.config().modes(), handler);
                }
            }
            if (!conn.tarpitted) {
                return response;
            }
            if (!conn.counted) {
                TARPIT_REFUSED.incrementAndGet();
                SMTPResponse r = new SMTPResponse("421", "4.7.0 Too many slow connections, closing; try again later");
                r.setEndSession(true);
                DecisionRecorder.refused(runtime.decisionLog(), (SMTPSession) session, "421",
                        "4.7.0 Too many slow connections, closing; try again later", true, false);
                return r;
            }
            conn.gate.delay(s.tarpitDelay(conn.delayed++));
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: tarpit failed; going on", e);
        }
        return response;
    }

    /** Marks the connection as tarpitted; counted only while under the cap. */
    private static void markTarpit(Conn conn, SmtpSettings s) {
        if (conn.tarpitted) {
            return;
        }
        conn.tarpitted = true;
        if (TARPITTED.incrementAndGet() <= s.tarpitMaxConnections) {
            conn.counted = true;
        } else {
            TARPITTED.decrementAndGet();
        }
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        Optional<Conn> oc = conn(session);
        if (oc.isEmpty()) {
            return;
        }
        Conn conn = oc.get();
        if (conn.counted) {
            conn.counted = false;
            TARPITTED.decrementAndGet();
        }
        if (conn.gate != null) {
            conn.gate.close();
        }
    }

    /** Counters for tests and benchmarks. */
    public static String stats() {
        return "tarpitted=" + TARPITTED.get() + " tarpitRefused=" + TARPIT_REFUSED.get() + " rejected="
                + REJECTED.get() + " tempfailed=" + TEMPFAILED.get() + " pauses=" + ReadGate.PAUSES.get() + " resumes="
                + ReadGate.RESUMES.get();
    }

    /** Currently tarpitted connections. */
    public static int tarpittedNow() {
        return TARPITTED.get();
    }

    /** Name checks shared with the pipeline's target rules. */
    static final class MailTargetsView {
        private MailTargetsView() {
        }

        /** A host name worth asking name lists about (not an address literal). */
        static boolean isName(String helo) {
            String h = helo.trim();
            return !h.isEmpty() && !h.startsWith("[") && h.indexOf('.') > 0 && !h.matches("[0-9.]+")
                    && h.indexOf(':') < 0;
        }
    }
}
