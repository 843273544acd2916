package io.portcullis.smtp;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.SmtpSettings;
import io.portcullis.decision.Exemption;
import io.portcullis.decision.Refusal;
import io.portcullis.decision.SmtpDecider;
import io.portcullis.decision.SmtpDecision;
import io.portcullis.decision.Stage;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.james.TarpitMemory;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.inject.Inject;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
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
 * Settings are the {@code smtp.*} keys of {@code portcullis.properties} ({@link SmtpSettings}). The decision itself
 * is {@link SmtpDecider} (core); this class is plumbing: it starts lookups ({@link SmtpLookups}), holds each line
 * until the evidence its decision needs is in ({@link LineGate}), asks the decider, writes the reply and records it.
 *
 * <h2>What runs when</h2>
 * <ul>
 *   <li><b>connect</b>: the client address's DNS lists, its reverse DNS (then the name's lists and, when
 *       {@code smtp.allow} names hosts, its forward confirmation) and the tarpit memory, asynchronously.</li>
 *   <li><b>HELO</b>: the HELO name's lists. <b>MAIL FROM</b>: the sender domain's lists and the
 *       shared-spam-nameserver check. The MAIL line waits for the connection's evidence (so the tarpit and the
 *       allow list are settled).</li>
 *   <li><b>RCPT TO</b> (decision 1): the line waits until the connection's and the transaction's evidence is in or
 *       {@code smtp.budget-ms} has passed — however the client pipelines — then {@link SmtpDecider} decides:
 *       {@code 550 5.7.1}, {@code 451}, or on. Unknown evidence never gives a 5xx.</li>
 *   <li><b>end of DATA</b> (decision 2): the final {@code .} waits the same way; header conformance plus every
 *       list result is decided; the verdict and findings are attached to the mail ({@link MailAttributes}).</li>
 * </ul>
 * Hooks return {@code DECLINED} unless they refuse: {@code OK} would skip James's relay check (open relay) or its
 * enqueueing (lost mail). A hook that fails answers {@code 451 4.3.0} (never a silent accept) and logs a warning.
 *
 * <h2>Exemptions</h2>
 * Clients allowed to relay (authorised networks, SMTP AUTH) and clients on {@code smtp.allow} by address or by a
 * <em>forward-confirmed</em> reverse DNS name (never by HELO or MAIL FROM) are never refused or tarpitted.
 * Recipients {@code postmaster@}/{@code abuse@} of local domains are always accepted; a transaction holds either
 * such recipients or others, never both ({@code 452 4.5.3} for the second kind), so adding postmaster to a spam
 * run does not carry the spam to the other recipients.
 *
 * <h2>Tarpit</h2>
 * From the first reply at which the connection's score reaches {@code smtp.tarpit-threshold} (also above the
 * reject threshold: a listed client is slowed down and refused), or the client is remembered by the
 * {@code Tarpit} mailet, every later reply is delayed: the next line waits {@code smtp.tarpit.delay-ms}, growing by
 * {@code smtp.tarpit.step-ms} up to {@code smtp.tarpit.max-delay-ms}. The delay applies per reply, however the
 * client pipelines. At most {@code smtp.tarpit.max-connections} are tarpitted; beyond, {@code 421 4.7.0} and close.
 *
 * <p>{@code smtp.mode = observe} decides and logs everything ("would" lines) but never refuses or tarpits.
 * Thread-safe: per-connection state is a {@link Conn} in the session, touched on its event loop.
 */
