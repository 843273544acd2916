package io.portcullis.james;

import io.portcullis.log.Decision;
import io.portcullis.verdict.Verdict;
import java.util.Optional;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

/**
 * The decision log line of a pipeline decision (stage {@code pipeline}): client, sender, recipients, message id and,
 * with reputation on, the transaction's reputation entities.
 */
public final class PipelineDecision {
    private static final AttributeName HELO = AttributeName.of("org.apache.james.HELO");

    private PipelineDecision() {
    }

    /** Offers the decision {@code action} ({@code tag}, {@code accept}) on {@code mail} to the runtime's log. */
    public static void record(PortcullisRuntime runtime, Mail mail, Verdict verdict, String action) {
        record(runtime, mail, action, false, verdict.score(), verdict);
    }

    /**
     * Offers the observe-mode decision {@code action}: what the pipeline would have done with the observed checks
     * enforced (their findings marked {@code observe}).
     */
    public static void recordObserved(PortcullisRuntime runtime, Mail mail, Verdict verdict, String action) {
        record(runtime, mail, action, true, verdict.wouldScore(), verdict);
    }

    /**
     * Offers the decision of the {@code Tarpit} mailet: the client is remembered for the tarpit (action
     * {@code tarpit}, reason {@code remember}), with the findings already on the mail (none are computed here).
     */
    public static void remembered(PortcullisRuntime runtime, Mail mail) {
        if (!runtime.decisionLog().active()) {
            return;
        }
        try {
            Verdict v = Verdict.of(MailAttributes.findings(mail), runtime.config().policy(), runtime.config().modes());
            offer(runtime, mail, Decision.of(Decision.PIPELINE, Decision.TARPIT).reason("remember").score(v.score())
                    .findings(v.findings()).observed(v.observed()));
        } catch (RuntimeException e) {
            // logging never fails the mail
        }
    }

    private static void record(PortcullisRuntime runtime, Mail mail, String action, boolean observe, double score,
            Verdict verdict) {
        if (!runtime.decisionLog().active()) {
            return;
        }
        try {
            offer(runtime, mail, Decision.of(Decision.PIPELINE, action).observe(observe).reason("score").score(score)
                    .findings(verdict.findings()).observed(verdict.observed()));
        } catch (RuntimeException e) {
            // logging never fails the mail
        }
    }

    /** Adds the mail's client, HELO, sender, recipients and message id to {@code d} and offers it. */
    private static void offer(PortcullisRuntime runtime, Mail mail, Decision d) {
        d.client(mail.getRemoteAddr());
        String host = mail.getRemoteHost();
        if (host != null && !host.equals(mail.getRemoteAddr())) {
            d.rdns(host);
        }
        Optional<Attribute> helo = mail.getAttribute(HELO);
        if (helo.isPresent()) {
            d.helo(String.valueOf(helo.get().getValue().value()));
        }
        d.sender(mail.getMaybeSender().isNullSender() ? "" : mail.getMaybeSender().asString());
        d.recipients(mail.getRecipients() == null ? 0 : mail.getRecipients().size());
        MailAttributes.listsUnknown(mail).ifPresent(d::listsUnknown);
        if (runtime.reputation().enabled()) {
            d.entities(io.portcullis.reputation.Entity.logKeys(ReputationService.entities(mail)));
        }
        try {
            d.messageId(mail.getMessage() == null ? null : mail.getMessage().getMessageID());
        } catch (Exception e) {
            // no message id
        }
        runtime.decisionLog().offer(d);
    }
}
