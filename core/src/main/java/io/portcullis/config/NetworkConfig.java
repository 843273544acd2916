package io.portcullis.config;

import io.portcullis.net.Hosts;
import io.portcullis.network.CymruFormat;
import io.portcullis.network.NetworkRules;
import io.portcullis.network.NetworkSettings;
import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code network.*} keys of {@code portcullis.properties} (the network owner check, {@link NetworkSettings}).
 *
 * <pre>
 * network.enabled               = true   # look network owners up (./portcullis lookup shows them always)
 * network.zone.origin           = origin.asn.cymru.com    # IPv4 origin TXT zone ("none": no IPv4 DNS source)
 * network.zone.origin6          = origin6.asn.cymru.com   # IPv6 origin TXT zone (nibbles)
 * network.zone.asn              = asn.cymru.com           # AS records (AS names): AS&lt;n&gt;.&lt;zone&gt;
 * network.self-test             = true   # a known address must answer in the Cymru format, else the zone is suspended
 * network.self-test-interval-minutes = 10
 * network.self-test.ipv4        = 8.8.8.8
 * network.self-test.ipv6        = 2001:4860:4860::8888
 * network.cache-size            = 10000  # prefixes cached (0 = none)
 * network.mmdb                  =        # local MaxMind-format ASN and/or country databases, comma-separated
 * network.asn                   =        # AS numbers with weights: 64496*6, AS64511*-2 (no *W: network.asn.weight)
 * network.asn.weight            = 1
 * network.country               =        # ISO 3166 codes of the assignment: BR*2, NL*-1
 * network.country.weight        = 1
 * network.registry              =        # arin, ripencc, apnic, lacnic, afrinic with weights
 * network.registry.weight       = 1
 * network.as-name.&lt;id&gt;         =        # case-insensitive regular expression searched in the AS name
 * network.as-name.&lt;id&gt;.weight  =        # default network.as-name.weight
 * network.as-name.weight        = 1
 * </pre>
 * Observe mode: {@code network.mode}, {@code network.asn.mode}, {@code network.country.mode},
 * {@code network.registry.mode}, {@code network.as-name.mode} ({@link ModeSettings}).
 */
public final class NetworkConfig {
    public static final String PREFIX = "network.";
    public static final String ENABLED = "network.enabled";
    public static final String ZONE_ORIGIN = "network.zone.origin";
    public static final String ZONE_ORIGIN6 = "network.zone.origin6";
    public static final String ZONE_ASN = "network.zone.asn";
    public static final String SELF_TEST = "network.self-test";
    public static final String SELF_TEST_INTERVAL = "network.self-test-interval-minutes";
    public static final String SELF_TEST_V4 = "network.self-test.ipv4";
    public static final String SELF_TEST_V6 = "network.self-test.ipv6";
    public static final String CACHE_SIZE = "network.cache-size";
    public static final String MMDB = "network.mmdb";
    public static final String ASN = "network.asn";
    public static final String ASN_WEIGHT = "network.asn.weight";
    public static final String COUNTRY = "network.country";
    public static final String COUNTRY_WEIGHT = "network.country.weight";
    public static final String REGISTRY = "network.registry";
    public static final String REGISTRY_WEIGHT = "network.registry.weight";
    public static final String AS_NAME_PREFIX = "network.as-name.";
    public static final String AS_NAME_WEIGHT = "network.as-name.weight";

    static final List<String> KEYS = List.of(ENABLED, ZONE_ORIGIN, ZONE_ORIGIN6, ZONE_ASN, SELF_TEST,
            SELF_TEST_INTERVAL, SELF_TEST_V4, SELF_TEST_V6, CACHE_SIZE, MMDB, ASN, ASN_WEIGHT, COUNTRY, COUNTRY_WEIGHT,
            REGISTRY, REGISTRY_WEIGHT, AS_NAME_WEIGHT);

    /** ISO 3166-1 alpha-2 codes plus the non-country codes the registries use (EU, AP, ZZ). */
    private static final Set<String> COUNTRIES = new HashSet<>(Arrays.asList(Locale.getISOCountries()));

