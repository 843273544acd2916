package io.portcullis.network;

import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The network policies: weights for origin AS numbers, assignment countries, registries and AS-name patterns.
 * Each kind gives at most one finding per address (check {@value #CHECK}, rule {@value #ASN}, {@value #COUNTRY},
 * {@value #REGISTRY} or {@value #AS_NAME}) with the highest weight among its matching entries; a negative weight
 * (a known-good network) is kept when nothing positive matches. An unknown or not-found report gives no finding.
 * Immutable.
 */
public final class NetworkRules {
    /** {@link Finding#check()} of network findings. */
    public static final String CHECK = "network";
    public static final String ASN = "ASN";
    public static final String COUNTRY = "COUNTRY";
    public static final String REGISTRY = "REGISTRY";
    public static final String AS_NAME = "AS_NAME";
    /** The rule ids, in finding order. */
    public static final List<String> RULES = List.of(ASN, COUNTRY, REGISTRY, AS_NAME);

    /** No policy: nothing scores. */
    public static final NetworkRules NONE = new NetworkRules(Map.of(), Map.of(), Map.of(), List.of());

    /** One AS-name pattern: a case-insensitive regular expression searched in the AS name. */
    public static final class NamePattern {
        private final String id;
        private final Pattern pattern;
        private final double weight;

        public NamePattern(String id, String regex, double weight) {
            this.id = Objects.requireNonNull(id);
            this.pattern = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
            this.weight = weight;
        }

        public String id() {
            return id;
        }

        public Pattern pattern() {
            return pattern;
        }

        public double weight() {
            return weight;
        }

        @Override
        public String toString() {
            return id + "=/" + pattern.pattern() + "/*" + weight;
        }
    }

    private final Map<Long, Double> asns;
    private final Map<String, Double> countries;
    private final Map<String, Double> registries;
    private final List<NamePattern> asNames;

    public NetworkRules(Map<Long, Double> asns, Map<String, Double> countries, Map<String, Double> registries,
            List<NamePattern> asNames) {
        this.asns = Collections.unmodifiableMap(new LinkedHashMap<>(asns));
        this.countries = Collections.unmodifiableMap(new LinkedHashMap<>(countries));
        this.registries = Collections.unmodifiableMap(new LinkedHashMap<>(registries));
        this.asNames = List.copyOf(asNames);
    }

    /** AS number to weight. */
    public Map<Long, Double> asns() {
        return asns;
    }

    /** ISO country code (upper case) to weight. */
    public Map<String, Double> countries() {
        return countries;
    }

    /** Registry (lower case) to weight. */
    public Map<String, Double> registries() {
        return registries;
    }

    public List<NamePattern> asNames() {
        return asNames;
    }

    /** True when no policy is configured (nothing can score). */
    public boolean isEmpty() {
        return asns.isEmpty() && countries.isEmpty() && registries.isEmpty() && asNames.isEmpty();
    }

    /** Findings for the client address (identity {@code client-ip}). */
    public List<Finding> findings(NetworkReport r) {
        return findings(r, "client-ip");
    }

    /**
     * Findings for {@code r}; {@code identity} ({@code client-ip}, {@code received-ip}) starts the address part of
     * the detail: {@code AS64496 192.0.2.0/24 country XX ripencc: client-ip 192.0.2.1, AS name EXAMPLE; listed AS64496}.
     */
    public List<Finding> findings(NetworkReport r, String identity) {
        if (r == null || !r.found() || isEmpty()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>(2);
        if (!asns.isEmpty()) {
            Double best = null;
            long which = 0;
            for (Long a : r.asns()) {
                Double w = asns.get(a);
                if (w != null && (best == null || w > best)) {
                    best = w;
                    which = a;
                }
            }
            if (best != null) {
                out.add(new Finding(CHECK, ASN, best, detail(r, identity, r.asns().size() > 1 ? "listed AS" + which : "")));
            }
        }
        if (!countries.isEmpty() && !r.country().isEmpty()) {
            Double w = countries.get(r.country());
            if (w != null) {
                out.add(new Finding(CHECK, COUNTRY, w, detail(r, identity, "")));
            }
        }
        if (!registries.isEmpty() && !r.registry().isEmpty()) {
            Double w = registries.get(r.registry());
            if (w != null) {
                out.add(new Finding(CHECK, REGISTRY, w, detail(r, identity, "")));
            }
        }
        if (!asNames.isEmpty() && !r.asName().isEmpty()) {
            NamePattern best = null;
            for (NamePattern p : asNames) {
                if ((best == null || p.weight() > best.weight()) && p.pattern().matcher(r.asName()).find()) {
                    best = p;
                }
            }
            if (best != null) {
                out.add(new Finding(CHECK, AS_NAME, best.weight(), detail(r, identity, "name matches " + best.id())));
            }
        }
        return out;
    }

    /** {@code AS64496 192.0.2.0/24 country XX ripencc: client-ip 192.0.2.1, AS name EXAMPLE-NET}. */
    static String detail(NetworkReport r, String identity, String extra) {
        StringBuilder d = new StringBuilder(96);
        for (Long a : r.asns()) {
            d.append("AS").append(a).append(' ');
        }
        d.append(r.prefix().isEmpty() ? "?" : r.prefix());
        if (!r.country().isEmpty()) {
            d.append(" country ").append(r.country());
        }
        if (!r.registry().isEmpty()) {
            d.append(' ').append(r.registry());
        }
        d.append(": ").append(identity).append(' ').append(r.address() == null ? "?" : r.address().getHostAddress());
        if (!r.asName().isEmpty()) {
            d.append(", AS name ").append(r.asName());
        }
        if (!extra.isEmpty()) {
            d.append("; ").append(extra);
        }
        return d.toString();
    }

    @Override
    public String toString() {
        return "NetworkRules{asns=" + asns + ", countries=" + countries + ", registries=" + registries + ", asNames="
                + asNames + "}";
    }
}
