package io.portcullis.config;

import io.portcullis.os.OsRules;
import io.portcullis.os.OsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code os.*} keys of {@code portcullis.properties} (the passive OS fingerprint check through p0f,
 * {@link OsSettings}).
 *
 * <pre>
 * os.enabled            = false   # ask p0f (must run on this node, see the README) about each SMTP client
 * os.socket             = /var/run/p0f.sock   # p0f's API socket (p0f -s PATH)
 * os.timeout-ms         = 500     # longest wait for p0f's answer, retries included (keep below smtp.budget-ms)
 * os.retry-ms           = 400     # while p0f has no record of the client (its SYN not processed yet), ask again
 * os.max-in-flight      = 200     # lookups at once; beyond: unknown at once
 * os.exact-only         = false   # OS patterns ignore p0f's fuzzy matches
 * os.match.&lt;id&gt;        =         # glob on the OS ("Windows*", "Mac OS X*"): rule OS
 * os.match.&lt;id&gt;.weight =         # default os.match.weight
 * os.match.weight       = 1
 * os.link.&lt;id&gt;         =         # glob on p0f's link type ("DSL", "generic tunnel or VPN"): rule LINK
 * os.link.&lt;id&gt;.weight  =         # default os.link.weight
 * os.link.weight        = 1
 * os.distance           =         # least distance in hops that scores (empty: off): rule DISTANCE
 * os.distance.weight    = 1
 * </pre>
 * Observe mode: {@code os.mode}, {@code os.match.mode}, {@code os.link.mode}, {@code os.distance.mode}
 * ({@link ModeSettings}).
 */
public final class OsConfig {
    public static final String PREFIX = "os.";
    public static final String ENABLED = "os.enabled";
    public static final String SOCKET = "os.socket";
    public static final String TIMEOUT = "os.timeout-ms";
    public static final String RETRY = "os.retry-ms";
    public static final String MAX_IN_FLIGHT = "os.max-in-flight";
    public static final String EXACT_ONLY = "os.exact-only";
    public static final String MATCH_PREFIX = "os.match.";
    public static final String MATCH_WEIGHT = "os.match.weight";
    public static final String LINK_PREFIX = "os.link.";
    public static final String LINK_WEIGHT = "os.link.weight";
    public static final String DISTANCE = "os.distance";
    public static final String DISTANCE_WEIGHT = "os.distance.weight";
    /** sun_path of a Unix-domain socket address holds 108 bytes, the terminating NUL included. */
    static final int MAX_SOCKET_PATH = 107;

    static final List<String> KEYS = List.of(ENABLED, SOCKET, TIMEOUT, RETRY, MAX_IN_FLIGHT, EXACT_ONLY, MATCH_WEIGHT,
            LINK_WEIGHT, DISTANCE, DISTANCE_WEIGHT);

    private OsConfig() {
    }

