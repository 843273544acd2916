package io.portcullis.report;

import io.portcullis.dnsbl.QueryNames;
import io.portcullis.log.Decision;
import io.portcullis.reputation.Entities;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Enforced decisions of one period per client network and per sending domain, keyed as reputation keys them: a
 * network is the client's /24 or /64; a domain is the envelope sender's or From's registered domain when verified for
 * the client, else the domain with the client's network ({@code example.com@192.0.2.0/24}), so spam that merely
 * names a big provider does not make the provider look bad. A line carries the keys reputation used
 * ({@code entities}); a line without them (reputation off, or written before) gives its client's network and its
 * envelope sender's domain, unverified.
 *
 * <p>Outcomes: {@code reject} is refused; {@code tag} and {@code tarpit} are tagged; {@code accept} is clean; all of
 * them spam but clean. {@code tempfail} (greylisting, DNS unknown) is no evidence and not counted; nor is a tarpit
 * before DATA (the message is yet to come). A message accepted at the end of DATA and judged again by the pipeline
 * counts once, with the pipeline's outcome: the SMTP line is remembered (by message id, else client, sender and
 * recipients; the last {@link #PENDING_MAX}) and its count replaced when the pipeline's line comes.
 */
final class EntityTally {
    /** SMTP end-of-DATA lines remembered to be replaced by the pipeline's line of the same message. */
    static final int PENDING_MAX = 100_000;

    /** Counts of one key. */
    static final class Counts {
        long refused;
        long tagged;
        long clean;

        long spam() {
            return refused + tagged;
        }

        long total() {
            return spam() + clean;
        }
    }

    /** What an SMTP end-of-DATA line counted. */
    private static final class Counted {
        final int kind;
        final Set<String> nets;
        final Set<String> doms;

        Counted(int kind, Set<String> nets, Set<String> doms) {
            this.kind = kind;
            this.nets = nets;
            this.doms = doms;
        }
    }

    /** One row of a worst / most improved table. */
    static final class Row {
        final String key;
        final long spam;
        final long total;
        final long previousSpam;
        final long previousTotal;

        Row(String key, long spam, long total, long previousSpam, long previousTotal) {
            this.key = key;
            this.spam = spam;
            this.total = total;
            this.previousSpam = previousSpam;
            this.previousTotal = previousTotal;
        }

        double ratio() {
            return total == 0 ? 0 : (double) spam / total;
        }

        double previousRatio() {
            return previousTotal == 0 ? 0 : (double) previousSpam / previousTotal;
        }
    }

    private final Map<String, Counts> networks = new HashMap<>();
    private final Map<String, Counts> domains = new HashMap<>();
    private final Map<String, Counted> pending = new java.util.LinkedHashMap<String, Counted>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Counted> eldest) {
            return size() > PENDING_MAX;
        }
    };

    /** Counts one enforced decision line. */
    @SuppressWarnings("unchecked")
    void add(Map<String, Object> m) {
        String action = str(m, "action");
        boolean atPipeline = Decision.PIPELINE.equals(str(m, "stage"));
        int kind; // 0 refused, 1 tagged, 2 clean
        if (Decision.REJECT.equals(action)) {
            kind = 0;
        } else if (Decision.TAG.equals(action) || Decision.TARPIT.equals(action)) {
            kind = 1;
        } else if (Decision.ACCEPT.equals(action)) {
            kind = 2;
        } else {
            return;
        }
        if (kind != 0 && !atPipeline && !Decision.DATA.equals(str(m, "stage"))) {
            return; // a tarpit at connect or RCPT says nothing yet of the message
        }
        Set<String> nets = new LinkedHashSet<>();
        Set<String> doms = new LinkedHashSet<>();
        if (m.get("entities") instanceof List) {
            for (Object o : (List<Object>) m.get("entities")) {
                if (!(o instanceof String)) {
                    continue;
                }
                String e = (String) o;
                int colon = e.indexOf(':');
                String k = colon < 0 ? "" : e.substring(0, colon);
                String v = e.substring(colon + 1);
                if (v.isEmpty()) {
                    continue;
                }
                if (k.equals("net")) {
                    nets.add(v);
                } else if (k.equals("mail-from") || k.equals("from")) {
                    doms.add(v);
                }
            }
        } else {
            InetAddress a = Entities.parseAddress(bare(str(m, "client")));
            String net = a == null ? null : Entities.network(a);
            if (net != null) {
                nets.add(net);
            }
            String sender = str(m, "sender");
            int at = sender == null ? -1 : sender.lastIndexOf('@');
            if (at >= 0 && net != null) {
                QueryNames.registeredDomain(sender.substring(at + 1).toLowerCase(Locale.ROOT))
                        .ifPresent(d -> doms.add(d + "@" + net));
            }
        }
        String message = messageKey(m);
        if (atPipeline) {
            Counted before = pending.remove(message);
            if (before != null) {
                count(before.nets, before.doms, before.kind, -1);
            }
        } else if (kind != 0) {
            pending.put(message, new Counted(kind, nets, doms));
        }
        count(nets, doms, kind, 1);
    }

    private void count(Set<String> nets, Set<String> doms, int kind, int delta) {
        for (String n : nets) {
            count(networks, n, kind, delta);
        }
        for (String d : doms) {
            count(domains, d, kind, delta);
        }
    }

    private static void count(Map<String, Counts> map, String key, int kind, int delta) {
        Counts c = map.computeIfAbsent(key, k -> new Counts());
        if (kind == 0) {
            c.refused += delta;
        } else if (kind == 1) {
            c.tagged += delta;
        } else {
            c.clean += delta;
        }
    }

    /** Which message a line is about: its node and message id, else its node, client, sender and recipients. */
    private static String messageKey(Map<String, Object> m) {
        String id = str(m, "message_id");
        return str(m, "node") + "|" + (id != null ? id : str(m, "client") + "|" + str(m, "sender") + "|"
                + m.get("recipients"));
    }

    /** The networks (or domains) with the most spam: spam descending, then ratio, then key; at most {@code top}. */
    List<Row> worst(boolean ofNetworks, int top) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Counts> e : (ofNetworks ? networks : domains).entrySet()) {
            long spam = e.getValue().spam();
            if (spam > 0) {
                rows.add(new Row(e.getKey(), spam, e.getValue().total(), 0, 0));
            }
        }
        rows.sort(Comparator.comparingLong((Row r) -> -r.spam).thenComparingDouble(r -> -r.ratio())
                .thenComparing(r -> r.key));
        return rows.size() > top ? new ArrayList<>(rows.subList(0, top)) : rows;
    }

    /**
     * The networks (or domains) whose spam ratio dropped most against {@code before} (the previous period of the same
     * length), among those with at least {@code minimum} counted decisions in each period; at most {@code top}.
     */
    List<Row> mostImproved(EntityTally before, boolean ofNetworks, int minimum, int top) {
        Map<String, Counts> now = ofNetworks ? networks : domains;
        Map<String, Counts> then = ofNetworks ? before.networks : before.domains;
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Counts> e : now.entrySet()) {
            Counts p = then.get(e.getKey());
            if (p == null) {
                continue;
            }
            Row r = new Row(e.getKey(), e.getValue().spam(), e.getValue().total(),
                    p.spam(), p.total());
            if (r.total >= minimum && r.previousTotal >= minimum && r.ratio() < r.previousRatio()) {
                rows.add(r);
            }
        }
        rows.sort(Comparator.comparingDouble((Row r) -> r.ratio() - r.previousRatio()).thenComparing(r -> r.key));
        return rows.size() > top ? new ArrayList<>(rows.subList(0, top)) : rows;
    }

    private static String bare(String client) {
        if (client == null) {
            return null;
        }
        String c = client.trim();
        return c.startsWith("[") && c.endsWith("]") ? c.substring(1, c.length() - 1) : c;
    }

    private static String str(Map<String, Object> m, String key) {
        Object o = m.get(key);
        return o instanceof String ? (String) o : null;
    }
}
