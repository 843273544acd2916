package io.portcullis.config;

import java.util.Collection;
import java.util.Locale;

/**
 * A configuration value Portcullis cannot use. The message is one line naming the source (file or matcher/mailet),
 * the key and the offending value, so that a failed James start says exactly what to fix; an unknown key also
 * names the nearest known key ("did you mean").
 *
 * <p>A configuration mistake is not a program error: the exception carries no stack trace, so a log that prints
 * it (James logs the failed start) shows the message, not the frames of the parser.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String key;
    private final String value;

    public ConfigException(String source, String key, String value, String problem) {
        super(source + ": " + key + "=" + (value == null ? "<missing>" : "'" + oneLine(value) + "'") + ": "
                + oneLine(problem), null, false, false);
        this.source = source;
        this.key = key;
        this.value = value;
    }

    /**
     * An unknown key: names the nearest of {@code known} ({@code <ID>}, {@code <RULE>} placeholders match any
     * segment) when it is close enough to be a typo, otherwise points at the commented sample file.
     */
    public static ConfigException unknownKey(String source, String key, String value, Collection<String> known) {
        String near = nearest(key, known);
        return new ConfigException(source, key, value, "unknown key; "
                + (near != null ? "did you mean '" + near + "'?"
                        : "the keys are listed, commented, in the sample portcullis.properties and the README"));
    }

    /**
     * The known key nearest to {@code key} by edit distance (a placeholder segment {@code <...>} takes the value of
     * the corresponding segment of {@code key}), or null when none is within a typo's distance.
     */
    static String nearest(String key, Collection<String> known) {
        String k = key.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            String concrete = instantiate(candidate, key);
            int d = distance(k, concrete.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = concrete;
            }
        }
        int allowed = Math.max(2, Math.min(4, key.length() / 4));
        return best != null && bestDistance <= allowed && !best.equals(key) ? best : null;
    }

    /** {@code dnsbl.list.<ID>.codes} with {@code key} {@code dnsbl.list.zen.code}: {@code dnsbl.list.zen.codes}. */
    private static String instantiate(String pattern, String key) {
        if (pattern.indexOf('<') < 0) {
            return pattern;
        }
        String[] p = pattern.split("\\.", -1);
        String[] k = key.split("\\.", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < p.length; i++) {
            if (i > 0) {
                out.append('.');
            }
            out.append(p[i].startsWith("<") && i < k.length && !k[i].isEmpty() ? k[i] : p[i]);
        }
        return out.toString();
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
    }

    public String source() {
        return source;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }
}
