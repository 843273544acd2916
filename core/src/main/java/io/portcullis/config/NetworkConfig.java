package io.portcullis.config;

import io.portcullis.net.Hosts;
import io.portcullis.network.CymruFormat;
import io.portcullis.network.NetworkRules;
import io.portcullis.network.NetworkSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code network.*} keys of {@code portcullis.properties} (the network owner check, {@link NetworkSettings};
 * documented in {@link Keys}). Observe mode: {@code network.mode}, {@code network.asn.mode}, ... ({@link ModeSettings}).
 */
public final class NetworkConfig {
    /** ISO 3166-1 alpha-2 codes plus the non-country codes the registries use (EU, AP, ZZ). */
    private static final Set<String> COUNTRIES = new HashSet<>(Arrays.asList(Locale.getISOCountries()));

    static {
        COUNTRIES.addAll(List.of("EU", "AP", "ZZ"));
    }

    private NetworkConfig() {
    }

    /** Parses the {@code network.*} keys. */
    static NetworkSettings parse(ConfigValues v) {
        Map<String, String> patterns = ids(v, Keys.NETWORK_AS_NAME);
        Map<String, String> patternWeights = ids(v, Keys.NETWORK_AS_NAME_ID_WEIGHT);
        NetworkSettings.Builder b = NetworkSettings.builder();
        b.enabled(v.bool(Keys.NETWORK_ENABLED));
        String origin = zone(v, Keys.NETWORK_ZONE_ORIGIN);
        String origin6 = zone(v, Keys.NETWORK_ZONE_ORIGIN6);
        String asn = zone(v, Keys.NETWORK_ZONE_ASN);
        b.zones(origin, origin6, asn);
        b.selfTest(v.bool(Keys.NETWORK_SELF_TEST));
        b.selfTestInterval(Duration.ofMinutes(v.positiveInt(Keys.NETWORK_SELF_TEST_INTERVAL)));
        b.selfTestAddresses(address(v, Keys.NETWORK_SELF_TEST_V4, true), address(v, Keys.NETWORK_SELF_TEST_V6, false));
        int cache = v.nonNegativeInt(Keys.NETWORK_CACHE_SIZE);
        v.check(Keys.NETWORK_CACHE_SIZE.name(), v.text(Keys.NETWORK_CACHE_SIZE), () -> b.cacheSize(cache));
        b.mmdbFiles(mmdb(v, v.text(Keys.NETWORK_MMDB)));
        Map<Long, Double> asns = weighted(v, Keys.NETWORK_ASN, v.number(Keys.NETWORK_ASN_WEIGHT), t -> {
            Long n = CymruFormat.asn(t);
            if (n == null) {
                throw new IllegalArgumentException("'" + t + "' is not an AS number (1..4294967295, AS prefix "
                        + "optional)");
            }
            return n;
        });
        Map<String, Double> countries = weighted(v, Keys.NETWORK_COUNTRY, v.number(Keys.NETWORK_COUNTRY_WEIGHT), t -> {
            String c = t.toUpperCase(Locale.ROOT);
            if (!COUNTRIES.contains(c)) {
                throw new IllegalArgumentException("'" + t + "' is not an ISO 3166 two-letter country code "
                        + "(or EU, AP, ZZ)");
            }
            return c;
        });
        Map<String, Double> registries = weighted(v, Keys.NETWORK_REGISTRY, v.number(Keys.NETWORK_REGISTRY_WEIGHT),
                t -> {
                    String r = t.toLowerCase(Locale.ROOT);
                    if (!CymruFormat.REGISTRIES.contains(r)) {
                        throw new IllegalArgumentException("'" + t + "' is not a registry (arin, ripencc, apnic, "
                                + "lacnic, afrinic)");
                    }
                    return r;
                });
        double nameWeight = v.number(Keys.NETWORK_AS_NAME_WEIGHT);
        List<NetworkRules.NamePattern> names = new ArrayList<>();
        weightsNeedPatterns(v, patterns, patternWeights, Keys.NETWORK_AS_NAME, Keys.NETWORK_AS_NAME_ID_WEIGHT);
        for (Map.Entry<String, String> p : patterns.entrySet()) {
            String key = Keys.NETWORK_AS_NAME.of(p.getKey());
            if (p.getValue() == null || p.getValue().isEmpty()) {
                throw v.fail(key, p.getValue(), "an empty pattern would match every AS name");
            }
            String wk = Keys.NETWORK_AS_NAME_ID_WEIGHT.of(p.getKey());
            double w = patternWeights.containsKey(p.getKey()) ? v.number(wk, patternWeights.get(p.getKey()))
                    : nameWeight;
            try {
                names.add(new NetworkRules.NamePattern(p.getKey(), p.getValue(), w));
            } catch (PatternSyntaxException e) {
                throw v.fail(key, p.getValue(), "not a regular expression: " + e.getDescription());
            }
        }
        b.rules(new NetworkRules(asns, countries, registries, names));
        return b.build();
    }

