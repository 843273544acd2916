package io.portcullis.nameservers;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsPurpose;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsType;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.QueryNames;
import io.portcullis.json.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds the nameservers of a message's names on the shared {@link DnsClient} (whose cache and joining of
 * identical questions make repeated names cheap).
 *
 * <p>For each name: NS at the name; on NXDOMAIN or NODATA, NS at its parent, and so on up to and including
 * its registered domain (Public Suffix List; the last two labels under an unknown suffix); never above it.
 * A DNS failure stops the walk with {@link NsDelegation.Status#UNKNOWN}; no NS up to the registered domain
 * is {@link NsDelegation.Status#NONE}. Then A and AAAA of each NS host, all at once. NS host names that are
 * not valid host names (hostile data) are dropped.
 *
 * <p>Caps per message (defaults in {@link NameserverSettings}): distinct names walked (4), NS hosts (8,
 * taken round robin across the identities), addresses (16, taken round robin across the hosts). Questions
 * per message on a cold cache: one NS question per label walked, plus two per NS host.
 *
 * <p>Questions are asked on behalf of a {@link DnsRequester} (the SMTP client while it is connected,
 * {@link DnsRequester#SYSTEM} otherwise) with purpose {@link DnsPurpose#OTHER}; a question refused for capacity
 * makes its part UNKNOWN and the view {@link NameserverView#overCap()}.
 *
 * <p>Thread-safe and stateless; never completes exceptionally.
 */
public final class NameserverResolver {
    private static final int MAX_REASON = 80;

    private final DnsClient dns;
    private final int maxNames;
    private final int maxHosts;
    private final int maxAddresses;

    public NameserverResolver(DnsClient dns, NameserverSettings settings) {
        this.dns = dns;
        this.maxNames = settings.maxNames();
        this.maxHosts = settings.maxHosts();
        this.maxAddresses = settings.maxAddresses();
    }

    /** The NS walk and addresses of every identity of a message, within the caps, for {@link DnsRequester#SYSTEM}. */
    public CompletableFuture<NameserverView> resolve(NsTargets targets) {
        return resolve(targets, DnsRequester.SYSTEM);
    }

    /** The NS walk and addresses of every identity of a message, within the caps, asked for {@code requester}. */
    public CompletableFuture<NameserverView> resolve(NsTargets targets, DnsRequester requester) {
        Ask ask = new Ask(requester);
        try {
            return resolveUnsafe(targets, ask).exceptionally(err -> new NameserverView(List.of(), List.of(), false));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new NameserverView(List.of(), List.of(), false));
        }
    }

    /** The requester of one resolution, and whether any of its questions was refused for capacity. */
    private final class Ask {
        final DnsRequester requester;
        final AtomicBoolean overCap = new AtomicBoolean();

        Ask(DnsRequester requester) {
            this.requester = requester == null ? DnsRequester.SYSTEM : requester;
        }

        CompletableFuture<DnsAnswer> lookup(String name, DnsType type) {
            return dns.lookup(name, type, requester, DnsPurpose.OTHER).thenApply(a -> {
                if (a.status() == DnsAnswer.Status.OVER_CAP) {
                    overCap.set(true);
                }
                return a;
            });
        }
    }

    private CompletableFuture<NameserverView> resolveUnsafe(NsTargets targets, Ask ask) {
        Map<String, CompletableFuture<NsDelegation>> walks = new LinkedHashMap<>();
        Map<Identity, String> checked = new LinkedHashMap<>();
        boolean truncated = false;
        for (Map.Entry<Identity, String> e : targets.names().entrySet()) {
            if (!walks.containsKey(e.getValue()) && walks.size() >= maxNames) {
                truncated = true;
                continue;
            }
            walks.computeIfAbsent(e.getValue(), n -> delegation(e.getKey(), n, ask));
            checked.put(e.getKey(), e.getValue());
        }
        boolean namesTruncated = truncated;
        return CompletableFuture.allOf(walks.values().toArray(new CompletableFuture<?>[0])).thenCompose(v -> {
            List<NsDelegation> delegations = new ArrayList<>();
            for (Map.Entry<Identity, String> e : checked.entrySet()) {
                delegations.add(walks.get(e.getValue()).join().forIdentity(e.getKey()));
            }
            return addresses(delegations, namesTruncated, ask);
        });
    }

    private CompletableFuture<NameserverView> addresses(List<NsDelegation> delegations, boolean truncatedBefore,
            Ask ask) {
        // Round robin over the delegations so that every identity gets some of the host budget.
        Set<String> all = new LinkedHashSet<>();
        int depth = 0;
        boolean more = true;
        while (more) {
            more = false;
            for (NsDelegation d : delegations) {
                if (depth < d.hosts().size()) {
                    more = true;
                    all.add(d.hosts().get(depth));
                }
            }
            depth++;
        }
        List<String> hosts = new ArrayList<>(all);
        boolean truncated = truncatedBefore;
        if (hosts.size() > maxHosts) {
            hosts = new ArrayList<>(hosts.subList(0, maxHosts));
            truncated = true;
        }
        List<CompletableFuture<DnsAnswer>> a = new ArrayList<>();
        List<CompletableFuture<DnsAnswer>> aaaa = new ArrayList<>();
        for (String h : hosts) {
            a.add(ask.lookup(h, DnsType.A));
            aaaa.add(ask.lookup(h, DnsType.AAAA));
        }
        List<CompletableFuture<?>> pending = new ArrayList<>(a);
        pending.addAll(aaaa);
        List<String> hostList = hosts;
        boolean hostsTruncated = truncated;
        List<NsDelegation> kept = delegations;
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<List<String>> found = new ArrayList<>();
            for (int i = 0; i < hostList.size(); i++) {
                List<String> addrs = new ArrayList<>();
                for (DnsAnswer ans : List.of(a.get(i).join(), aaaa.get(i).join())) {
                    if (ans.status() == DnsAnswer.Status.ANSWER) {
                        for (String value : ans.values()) {
                            String lit = HostNames.address(value);
                            if (lit != null && !addrs.contains(lit)) {
                                addrs.add(lit);
                            }
                        }
                    }
                }
                found.add(addrs);
            }
            // Round robin over the hosts for the address budget.
            List<List<String>> kept2 = new ArrayList<>();
            for (int i = 0; i < hostList.size(); i++) {
                kept2.add(new ArrayList<>());
            }
            int budget = maxAddresses;
            boolean addrTruncated = false;
            for (int round = 0; ; round++) {
                boolean any = false;
                for (int i = 0; i < hostList.size(); i++) {
                    if (round < found.get(i).size()) {
                        any = true;
                        if (budget > 0) {
                            kept2.get(i).add(found.get(i).get(round));
                            budget--;
                        } else {
                            addrTruncated = true;
                        }
                    }
                }
                if (!any) {
                    break;
                }
            }
            List<NsHost> out = new ArrayList<>();
            for (int i = 0; i < hostList.size(); i++) {
                out.add(host(hostList.get(i), a.get(i).join(), aaaa.get(i).join(), kept2.get(i), found.get(i).size()));
            }
            return new NameserverView(kept, out, hostsTruncated || addrTruncated, ask.overCap.get());
        });
    }

    private static NsHost host(String name, DnsAnswer a, DnsAnswer aaaa, List<String> kept, int found) {
        if (found > 0 && kept.isEmpty()) {
            return new NsHost(name, List.of(), NsHost.AddressStatus.SKIPPED, "address budget spent");
        }
        if (!kept.isEmpty()) {
            return new NsHost(name, kept, NsHost.AddressStatus.RESOLVED, "");
        }
        if (a.status().isDefinite() && aaaa.status().isDefinite()) {
            return new NsHost(name, List.of(), NsHost.AddressStatus.NONE, "no A or AAAA record (lame nameserver)");
        }
        DnsAnswer failed = a.status().isDefinite() ? aaaa : a;
        return new NsHost(name, List.of(), NsHost.AddressStatus.UNKNOWN, describe(failed));
    }

    /**
     * The NS walk of one name (see the class comment), for {@link DnsRequester#SYSTEM}. Never completes
     * exceptionally.
     */
    public CompletableFuture<NsDelegation> delegation(Identity identity, String name) {
        return delegation(identity, name, DnsRequester.SYSTEM);
    }

    /** The NS walk of one name, asked for {@code requester}. Never completes exceptionally. */
    public CompletableFuture<NsDelegation> delegation(Identity identity, String name, DnsRequester requester) {
        return delegation(identity, name, new Ask(requester));
    }

    private CompletableFuture<NsDelegation> delegation(Identity identity, String name, Ask ask) {
        String n = NsTargets.normalise(name);
        if (n == null) {
            return CompletableFuture.completedFuture(new NsDelegation(identity, Text.headerSafe(String.valueOf(name), MAX_REASON),
                    NsDelegation.Status.NONE, "", List.of(), "not a domain name"));
        }
        Optional<String> registered = QueryNames.registeredDomain(n);
        if (registered.isEmpty()) {
            return CompletableFuture.completedFuture(new NsDelegation(identity, n, NsDelegation.Status.NONE, "",
                    List.of(), "no registered domain (public suffix or single label)"));
        }
        List<String> candidates = new ArrayList<>();
        for (String c : HostNames.selfAndParents(n)) {
            candidates.add(c);
            if (c.equals(registered.get())) {
                break;
            }
        }
        return walk(identity, n, candidates, 0, ask).exceptionally(err -> new NsDelegation(identity, n,
                NsDelegation.Status.UNKNOWN, "", List.of(), "internal error: " + err.getClass().getSimpleName()));
    }

    private CompletableFuture<NsDelegation> walk(Identity identity, String name, List<String> candidates, int i,
            Ask ask) {
        if (i >= candidates.size()) {
            return CompletableFuture.completedFuture(new NsDelegation(identity, name, NsDelegation.Status.NONE, "",
                    List.of(), "no NS records up to " + candidates.get(candidates.size() - 1)));
        }
        String zone = candidates.get(i);
        return ask.lookup(zone, DnsType.NS).thenCompose(ans -> {
            switch (ans.status()) {
                case ANSWER:
                    List<String> hosts = new ArrayList<>();
                    int invalid = 0;
                    for (String v : ans.values()) {
                        String h = HostNames.hostName(v);
                        if (h == null) {
                            invalid++;
                        } else if (!hosts.contains(h)) {
                            hosts.add(h);
                        }
                    }
                    if (hosts.isEmpty()) {
                        return CompletableFuture.completedFuture(new NsDelegation(identity, name,
                                NsDelegation.Status.NONE, zone, List.of(), "NS records at " + zone
                                + " name no valid host (" + invalid + " invalid)"));
                    }
                    return CompletableFuture.completedFuture(new NsDelegation(identity, name,
                            NsDelegation.Status.FOUND, zone, hosts, ""));
                case NXDOMAIN:
                case NODATA:
                    return walk(identity, name, candidates, i + 1, ask);
                default:
                    return CompletableFuture.completedFuture(new NsDelegation(identity, name,
                            NsDelegation.Status.UNKNOWN, "", List.of(), "NS " + zone + ": " + describe(ans)));
            }
        });
    }

    static String describe(DnsAnswer a) {
        return Text.headerSafe(a.status().name() + (a.error().isEmpty() ? "" : " " + a.error()), MAX_REASON);
    }
}