    static {
        COUNTRIES.addAll(List.of("EU", "AP", "ZZ"));
    }

    private NetworkConfig() {
    }

    /** Parses the {@code network.*} keys of {@code v} (mode keys already removed); unknown ones fail. */
    static NetworkSettings parse(Map<String, String> v, String source) {
        Map<String, String> patterns = new TreeMap<>();
        Map<String, String> patternWeights = new TreeMap<>();
        for (Map.Entry<String, String> e : v.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX) || KEYS.contains(key)) {
                continue;
            }
            if (key.startsWith(AS_NAME_PREFIX)) {
                String rest = key.substring(AS_NAME_PREFIX.length());
                int dot = rest.indexOf('.');
                String id = dot < 0 ? rest : rest.substring(0, dot);
                if (!id.matches("[A-Za-z0-9_-]+")) {
                    throw new ConfigException(source, key, e.getValue(), "pattern id must be letters, digits, - or _");
                }
                if (dot < 0) {
                    patterns.put(id, e.getValue());
                    continue;
                }
                if (rest.substring(dot + 1).equals("weight")) {
                    patternWeights.put(id, e.getValue());
                    continue;
                }
            }
            throw new ConfigException(source, key, e.getValue(), "unknown key (known network keys: "
                    + String.join(", ", keys()) + ")");
        }
        NetworkSettings.Builder b = NetworkSettings.builder();
        b.enabled(PortcullisConfig.bool(v, source, ENABLED, true));
        String origin = v.getOrDefault(ZONE_ORIGIN, NetworkSettings.CYMRU_ORIGIN);
        String origin6 = v.getOrDefault(ZONE_ORIGIN6, NetworkSettings.CYMRU_ORIGIN6);
        String asn = v.getOrDefault(ZONE_ASN, NetworkSettings.CYMRU_ASN);
        zone(source, ZONE_ORIGIN, origin);
        zone(source, ZONE_ORIGIN6, origin6);
        zone(source, ZONE_ASN, asn);
        b.zones(origin, origin6, asn);
        b.selfTest(PortcullisConfig.bool(v, source, SELF_TEST, true));
        b.selfTestInterval(Duration.ofMinutes(PortcullisConfig.positiveInt(v, source, SELF_TEST_INTERVAL, 10)));
        NetworkSettings d = NetworkSettings.DEFAULTS;
        b.selfTestAddresses(address(source, SELF_TEST_V4, v.get(SELF_TEST_V4), d.selfTestV4(), true),
                address(source, SELF_TEST_V6, v.get(SELF_TEST_V6), d.selfTestV6(), false));
        String cache = v.get(CACHE_SIZE);
        if (cache != null && !cache.isEmpty()) {
            int n = PortcullisConfig.nonNegativeInt(source, CACHE_SIZE, cache);
            try {
                b.cacheSize(n);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, CACHE_SIZE, cache, e.getMessage());
            }
        }
        b.mmdbFiles(mmdb(source, v.get(MMDB)));
        Map<Long, Double> asns = weighted(source, ASN, v.get(ASN), PortcullisConfig.number(v, source, ASN_WEIGHT, 1.0),
                t -> {
                    Long n = CymruFormat.asn(t);
                    if (n == null) {
                        throw new IllegalArgumentException("'" + t + "' is not an AS number (1..4294967295, AS prefix "
                                + "optional)");
                    }
                    return n;
                });
        Map<String, Double> countries = weighted(source, COUNTRY, v.get(COUNTRY),
                PortcullisConfig.number(v, source, COUNTRY_WEIGHT, 1.0), t -> {
                    String c = t.toUpperCase(Locale.ROOT);
                    if (!COUNTRIES.contains(c)) {
                        throw new IllegalArgumentException("'" + t + "' is not an ISO 3166 two-letter country code "
                                + "(or EU, AP, ZZ)");
                    }
                    return c;
                });
        Map<String, Double> registries = weighted(source, REGISTRY, v.get(REGISTRY),
                PortcullisConfig.number(v, source, REGISTRY_WEIGHT, 1.0), t -> {
                    String r = t.toLowerCase(Locale.ROOT);
                    if (!CymruFormat.REGISTRIES.contains(r)) {
                        throw new IllegalArgumentException("'" + t + "' is not a registry (arin, ripencc, apnic, "
                                + "lacnic, afrinic)");
                    }
                    return r;
                });
        double nameWeight = PortcullisConfig.number(v, source, AS_NAME_WEIGHT, 1.0);
        List<NetworkRules.NamePattern> names = new ArrayList<>();
        for (Map.Entry<String, String> w : patternWeights.entrySet()) {
            if (!patterns.containsKey(w.getKey())) {
                throw new ConfigException(source, AS_NAME_PREFIX + w.getKey() + ".weight", w.getValue(),
                        "weight for pattern '" + w.getKey() + "', but " + AS_NAME_PREFIX + w.getKey()
                                + " is not defined");
            }
        }
        for (Map.Entry<String, String> p : patterns.entrySet()) {
            String key = AS_NAME_PREFIX + p.getKey();
            if (p.getValue() == null || p.getValue().isEmpty()) {
                throw new ConfigException(source, key, p.getValue(), "an empty pattern would match every AS name");
            }
            String wk = key + ".weight";
            double w = patternWeights.containsKey(p.getKey())
                    ? PortcullisConfig.parseNumber(source, wk, patternWeights.get(p.getKey())) : nameWeight;
            try {
                names.add(new NetworkRules.NamePattern(p.getKey(), p.getValue(), w));
            } catch (PatternSyntaxException e) {
                throw new ConfigException(source, key, p.getValue(), "not a regular expression: "
                        + e.getDescription());
            }
        }
        b.rules(new NetworkRules(asns, countries, registries, names));
        return b.build();
    }

    private static void zone(String source, String key, String value) {
        try {
            NetworkSettings.builder().zones(value, "", "");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, key, value, e.getMessage());
        }
    }

    private static InetAddress address(String source, String key, String value, InetAddress def, boolean v4) {
        if (value == null || value.isEmpty()) {
            return def;
        }
        InetAddress a = Hosts.address(value);
        if (a != null && (value.indexOf(':') < 0) == v4 && (a.getAddress().length == 4) == v4) {
            return a;
        }
        throw new ConfigException(source, key, value, "expected an IPv" + (v4 ? "4" : "6") + " address literal");
    }

    private static List<Path> mmdb(String source, String value) {
        List<Path> out = new ArrayList<>();
        if (value == null || value.isEmpty()) {
            return out;
        }
        for (String part : value.split("\\s*,\\s*")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(PortcullisConfig.relativeToConfigFile(source, Paths.get(part)));
            } catch (InvalidPathException e) {
                throw new ConfigException(source, MMDB, value, "not a file path: " + e.getMessage());
            }
        }
        return out;
    }

    /** {@code ITEM[*WEIGHT], ...}: items parsed by {@code item}, weight default {@code def}. */
    private static <T> Map<T, Double> weighted(String source, String key, String value, double def,
            Function<String, T> item) {
        Map<T, Double> out = new LinkedHashMap<>();
        if (value == null || value.isEmpty()) {
            return out;
        }
        for (String raw : value.split("[,\\s]+")) {
            if (raw.isEmpty()) {
                continue;
            }
            int star = raw.indexOf('*');
            String name = star < 0 ? raw : raw.substring(0, star);
            double w = star < 0 ? def : PortcullisConfig.parseNumber(source, key, raw.substring(star + 1));
            T parsed;
            try {
                parsed = item.apply(name);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, key, value, e.getMessage());
            }
            if (out.put(parsed, w) != null) {
                throw new ConfigException(source, key, value, "'" + name + "' is listed twice");
            }
        }
        return out;
    }

    /** Documentation names of the keys. */
    static List<String> keys() {
        List<String> k = new ArrayList<>(KEYS);
        k.add(AS_NAME_PREFIX + "<ID>");
        k.add(AS_NAME_PREFIX + "<ID>.weight");
        return k;
    }
}
