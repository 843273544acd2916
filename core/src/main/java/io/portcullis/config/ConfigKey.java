package io.portcullis.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One row of the configuration table ({@link Keys}): a key of {@code portcullis.properties} or a key pattern
 * ({@code dnsbl.list.<id>.codes}: a segment in angle brackets stands for any one segment), its type, its default,
 * one line of documentation and the version that introduced it. Parsing reads defaults from here
 * ({@link ConfigValues}), unknown keys are the ones no row matches, and the README reference and the sample
 * file's test are generated from the rows.
 *
 * <p>A default is written as the sample file shows it ({@code 1500}, {@code true}, {@code var/portcullis/state}),
 * or null for "none". A default in braces, {@code {policy.reject-threshold}}, is derived from other keys when the
 * file is parsed: it is documentation only, and the parser supplies the value.
 */
public final class ConfigKey {
    /** What a value looks like (documentation; the typed getters of {@link ConfigValues} enforce it). */
    public enum Type {
        BOOL("boolean"), INT("integer"), NUMBER("number"), TEXT("text"), LIST("list"), DURATION("duration"),
        PATH("path"), CHOICE("choice");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final String name;
    private final Type type;
    private final String defaultValue;
    private final String doc;
    private final String since;
    private final Pattern pattern;

    ConfigKey(String name, Type type, String defaultValue, String doc, String since) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.doc = Objects.requireNonNull(doc);
        this.since = Objects.requireNonNull(since);
        this.pattern = Pattern.compile(Pattern.quote(name).replaceAll("<[^>]+>", "\\\\E[^.]+\\\\Q"));
    }

    /** The key, or the key pattern with its {@code <placeholder>} segments. */
    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    /** True for a key pattern ({@code dnsbl.list.<id>}). */
    public boolean isPattern() {
        return name.indexOf('<') >= 0;
    }

    /** True when the default is derived from other keys at parse time ({@code {policy.reject-threshold}}). */
    public boolean derivedDefault() {
        return defaultValue != null && defaultValue.startsWith("{");
    }

    /** The default as the sample file writes it; null for none or for a derived default. */
    public String defaultValue() {
        return derivedDefault() ? null : defaultValue;
    }

    /** The default for documentation: the value, the derivation, or {@code none}. */
    public String documentedDefault() {
        if (defaultValue == null) {
            return "none";
        }
        return derivedDefault() ? defaultValue.substring(1, defaultValue.length() - 1) : "`" + defaultValue + "`";
    }

    public String doc() {
        return doc;
    }

    public String since() {
        return since;
    }

    /** Whether {@code key} is this key, or an instance of this pattern. */
    public boolean matches(String key) {
        return isPattern() ? pattern.matcher(key).matches() : name.equals(key);
    }

    /** The segment of {@code key} standing for this pattern's (first) placeholder: {@code zen} of a list key. */
    public String id(String key) {
        String[] p = name.split("\\.");
        String[] k = key.split("\\.");
        for (int i = 0; i < p.length && i < k.length; i++) {
            if (p[i].startsWith("<")) {
                return k[i];
            }
        }
        throw new IllegalArgumentException(key + " is not an instance of " + name);
    }

    /** The concrete key for a placeholder value: {@code dnsbl.list.<id>.codes} of {@code zen}. */
    public String of(String id) {
        return name.replaceFirst("<[^>]+>", java.util.regex.Matcher.quoteReplacement(id));
    }

    @Override
    public String toString() {
        return name + " (" + type.name().toLowerCase(Locale.ROOT) + ", default " + documentedDefault() + ")";
    }
}
