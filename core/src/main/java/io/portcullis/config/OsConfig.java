package io.portcullis.config;

import io.portcullis.os.OsRules;
import io.portcullis.os.OsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code os.*} keys of {@code portcullis.properties} (the passive OS fingerprint check through p0f,
 * {@link OsSettings}; documented in {@link Keys}). Observe mode: {@code os.mode}, {@code os.match.mode},
 * {@code os.link.mode}, {@code os.distance.mode} ({@link ModeSettings}).
 */
public final class OsConfig {
    /** sun_path of a Unix-domain socket address holds 108 bytes, the terminating NUL included. */
    static final int MAX_SOCKET_PATH = 107;

    private OsConfig() {
    }

    /** Parses the {@code os.*} keys. */
    static OsSettings parse(ConfigValues v) {
        Map<String, String> matches = NetworkConfig.ids(v, Keys.OS_MATCH);
        Map<String, String> matchWeights = NetworkConfig.ids(v, Keys.OS_MATCH_ID_WEIGHT);
        Map<String, String> links = NetworkConfig.ids(v, Keys.OS_LINK);
        Map<String, String> linkWeights = NetworkConfig.ids(v, Keys.OS_LINK_ID_WEIGHT);
        boolean enabled = v.bool(Keys.OS_ENABLED);
        Path socket = socket(v, v.text(Keys.OS_SOCKET));
        int timeout = v.positiveInt(Keys.OS_TIMEOUT);
        if (timeout > 10_000) {
            throw v.fail(Keys.OS_TIMEOUT, "at most 10000 ms (p0f answers in well under a millisecond; the check "
                    + "must stay within smtp.budget-ms)");
        }
        int retry = v.isSet(Keys.OS_RETRY) ? v.nonNegativeInt(Keys.OS_RETRY)
                : Math.min(v.nonNegativeInt(Keys.OS_RETRY), timeout);
        if (retry > timeout) {
            throw v.fail(Keys.OS_RETRY, "cannot be longer than " + Keys.OS_TIMEOUT.name() + " (" + timeout + ")");
        }
        int inFlight = v.positiveInt(Keys.OS_MAX_IN_FLIGHT);
        boolean exactOnly = v.bool(Keys.OS_EXACT_ONLY);
        List<OsRules.Glob> os = globs(v, Keys.OS_MATCH, Keys.OS_MATCH_ID_WEIGHT, matches, matchWeights,
                v.number(Keys.OS_MATCH_WEIGHT));
        List<OsRules.Glob> link = globs(v, Keys.OS_LINK, Keys.OS_LINK_ID_WEIGHT, links, linkWeights,
                v.number(Keys.OS_LINK_WEIGHT));
        int distance = v.nonNegativeInt(Keys.OS_DISTANCE, -1);
        if (distance > 255) {
            throw v.fail(Keys.OS_DISTANCE, "a distance in hops is within 0..255");
        }
        double distanceWeight = v.number(Keys.OS_DISTANCE_WEIGHT);
        return new OsSettings(enabled, socket, Duration.ofMillis(timeout), Duration.ofMillis(retry), inFlight,
                new OsRules(os, link, distance, distanceWeight, exactOnly));
    }

    private static Path socket(ConfigValues v, String value) {
        String key = Keys.OS_SOCKET.name();
        Path p = v.path(key, value, false);
        if (!p.isAbsolute()) {
            throw v.fail(key, value, "expected an absolute path (p0f -s PATH)");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw v.fail(key, value, "a Unix socket path has at most " + MAX_SOCKET_PATH + " bytes");
        }
        return p;
    }

    private static List<OsRules.Glob> globs(ConfigValues v, ConfigKey pattern, ConfigKey weight,
            Map<String, String> patterns, Map<String, String> weights, double def) {
        NetworkConfig.weightsNeedPatterns(v, patterns, weights, pattern, weight);
        List<OsRules.Glob> out = new ArrayList<>();
        for (Map.Entry<String, String> p : patterns.entrySet()) {
            String key = pattern.of(p.getKey());
            if (p.getValue() == null || p.getValue().trim().isEmpty() || p.getValue().trim().matches("\\*+")) {
                throw v.fail(key, p.getValue(), "an empty pattern or '*' would match everything");
            }
            double w = weights.containsKey(p.getKey())
                    ? v.number(weight.of(p.getKey()), weights.get(p.getKey())) : def;
            out.add(new OsRules.Glob(p.getKey(), p.getValue(), w));
        }
        return out;
    }
}
