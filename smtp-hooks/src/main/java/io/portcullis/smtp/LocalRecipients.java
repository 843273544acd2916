package io.portcullis.smtp;

import io.portcullis.decision.Refusal;
import io.portcullis.decision.SmtpDecider;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Recipients that are always accepted: {@code postmaster@} and {@code abuse@} of a local domain (a domain list that
 * cannot answer counts as local: refusing the postmaster is worse). A transaction holds either such recipients or
 * others, never both, so adding postmaster to a spam run does not carry the spam to the other recipients.
 */
final class LocalRecipients {
    private final DomainList domains;

    LocalRecipients(DomainList domains) {
        this.domains = domains;
    }

    boolean isPostmasterOrAbuse(MailAddress rcpt) {
        String local = rcpt.getLocalPart();
        if (!local.equalsIgnoreCase("postmaster") && !local.equalsIgnoreCase("abuse")) {
            return false;
        }
        try {
            return domains.containsDomain(rcpt.getDomain());
        } catch (Exception e) {
            return true;
        }
    }

    /** True when there are recipients and all of them are exempt. */
    boolean allExempt(Collection<MailAddress> recipients) {
        if (recipients == null || recipients.isEmpty()) {
            return false;
        }
        for (MailAddress r : recipients) {
            if (!isPostmasterOrAbuse(r)) {
                return false;
            }
        }
        return true;
    }

    /** The refusal of a recipient of the other kind than those the transaction already holds, if any. */
    Optional<Refusal> split(SMTPSession session, boolean rcptExempt) {
        List<MailAddress> accepted = session.getAttachment(SMTPSession.RCPT_LIST, ProtocolSession.State.Transaction)
                .orElse(List.of());
        return SmtpDecider.splitRecipients(accepted.size(), !accepted.isEmpty()
                && isPostmasterOrAbuse(accepted.get(0)), rcptExempt);
    }
}
