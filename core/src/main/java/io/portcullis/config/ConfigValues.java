package io.portcullis.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key/value pairs of one configuration file, read through the table ({@link Keys}): typed getters take the
 * default from the key's row when the key is absent or empty, and fail with a {@link ConfigException} naming the
 * source, the key and the value. Values are trimmed. Immutable.
 */
public final class ConfigValues {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})\\s*([smhd]?)");

    private final String source;
    private final Map<String, String> values;

    private ConfigValues(Map<String, String> raw, String source) {
        Map<String, String> v = new TreeMap<>();
        raw.forEach((k, val) -> v.put(k.trim(), val == null ? null : val.trim()));
        this.values = Collections.unmodifiableMap(v);
        this.source = source;
    }

    /** Key/value pairs as read from {@code source} (file path, or a name such as {@code <defaults>}). */
    public static ConfigValues of(Map<String, String> raw, String source) {
        return new ConfigValues(raw, source);
    }

    public String source() {
        return source;
    }

    /** Fails on the first key (in key order) that no row of the table matches, naming the nearest known key. */
    public ConfigValues requireKnownKeys() {
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (Keys.find(e.getKey()) == null) {
                throw ConfigException.unknownKey(source, e.getKey(), e.getValue(), Keys.names());
            }
        }
        return this;
    }

    /** The value as written (possibly empty), or null when the key is absent. */
    public String given(String key) {
        return values.get(key);
    }

    /** The value as written, or null when absent or empty. */
    private String value(ConfigKey k) {
        String s = values.get(k.name());
        return s == null || s.isEmpty() ? null : s;
    }

    /** The value, else the default of the row (null for none or a derived default). */
    public String text(ConfigKey k) {
        String s = value(k);
        return s != null ? s : k.defaultValue();
    }

    /** Whether the key is set to a non-empty value. */
    public boolean isSet(ConfigKey k) {
        return value(k) != null;
    }

    /** The instances of a pattern ({@code dnsbl.list.<id>}) by id, in key order (exact rows take their own keys). */
    public Map<String, String> instances(ConfigKey pattern) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (Keys.find(e.getKey()) == pattern) {
                out.put(pattern.id(e.getKey()), e.getValue());
            }
        }
        return out;
    }

    public boolean bool(ConfigKey k) {
        return bool(k.name(), text(k));
    }

    /** {@code true/yes/on} or {@code false/no/off}. */
    public boolean bool(String key, String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
                return true;
            case "false":
            case "no":
            case "off":
                return false;
            default:
                throw fail(key, s, "expected true or false");
        }
    }

    /** A finite decimal number; a derived default is {@code fallback}. */
    public double number(ConfigKey k, double fallback) {
        String s = text(k);
        return s == null ? fallback : number(k.name(), s);
    }

    public double number(ConfigKey k) {
        return number(k.name(), text(k));
    }

    /** Parses a finite decimal number or fails naming the key and the value. */
    public double number(String key, String s) {
        return number(source, key, s);
    }

    static double number(String source, String key, String s) {
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(source, key, s, "expected a number");
        }
    }

    /** A number, or {@code off} (the default of such keys): {@link Double#POSITIVE_INFINITY}. */
    public double threshold(ConfigKey k) {
        String s = text(k);
        return s == null || s.equalsIgnoreCase("off") ? Double.POSITIVE_INFINITY : number(k.name(), s);
    }

    /** An integer greater than 0; a derived default is {@code fallback}. */
    public int positiveInt(ConfigKey k, int fallback) {
        String s = text(k);
        if (s == null) {
            return fallback;
        }
        int i = nonNegativeInt(k.name(), s);
        if (i == 0) {
            throw fail(k.name(), s, "expected a positive integer");
        }
        return i;
    }

    public int positiveInt(ConfigKey k) {
        return positiveInt(k, 0);
    }

    public int nonNegativeInt(ConfigKey k) {
        return nonNegativeInt(k.name(), text(k));
    }

    /** An integer 0 or more; a derived default is {@code fallback}. */
    public int nonNegativeInt(ConfigKey k, int fallback) {
        String s = text(k);
        return s == null ? fallback : nonNegativeInt(k.name(), s);
    }

    int nonNegativeInt(String key, String s) {
        try {
            int i = Integer.parseInt(s.trim());
            if (i < 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException | NullPointerException e) {
            throw fail(key, s, "expected a non-negative integer");
        }
    }

    /** {@code 300}, {@code 300s}, {@code 5m}, {@code 4h}, {@code 35d}: a non-negative duration. */
    public Duration duration(ConfigKey k) {
        String s = text(k);
        Matcher m = DURATION.matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw fail(k.name(), s, "expected a duration: a number with s, m, h or d (e.g. 5m)");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "d":
                return Duration.ofDays(n);
            default:
                return Duration.ofSeconds(n);
        }
    }

    /** One of {@code choices} (case-insensitive), returned in lower case. */
    public String choice(ConfigKey k, String... choices) {
        String s = text(k);
        String lower = s.toLowerCase(Locale.ROOT);
        for (String c : choices) {
            if (c.equals(lower)) {
                return c;
            }
        }
        List<String> l = List.of(choices);
        throw fail(k.name(), s, "expected " + String.join(", ", l.subList(0, l.size() - 1)) + " or "
                + l.get(l.size() - 1));
    }

    /** The value (or default) through {@code parser}; null when neither is set. */
    public <T> T parsed(ConfigKey k, Function<String, T> parser) {
        String s = text(k);
        return s == null ? null : parsed(k.name(), s, parser);
    }

    /** {@code parser} applied to {@code s}; its IllegalArgumentException becomes a ConfigException. */
    public <T> T parsed(String key, String s, Function<String, T> parser) {
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw fail(key, s, e.getMessage());
        }
    }

    /** Runs {@code r}; its IllegalArgumentException becomes a ConfigException naming the key and the value. */
    public void check(String key, String value, Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            throw fail(key, value, e.getMessage());
        }
    }

    /** A path from the value ({@code key} names it in errors); relative: to the configuration file's directory. */
    public Path path(String key, String value, boolean relativeToFile) {
        Path p;
        try {
            p = Paths.get(value);
        } catch (InvalidPathException e) {
            throw fail(key, value, "not a " + (relativeToFile ? "file" : "directory") + " path: " + e.getMessage());
        }
        if (!relativeToFile || p.isAbsolute()) {
            return p;
        }
        try {
            Path file = Paths.get(source);
            if (Files.isRegularFile(file) && file.toAbsolutePath().getParent() != null) {
                return file.toAbsolutePath().getParent().resolve(p).normalize();
            }
        } catch (InvalidPathException e) {
            // not a file (e.g. classpath: or <defaults>): relative to the working directory
        }
        return p;
    }

    public ConfigException fail(ConfigKey k, String problem) {
        return fail(k.name(), given(k.name()), problem);
    }

    public ConfigException fail(String key, String value, String problem) {
        return new ConfigException(source, key, value, problem);
    }
}
