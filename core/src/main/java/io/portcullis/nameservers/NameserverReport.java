package io.portcullis.nameservers;

import io.portcullis.verdict.Finding;
import java.util.List;

/**
 * The nameserver check of one message: the resolved view (delegations per identity, hosts, addresses)
 * and one {@link NsResult} per NS host. Immutable.
 */
public final class NameserverReport {
    private final NameserverView view;
    private final List<NsResult> results;
    private final boolean listOverCap;

    public NameserverReport(NameserverView view, List<NsResult> results) {
        this(view, results, false);
    }

    /** @param listOverCap a DNS list question of the check was refused for capacity */
    public NameserverReport(NameserverView view, List<NsResult> results, boolean listOverCap) {
        this.view = view;
        this.results = List.copyOf(results);
        this.listOverCap = listOverCap;
    }

    /**
     * True when a question of the check (resolution or DNS list) was refused for capacity
     * ({@link io.portcullis.dns.DnsAnswer.Status#OVER_CAP}): the report is incomplete for lack of capacity, not
     * because a server failed.
     */
    public boolean overCap() {
        return listOverCap || view.overCap();
    }

    public NameserverView view() {
        return view;
    }

    public List<NsResult> results() {
        return results;
    }

    /**
     * LISTED when any host is listed; otherwise UNKNOWN when anything could not be determined (an identity
     * whose NS walk failed or found nothing, a host that is unknown); otherwise CLEAN. A message without
     * identities is CLEAN.
     */
    public NsStatus status() {
        boolean unknown = false;
        for (NsResult r : results) {
            if (r.status() == NsStatus.LISTED) {
                return NsStatus.LISTED;
            }
            unknown |= r.status() == NsStatus.UNKNOWN;
        }
        for (NsDelegation d : view.delegations()) {
            unknown |= d.status() != NsDelegation.Status.FOUND;
        }
        return unknown ? NsStatus.UNKNOWN : NsStatus.CLEAN;
    }

    /** {@link NameserverChecker#findings(List)} of the results. */
    public List<Finding> findings() {
        return NameserverChecker.findings(results);
    }

    @Override
    public String toString() {
        return status().id() + " " + results;
    }
}
