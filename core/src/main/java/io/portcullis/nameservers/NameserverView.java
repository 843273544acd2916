package io.portcullis.nameservers;

import io.portcullis.dnsbl.Identity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * The view as plain values (maps, lists, strings, booleans), the form it travels in with a mail:
     * {@code {delegations: [{identity, name, status, zone, hosts: [..], reason}], hosts: [{name, addresses: [..],
     * status, reason}], truncated}}. {@link #fromPlain} reads it back.
     */
    public Map<String, Object> toPlain() {
        List<Object> ds = new ArrayList<>();
        for (NsDelegation d : delegations) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("identity", d.identity().name());
            m.put("name", d.name());
            m.put("status", d.status().name());
            m.put("zone", d.zone());
            m.put("hosts", List.copyOf(d.hosts()));
            m.put("reason", d.reason());
            ds.add(m);
        }
        List<Object> hs = new ArrayList<>();
        for (NsHost h : hosts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", h.name());
            m.put("addresses", List.copyOf(h.addresses()));
            m.put("status", h.addressStatus().name());
            m.put("reason", h.reason());
            hs.add(m);
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("delegations", ds);
        top.put("hosts", hs);
        top.put("truncated", truncated);
        return top;
    }

    /** The view written by {@link #toPlain()}; empty when {@code plain} is not such a view. Never throws. */
    public static Optional<NameserverView> fromPlain(Object plain) {
        try {
            Map<?, ?> top = (Map<?, ?>) plain;
            List<NsDelegation> ds = new ArrayList<>();
            for (Object o : (Collection<?>) top.get("delegations")) {
                Map<?, ?> m = (Map<?, ?>) o;
                ds.add(new NsDelegation(Identity.valueOf(str(m, "identity")), str(m, "name"),
                        NsDelegation.Status.valueOf(str(m, "status")), str(m, "zone"), strs(m.get("hosts")),
                        str(m, "reason")));
            }
            List<NsHost> hs = new ArrayList<>();
            for (Object o : (Collection<?>) top.get("hosts")) {
                Map<?, ?> m = (Map<?, ?>) o;
                hs.add(new NsHost(str(m, "name"), strs(m.get("addresses")),
                        NsHost.AddressStatus.valueOf(str(m, "status")), str(m, "reason")));
            }
            return Optional.of(new NameserverView(ds, hs, Boolean.TRUE.equals(top.get("truncated"))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v instanceof String ? (String) v : "";
    }

    private static List<String> strs(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof Collection) {
            for (Object x : (Collection<?>) o) {
                if (x instanceof String) {
                    out.add((String) x);
                }
            }
        }
        return out;
    }
}
