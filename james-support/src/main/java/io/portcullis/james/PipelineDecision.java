package io.portcullis.james;

import io.portcullis.log.Decision;
import io.portcullis.verdict.Verdict;
import java.util.Optional;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

/** The decision log line of a pipeline decision (stage {@code pipeline}): client, sender, recipients, message id. */
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

    private static void record(PortcullisRuntime runtime, Mail mail, String action, boolean observe, double score,
            Verdict verdict) {
        if (!runtime.decisionLog().active()) {
            return;
        }
        try {
            Decision d = Decision.of(Decision.PIPELINE, action).observe(observe).reason("score").score(score)
                    .findings(verdict.findings()).observed(verdict.observed());
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
            try {
                d.messageId(mail.getMessage() == null ? null : mail.getMessage().getMessageID());
            } catch (Exception e) {
                // no message id
            }
            runtime.decisionLog().offer(d);
        } catch (RuntimeException e) {
            // logging never fails the mail
        }
    }
}
