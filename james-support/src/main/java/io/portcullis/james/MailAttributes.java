package io.portcullis.james;

import io.portcullis.network.NetworkReport;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import io.portcullis.verdict.Verdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * How Portcullis results travel with a mail: as mail attributes made only of JSON-serialisable values
 * (String, Double, List, Map), so they survive James's distributed (RabbitMQ) mail queue, which silently drops
 * anything it cannot serialise.
 *
 * <ul>
 *   <li>{@value #FINDINGS_NAME}: list of maps {@code {check: String, rule: String, score: Double, detail: String}}
 *       and {@code zone: String} for a DNS list's finding</li>
 *   <li>{@value #CHECKS_NAME}: list of the check names already computed for this mail (e.g. {@code ["headers"]});
 *       a stage that finds its check listed reuses the findings instead of recomputing them</li>
 *   <li>{@value #SCORE_NAME}: the summed score (Double), written by the {@code Tag} mailet</li>
 *   <li>{@value #ACTION_NAME}: the policy action ({@code accept}, {@code tag}, {@code tarpit}, {@code reject})</li>
 *   <li>{@value #NETWORK_NAME}: the network owners of the mail's addresses, a list of maps {@code {identity: String
 *       (client-ip, received-ip), address: String, status: String (found, not-found, unknown), asns: List of Long,
 *       prefix, country, registry, as_name, source, reason: String}}</li>
 * </ul>
 *
 * <p>Reading is lenient: values of an unexpected shape are ignored rather than failing the mail.
 */
public final class MailAttributes {
    public static final String FINDINGS_NAME = "io.portcullis.findings";
    public static final String CHECKS_NAME = "io.portcullis.checks";
    public static final String SCORE_NAME = "io.portcullis.score";
    public static final String ACTION_NAME = "io.portcullis.action";
    public static final String NETWORK_NAME = "io.portcullis.network";

    public static final AttributeName FINDINGS = AttributeName.of(FINDINGS_NAME);
    public static final AttributeName CHECKS = AttributeName.of(CHECKS_NAME);
    public static final AttributeName SCORE = AttributeName.of(SCORE_NAME);
    public static final AttributeName ACTION = AttributeName.of(ACTION_NAME);
    public static final AttributeName NETWORK = AttributeName.of(NETWORK_NAME);
    /** DNS lists that gave no answer for this mail and why ({@code zen, dbl: resolver unreachable}). */
    public static final String LISTS_UNKNOWN_NAME = "io.portcullis.lists-unknown";
    public static final AttributeName LISTS_UNKNOWN = AttributeName.of(LISTS_UNKNOWN_NAME);

    private static final String K_CHECK = "check";
    private static final String K_RULE = "rule";
    private static final String K_SCORE = "score";
    private static final String K_DETAIL = "detail";
    private static final String K_ZONE = "zone";

    private MailAttributes() {
    }

    /** Names of the checks already computed for this mail (insertion order). */
    public static Set<String> checks(Mail mail) {
        Set<String> out = new LinkedHashSet<>();
        for (Object o : list(mail, CHECKS)) {
            if (o instanceof String) {
                out.add((String) o);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /** All findings recorded on the mail, by all checks. */
    public static List<Finding> findings(Mail mail) {
        List<Finding> out = new ArrayList<>();
        for (Object o : list(mail, FINDINGS)) {
            if (!(o instanceof Map)) {
                continue;
            }
            Map<?, ?> m = (Map<?, ?>) o;
            Object check = unwrap(m.get(K_CHECK));
            Object rule = unwrap(m.get(K_RULE));
            Object score = unwrap(m.get(K_SCORE));
            Object detail = unwrap(m.get(K_DETAIL));
            Object zone = unwrap(m.get(K_ZONE));
            if (check instanceof String && rule instanceof String && score instanceof Number) {
                out.add(new Finding((String) check, (String) rule, ((Number) score).doubleValue(),
                        detail instanceof String ? (String) detail : "", zone instanceof String ? (String) zone : ""));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Records the findings of one check: replaces any earlier findings of that check and adds the check name
     * to {@value #CHECKS_NAME} (also when there are no findings, which records that the check ran clean).
     */
    public static void storeFindings(Mail mail, String check, List<Finding> checkFindings) {
        List<Finding> all = new ArrayList<>();
        for (Finding f : findings(mail)) {
            if (!f.check().equals(check)) {
                all.add(f);
            }
        }
        all.addAll(checkFindings);
        List<AttributeValue<?>> encoded = new ArrayList<>(all.size());
        for (Finding f : all) {
            encoded.add(encode(f));
        }
        mail.setAttribute(new Attribute(FINDINGS, AttributeValue.of(encoded)));

        Set<String> checks = new LinkedHashSet<>(checks(mail));
        checks.add(check);
        List<AttributeValue<?>> names = new ArrayList<>(checks.size());
        for (String c : checks) {
            names.add(AttributeValue.of(c));
        }
        mail.setAttribute(new Attribute(CHECKS, AttributeValue.of(names)));
    }

    /**
     * Records which DNS lists gave no answer and why (see {@code PortcullisRuntime.listsUnknown}); null or empty
     * removes the record. The decision log line of the mail carries it ({@code lists_unknown}).
     */
    public static void storeListsUnknown(Mail mail, String listsUnknown) {
        if (listsUnknown == null || listsUnknown.isEmpty()) {
            mail.removeAttribute(LISTS_UNKNOWN);
        } else {
            mail.setAttribute(new Attribute(LISTS_UNKNOWN, AttributeValue.of(listsUnknown)));
        }
    }

    /** The DNS lists that gave no answer for the mail, as recorded by {@link #storeListsUnknown}. */
    public static Optional<String> listsUnknown(Mail mail) {
        return mail.getAttribute(LISTS_UNKNOWN).map(a -> unwrap(a.getValue())).filter(String.class::isInstance)
                .map(String.class::cast);
    }

    /** Records the score and action of a verdict. */
    public static void storeVerdict(Mail mail, Verdict verdict) {
        mail.setAttribute(new Attribute(SCORE, AttributeValue.of(verdict.score())));
        mail.setAttribute(new Attribute(ACTION, AttributeValue.of(verdict.action().id())));
    }

    public static Optional<Double> score(Mail mail) {
        return mail.getAttribute(SCORE).map(a -> unwrap(a.getValue())).filter(Number.class::isInstance)
                .map(n -> ((Number) n).doubleValue());
    }

    public static Optional<String> action(Mail mail) {
        return mail.getAttribute(ACTION).map(a -> unwrap(a.getValue())).filter(String.class::isInstance)
                .map(String.class::cast);
    }

    /** The network owner of one of the mail's addresses ({@code identity}: client-ip or received-ip). */
    public static final class NetworkOwner {
        private final String identity;
        private final NetworkReport report;

        public NetworkOwner(String identity, NetworkReport report) {
            this.identity = identity;
            this.report = report;
        }

        public String identity() {
            return identity;
        }

        public NetworkReport report() {
            return report;
        }
    }

    /** True when the network owners were stored on the mail. */
    public static boolean hasNetwork(Mail mail) {
        return mail.getAttribute(NETWORK).isPresent();
    }

    /** Stores the network owners (replacing earlier ones). */
    public static void storeNetwork(Mail mail, List<NetworkOwner> owners) {
        List<AttributeValue<?>> encoded = new ArrayList<>(owners.size());
        for (NetworkOwner o : owners) {
            NetworkReport r = o.report();
            Map<String, AttributeValue<?>> m = new LinkedHashMap<>();
            m.put("identity", AttributeValue.of(o.identity()));
            m.put("address", AttributeValue.of(r.address() == null ? "" : r.address().getHostAddress()));
            m.put("status", AttributeValue.of(r.status().id()));
            List<AttributeValue<?>> asns = new ArrayList<>();
            for (Long a : r.asns()) {
                asns.add(AttributeValue.of(a));
            }
            m.put("asns", AttributeValue.of(asns));
            m.put("prefix", AttributeValue.of(r.prefix()));
            m.put("country", AttributeValue.of(r.country()));
            m.put("registry", AttributeValue.of(r.registry()));
            m.put("as_name", AttributeValue.of(r.asName()));
            m.put("source", AttributeValue.of(r.source()));
            m.put("reason", AttributeValue.of(r.reason()));
            encoded.add(AttributeValue.of(m));
        }
        mail.setAttribute(new Attribute(NETWORK, AttributeValue.of(encoded)));
    }

    /** The network owners stored on the mail (lenient: entries of an unexpected shape are skipped). */
    public static List<NetworkOwner> network(Mail mail) {
        List<NetworkOwner> out = new ArrayList<>();
        for (Object o : list(mail, NETWORK)) {
            if (!(o instanceof Map)) {
                continue;
            }
            Map<?, ?> m = (Map<?, ?>) o;
            String identity = str(m, "identity");
            InetAddress address = io.portcullis.james.MailTargets.ipLiteral(str(m, "address")).orElse(null);
            String status = str(m, "status");
            String source = str(m, "source");
            NetworkReport r;
            if (NetworkReport.Status.FOUND.id().equals(status)) {
                List<Long> asns = new ArrayList<>();
                Object list = unwrap(m.get("asns"));
                if (list instanceof Collection) {
                    for (Object a : (Collection<?>) list) {
                        Object u = unwrap(a);
                        if (u instanceof Number) {
                            asns.add(((Number) u).longValue());
                        }
                    }
                }
                r = NetworkReport.found(address, asns, str(m, "prefix"), str(m, "country"), str(m, "registry"),
                        str(m, "as_name"), source);
            } else if (NetworkReport.Status.NOT_FOUND.id().equals(status)) {
                r = NetworkReport.notFound(address, source);
            } else {
                r = NetworkReport.unknown(address, source, str(m, "reason"));
            }
            out.add(new NetworkOwner(identity.isEmpty() ? "client-ip" : identity, r));
        }
        return Collections.unmodifiableList(out);
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = unwrap(m.get(key));
        return v instanceof String ? (String) v : "";
    }

    private static AttributeValue<?> encode(Finding f) {
        Map<String, AttributeValue<?>> m = new LinkedHashMap<>();
        m.put(K_CHECK, AttributeValue.of(f.check()));
        m.put(K_RULE, AttributeValue.of(f.rule()));
        m.put(K_SCORE, AttributeValue.of(f.score()));
        m.put(K_DETAIL, AttributeValue.of(f.detail()));
        if (!f.zone().isEmpty()) {
            m.put(K_ZONE, AttributeValue.of(f.zone()));
        }
        return AttributeValue.of(m);
    }

    /** The attribute's elements, unwrapped from their AttributeValues; empty if absent or not a collection. */
    private static List<Object> list(Mail mail, AttributeName name) {
        Optional<Attribute> attribute = mail.getAttribute(name);
        if (attribute.isEmpty()) {
            return List.of();
        }
        Object value = unwrap(attribute.get().getValue());
        if (!(value instanceof Collection)) {
            return List.of();
        }
        List<Object> out = new ArrayList<>();
        for (Object o : (Collection<?>) value) {
            Object u = unwrap(o);
            if (u instanceof Map) {
                Map<Object, Object> copy = new LinkedHashMap<>();
                ((Map<?, ?>) u).forEach((k, v) -> copy.put(k, unwrap(v)));
                u = copy;
            }
            out.add(u);
        }
        return out;
    }

    private static Object unwrap(Object o) {
        Object v = o;
        while (v instanceof AttributeValue) {
            v = ((AttributeValue<?>) v).value();
        }
        return v;
    }
}
