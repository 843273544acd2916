package io.portcullis.mailets;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.json.Text;
import io.portcullis.verdict.Action;
import io.portcullis.verdict.Policy;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <pre>{@code
 * <mailet match="All" class="io.portcullis.mailets.Tag">
 *     <!-- all optional -->
 *     <threshold>5</threshold>
 *     <subjectPrefix>[SPAM]</subjectPrefix>
 *     <statusHeader>org.apache.james.spamassassin.status</statusHeader>
 * </mailet>
 * <!-- later, e.g. in the local-delivery processor: James's stock "move to the Spam folder" -->
 * <mailet match="IsMarkedAsSpam" class="WithStorageDirective">
 *     <targetFolderName>Spam</targetFolderName>
 * </mailet>
 * }</pre>
 *
 * <p>Tags mail with the Portcullis verdict. It gathers every finding recorded on the mail (attribute
 * {@code io.portcullis.findings}, filled by SMTP hooks or matchers earlier in the pipeline), runs the header
 * conformance check if no earlier stage did, sums the scores and applies the policy of
 * {@code portcullis.properties}. Then:
 * <ul>
 *   <li>no finding that counts against it (none at all, or only credits such as a sender's good reputation): the
 *       message is left untouched (no header is added, the message is not rewritten);</li>
 *   <li>at least one finding with a positive score: {@code X-Portcullis-Score: <score>} and {@code X-Portcullis-Report: RULE (score):
 *       reason; ...} (header-safe ASCII, folded, at most {@value #REPORT_MAX} characters), and a per-recipient
 *       header {@code statusHeader} with value {@code No, score=S required=T};</li>
 *   <li>score at or above the tag threshold: the per-recipient header says {@code Yes, score=S required=T}, which
 *       James's own {@code IsMarkedAsSpam} matcher recognises, and the subject gets {@code subjectPrefix} (once).</li>
 * </ul>
 * Headers named {@code X-Portcullis-Score}/{@code X-Portcullis-Report}, {@code statusHeader} or
 * {@value #DEFAULT_STATUS_HEADER} that arrive with the message are removed, so a sender cannot forge a clean report
 * or status (James adds the per-recipient status at delivery next to a same-named header of the message). The score and action are also stored in the JSON-serialisable mail
 * attributes {@code io.portcullis.score} and {@code io.portcullis.action}.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code threshold}: tag threshold, overriding {@code policy.tag-threshold} for this mailet;</li>
 *   <li>{@code subjectPrefix}: text put before the subject of tagged mail, e.g. {@code [SPAM]}; default none;</li>
 *   <li>{@code statusHeader}: name of the per-recipient header; default
 *       {@value #DEFAULT_STATUS_HEADER}, the default condition of {@code IsMarkedAsSpam} in James 3.8.1.</li>
 * </ul>
 * Unknown parameters fail at init. Thread-safe (configuration is immutable after {@link #init()}).
 */
public class Tag extends GenericMailet {
    public static final String SCORE_HEADER = "X-Portcullis-Score";
    public static final String REPORT_HEADER = "X-Portcullis-Report";
    /** {@code org.apache.james.transport.matchers.IsMarkedAsSpam.STATUS_MAIL_PACKAGE_DEFAULT} in James 3.8.1. */
    public static final String DEFAULT_STATUS_HEADER = "org.apache.james.spamassassin.status";
    static final int REPORT_MAX = 900;
    private static final int DETAIL_MAX = 100;
    private static final int FOLD_AT = 76;

    private static final Logger LOGGER = LoggerFactory.getLogger(Tag.class);

    private final PortcullisRuntime runtime;
    private volatile Settings settings;

    @Inject
    public Tag(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("threshold", "subjectPrefix", "statusHeader"));
        Policy base = runtime.config().policy();
        Policy policy = base;
        String threshold = getInitParameter("threshold");
        if (threshold != null && !threshold.trim().isEmpty()) {
            double t;
            try {
                t = PortcullisConfig.parseNumber("Tag mailet", "threshold", threshold.trim());
            } catch (RuntimeException e) {
                throw new MessagingException(e.getMessage());
            }
            policy = new Policy(t, Math.max(t, base.tarpitThreshold()), Math.max(t, base.rejectThreshold()));
        }
        String prefix = getInitParameter("subjectPrefix", "");
        String statusHeader = getInitParameter("statusHeader", DEFAULT_STATUS_HEADER).trim();
        if (statusHeader.isEmpty() || !statusHeader.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
            throw new MessagingException("Tag mailet: statusHeader='" + statusHeader + "': not a valid header name");
        }
        settings = new Settings(policy, prefix == null ? "" : prefix.trim(), statusHeader);
    }

    @Override
    public String getMailetInfo() {
        return "Portcullis Tag: adds X-Portcullis-Score/Report and an IsMarkedAsSpam-compatible per-recipient flag";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Settings s = settings;
        Verdict verdict = Verdict.of(runtime.allFindings(mail), s.policy, runtime.config().modes());
        List<Finding> findings = verdict.findings();
        MailAttributes.storeVerdict(mail, verdict);
        if (verdict.wouldAction().compareTo(verdict.action()) > 0) {
            // An observed check would have made it worse: logged as an observe-mode decision, mail untouched.
            io.portcullis.james.PipelineDecision.recordObserved(runtime, mail, verdict,
                    verdict.wouldAction().compareTo(Action.TAG) >= 0 ? "tag" : "accept");
        }

        MimeMessage message = mail.getMessage();
        removeForgedHeaders(message, s.statusHeader);
        if (findings.stream().noneMatch(f -> f.score() > 0)) {
            return; // clean mail (no finding, or only credits such as a sender's good reputation) is not rewritten
        }
        boolean spam = verdict.action().compareTo(Action.TAG) >= 0;
        message.setHeader(SCORE_HEADER, format(verdict.score()));
        message.setHeader(REPORT_HEADER, report(findings));
        if (spam && !s.subjectPrefix.isEmpty()) {
            prefixSubject(message, s.subjectPrefix);
        }
        String status = (spam ? "Yes" : "No") + ", score=" + format(verdict.score()) + " required="
                + format(s.policy.tagThreshold());
        for (MailAddress recipient : mail.getRecipients()) {
            mail.addSpecificHeaderForRecipient(PerRecipientHeaders.Header.builder()
                    .name(s.statusHeader).value(status).build(), recipient);
        }
        io.portcullis.james.PipelineDecision.record(runtime, mail, verdict, spam ? "tag" : "accept");
        if (LOGGER.isDebugEnabled()) {
            LOGGER.debug("Portcullis: mail {} {} score={} findings={}", mail.getName(), verdict.action().id(),
                    verdict.score(), findings.size());
        }
    }

    /**
     * Removes what a sender could forge: our score and report, and a status header in the message itself under the
     * configured name or James's default name (the real status is a per-recipient header, added at delivery next to
     * anything of the same name the message already has).
     */
    private static void removeForgedHeaders(MimeMessage message, String statusHeader) throws MessagingException {
        for (String name : new String[] {SCORE_HEADER, REPORT_HEADER, statusHeader, DEFAULT_STATUS_HEADER}) {
            if (message.getHeader(name) != null) {
                message.removeHeader(name);
            }
        }
    }

    private static void prefixSubject(MimeMessage message, String prefix) throws MessagingException {
        String subject = message.getSubject();
        if (subject == null || subject.isEmpty()) {
            message.setSubject(prefix, "UTF-8");
        } else if (!subject.startsWith(prefix)) {
            message.setSubject(prefix + " " + subject, "UTF-8");
        }
    }

    /** Score as a short decimal: {@code 7.5}, {@code 5.0}, {@code 0.25}. */
    static String format(double d) {
        BigDecimal b = BigDecimal.valueOf(d).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        if (b.scale() < 1) {
            b = b.setScale(1, RoundingMode.UNNECESSARY);
        }
        return b.toPlainString();
    }

    /**
     * {@code RULE (score): reason; RULE2 (score): reason}, printable ASCII only, folded before an item that would
     * pass column {@value #FOLD_AT}, cut at {@value #REPORT_MAX} characters with a count of the omitted findings.
     */
    static String report(List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        int column = REPORT_HEADER.length() + 2;
        int length = 0;
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            String rule = Text.headerSafe(f.rule(), 60);
            String detail = Text.headerSafe(f.detail(), DETAIL_MAX);
            String item = rule + " (" + format(f.score()) + ")" + (detail.isEmpty() ? "" : ": " + detail)
                    + (i + 1 < findings.size() ? ";" : "");
            if (length + item.length() > REPORT_MAX) {
                out.append(length == 0 ? "" : " ").append("... (").append(findings.size() - i).append(" more)");
                break;
            }
            if (length > 0) {
                if (column + 1 + item.length() > FOLD_AT) {
                    out.append("\r\n ");
                    column = 1;
                } else {
                    out.append(' ');
                    column++;
                }
            }
            out.append(item);
            column += item.length();
            length += item.length() + 1;
        }
        return out.toString();
    }

    private static final class Settings {
        final Policy policy;
        final String subjectPrefix;
        final String statusHeader;

        Settings(Policy policy, String subjectPrefix, String statusHeader) {
            this.policy = policy;
            this.subjectPrefix = subjectPrefix;
            this.statusHeader = statusHeader;
        }
    }
}