    /** The instances of a pattern key by id; an id other than letters, digits, - or _ fails. */
    static Map<String, String> ids(ConfigValues v, ConfigKey pattern) {
        Map<String, String> out = v.instances(pattern);
        for (Map.Entry<String, String> e : out.entrySet()) {
            if (!e.getKey().matches("[A-Za-z0-9_-]+")) {
                throw v.fail(pattern.of(e.getKey()), e.getValue(), "pattern id must be letters, digits, - or _");
            }
        }
        return out;
    }

    /** A {@code <prefix>.<id>.weight} without its {@code <prefix>.<id>} fails. */
    static void weightsNeedPatterns(ConfigValues v, Map<String, String> patterns, Map<String, String> weights,
            ConfigKey pattern, ConfigKey weight) {
        for (Map.Entry<String, String> w : weights.entrySet()) {
            if (!patterns.containsKey(w.getKey())) {
                throw v.fail(weight.of(w.getKey()), w.getValue(), "weight for pattern '" + w.getKey() + "', but "
                        + pattern.of(w.getKey()) + " is not defined");
            }
        }
    }

    /** A zone key: as written, even empty (the builder judges it), or its default when absent. */
    private static String zone(ConfigValues v, ConfigKey k) {
        String value = v.given(k.name()) != null ? v.given(k.name()) : k.defaultValue();
        v.check(k.name(), value, () -> NetworkSettings.builder().zones(value, "", ""));
        return value;
    }

    private static InetAddress address(ConfigValues v, ConfigKey k, boolean v4) {
        String value = v.text(k);
        InetAddress a = Hosts.address(value);
        if (a != null && (value.indexOf(':') < 0) == v4 && (a.getAddress().length == 4) == v4) {
            return a;
        }
        throw v.fail(k.name(), value, "expected an IPv" + (v4 ? "4" : "6") + " address literal");
    }

    private static List<Path> mmdb(ConfigValues v, String value) {
        List<Path> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (String part : value.split("\\s*,\\s*")) {
            if (!part.isEmpty()) {
                out.add(v.path(Keys.NETWORK_MMDB.name(), part, true));
            }
        }
        return out;
    }

    /** {@code ITEM[*WEIGHT], ...}: items parsed by {@code item}, weight default {@code def}. */
    private static <T> Map<T, Double> weighted(ConfigValues v, ConfigKey k, double def, Function<String, T> item) {
        Map<T, Double> out = new LinkedHashMap<>();
        String value = v.text(k);
        if (value == null) {
            return out;
        }
        for (String raw : value.split("[,\\s]+")) {
            if (raw.isEmpty()) {
                continue;
            }
            int star = raw.indexOf('*');
            String name = star < 0 ? raw : raw.substring(0, star);
            double w = star < 0 ? def : v.number(k.name(), raw.substring(star + 1));
            T parsed;
            try {
                parsed = item.apply(name);
            } catch (IllegalArgumentException e) {
                throw v.fail(k.name(), value, e.getMessage());
            }
            if (out.put(parsed, w) != null) {
                throw v.fail(k.name(), value, "'" + name + "' is listed twice");
            }
        }
        return out;
    }
}