    /** Parses the {@code os.*} keys of {@code v} (mode keys already removed); unknown ones fail. */
    static OsSettings parse(Map<String, String> v, String source) {
        Map<String, String> matches = new TreeMap<>();
        Map<String, String> matchWeights = new TreeMap<>();
        Map<String, String> links = new TreeMap<>();
        Map<String, String> linkWeights = new TreeMap<>();
        for (Map.Entry<String, String> e : v.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX) || KEYS.contains(key)) {
                continue;
            }
            boolean match = key.startsWith(MATCH_PREFIX);
            if (match || key.startsWith(LINK_PREFIX)) {
                String rest = key.substring((match ? MATCH_PREFIX : LINK_PREFIX).length());
                int dot = rest.indexOf('.');
                String id = dot < 0 ? rest : rest.substring(0, dot);
                if (!id.matches("[A-Za-z0-9_-]+")) {
                    throw new ConfigException(source, key, e.getValue(), "pattern id must be letters, digits, - or _");
                }
                if (dot < 0) {
                    (match ? matches : links).put(id, e.getValue());
                    continue;
                }
                if (rest.substring(dot + 1).equals("weight")) {
                    (match ? matchWeights : linkWeights).put(id, e.getValue());
                    continue;
                }
            }
            throw new ConfigException(source, key, e.getValue(), "unknown key (known os keys: "
                    + String.join(", ", keys()) + ")");
        }
        boolean enabled = PortcullisConfig.bool(v, source, ENABLED, false);
        Path socket = socket(source, v.get(SOCKET));
        int timeout = PortcullisConfig.positiveInt(v, source, TIMEOUT, (int) OsSettings.DEFAULTS.timeout().toMillis());
        if (timeout > 10_000) {
            throw new ConfigException(source, TIMEOUT, v.get(TIMEOUT), "at most 10000 ms (p0f answers in well under "
                    + "a millisecond; the check must stay within smtp.budget-ms)");
        }
        String retryText = v.get(RETRY);
        int retry = retryText == null || retryText.isEmpty()
                ? (int) Math.min(OsSettings.DEFAULTS.retry().toMillis(), timeout)
                : PortcullisConfig.nonNegativeInt(source, RETRY, retryText);
        if (retry > timeout) {
            throw new ConfigException(source, RETRY, retryText, "cannot be longer than " + TIMEOUT + " (" + timeout
                    + ")");
        }
        int inFlight = PortcullisConfig.positiveInt(v, source, MAX_IN_FLIGHT, OsSettings.DEFAULTS.maxInFlight());
        boolean exactOnly = PortcullisConfig.bool(v, source, EXACT_ONLY, false);
        List<OsRules.Glob> os = globs(source, MATCH_PREFIX, matches, matchWeights,
                PortcullisConfig.number(v, source, MATCH_WEIGHT, 1.0));
        List<OsRules.Glob> link = globs(source, LINK_PREFIX, links, linkWeights,
                PortcullisConfig.number(v, source, LINK_WEIGHT, 1.0));
        int distance = -1;
        String d = v.get(DISTANCE);
        if (d != null && !d.isEmpty()) {
            distance = PortcullisConfig.nonNegativeInt(source, DISTANCE, d);
            if (distance > 255) {
                throw new ConfigException(source, DISTANCE, d, "a distance in hops is within 0..255");
            }
        }
        double distanceWeight = PortcullisConfig.number(v, source, DISTANCE_WEIGHT, 1.0);
        return new OsSettings(enabled, socket, Duration.ofMillis(timeout), Duration.ofMillis(retry), inFlight,
                new OsRules(os, link, distance, distanceWeight, exactOnly));
    }

    private static Path socket(String source, String value) {
        if (value == null || value.isEmpty()) {
            return OsSettings.DEFAULT_SOCKET;
        }
        Path p;
        try {
            p = Paths.get(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(source, SOCKET, value, "not a file path: " + e.getMessage());
        }
        if (!p.isAbsolute()) {
            throw new ConfigException(source, SOCKET, value, "expected an absolute path (p0f -s PATH)");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new ConfigException(source, SOCKET, value, "a Unix socket path has at most " + MAX_SOCKET_PATH
                    + " bytes");
        }
        return p;
    }

    private static List<OsRules.Glob> globs(String source, String prefix, Map<String, String> patterns,
            Map<String, String> weights, double def) {
        for (Map.Entry<String, String> w : weights.entrySet()) {
            if (!patterns.containsKey(w.getKey())) {
                throw new ConfigException(source, prefix + w.getKey() + ".weight", w.getValue(), "weight for pattern '"
                        + w.getKey() + "', but " + prefix + w.getKey() + " is not defined");
            }
        }
        List<OsRules.Glob> out = new ArrayList<>();
        for (Map.Entry<String, String> p : patterns.entrySet()) {
            String key = prefix + p.getKey();
            if (p.getValue() == null || p.getValue().trim().isEmpty() || p.getValue().trim().matches("\\*+")) {
                throw new ConfigException(source, key, p.getValue(), "an empty pattern or '*' would match everything");
            }
            String wk = key + ".weight";
            double w = weights.containsKey(p.getKey())
                    ? PortcullisConfig.parseNumber(source, wk, weights.get(p.getKey())) : def;
            out.add(new OsRules.Glob(p.getKey(), p.getValue(), w));
        }
        return out;
    }

    /** Documentation names of the keys. */
    static List<String> keys() {
        List<String> k = new ArrayList<>(KEYS);
        k.add(MATCH_PREFIX + "<ID>");
        k.add(MATCH_PREFIX + "<ID>.weight");
        k.add(LINK_PREFIX + "<ID>");
        k.add(LINK_PREFIX + "<ID>.weight");
        return k;
    }
}
