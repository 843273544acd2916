package io.portcullis.smtp;

import io.portcullis.config.ModeSettings;
import io.portcullis.config.SmtpSettings;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListStatus;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.json.Text;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.smtpserver.JamesWelcomeMessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The greeting test (as Postfix's postscreen does it): holds the final {@code 220} greeting of suspicious or
 * unknown clients for {@code smtp.greeting.delay-ms}, and flags or drops clients that talk before it (bots do:
 * they send EHLO without waiting).
 *
 * <h2>Enabling (James 3.8.1)</h2>
 * James's stock welcome handler writes the 220 at once and cannot be delayed, so the handler chain must use the
 * core handler list without it, {@link PortcullisCoreHandlers} (James's list with the welcome handler replaced by
 * this class). In {@code smtpserver.xml}:
 *
 * <pre>{@code
 * <handlerchain coreHandlersPackage="io.portcullis.smtp.PortcullisCoreHandlers">
 *     <handler class="org.apache.james.smtpserver.fastfail.ValidRcptHandler"/>
 *     <handler class="io.portcullis.smtp.PortcullisSmtpHandler"/>
 * </handlerchain>
 * }</pre>
 *
 * and in {@code portcullis.properties}:
 *
 * <pre>
 * smtp.greeting.clients   = suspicious   # none (default) | suspicious | all
 * smtp.greeting.delay-ms  = 6000         # the final 220 comes this long after connect
 * smtp.greeting.action    = flag         # flag: finding smtp/PREGREET (smtp.greeting.score, default the reject
 *                                        # threshold: 550 at RCPT); drop: smtp.greeting.drop-code (521|554), close
 * smtp.greeting.partial   = true         # "220-" at once, the final "220" later
 * </pre>
 *
 * With {@code smtp.greeting.clients = none} (the default) or without {@link PortcullisSmtpHandler} in the chain
 * this handler writes James's usual greeting at once, exactly as the stock welcome handler does.
 *
 * <h2>Which clients</h2>
 * Never clients allowed to relay (authorised networks) or on {@code smtp.allow}. {@code all}: every other client.
 * {@code suspicious}: clients whose connect-time evidence (client address lists, reverse DNS and its lists, the
 * tarpit memory; started by {@link PortcullisSmtpHandler}) has any listing, is still unknown after
 * {@code smtp.budget-ms}, or remembers them; the others get the final 220 as soon as their evidence is in (a few
 * milliseconds with a local resolver).
 *
 * <h2>How</h2>
 * At connect, a line handler is pushed that swallows (and records) every line the client sends; the response is
 * {@code 220-<host> ESMTP} (or nothing without {@code partial}). The final greeting is written from the shared
 * timer thread ({@link SmtpTimer#schedule}), never from a sleeping thread: the timer pops the line handler first,
 * then writes James's usual greeting through the transport (Netty queues the write to the event loop). An early
 * line gets no reply; with {@code drop} it is answered {@code 521/554 5.5.1} and the connection closed at once.
 * A partial line (no CRLF) is not seen. The timer only touches objects captured at connect (transport, state),
 * never the session's attachments.
 */
public class PortcullisGreetingHandler implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(PortcullisGreetingHandler.class);
    static final ProtocolSession.AttachmentKey<Hold> HOLD = ProtocolSession.AttachmentKey.of(
            "io.portcullis.smtp.greeting", Hold.class);

    static final AtomicLong HELD = new AtomicLong();
    static final AtomicLong PREGREET = new AtomicLong();
    static final AtomicLong DROPPED = new AtomicLong();

    private final PortcullisRuntime runtime;
    private final JamesWelcomeMessageHandler welcome = new JamesWelcomeMessageHandler();

    @Inject
    public PortcullisGreetingHandler(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init(org.apache.commons.configuration2.Configuration config) {
        SmtpSettings s = runtime.config().smtp();
        LOGGER.info("Portcullis: greeting handler active (clients {}, delay {} ms, action {})",
                s.greetingClients.name().toLowerCase(java.util.Locale.ROOT), s.greetingDelayMs,
                s.greetingDrop ? "drop " + s.greetingDropCode : "flag " + s.greetingScore);
    }

    @Override
    public Response onConnect(SMTPSession session) {
        Response greeting = welcome.onConnect(session);
        try {
            SmtpSettings s = runtime.config().smtp();
            if (!s.greetingTestOn() || session.isRelayingAllowed() || !(session instanceof ProtocolSessionImpl)) {
                return greeting;
            }
            Optional<Conn> oc = PortcullisSmtpHandler.conn(session);
            if (oc.isEmpty() || oc.get().client == null || oc.get().allowListed) {
                // Without PortcullisSmtpHandler in the chain there is nothing to flag with: greet normally.
                return greeting;
            }
            Conn conn = oc.get();
            ProtocolTransport transport = ((ProtocolSessionImpl) session).getProtocolTransport();
            // Drop early talkers only when enforcing: in observe mode (smtp.mode, smtp.greeting.mode) they are
            // flagged with a finding that does not count.
            boolean drop = s.greetingDrop && !s.observe && !runtime.config().modes().observes(
                    ModeSettings.SMTP_CHECK, ModeSettings.PREGREET);
            Hold hold = new Hold(session, transport, conn, greeting, s, drop);
            session.setAttachment(HOLD, hold, ProtocolSession.State.Connection);
            session.pushLineHandler(hold);
            HELD.incrementAndGet();
            if (s.greetingClients == SmtpSettings.GreetingClients.ALL) {
                hold.holdUntilDeadline();
            } else {
                CompletableFuture<Void> evidence = CompletableFuture.allOf(conn.clientLists, conn.rdnsLists,
                        conn.remembered);
                hold.decideOn(evidence, conn.clientLists, conn.rdnsLists, conn.remembered, s.budgetMs);
            }
            return s.greetingPartial ? partial(session) : NoResponse.INSTANCE;
        } catch (RuntimeException e) {
            LOGGER.warn("Portcullis: greeting test failed; greeting at once", e);
            return greeting;
        }
    }

    /** {@code 220-<host> ESMTP}: the first line of a multi-line greeting. */
    private static Response partial(SMTPSession session) {
        String host = session.getConfiguration().getHelloName();
        return new Response() {
            @Override
            public String getRetCode() {
                return "220";
            }

            @Override
            public List<CharSequence> getLines() {
                return List.of("220-" + host + " ESMTP");
            }

            @Override
            public boolean isEndSession() {
                return false;
            }
        };
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        session.getAttachment(HOLD, ProtocolSession.State.Connection).ifPresent(Hold::cancel);
    }

    /** Counters for tests and benchmarks. */
    public static String stats() {
        return "greetingsHeld=" + HELD.get() + " pregreet=" + PREGREET.get() + " pregreetDropped=" + DROPPED.get();
    }

    /**
     * One held greeting: the line handler that catches early talkers, and the timer task that writes the
     * greeting. State changes are under the object's lock (event loop and timer thread).
     */
    static final class Hold implements LineHandler<SMTPSession> {
        private final ProtocolSession session;
        private final ProtocolTransport transport;
        private final Conn conn;
        private final Response greeting;
        private final SmtpSettings settings;
        private final boolean drop;
        private final long connectNanos;
        private boolean done;
        private int earlyLines;
        private ScheduledFuture<?> task;

        Hold(ProtocolSession session, ProtocolTransport transport, Conn conn, Response greeting,
                SmtpSettings settings, boolean drop) {
            this.session = session;
            this.drop = drop;
            this.transport = transport;
            this.conn = conn;
            this.greeting = greeting;
            this.settings = settings;
            this.connectNanos = conn.connectNanos;
        }

        /** Writes the final greeting at connect + delay. */
        synchronized void holdUntilDeadline() {
            if (done) {
                return;
            }
            long left = settings.greetingDelayMs
                    - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectNanos);
            if (task != null) {
                task.cancel(false);
            }
            task = SmtpTimer.schedule(this::release, left);
        }

        /** Suspicious mode: greet at once when the evidence is clean, else hold until the deadline. */
        void decideOn(CompletableFuture<Void> evidence, CompletableFuture<List<ListResult>> clientLists,
                CompletableFuture<List<ListResult>> rdnsLists, CompletableFuture<Boolean> remembered, long budgetMs) {
            Runnable decide = () -> {
                boolean suspicious = !evidence.isDone() || suspicious(clientLists) || suspicious(rdnsLists)
                        || Boolean.TRUE.equals(remembered.getNow(true));
                if (suspicious) {
                    holdUntilDeadline();
                } else {
                    release();
                }
            };
            synchronized (this) {
                task = SmtpTimer.schedule(decide, budgetMs);
            }
            // Decide on the timer thread, never inline: the evidence may already be complete here, on the event
            // loop, and the final greeting must not be written before the "220-" this connect handler returns.
            evidence.whenComplete((v, e) -> {
                synchronized (this) {
                    if (done || task == null || !task.cancel(false)) {
                        return; // already decided (budget passed)
                    }
                    task = SmtpTimer.schedule(decide, 0);
                }
            });
        }

        private static boolean suspicious(CompletableFuture<List<ListResult>> f) {
            if (!f.isDone() || f.isCompletedExceptionally()) {
                return true;
            }
            for (ListResult r : f.getNow(List.of())) {
                if (r.status() == ListStatus.LISTED || r.status() == ListStatus.UNKNOWN) {
                    return true;
                }
            }
            return false;
        }

        /** Timer thread: stop catching lines, then write the greeting. */
        void release() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                task = null;
            }
            try {
                transport.popLineHandler();
                transport.writeResponse(greeting, session);
            } catch (RuntimeException e) {
                LOGGER.debug("Portcullis: writing the held greeting failed (connection gone?)", e);
            }
        }

        synchronized void cancel() {
            done = true;
            if (task != null) {
                task.cancel(false);
                task = null;
            }
        }

        /** Event loop: a line before the final greeting. */
        @Override
        public Response onLine(SMTPSession s, byte[] line) {
            boolean first;
            synchronized (this) {
                earlyLines++;
                first = earlyLines == 1;
            }
            if (first) {
                PREGREET.incrementAndGet();
                String text = Text.headerSafe(new String(line, StandardCharsets.ISO_8859_1).trim(), 60);
                LOGGER.info("Portcullis: pregreet from {}: '{}' {} ms after connect ({})",
                        com.google.common.net.InetAddresses.toAddrString(conn.client), text,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectNanos),
                        drop ? "dropped" : "flagged");
            }
            if (drop) {
                cancel();
                DROPPED.incrementAndGet();
                SMTPResponse r = new SMTPResponse(settings.greetingDropCode,
                        "5.5.1 Protocol error: talked before the greeting");
                r.setEndSession(true);
                return r;
            }
            conn.pregreet = true;
            return null; // swallowed: no reply to a command sent before the greeting
        }
    }
}