public class PortcullisSmtpHandler implements ConnectHandler<SMTPSession>, HeloHook, MailHook, RcptHook,
        JamesMessageHook, DisconnectHandler<SMTPSession>, ProtocolHandlerResultHandler<Response, ProtocolSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(PortcullisSmtpHandler.class);
    static final ProtocolSession.AttachmentKey<Conn> CONN = ProtocolSession.AttachmentKey.of("io.portcullis.smtp.conn",
            Conn.class);
    /** A hook failed: a temporary refusal, never a silent accept of unjudged mail. */
    /** The most recently created handler (tests and benchmarks read its counters). */
    private static final AtomicReference<PortcullisSmtpHandler> ACTIVE = new AtomicReference<>();

    private final PortcullisRuntime runtime;
    private final LocalRecipients local;
    private final SmtpLookups lookups;
    private final MessageFindings messageFindings;
    /** Tarpitted connections of this James server (shared by its handler instances, never by another server). */
    private final TarpitSlots tarpit;

    @Inject
    public PortcullisSmtpHandler(PortcullisRuntime runtime, DomainList domains, TarpitMemory memory,
            TarpitSlots tarpit) {
        this.runtime = runtime;
        this.local = new LocalRecipients(domains);
        this.tarpit = tarpit;
        this.lookups = new SmtpLookups(runtime, memory);
        this.messageFindings = new MessageFindings(runtime, lookups);
        ACTIVE.set(this);
        runtime.gauge("portcullis_tarpit_connections", tarpit::held);
        runtime.gauge("portcullis_smtp_paused_connections", LineGate::holdingNow);
    }

    /** The runtime of the most recently created handler (tests and benchmarks read its DNS counters). */
    public static Optional<PortcullisRuntime> activeRuntime() {
        return Optional.ofNullable(ACTIVE.get()).map(h -> h.runtime);
    }

    private SmtpSettings settings() {
        return runtime.config().smtp();
    }

    @Override
    public void init(org.apache.commons.configuration2.Configuration config) {
        LOGGER.info("Portcullis: SMTP handler active: {}", settings());
    }

    static Optional<Conn> conn(ProtocolSession session) {
        return session.getAttachment(CONN, ProtocolSession.State.Connection);
    }

    /** The connection state, created (with its line gate) on first use. */
    Conn connFor(ProtocolSession session) {
        Optional<Conn> c = conn(session);
        if (c.isPresent()) {
            return c.get();
        }
        InetSocketAddress remote = session.getRemoteAddress();
        Conn conn = new Conn(remote == null ? null : remote.getAddress(), settings().budgetMs);
        conn.gate = LineGate.installOn(session, conn).orElse(null);
        conn.unknownLists = runtime::listsUnknown;
        if (session instanceof SMTPSession) {
            SMTPSession smtp = (SMTPSession) session;
            conn.headerListener = headers -> {
                if (settings().enabled) {
                    lookups.atHeaders(conn, headers, ClientExemption.of(smtp, conn) == Exemption.NONE);
                }
            };
        }
        session.setAttachment(CONN, conn, ProtocolSession.State.Connection);
        return conn;
    }

    // ---------------------------------------------------------------- connect, HELO, MAIL: lookups start

    @Override
    public Response onConnect(SMTPSession session) {
        try {
            if (settings().enabled) {
                lookups.atConnect(session, connFor(session), settings());
            }
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: connect handler failed; the connection goes on unchecked", e);
        }
        return NoResponse.INSTANCE;
    }

    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        try {
            if (settings().enabled) {
                Conn conn = connFor(session);
                conn.helo = helo == null ? null : helo.trim();
                if (ClientExemption.of(session, conn) == Exemption.NONE) {
                    lookups.atHelo(conn);
                }
            }
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: HELO hook failed; going on", e);
        }
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        try {
            if (settings().enabled) {
                Conn conn = connFor(session);
                conn.newTransaction();
                boolean judge = ClientExemption.of(session, conn) == Exemption.NONE;
                lookups.atMail(conn, sender, judge);
            }
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: MAIL hook failed; going on", e);
        }
        return HookResult.DECLINED;
    }

    // ---------------------------------------------------------------- RCPT: decision 1

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        try {
            return rcpt(session, rcpt);
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: RCPT hook failed; answering 451", e);
            return HookReplies.FAILED;
        }
    }

    private HookResult rcpt(SMTPSession session, MailAddress rcpt) {
        SmtpSettings s = settings();
        if (!s.enabled) {
            return HookResult.DECLINED;
        }
        Conn conn = connFor(session);
        Exemption exemption = ClientExemption.of(session, conn);
        boolean rcptExempt = local.isPostmasterOrAbuse(rcpt);
        if (exemption == Exemption.NONE && !s.observe) {
            Optional<Refusal> split = local.split(session, rcptExempt);
            if (split.isPresent()) {
                return HookReplies.of(split.get());
            }
        }
        if (exemption == Exemption.NONE && rcptExempt) {
            exemption = Exemption.POSTMASTER;
        }
        io.portcullis.reputation.Greylist.Status grey = exemption == Exemption.NONE
                ? lookups.reputation.greylistStatus(conn, rcpt.asString())
                : io.portcullis.reputation.Greylist.Status.UNKNOWN;
        conn.greylistWait = grey.waits();
        SmtpDecision d;
        try {
            d = SmtpDecider.decide(Stage.RCPT, conn.evidence(exemption, s.greetingScore, null), s.rules(),
                    runtime.config().modes());
        } finally {
            conn.greylistWait = false;
        }
        lookups.reputation.afterRcpt(conn, grey, rcpt.asString(), d, s.rules(), s.observe);
        return act(session, conn, d, null);
    }

    /** Records the decision and turns it into the hook's answer. */
    private HookResult act(SMTPSession session, Conn conn, SmtpDecision d, String messageId) {
        SmtpSettings s = settings();
        // smtp.mode = observe: every refusal enforce mode would answer is logged; observed checks: once per
        // transaction (the first point where they would have changed the outcome).
        if (d.would().isPresent() && (!conn.wouldLogged || (s.observe && d.would().get().refuses()))) {
            SmtpDecision w = d.would().get();
            if (w.refuses() || w.tarpits()) {
                conn.wouldLogged = true;
                DecisionRecorder.wouldHave(runtime.decisionLog(), session, conn, w, w.action().id(),
                        w.refusal().map(Refusal::reply).orElse("250"), messageId);
            }
        }
        if (d.tarpits() && !conn.tarpitted) {
            tarpit.mark(conn, s.tarpitMaxConnections);
            DecisionRecorder.tarpitted(runtime.decisionLog(), session, conn, d);
        }
        if (!d.refuses()) {
            return HookResult.DECLINED;
        }
        Refusal r = d.refusal().get();
        lookups.reputation.afterRefusal(conn, d, s.rules(), s.observe);
        DecisionRecorder.refused(runtime.decisionLog(), session, conn, d, r, false, messageId);
        tarpit.refused(r.soft());
        LOGGER.info("Portcullis: {} to {}", r.reply(), session.getRemoteAddress());
        return HookReplies.of(r);
    }

    // ---------------------------------------------------------------- end of DATA: decision 2

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        try {
            return message(session, mail);
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: end-of-DATA hook failed; answering 451", e);
            return HookReplies.FAILED;
        }
    }

    private HookResult message(SMTPSession session, Mail mail) {
        SmtpSettings s = settings();
        if (!s.enabled) {
            return HookResult.DECLINED;
        }
        PortcullisConfig config = runtime.config();
        Conn conn = connFor(session);
        Exemption exemption = ClientExemption.of(session, conn);
        List<Finding> all = messageFindings.collect(conn, mail, exemption == Exemption.NONE, s.greetingScore);
        Verdict verdict = runtime.evaluator().verdict(all);
        MailAttributes.storeVerdict(mail, verdict);
        if (exemption == Exemption.NONE && local.allExempt(mail.getRecipients())) {
            exemption = Exemption.POSTMASTER;
        }
        String messageId = MessageFindings.messageId(mail);
        SmtpDecision d = SmtpDecider.decide(Stage.DATA, conn.evidence(exemption, s.greetingScore, all), s.rules(),
                config.modes());
        HookResult result = act(session, conn, d, messageId);
        if (d.refuses() || (s.observe && d.would().map(SmtpDecision::refuses).orElse(false))) {
            return result;
        }
        if (!conn.wouldLogged && verdict.wouldAction().compareTo(io.portcullis.verdict.Action.TAG) >= 0
                && verdict.action().compareTo(io.portcullis.verdict.Action.TAG) < 0) {
            conn.wouldLogged = true;
            DecisionRecorder.wouldHave(runtime.decisionLog(), session, conn, d, io.portcullis.log.Decision.TAG,
                    "250", messageId);
        }
        if (conn.tarpitted && !s.observe && conn.gate != null && exemption != Exemption.POSTMASTER) {
            // The end-of-DATA reply does not reach result handlers (it comes from a line handler): delay here.
            conn.gate.delay(s.tarpitDelay(conn.delayed++));
        }
        DecisionRecorder.accepted(runtime.decisionLog(), session, conn, verdict, messageId,
                mail.getRecipients() == null ? 0 : mail.getRecipients().size());
        return HookResult.DECLINED;
    }

    // ---------------------------------------------------------------- tarpit (after every reply)

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime,
            ProtocolHandler handler) {
        try {
            // James 3.8.1 passes a command's response through the result handlers twice: from the command
            // dispatcher (handler = the command handler) and from the channel handler (handler = the dispatcher,
            // a LineHandler). Act once per command: on the first.
            if (response == null || response.isEndSession() || handler instanceof ConnectHandler
                    || handler instanceof LineHandler || !(session instanceof SMTPSession)) {
                return response;
            }
            SmtpSettings s = settings();
            Optional<Conn> oc = conn(session);
            if (!s.enabled || oc.isEmpty() || oc.get().gate == null) {
                return response;
            }
            Conn conn = oc.get();
            SMTPSession smtp = (SMTPSession) session;
            if (!conn.tarpitted) {
                Stage stage = DecisionRecorder.stageOf(handler);
                SmtpDecision d = SmtpDecider.decide(stage, conn.evidence(ClientExemption.of(smtp, conn), s.greetingScore,
                        null), s.rules(), runtime.config().modes());
                if (!d.tarpits() || s.observe) {
                    return response;
                }
                tarpit.mark(conn, s.tarpitMaxConnections);
                DecisionRecorder.tarpitted(runtime.decisionLog(), smtp, conn, d);
            }
            if (s.observe || ClientExemption.of(smtp, conn) != Exemption.NONE) {
                return response;
            }
            if (!conn.counted) {
                tarpit.refusedOne();
                Refusal full = SmtpDecider.tarpitFull();
                SMTPResponse r = new SMTPResponse(full.code(), full.description());
                r.setEndSession(true);
                DecisionRecorder.refused(runtime.decisionLog(), smtp, conn, DecisionRecorder.stageOf(handler), full);
                return r;
            }
            conn.gate.delay(s.tarpitDelay(conn.delayed++));
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: tarpit failed; going on", e);
        }
        return response;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        Optional<Conn> oc = conn(session);
        if (oc.isEmpty()) {
            return;
        }
        Conn conn = oc.get();
        tarpit.release(conn);
        if (conn.gate != null) {
            conn.gate.close();
        }
    }

    /** This handler's counters (its server's tarpit; "held" counts lines held in the JVM), for tests and benchmarks. */
    public String stats() {
        return tarpit.stats();
    }

    /** Connections this handler's server tarpits now. */
    public int tarpitted() {
        return tarpit.held();
    }

    /** The most recently created handler (benchmarks, which run one server at a time, read its counters). */
    public static Optional<PortcullisSmtpHandler> active() {
        return Optional.ofNullable(ACTIVE.get());
    }
}
