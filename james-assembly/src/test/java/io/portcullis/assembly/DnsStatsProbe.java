package io.portcullis.assembly;

import io.portcullis.dns.DnsStats;
import io.portcullis.smtp.PortcullisSmtpHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * A test mailet put first in the root processor: records the DNS client's counters when a mail enters the pipeline,
 * keyed by its subject, so that a test can tell the SMTP side's DNS questions from the pipeline's without racing
 * the spool (a sample taken by the client after the 250 may already include the pipeline's).
 */
public final class DnsStatsProbe extends GenericMailet {
    /** The line that puts this mailet first in the sample's root processor. */
    static final String[] EDIT = {"mailetcontainer.xml", "<mailet match=\"All\" class=\"PostmasterAlias\"/>",
        "<mailet match=\"All\" class=\"io.portcullis.assembly.DnsStatsProbe\"/>\n"
                + "            <mailet match=\"All\" class=\"PostmasterAlias\"/>"};

    private static final Map<String, DnsStats> AT_PIPELINE_ENTRY = new ConcurrentHashMap<>();

    @Override
    public void service(Mail mail) throws MessagingException {
        String subject = mail.getMessage().getSubject();
        PortcullisSmtpHandler.activeRuntime().filter(r -> r.dns() != null).ifPresent(r ->
                AT_PIPELINE_ENTRY.put(subject == null ? "" : subject, r.dns().stats()));
    }

    /** The DNS counters when the mail whose subject contains {@code token} entered the pipeline, or null. */
    static DnsStats atPipelineEntry(String token) {
        return AT_PIPELINE_ENTRY.entrySet().stream().filter(e -> e.getKey().contains(token)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }
}
