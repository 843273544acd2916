package io.portcullis.smtp;

import io.portcullis.dnsbl.DnsblEngine;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.QueryNames;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The DNS list results of a whole mail at end of DATA, assembled from the lookups the dialog already made (client
 * address, reverse DNS name, HELO, MAIL FROM domain; never asked again, since failures are not cached) plus the
 * targets only the message reveals (From header, first untrusted Received hop). Runs on the event loop: never
 * waits.
 */
final class DialogLists {
    private DialogLists() {
    }

    /**
     * The list results for the whole mail, as the pipeline would compute them ({@link MailTargets}), assembled
     * from the lookups made during the dialog (never asked again: failures are not cached, so asking again would
     * cost new questions) plus the targets only the message reveals (From header, Received hop). Empty when
     * something is still running.
     */
    static Optional<List<ListResult>> collect(DnsblEngine dnsbl, Conn conn,
            DnsblTargets targets, boolean judgeClient, boolean names) {
        List<ListResult> out = new ArrayList<>();
        DnsblTargets.Builder extra = DnsFairness.forClient(DnsblTargets.builder(), conn.client);
        boolean pending = false;
        for (Map.Entry<Identity, InetAddress> e : targets.addresses().entrySet()) {
            if (e.getKey() == Identity.CLIENT_IP && judgeClient && e.getValue().equals(conn.client)) {
                pending |= !addDone(out, conn.clientLists, null);
            } else {
                extra.address(e.getKey(), e.getValue());
            }
        }
        String senderDomain = targets.names().get(Identity.MAIL_FROM);
        for (Map.Entry<Identity, String> e : targets.names().entrySet()) {
            Identity id = e.getKey();
            if (!names) {
                continue;
            }
            if (id == Identity.RDNS && judgeClient && conn.rdns.isDone()) {
                pending |= !addDone(out, conn.rdnsLists, null);
            } else if (id == Identity.HELO && judgeClient && e.getValue().equals(conn.helo)
                    && SmtpLookups.isName(conn.helo)) {
                pending |= !addDone(out, conn.heloLists, null);
            } else if (id == Identity.MAIL_FROM && e.getValue().equals(conn.senderDomain)) {
                pending |= !addDone(out, conn.senderLists, null);
            } else if (id == Identity.FROM_HEADER && sameRegisteredDomain(e.getValue(), senderDomain)
                    && senderDomain.equals(conn.senderDomain)) {
                pending |= !addDone(out, conn.senderLists, Identity.FROM_HEADER);
            } else {
                extra.name(id, e.getValue());
            }
        }
        DnsblTargets rest = extra.build();
        if (!rest.isEmpty()) {
            pending |= !addDone(out, dnsbl.check(rest), null);
        }
        return pending ? Optional.empty() : Optional.of(out);
    }

    /** Adds the results of a finished lookup (relabelled to {@code as} if given); false if it is still running. */
    private static boolean addDone(List<ListResult> out, CompletableFuture<List<ListResult>> f, Identity as) {
        if (f == null || !f.isDone()) {
            return false;
        }
        for (ListResult r : f.getNow(List.of())) {
            out.add(as == null ? r : new ListResult(r.list(), as, r.target(), r.status(), r.codes(), r.weight(),
                    r.label(), r.reason()));
        }
        return true;
    }

    private static boolean sameRegisteredDomain(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        Optional<String> ra = QueryNames.registeredDomain(a);
        return ra.isPresent() && ra.equals(QueryNames.registeredDomain(b));
    }
}
