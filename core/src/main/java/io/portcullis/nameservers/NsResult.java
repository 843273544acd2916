package io.portcullis.nameservers;

import io.portcullis.dnsbl.Identity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The verdict on one nameserver host of a message: its addresses, which identities it serves, the hits
 * of every source and the resulting status. This is one entry of the {@code lookup} command's
 * {@code "nameservers"} array. Immutable.
 */
public final class NsResult {
    private final NsHost host;
    private final List<NsDelegation> serves;
    private final NsStatus status;
    private final List<NsHit> hits;
    private final List<String> unknowns;

    public NsResult(NsHost host, List<NsDelegation> serves, NsStatus status, List<NsHit> hits, List<String> unknowns) {
        this.host = Objects.requireNonNull(host);
        this.serves = List.copyOf(serves);
        this.status = Objects.requireNonNull(status);
        this.hits = List.copyOf(hits);
        this.unknowns = List.copyOf(unknowns);
    }

    /** The NS host name. */
    public String host() {
        return host.name();
    }

    public List<String> addresses() {
        return host.addresses();
    }

    public NsHost nsHost() {
        return host;
    }

    /** The delegations (identity, name, zone) that name this host. */
    public List<NsDelegation> serves() {
        return serves;
    }

    /** The identities served, in check order. */
    public List<Identity> identities() {
        List<Identity> out = new ArrayList<>();
        for (NsDelegation d : serves) {
            out.add(d.identity());
        }
        return out;
    }

    public NsStatus status() {
        return status;
    }

    /** Every source hit (empty unless LISTED). */
    public List<NsHit> hits() {
        return hits;
    }

    /** Distinct source ids of the hits, in order ({@code ["local-list", "ns-ip:sbl.example"]}). */
    public List<String> sources() {
        Set<String> s = new LinkedHashSet<>();
        for (NsHit h : hits) {
            s.add(h.source());
        }
        return new ArrayList<>(s);
    }

    /** What could not be determined (lame, DNS failure, list or store unavailable), sanitised. */
    public List<String> unknowns() {
        return unknowns;
    }

    @Override
    public String toString() {
        return host + " " + status.id() + (hits.isEmpty() ? "" : " " + hits) + (unknowns.isEmpty() ? "" : " " + unknowns);
    }
}
