package io.portcullis.smtp;

import io.portcullis.decision.Refusal;
import io.portcullis.decision.SmtpDecision;
import io.portcullis.decision.Stage;
import io.portcullis.log.Decision;
import io.portcullis.log.DecisionLog;
import io.portcullis.verdict.Action;
import io.portcullis.verdict.Verdict;
import java.util.Optional;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Puts the SMTP handler's decisions into the decision log ({@link DecisionLog}): refusals with the typed reason of
 * the {@link Refusal}, tarpitting, the end-of-DATA accept or tag with its findings, and — for checks in observe
 * mode — what would have been done. Runs on the SMTP thread: it only gathers fields and
 * {@link DecisionLog#offer offers} (never blocks, never throws).
 */
final class DecisionRecorder {
    private DecisionRecorder() {
    }

    /** A refusal (or, with {@code smtp.mode = observe}, the refusal that would have been sent). */
    static void refused(DecisionLog log, SMTPSession session, Conn conn, SmtpDecision d, Refusal r,
            boolean observe, String messageId) {
        if (!log.active()) {
            return;
        }
        try {
            Decision line = base(session, conn, d.stage(), r.soft() ? Decision.TEMPFAIL : Decision.REJECT, messageId)
                    .observe(observe).reason(r.kind().id()).reply(r.reply());
            if (r.kind() == Refusal.Kind.SCORE) {
                line.score(d.score()).findings(d.findings()).observed(d.observed());
            }
            log.offer(line);
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** A refusal that no score decided (the tarpit is full). */
    static void refused(DecisionLog log, SMTPSession session, Conn conn, Stage stage, Refusal r) {
        if (!log.active()) {
            return;
        }
        try {
            log.offer(base(session, conn, stage, r.soft() ? Decision.TEMPFAIL : Decision.REJECT, null)
                    .reason(r.kind().id()).reply(r.reply()));
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** What checks in observe mode would have done (reject, tempfail, tarpit or tag); the mail goes on. */
    static void wouldHave(DecisionLog log, SMTPSession session, Conn conn, SmtpDecision would, String action,
            String reply, String messageId) {
        if (!log.active()) {
            return;
        }
        try {
            log.offer(base(session, conn, would.stage(), action, messageId).observe(true).reason("score")
                    .reply(reply).score(would.score()).findings(would.findings()).observed(would.observed()));
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** A connection starts being tarpitted at {@code d}'s stage (the reply of that stage is the first delayed). */
    static void tarpitted(DecisionLog log, SMTPSession session, Conn conn, SmtpDecision d) {
        if (!log.active()) {
            return;
        }
        try {
            log.offer(base(session, conn, d.stage(), Decision.TARPIT, null)
                    .reason(d.findings().isEmpty() ? "remembered" : "score").score(d.score()).findings(d.findings())
                    .observed(d.observed()));
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** End of DATA, message accepted: logged when there are findings (accept, tag) or the client is tarpitted. */
    static void accepted(DecisionLog log, SMTPSession session, Conn conn, Verdict v, String messageId,
            int recipients) {
        if (!log.active() || (v.findings().isEmpty() && v.observed().isEmpty() && !conn.tarpitted)) {
            return;
        }
        try {
            String action = conn.tarpitted ? Decision.TARPIT
                    : v.action().compareTo(Action.TAG) >= 0 ? Decision.TAG : Decision.ACCEPT;
            log.offer(base(session, conn, Stage.DATA, action, messageId).recipients(recipients).reason("score")
                    .score(v.score()).findings(v.findings()).observed(v.observed()).reply("250"));
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** The stage of the command whose reply a result handler sees, from the command handler's class. */
    static Stage stageOf(Object handler) {
        String n = handler == null ? "" : handler.getClass().getSimpleName();
        if (n.contains("Helo") || n.contains("Ehlo")) {
            return Stage.HELO;
        }
        if (n.contains("Mail")) {
            return Stage.MAIL;
        }
        if (n.contains("Rcpt")) {
            return Stage.RCPT;
        }
        if (n.contains("Data")) {
            return Stage.DATA;
        }
        return Stage.CONNECT;
    }

    private static Decision base(SMTPSession session, Conn conn, Stage stage, String action, String messageId) {
        Decision d = Decision.of(stage.id(), action);
        if (conn != null && conn.client != null) {
            d.client(com.google.common.net.InetAddresses.toAddrString(conn.client));
            if (conn.rdns.isDone()) {
                d.rdns(conn.rdns.getNow(null));
            }
            d.helo(conn.helo);
            d.entities(io.portcullis.reputation.Entity.logKeys(SmtpReputation.entities(conn)));
            String unknown = conn.listsUnknown();
            if (unknown != null && !unknown.isEmpty()) {
                d.listsUnknown(unknown);
            }
        } else if (session.getRemoteAddress() != null && session.getRemoteAddress().getAddress() != null) {
            d.client(com.google.common.net.InetAddresses.toAddrString(session.getRemoteAddress().getAddress()));
        }
        Optional<MaybeSender> sender = session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction);
        if (sender.isPresent()) {
            d.sender(sender.get().isNullSender() ? "" : sender.get().asString());
        }
        d.recipients(session.getRcptCount());
        d.messageId(messageId);
        return d;
    }
}
