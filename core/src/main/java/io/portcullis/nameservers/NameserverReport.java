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

    public NameserverReport(NameserverView view, List<NsResult> results) {
        this.view = view;
        this.results = List.copyOf(results);
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
