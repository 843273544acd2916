package io.portcullis.nameservers;

import io.portcullis.dnsbl.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * The nameservers of one message: the NS walk of each identity, and the distinct NS hosts (with their
 * addresses) across all identities, within the per-message caps. The same view feeds the check and the
 * learning mailet, so a message costs one resolution. Immutable.
 */
public final class NameserverView {
    private final List<NsDelegation> delegations;
    private final List<NsHost> hosts;
    private final boolean truncated;
    private final boolean overCap;

    public NameserverView(List<NsDelegation> delegations, List<NsHost> hosts, boolean truncated) {
        this(delegations, hosts, truncated, false);
    }

    /**
     * @param overCap a question of the resolution was refused for capacity
     *                ({@link io.portcullis.dns.DnsAnswer.Status#OVER_CAP})
     */
    public NameserverView(List<NsDelegation> delegations, List<NsHost> hosts, boolean truncated, boolean overCap) {
        this.delegations = List.copyOf(delegations);
        this.hosts = List.copyOf(hosts);
        this.truncated = truncated;
        this.overCap = overCap;
    }

    /**
     * True when a question of the resolution was refused for capacity (the DNS in-flight cap or the requester's
     * share): what it would have found is unknown.
     */
    public boolean overCap() {
        return overCap;
    }

    public List<NsDelegation> delegations() {
        return delegations;
    }

    /** Distinct NS hosts in check order (round robin over the identities), at most the host cap. */
    public List<NsHost> hosts() {
        return hosts;
    }

    /** True when a cap (identities, hosts or addresses) left something out. */
    public boolean truncated() {
        return truncated;
    }

    /** The identities whose delegation lists {@code host}, in check order. */
    public List<NsDelegation> servedBy(String host) {
        List<NsDelegation> out = new ArrayList<>();
        for (NsDelegation d : delegations) {
            if (d.hosts().contains(host)) {
                out.add(d);
            }
        }
        return out;
    }

    /** The delegation of one identity, or null when it was not checked. */
    public NsDelegation delegation(Identity identity) {
        for (NsDelegation d : delegations) {
            if (d.identity() == identity) {
                return d;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "NameserverView" + delegations + hosts + (truncated ? " (truncated)" : "");
    }
}
