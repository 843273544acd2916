package io.portcullis.smtp;

import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListStatus;
import io.portcullis.json.Text;
import io.portcullis.policy.CheckModes;
import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What is known about one SMTP connection so far: the DNS list results that have arrived. Lookups that have not
 * completed are "unknown" here (never a listing). Built on the event loop from the connection's futures without
 * waiting for any of them.
 */
final class Evidence {
    /** Checks, lists and rules in observe mode: their results do not count towards {@link #score()}. */
    private final CheckModes modes;
    final List<ListResult> results = new ArrayList<>();
    /** Findings of other checks known at this point (the greeting test's {@code smtp}/{@code PREGREET}, ...). */
    final List<Finding> findings = new ArrayList<>();
    /** A lookup that matters was still running (past the budget, or in a pipelined batch). */
    boolean pending;
    /** The client address's lists gave no opinion (timeout, SERVFAIL, suspended) or had not answered. */
    boolean clientUnknown;

    Evidence(CheckModes modes) {
        this.modes = modes;
    }

    void add(CompletableFuture<List<ListResult>> f, boolean isClient) {
        if (f == null) {
            return;
        }
        if (!f.isDone()) {
            pending = true;
            clientUnknown |= isClient;
            return;
        }
        List<ListResult> r = f.getNow(List.of());
        results.addAll(r);
        if (isClient) {
            for (ListResult x : r) {
                if (x.identity() == Identity.CLIENT_IP && x.status() == ListStatus.UNKNOWN) {
                    clientUnknown = true;
                }
            }
        }
    }

    void add(Finding f) {
        findings.add(f);
    }

    /** The score of the enforced evidence. */
    double score() {
        return score(false);
    }

    /** The score with the evidence of observed checks counted too. */
    double wouldScore() {
        return score(true);
    }

    private double score(boolean withObserved) {
        double sum = 0;
        for (Finding f : findings) {
            if (withObserved || !modes.observes(f)) {
                sum += f.score();
            }
        }
        for (ListResult r : results) {
            if (r.status() == ListStatus.LISTED && (withObserved || !observed(r))) {
                sum += r.weight();
            }
        }
        return Math.round(sum * 1000.0) / 1000.0;
    }

    private boolean observed(ListResult r) {
        return modes.observes(DnsblChecker.CHECK, r.list().id());
    }

    /** Every finding known (greeting, nameservers, then the lists'), observed ones included. */
    List<Finding> allFindings() {
        List<Finding> all = new ArrayList<>(findings);
        all.addAll(DnsblChecker.findings(results));
        return all;
    }

    /** Short, sanitised reason naming the enforced lists: {@code client-ip 127.0.0.2 listed in bl.test (bl)}. */
    String reason() {
        return reason(false);
    }

    /** As {@link #reason()}, with the observed checks' evidence too (what an observe-mode refusal would say). */
    String reason(boolean withObserved) {
        List<String> parts = new ArrayList<>();
        for (Finding f : findings) {
            if (f.score() > 0 && parts.size() < 3 && (withObserved || !modes.observes(f))) {
                parts.add(f.check() + " " + f.rule() + (f.detail().isEmpty() ? "" : " (" + f.detail() + ")"));
            }
        }
        for (ListResult r : results) {
            if (r.status() == ListStatus.LISTED && r.weight() > 0 && parts.size() < 3
                    && (withObserved || !observed(r))) {
                parts.add(r.identity().id() + " " + r.target() + " listed in " + r.list().zone() + " ("
                        + r.list().id() + (r.label().isEmpty() ? "" : " " + r.label()) + ")");
            }
        }
        return Text.headerSafe(String.join("; ", parts), 300);
    }
}
