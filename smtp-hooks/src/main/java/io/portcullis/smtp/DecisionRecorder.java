package io.portcullis.smtp;

import io.portcullis.log.Decision;
import io.portcullis.log.DecisionLog;
import io.portcullis.policy.CheckModes;
import io.portcullis.policy.Policy;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.util.List;
import java.util.Optional;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.mailet.Mail;

/**
 * Puts the SMTP handler's decisions into the decision log ({@link DecisionLog}): refusals (and, in observe mode,
 * what would have been refused), tarpitting, and the end-of-DATA accept or tag with findings. Runs on the SMTP
 * thread: it only gathers fields and {@link DecisionLog#offer offers} (never blocks, never throws).
 *
 * <p>A decision point first {@link #note notes} what it judged (stage, score, findings; kept in the transaction
 * state of the session), so that {@link #refused} records the score and findings behind the reply.
 */
final class DecisionRecorder {
    /** What the last decision point of the transaction judged. */
    static final class Context {
        final String stage;
        final double score;
        /** The score with the findings of observed checks counted too. */
        final double wouldScore;
        final List<Finding> findings;
        /** Findings of checks in observe mode. */
        final List<Finding> observed;
        final String messageId;
        final int recipients;

        Context(String stage, double score, double wouldScore, List<Finding> findings, List<Finding> observed,
                String messageId, int recipients) {
            this.stage = stage;
            this.score = score;
            this.wouldScore = wouldScore;
            this.findings = findings;
            this.observed = observed;
            this.messageId = messageId;
            this.recipients = recipients;
        }
    }

    static final ProtocolSession.AttachmentKey<Context> CONTEXT = ProtocolSession.AttachmentKey.of(
            "io.portcullis.smtp.decision", Context.class);

    private DecisionRecorder() {
    }

