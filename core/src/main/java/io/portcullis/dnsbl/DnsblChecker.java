package io.portcullis.dnsbl;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsPurpose;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsType;
import io.portcullis.json.Text;
import io.portcullis.net.AllowList;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Looks targets up in DNS lists, all questions at once: the result arrives when the slowest list has
 * answered (or timed out), not after the sum of the lists. Return codes are filtered per list, known
 * error codes are reported as {@link ListStatus#BLOCKED}, DNS failures and suspended lists as
 * {@link ListStatus#UNKNOWN}; only {@link ListStatus#LISTED} carries weight. Thread-safe; never
 * completes exceptionally.
 */
public final class DnsblChecker {
    /** {@link Finding#check()} of DNSBL findings. */
    public static final String CHECK = "dnsbl";
    /** Longest TXT reason kept (after sanitising). */
    public static final int MAX_REASON = 160;

    private final DnsClient dns;
    private final List<ListSpec> lists;
    private final ListHealth health;
    private final AllowList allow;

    /**
     * @param health self-test state, or null to query every list unconditionally
     */
    public DnsblChecker(DnsClient dns, List<ListSpec> lists, ListHealth health) {
        this(dns, lists, health, AllowList.NONE);
    }

    /**
     * @param health self-test state, or null to query every list unconditionally
     * @param allow  addresses and domains that are never looked up (their results are CLEAN)
     */
    public DnsblChecker(DnsClient dns, List<ListSpec> lists, ListHealth health, AllowList allow) {
        this.dns = dns;
        this.lists = List.copyOf(lists);
        this.health = health;
        this.allow = allow;
    }

    public List<ListSpec> lists() {
        return lists;
    }

    /**
     * Results for every (list, identity) pair that applies, in list order. The questions are asked on behalf of
     * {@link DnsblTargets#requester()} with purpose {@link DnsPurpose#LIST}; one refused for capacity gives a
     * result with {@link ListResult#overCap()}.
     */
    public CompletableFuture<List<ListResult>> check(DnsblTargets targets) {
        // Reverse each address and reduce each name once, not once per list.
        List<Identity> ipIds = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        List<String> ipTexts = new ArrayList<>();
        List<String> reversed = new ArrayList<>();
        for (Map.Entry<Identity, InetAddress> e : targets.addresses().entrySet()) {
            ipIds.add(e.getKey());
            ips.add(e.getValue());
            ipTexts.add(com.google.common.net.InetAddresses.toAddrString(e.getValue()));
            reversed.add(allow.contains(e.getValue()) ? null : QueryNames.reverse(e.getValue()));
        }
        List<Identity> nameIds = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        List<Boolean> allowedNames = new ArrayList<>();
        for (Map.Entry<Identity, String> e : targets.names().entrySet()) {
            Optional<String> domain = QueryNames.registeredDomain(e.getValue());
            if (domain.isPresent()) {
                nameIds.add(e.getKey());
                domains.add(domain.get());
                allowedNames.add(allow.containsDomain(e.getValue()));
            }
        }
        List<CompletableFuture<ListResult>> pending = new ArrayList<>();
        for (ListSpec list : lists) {
            if (list.kind() == ListKind.IP) {
                for (int i = 0; i < ipIds.size(); i++) {
                    if (!list.appliesTo(ipIds.get(i))) {
                        continue;
                    }
                    pending.add(reversed.get(i) == null ? allowed(list, ipIds.get(i), ipTexts.get(i))
                            : query(list, ipIds.get(i), ipTexts.get(i), reversed.get(i), targets.requester()));
                }
            } else if (list.kind() == ListKind.NAME) {
                for (int i = 0; i < nameIds.size(); i++) {
                    if (!list.appliesTo(nameIds.get(i))) {
                        continue;
                    }
                    pending.add(allowedNames.get(i) ? allowed(list, nameIds.get(i), domains.get(i))
                            : query(list, nameIds.get(i), domains.get(i), domains.get(i), targets.requester()));
                }
            }
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).handle((v, err) -> {
            List<ListResult> out = new ArrayList<>(pending.size());
            for (CompletableFuture<ListResult> f : pending) {
                out.add(f.join());
            }
            return out;
        });
    }

    private static CompletableFuture<ListResult> allowed(ListSpec list, Identity identity, String target) {
        return CompletableFuture.completedFuture(new ListResult(list, identity, target, ListStatus.CLEAN, List.of(), 0,
                "", "local allow list"));
    }

    /** Looks one target up in one list, bypassing the suspension state (used by the self-test too). */
    CompletableFuture<ListResult> query(ListSpec list, Identity identity, String target, String label,
            DnsRequester requester) {
        if (health != null) {
            Optional<String> why = health.suspension(list);
            if (why.isPresent()) {
                return CompletableFuture.completedFuture(new ListResult(list, identity, target, ListStatus.UNKNOWN,
                        List.of(), 0, "", "list suspended: " + why.get()));
            }
        }
        return lookup(dns, list, identity, target, label + "." + list.zone(), requester);
    }

    static CompletableFuture<ListResult> lookup(DnsClient dns, ListSpec list, Identity identity, String target,
            String qname) {
        return lookup(dns, list, identity, target, qname, DnsRequester.SYSTEM);
    }

    /**
     * The A question (and the TXT reason of a listing, when the list fetches reasons) for {@code requester}, purpose
     * {@link DnsPurpose#LIST}.
     */
    static CompletableFuture<ListResult> lookup(DnsClient dns, ListSpec list, Identity identity, String target,
            String qname, DnsRequester requester) {
        return dns.lookup(qname, DnsType.A, requester, DnsPurpose.LIST).thenCompose(a -> {
            ListResult r = interpret(list, identity, target, a);
            if (r.status() != ListStatus.LISTED || !list.fetchReason()) {
                return CompletableFuture.completedFuture(r);
            }
            return dns.lookup(qname, DnsType.TXT, requester, DnsPurpose.LIST).thenApply(txt -> txt.status() == DnsAnswer.Status.ANSWER
                    ? new ListResult(list, identity, target, r.status(), r.codes(), r.weight(), r.label(),
                            Text.headerSafe(String.join(" ", txt.values()), MAX_REASON))
                    : r);
        }).exceptionally(err -> new ListResult(list, identity, target, ListStatus.UNKNOWN, List.of(), 0, "",
                "internal error: " + err.getClass().getSimpleName()));
    }

    /** Classifies the A answer for a target. Pure function, public for tests and the self-test. */
    public static ListResult interpret(ListSpec list, Identity identity, String target, DnsAnswer a) {
        switch (a.status()) {
            case NXDOMAIN:
            case NODATA:
                return new ListResult(list, identity, target, ListStatus.CLEAN, List.of(), 0, "", "");
            case ANSWER:
                break;
            case OVER_CAP:
                return ListResult.overCap(list, identity, target, "OVER_CAP: " + Text.headerSafe(a.error(), 120));
            default:
                return new ListResult(list, identity, target, ListStatus.UNKNOWN, List.of(), 0, "",
                        a.status().name() + (a.error().isEmpty() ? "" : ": " + Text.headerSafe(a.error(), 80)));
        }
        List<String> matched = new ArrayList<>();
        String firstError = null;
        for (String code : a.values()) {
            String error = KnownErrorCodes.explain(list.zone(), code);
            if (error != null) {
                if (firstError == null) {
                    firstError = error;
                }
            } else if (list.filter().matches(code)) {
                matched.add(code);
            }
        }
        if (!matched.isEmpty()) {
            double weight = Double.NEGATIVE_INFINITY;
            Set<String> labels = new LinkedHashSet<>();
            for (String code : matched) {
                CodeInfo info = list.codes().get(code);
                if (info != null) {
                    weight = Math.max(weight, info.weight());
                    labels.add(info.label());
                } else {
                    weight = Math.max(weight, list.weight());
                }
            }
            return new ListResult(list, identity, target, ListStatus.LISTED, matched, weight,
                    String.join(",", labels), "");
        }
        List<String> shown = new ArrayList<>();
        for (String v : a.values()) {
            shown.add(Text.headerSafe(v, 45));
        }
        if (firstError != null) {
            return new ListResult(list, identity, target, ListStatus.BLOCKED, shown, 0, "", firstError);
        }
        return new ListResult(list, identity, target, ListStatus.CLEAN, shown, 0, "",
                "answer not selected by filter " + list.filter());
    }

    /** Findings for the LISTED results: check {@value #CHECK}, rule = list id, zone = its zone, score = weight. */
    public static List<Finding> findings(List<ListResult> results) {
        List<Finding> out = new ArrayList<>();
        for (ListResult r : results) {
            if (r.status() != ListStatus.LISTED) {
                continue;
            }
            StringBuilder d = new StringBuilder();
            d.append(r.identity().id()).append(' ').append(r.target()).append(" listed in ").append(r.list().zone())
                    .append(' ').append(r.codes());
            if (!r.label().isEmpty()) {
                d.append(" (").append(r.label()).append(')');
            }
            if (!r.reason().isEmpty()) {
                d.append(": ").append(r.reason());
            }
            out.add(new Finding(CHECK, r.list().id(), r.weight(), d.toString(), r.list().zone()));
        }
        return out;
    }
}
