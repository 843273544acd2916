package io.portcullis.nameservers;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsPurpose;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsType;
import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListHealth;
import io.portcullis.dnsbl.ListKind;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.dnsbl.ListStatus;
import io.portcullis.dnsbl.QueryNames;
import io.portcullis.json.Text;
import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Shared spam nameservers: flags a message whose names (MAIL FROM, From header, HELO, forward-confirmed
 * rDNS) are served by nameservers known to serve spam. Sources, each optional:
 * <ul>
 *   <li>{@code local-list}: the operator's {@link LocalNsList} (host names, domains, addresses, networks);</li>
 *   <li>{@code ns-name:ID} / {@code ns-ip:ID}: DNS lists of kind {@code ns-name} (queried with each NS host
 *   name and its registered domain) and {@code ns-ip} (each NS address), classified exactly as the DNSBL
 *   check classifies answers ({@link DnsblChecker#interpret}: filters, known error codes, suspension by
 *   {@link ListHealth});</li>
 *   <li>{@code learned}: {@link LearnedNameservers}.</li>
 * </ul>
 * A DNS failure, a lame or missing nameserver, a list that fails and an unavailable store make a result
 * {@link NsStatus#UNKNOWN}, never a hit. Findings: check {@value #CHECK}, rule = source, one finding per
 * source per message scoring the highest of its hits (see {@link NameserverSettings} for the scores).
 *
 * <p>Thread-safe; never completes exceptionally; any text that came from DNS is sanitised with
 * {@link Text#headerSafe} before it reaches a detail.
 */
public final class NameserverChecker {
    /** {@link Finding#check()} of nameserver findings. */
    public static final String CHECK = "nameservers";
    private static final int MAX_DETAIL = 300;
    private static final int MAX_REASON = 120;

    private final DnsClient dns;
    private final NameserverSettings settings;
    private final NameserverResolver resolver;
    private final LocalNsList localList;
    private final LearnedNameservers learned;
    private final ListHealth health;

    /**
     * @param localList the operator's list, or null
     * @param learned   the learned source, or null
     * @param health    DNS list self-test state, or null to query every list unconditionally
     */
    public NameserverChecker(DnsClient dns, NameserverSettings settings, LocalNsList localList,
            LearnedNameservers learned, ListHealth health) {
        this.dns = dns;
        this.settings = settings;
        this.resolver = new NameserverResolver(dns, settings);
        this.localList = localList;
        this.learned = learned;
        this.health = health;
    }

    public NameserverResolver resolver() {
        return resolver;
    }

    public NameserverSettings settings() {
        return settings;
    }

    /** Resolves the nameservers of {@code targets}, then asks every source about them, for {@link DnsRequester#SYSTEM}. */
    public CompletableFuture<NameserverReport> check(NsTargets targets) {
        return check(targets, DnsRequester.SYSTEM);
    }

    /**
     * Resolves the nameservers of {@code targets}, then asks every source about them, on behalf of
     * {@code requester} (an SMTP client's network while it is connected): the resolution's questions with purpose
     * {@link DnsPurpose#OTHER}, the DNS list questions with {@link DnsPurpose#LIST}. A question refused for
     * capacity makes the report {@link NameserverReport#overCap()}.
     */
    public CompletableFuture<NameserverReport> check(NsTargets targets, DnsRequester requester) {
        return resolver.resolve(targets, requester).thenCompose(view -> evaluate(view, requester));
    }

    /** Asks every source about an already resolved view (shared with the learning mailet). */
    public CompletableFuture<NameserverReport> evaluate(NameserverView view) {
        return evaluate(view, DnsRequester.SYSTEM);
    }

    /** Asks every source about an already resolved view, the DNS lists on behalf of {@code requester}. */
    public CompletableFuture<NameserverReport> evaluate(NameserverView view, DnsRequester requester) {
        DnsRequester who = requester == null ? DnsRequester.SYSTEM : requester;
        try {
            return evaluateUnsafe(view, who).exceptionally(err -> failed(view, err));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(view, e));
        }
    }

    private static NameserverReport failed(NameserverView view, Throwable err) {
        List<NsResult> out = new ArrayList<>();
        for (NsHost h : view.hosts()) {
            out.add(new NsResult(h, view.servedBy(h.name()), NsStatus.UNKNOWN, List.of(),
                    List.of("internal error: " + err.getClass().getSimpleName())));
        }
        return new NameserverReport(view, out);
    }

    private CompletableFuture<NameserverReport> evaluateUnsafe(NameserverView view, DnsRequester requester) {
        List<NsHost> hosts = view.hosts();
        // DNS list questions, shared between hosts with the same domain or address.
        Map<String, CompletableFuture<ListResult>> listQueries = new LinkedHashMap<>();
        for (ListSpec list : settings.lists()) {
            for (NsHost h : hosts) {
                for (String target : listTargets(list, h)) {
                    listQueries.computeIfAbsent(list.id() + "|" + target, k -> queryList(list, h, target, requester));
                }
            }
        }
        CompletableFuture<Map<String, LearnedNameservers.Reputation>> reputations;
        if (learned == null || hosts.isEmpty()) {
            reputations = CompletableFuture.completedFuture(Map.of());
        } else {
            List<String> names = new ArrayList<>();
            Map<String, String> addresses = new LinkedHashMap<>();
            for (NsHost h : hosts) {
                names.add(h.name());
                for (String a : h.addresses()) {
                    addresses.putIfAbsent(a, h.name());
                }
            }
            reputations = learned.reputations(names, addresses);
        }
        List<CompletableFuture<?>> pending = new ArrayList<>(listQueries.values());
        pending.add(reputations);
        CompletableFuture<Map<String, LearnedNameservers.Reputation>> reps = reputations;
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).handle((v, err) -> {
            Map<String, LearnedNameservers.Reputation> rep = null;
            String storeProblem = null;
            if (learned != null && !hosts.isEmpty()) {
                try {
                    rep = reps.join();
                } catch (RuntimeException e) {
                    Throwable c = e.getCause() == null ? e : e.getCause();
                    storeProblem = "learned store unavailable: " + Text.headerSafe(String.valueOf(c.getMessage()), MAX_REASON);
                }
            }
            List<NsResult> results = new ArrayList<>();
            for (NsHost h : hosts) {
                results.add(judge(view, h, listQueries, rep, storeProblem));
            }
            boolean listOverCap = false;
            for (CompletableFuture<ListResult> f : listQueries.values()) {
                ListResult r = f.getNow(null);
                listOverCap |= r != null && r.overCap();
            }
            return new NameserverReport(view, results, listOverCap);
        });
    }

    private NsResult judge(NameserverView view, NsHost h, Map<String, CompletableFuture<ListResult>> listQueries,
            Map<String, LearnedNameservers.Reputation> rep, String storeProblem) {
        List<NsDelegation> serves = view.servedBy(h.name());
        List<NsHit> hits = new ArrayList<>();
        List<String> unknowns = new ArrayList<>();
        String host = h.name();
        if (localList != null) {
            Optional<String> e = localList.matchHost(host);
            if (e.isPresent()) {
                hits.add(new NsHit(LocalNsList.SOURCE, e.get(), settings.localListScore(),
                        host + " in local list" + (e.get().equals(host) ? "" : " (entry " + e.get() + ")")));
            }
            for (String a : h.addresses()) {
                Optional<String> n = localList.matchAddress(a);
                if (n.isPresent()) {
                    hits.add(new NsHit(LocalNsList.SOURCE, a, settings.localListScore(), host + " address " + a
                            + " in local list" + (n.get().equals(a) ? "" : " (entry " + n.get() + ")")));
                }
            }
        }
        for (ListSpec list : settings.lists()) {
            for (String target : listTargets(list, h)) {
                CompletableFuture<ListResult> f = listQueries.get(list.id() + "|" + target);
                ListResult r = f == null ? null : f.getNow(null);
                if (r == null) {
                    continue;
                }
                String what = target.equals(host) ? host
                        : list.kind() == ListKind.NS_IP ? host + " address " + target : host + " domain " + target;
                if (r.status() == ListStatus.LISTED) {
                    StringBuilder d = new StringBuilder(what).append(" listed in ").append(list.zone()).append(' ')
                            .append(r.codes());
                    if (!r.label().isEmpty()) {
                        d.append(" (").append(Text.headerSafe(r.label(), 40)).append(')');
                    }
                    if (!r.reason().isEmpty()) {
                        d.append(": ").append(Text.headerSafe(r.reason(), MAX_REASON));
                    }
                    hits.add(new NsHit(sourceOf(list), target, r.weight(), d.toString(), list.zone()));
                } else if (r.status() == ListStatus.UNKNOWN || r.status() == ListStatus.BLOCKED) {
                    unknowns.add(list.zone() + " " + r.status().id() + " for " + target
                            + (r.reason().isEmpty() ? "" : ": " + Text.headerSafe(r.reason(), MAX_REASON)));
                }
            }
        }
        if (learned != null) {
            if (storeProblem != null) {
                unknowns.add(storeProblem);
            } else if (rep != null) {
                String window = learned.windowText();
                LearnedNameservers.Reputation hr = rep.get(host);
                if (hr != null && hr.listed()) {
                    hits.add(new NsHit(LearnedNameservers.SOURCE, host, settings.learnedScore(),
                            host + " serves " + hr.spamDomains() + " spam domains seen in the last " + window
                                    + (hr.hamDomains() > 0 ? " (and " + hr.hamDomains() + " ham)" : "")));
                }
                for (String a : h.addresses()) {
                    LearnedNameservers.Reputation ar = rep.get(a);
                    if (ar != null && ar.listed()) {
                        hits.add(new NsHit(LearnedNameservers.SOURCE, a, settings.learnedScore(),
                                host + " address " + a + " serves " + ar.spamDomains() + " spam domains seen in the last "
                                        + window + (ar.hamDomains() > 0 ? " (and " + ar.hamDomains() + " ham)" : "")));
                    }
                }
            }
        }
        if (h.addressStatus() != NsHost.AddressStatus.RESOLVED) {
            unknowns.add(0, "addresses " + h.addressStatus().id() + (h.reason().isEmpty() ? "" : ": " + h.reason()));
        }
        NsStatus status = !hits.isEmpty() ? NsStatus.LISTED : unknowns.isEmpty() ? NsStatus.CLEAN : NsStatus.UNKNOWN;
        return new NsResult(h, serves, status, hits, unknowns);
    }

    /** The source id of a nameserver list's findings: {@code ns-name:<id>} or {@code ns-ip:<id>}. */
    public static String sourceOf(ListSpec list) {
        return list.kind().id() + ":" + list.id();
    }

    /** NS_NAME: the host name and its registered domain; NS_IP: the host's addresses. */
    private static List<String> listTargets(ListSpec list, NsHost h) {
        if (list.kind() == ListKind.NS_IP) {
            return h.addresses();
        }
        Set<String> t = new LinkedHashSet<>();
        t.add(h.name());
        QueryNames.registeredDomain(h.name()).ifPresent(t::add);
        return new ArrayList<>(t);
    }

    private CompletableFuture<ListResult> queryList(ListSpec list, NsHost h, String target, DnsRequester requester) {
        Identity identity = Identity.MAIL_FROM;
        if (health != null) {
            Optional<String> why = health.suspension(list);
            if (why.isPresent()) {
                return CompletableFuture.completedFuture(new ListResult(list, identity, target, ListStatus.UNKNOWN,
                        List.of(), 0, "", "list suspended: " + why.get()));
            }
        }
        String label = list.kind() == ListKind.NS_IP ? QueryNames.reverse(HostNames.inet(target)) : target;
        String qname = label + "." + list.zone();
        return dns.lookup(qname, DnsType.A, requester, DnsPurpose.LIST).thenCompose(a -> {
            ListResult r = DnsblChecker.interpret(list, identity, target, a);
            if (r.status() != ListStatus.LISTED || !list.fetchReason()) {
                return CompletableFuture.completedFuture(r);
            }
            return dns.lookup(qname, DnsType.TXT, requester, DnsPurpose.LIST).thenApply(txt -> txt.status() == DnsAnswer.Status.ANSWER
                    ? new ListResult(list, identity, target, r.status(), r.codes(), r.weight(), r.label(),
                            Text.headerSafe(String.join(" ", txt.values()), DnsblChecker.MAX_REASON))
                    : r);
        }).exceptionally(err -> new ListResult(list, identity, target, ListStatus.UNKNOWN, List.of(), 0, "",
                "internal error: " + err.getClass().getSimpleName()));
    }

    /**
     * Findings for the listed results: one per source, scoring the highest of that source's hits; the
     * detail names the identity, the name, the nameserver and the reason, and how many more hits the
     * source had.
     */
    public static List<Finding> findings(List<NsResult> results) {
        Map<String, List<String>> details = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, String> zones = new LinkedHashMap<>();
        for (NsResult r : results) {
            if (r.status() != NsStatus.LISTED) {
                continue;
            }
            String who = who(r);
            for (NsHit hit : r.hits()) {
                details.computeIfAbsent(hit.source(), k -> new ArrayList<>()).add(who + "NS " + hit.explanation());
                scores.merge(hit.source(), hit.score(), Math::max);
                zones.putIfAbsent(hit.source(), hit.zone());
            }
        }
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : details.entrySet()) {
            List<String> d = e.getValue();
            String detail = d.get(0) + (d.size() > 1 ? "; and " + (d.size() - 1) + " more" : "");
            out.add(new Finding(CHECK, e.getKey(), scores.get(e.getKey()), Text.headerSafe(detail, MAX_DETAIL),
                    zones.get(e.getKey())));
        }
        return out;
    }

    private static String who(NsResult r) {
        if (r.serves().isEmpty()) {
            return "";
        }
        StringBuilder ids = new StringBuilder();
        for (NsDelegation d : r.serves()) {
            if (d.name().equals(r.serves().get(0).name())) {
                ids.append(ids.length() == 0 ? "" : ",").append(d.identity().id());
            }
        }
        return ids + " " + r.serves().get(0).name() + ": ";
    }
}