    /** At RCPT: the connection's evidence so far. */
    static void note(SMTPSession session, Evidence e, CheckModes modes) {
        try {
            List<Finding> all = e.allFindings();
            session.setAttachment(CONTEXT, new Context(Decision.RCPT, e.score(), e.wouldScore(), modes.enforced(all),
                    modes.observed(all), null, -1), ProtocolSession.State.Transaction);
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** At end of DATA: the verdict over the whole message. */
    static void note(SMTPSession session, Verdict v, Mail mail) {
        try {
            session.setAttachment(CONTEXT, new Context(Decision.DATA, v.score(), v.wouldScore(), v.findings(),
                    v.observed(), messageId(mail), mail.getRecipients() == null ? -1 : mail.getRecipients().size()),
                    ProtocolSession.State.Transaction);
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** A refusal ({@code soft}: 4xx) with its reply; in observe mode, what would have been answered. */
    static void refused(DecisionLog log, SMTPSession session, String code, String text, boolean soft,
            boolean observe) {
        if (!log.active()) {
            return;
        }
        try {
            Optional<Context> c = session.getAttachment(CONTEXT, ProtocolSession.State.Transaction);
            String reason = text.contains("recently sent spam") ? "remembered"
                    : text.startsWith("4.4.3") ? "dns-unknown"
                    : text.startsWith("4.7.0 Too many slow") ? "tarpit-full" : "score";
            Decision d = base(session, soft ? Decision.TEMPFAIL : Decision.REJECT, c).observe(observe)
                    .reason(reason).reply(code + " " + text);
            if (c.isPresent() && reason.equals("score")) {
                d.score(c.get().score).findings(c.get().findings).observed(c.get().observed);
            }
            log.offer(d);
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /**
     * What the checks in observe mode would have done ({@code action}: reject, tempfail, tarpit, tag) had they been
     * enforced, with the reply that would have been sent (refusals); the mail goes on as the enforced checks decide.
     */
    static void wouldHave(DecisionLog log, SMTPSession session, String action, String reply) {
        if (!log.active()) {
            return;
        }
        try {
            Optional<Context> c = session.getAttachment(CONTEXT, ProtocolSession.State.Transaction);
            Decision d = base(session, action, c).observe(true).reason("score").reply(reply);
            if (c.isPresent()) {
                d.score(c.get().wouldScore).findings(c.get().findings).observed(c.get().observed);
            }
            log.offer(d);
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** A connection starts being tarpitted (stage of the command whose reply is delayed). */
    static void tarpitted(DecisionLog log, SMTPSession session, Evidence e, CheckModes modes, Object handler) {
        if (!log.active()) {
            return;
        }
        try {
            double score = e.score();
            List<Finding> all = e.allFindings();
            List<Finding> findings = modes.enforced(all);
            Optional<Context> c = session.getAttachment(CONTEXT, ProtocolSession.State.Transaction);
            Decision d = base(session, Decision.TARPIT, c).reason(findings.isEmpty() ? "remembered" : "score")
                    .score(score).findings(findings).observed(modes.observed(all));
            log.offer(withStage(d, stageOf(handler)));
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** End of DATA, message accepted: logged when there are findings (accept, tag) or the client is tarpitted. */
    static void accepted(DecisionLog log, SMTPSession session, Policy policy, boolean tarpitted, boolean observe) {
        if (!log.active()) {
            return;
        }
        try {
            Optional<Context> c = session.getAttachment(CONTEXT, ProtocolSession.State.Transaction);
            if (c.isEmpty() || !Decision.DATA.equals(c.get().stage)
                    || (c.get().findings.isEmpty() && c.get().observed.isEmpty() && !tarpitted)) {
                return;
            }
            String action = tarpitted ? Decision.TARPIT
                    : c.get().score >= policy.tagThreshold() ? Decision.TAG : Decision.ACCEPT;
            log.offer(base(session, action, c).observe(observe && tarpitted).reason("score").score(c.get().score)
                    .findings(c.get().findings).observed(c.get().observed).reply("250"));
        } catch (RuntimeException ex) {
            // never in the way of the reply
        }
    }

    /** The stage of the command whose reply a result handler sees, from the command handler's class. */
    static String stageOf(Object handler) {
        String n = handler == null ? "" : handler.getClass().getSimpleName();
        if (n.contains("Helo") || n.contains("Ehlo")) {
            return Decision.HELO;
        }
        if (n.contains("Mail")) {
            return Decision.MAIL;
        }
        if (n.contains("Rcpt")) {
            return Decision.RCPT;
        }
        if (n.contains("Data")) {
            return Decision.DATA;
        }
        return Decision.CONNECT;
    }

    private static Decision withStage(Decision d, String stage) {
        return d.stage().equals(stage) ? d : d.copyWithStage(stage);
    }

    private static Decision base(SMTPSession session, String action, Optional<Context> c) {
        Decision d = Decision.of(c.isPresent() ? c.get().stage : Decision.RCPT, action);
        Optional<PortcullisSmtpHandler.Conn> oc = PortcullisSmtpHandler.conn(session);
        if (oc.isPresent()) {
            PortcullisSmtpHandler.Conn conn = oc.get();
            if (conn.client != null) {
                d.client(conn.client.getHostAddress());
            }
            if (conn.rdns != null && conn.rdns.isDone()) {
                d.rdns(conn.rdns.getNow(null));
            }
            d.helo(conn.helo);
        } else if (session.getRemoteAddress() != null && session.getRemoteAddress().getAddress() != null) {
            d.client(session.getRemoteAddress().getAddress().getHostAddress());
        }
        Optional<MaybeSender> sender = session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction);
        if (sender.isPresent()) {
            d.sender(sender.get().isNullSender() ? "" : sender.get().asString());
        }
        int recipients = c.isPresent() && c.get().recipients >= 0 ? c.get().recipients : session.getRcptCount();
        d.recipients(recipients);
        if (c.isPresent()) {
            d.messageId(c.get().messageId);
        }
        return d;
    }

    private static String messageId(Mail mail) {
        try {
            return mail.getMessage() == null ? null : mail.getMessage().getMessageID();
        } catch (Exception e) {
            return null;
        }
    }
}
