package io.portcullis.smtp;

import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.DnsblEngine;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.decision.Exemption;
import io.portcullis.decision.MessageEvaluator;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.MailHeaderInputs;
import io.portcullis.james.MailTargets;
import io.portcullis.james.NameserverService;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.nameservers.NameserverReport;
import io.portcullis.network.NetworkEngine;
import io.portcullis.os.OsEngine;
import io.portcullis.reputation.Reputation;
import io.portcullis.verdict.Finding;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.mailet.Mail;

/**
 * Every finding of a message at end of DATA, as the one {@link MessageEvaluator} defines them, from what the dialog
 * has: header conformance, DNS lists (the dialog's lookups plus the targets only the message reveals), the greeting
 * test, the nameserver check, reputation, network owner, OS fingerprint. Each check's findings are attached to the
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
        MessageEvaluator.Evaluation e = runtime.evaluator().evaluate(check -> result(check, conn, mail, judgeClient,
                greetingScore));
        e.toAttach().forEach((check, findings) -> MailAttributes.storeFindings(mail, check, findings));
        MailAttributes.storeListsUnknown(mail, conn.listsUnknown());
        return e.findings();
    }

    /** What the dialog has of one check at end of DATA; never waits. */
    private MessageEvaluator.Result result(String check, Conn conn, Mail mail, boolean judgeClient,
            double greetingScore) {
        switch (check) {
            case HeaderChecker.CHECK:
                return MessageEvaluator.Result.complete(runtime.evaluator().headerFindings(MailHeaderInputs.from(mail)));
            case DnsblChecker.CHECK:
                return listFindings(conn, mail, judgeClient);
            case MessageEvaluator.SMTP:
                List<Finding> smtp = conn.smtpFindings(greetingScore);
                return smtp.isEmpty() || !judgeClient ? MessageEvaluator.Result.NONE
                        : MessageEvaluator.Result.complete(smtp);
            case NameserverChecker.CHECK:
                return nameservers(conn, mail);
            case Reputation.CHECK:
                if (!judgeClient) {
                    return MessageEvaluator.Result.NONE;
                }
                io.portcullis.james.ReputationService.storeEntities(mail, SmtpReputation.entities(conn));
                return MessageEvaluator.Result.complete(SmtpReputation.findings(conn));
            case NetworkEngine.CHECK:
                return judgeClient && conn.network.isDone()
                        ? MessageEvaluator.Result.complete(conn.networkFindings()) : MessageEvaluator.Result.NONE;
            case OsEngine.CHECK:
                return judgeClient && conn.os.isDone()
                        ? MessageEvaluator.Result.complete(conn.osFindings()) : MessageEvaluator.Result.NONE;
            default:
                return MessageEvaluator.Result.NONE;
        }
    }

    /** The mail's list findings, from the dialog's lookups plus the targets only the message reveals. */
    MessageEvaluator.Result listFindings(Conn conn, Mail mail, boolean judgeClient) {
        DnsblEngine dnsbl = runtime.dnsbl();
        if (dnsbl == null) {
            return MessageEvaluator.Result.NONE;
        }
        String rdns = conn.rdns.isDone() ? conn.rdns.getNow(null) : null;
        DnsblTargets targets = MailTargets.of(conn.client, rdns, conn.helo, !judgeClient, mail,
                runtime.config().dnsbl());
        Optional<List<ListResult>> complete = DialogLists.collect(dnsbl, conn, targets, judgeClient,
                lookups.hasNameLists());
        if (complete.isPresent()) {
            return MessageEvaluator.Result.complete(DnsblChecker.findings(complete.get()));
        }
        // Some lookup is still running (past the budget): judge on what has arrived, and leave the check unmarked
        // so the pipeline completes it (its questions join the running ones).
        if (!judgeClient) {
            return MessageEvaluator.Result.NONE;
        }
        return MessageEvaluator.Result.partial(conn.evidence(Exemption.NONE, 0, null).findings().stream()
                .filter(f -> DnsblChecker.CHECK.equals(f.check())).collect(Collectors.toList()));
    }

    /** The nameserver findings; attached with the view when they cover the mail's sender domains. */
    private MessageEvaluator.Result nameservers(Conn conn, Mail mail) {
        if (runtime.nameservers() == null || !conn.nameservers.isDone()) {
            return MessageEvaluator.Result.NONE;
        }
        NameserverReport r = conn.nameservers.getNow(null);
        if (r == null) {
            return MessageEvaluator.Result.NONE;
        }
        if (NameserverService.coversSenderDomains(mail)) {
            NameserverService.storeView(mail, r.view());
            return MessageEvaluator.Result.complete(r.findings());
        }
        return MessageEvaluator.Result.partial(r.findings());
    }

    static String messageId(Mail mail) {
        try {
            return mail.getMessage() == null ? null : mail.getMessage().getMessageID();
        } catch (Exception e) {
            return null;
        }
    }

}
