package io.portcullis.smtp;

import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.DnsblEngine;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.decision.Exemption;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.MailHeaderInputs;
import io.portcullis.james.MailTargets;
import io.portcullis.james.NameserverService;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.nameservers.NameserverReport;
import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.mailet.Mail;

/**
 * Every finding of a message at end of DATA: header conformance, DNS lists (the dialog's lookups plus the targets
 * only the message reveals), the greeting test, the nameserver check. Each check's findings are attached to the
 * mail when complete ({@link MailAttributes}), so the pipeline never asks again; a check still running is left
 * unmarked and the pipeline completes it. Runs on the event loop: never waits.
 */
final class MessageFindings {
    private final PortcullisRuntime runtime;
    private final SmtpLookups lookups;

    MessageFindings(PortcullisRuntime runtime, SmtpLookups lookups) {
        this.runtime = runtime;
        this.lookups = lookups;
    }

    List<Finding> collect(Conn conn, Mail mail, boolean judgeClient, double greetingScore) {
        List<Finding> all = new ArrayList<>(runtime.evaluator().headerFindings(MailHeaderInputs.from(mail)));
        MailAttributes.storeFindings(mail, HeaderChecker.CHECK, all);
        all.addAll(listFindings(conn, mail, judgeClient));
        List<Finding> smtpFindings = conn.smtpFindings(greetingScore);
        if (!smtpFindings.isEmpty() && judgeClient) {
            MailAttributes.storeFindings(mail, Conn.SMTP_CHECK, smtpFindings);
            all.addAll(smtpFindings);
        }
        all.addAll(attachNameservers(conn, mail));
        MailAttributes.storeListsUnknown(mail, conn.listsUnknown());
        if (judgeClient) {
            List<Finding> rep = SmtpReputation.findings(conn);
            MailAttributes.storeFindings(mail, io.portcullis.reputation.Reputation.CHECK, rep);
            io.portcullis.james.ReputationService.storeEntities(mail, SmtpReputation.entities(conn));
            all.addAll(rep);
        }
        if (judgeClient && conn.network.isDone()) {
            List<Finding> network = conn.networkFindings();
            MailAttributes.storeFindings(mail, io.portcullis.network.NetworkEngine.CHECK, network);
            all.addAll(network);
        }
        if (judgeClient && conn.os.isDone()) {
            List<Finding> os = conn.osFindings();
            MailAttributes.storeFindings(mail, io.portcullis.os.OsEngine.CHECK, os);
            all.addAll(os);
        }
        return all;
    }

    /** The mail's list findings, from the dialog's lookups plus the targets only the message reveals. */
    List<Finding> listFindings(Conn conn, Mail mail, boolean judgeClient) {
        DnsblEngine dnsbl = runtime.dnsbl();
        if (dnsbl == null) {
            return List.of();
        }
        String rdns = conn.rdns.isDone() ? conn.rdns.getNow(null) : null;
        DnsblTargets targets = MailTargets.of(conn.client, rdns, conn.helo, !judgeClient, mail,
                runtime.config().dnsbl());
        Optional<List<ListResult>> complete = DialogLists.collect(dnsbl, conn, targets, judgeClient,
                lookups.hasNameLists());
        if (complete.isPresent()) {
            List<Finding> found = DnsblChecker.findings(complete.get());
            MailAttributes.storeFindings(mail, DnsblChecker.CHECK, found);
            return found;
        }
        // Some lookup is still running (past the budget): judge on what has arrived, and leave the check unmarked
        // so the pipeline completes it (its questions join the running ones).
        if (!judgeClient) {
            return List.of();
        }
        return conn.evidence(Exemption.NONE, 0, null).findings().stream()
                .filter(f -> DnsblChecker.CHECK.equals(f.check())).collect(Collectors.toList());
    }

    /** The nameserver findings; attached with the view when they cover the mail's sender domains. */
    private List<Finding> attachNameservers(Conn conn, Mail mail) {
        if (runtime.nameservers() == null || !conn.nameservers.isDone()) {
            return List.of();
        }
        NameserverReport r = conn.nameservers.getNow(null);
        if (r == null) {
            return List.of();
        }
        if (NameserverService.coversSenderDomains(mail)) {
            NameserverService.storeView(mail, r.view());
            MailAttributes.storeFindings(mail, NameserverChecker.CHECK, r.findings());
        }
        return r.findings();
    }

    static String messageId(Mail mail) {
        try {
            return mail.getMessage() == null ? null : mail.getMessage().getMessageID();
        } catch (Exception e) {
            return null;
        }
    }

}
