package io.portcullis.config;

import io.portcullis.headers.HeaderRule;
import io.portcullis.headers.HeaderRuleSettings;
import io.portcullis.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Portcullis configuration file ({@code conf/portcullis.properties}), parsed once into immutable
 * values. Every key is documented in that sample file and in the README; unknown keys and bad values
 * fail with a {@link ConfigException} naming the file, the key and the value.
 *
 * <pre>
 * policy.tag-threshold     = 5     # score at which mail is tagged
 * policy.tarpit-threshold  = 10    # score at which the sender is tarpitted (SMTP time)
 * policy.reject-threshold  = 15    # score at which mail is rejected (SMTP time)
 * headers.enabled          = true  # run the header conformance check
 * headers.rule.MISSING_DATE = 1.5  # re-score a rule; "off" switches it off, "default" keeps the default
 * </pre>
 */
public final class PortcullisConfig {
    public static final String POLICY_TAG = "policy.tag-threshold";
    public static final String POLICY_TARPIT = "policy.tarpit-threshold";
    public static final String POLICY_REJECT = "policy.reject-threshold";
    public static final String HEADERS_ENABLED = "headers.enabled";
    public static final String HEADERS_RULE_PREFIX = "headers.rule.";

    private static final PortcullisConfig DEFAULTS =
            new PortcullisConfig("<defaults>", Policy.DEFAULT, true, HeaderRuleSettings.defaults());

    private final String source;
    private final Policy policy;
    private final boolean headersEnabled;
    private final HeaderRuleSettings headerRules;

    private PortcullisConfig(String source, Policy policy, boolean headersEnabled, HeaderRuleSettings headerRules) {
        this.source = source;
        this.policy = policy;
        this.headersEnabled = headersEnabled;
        this.headerRules = headerRules;
    }

    public static PortcullisConfig defaults() {
        return DEFAULTS;
    }

    /** Reads a properties file (UTF-8). */
    public static PortcullisConfig load(Path file) {
        String source = file.toString();
        try (InputStream in = Files.newInputStream(file);
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(reader);
            return parse(toMap(p), source);
        } catch (IOException e) {
            throw new ConfigException(source, "(file)", null, "cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, "(file)", null, "malformed properties file: " + e.getMessage());
        }
    }

    private static Map<String, String> toMap(Properties p) {
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k));
        }
        return m;
    }

    /**
     * Parses key/value pairs, as read from a properties file named {@code source}.
     *
     * @throws ConfigException on an unknown key or a bad value
     */
    public static PortcullisConfig parse(Map<String, String> values, String source) {
        Map<String, String> v = new TreeMap<>();
        values.forEach((k, val) -> v.put(k.trim(), val == null ? null : val.trim()));

        double tag = number(v, source, POLICY_TAG, Policy.DEFAULT.tagThreshold());
        double tarpit = number(v, source, POLICY_TARPIT, Policy.DEFAULT.tarpitThreshold());
        double reject = number(v, source, POLICY_REJECT, Policy.DEFAULT.rejectThreshold());
        Policy policy;
        try {
            policy = new Policy(tag, tarpit, reject);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, POLICY_TAG + "/" + POLICY_TARPIT + "/" + POLICY_REJECT,
                    tag + "/" + tarpit + "/" + reject, e.getMessage());
        }
        boolean headersEnabled = bool(v, source, HEADERS_ENABLED, true);

        HeaderRuleSettings rules = HeaderRuleSettings.defaults();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : v.entrySet()) {
            String key = e.getKey();
            if (key.equals(POLICY_TAG) || key.equals(POLICY_TARPIT) || key.equals(POLICY_REJECT)
                    || key.equals(HEADERS_ENABLED)) {
                continue;
            }
            if (key.startsWith(HEADERS_RULE_PREFIX)) {
                String id = key.substring(HEADERS_RULE_PREFIX.length());
                HeaderRule rule = headerRule(source, key, id);
                rules = applyRuleSetting(rules, rule, source, key, e.getValue());
                continue;
            }
            unknown.add(key);
        }
        if (!unknown.isEmpty()) {
            String key = unknown.get(0);
            throw new ConfigException(source, key, v.get(key), "unknown key (known: " + POLICY_TAG + ", "
                    + POLICY_TARPIT + ", " + POLICY_REJECT + ", " + HEADERS_ENABLED + ", " + HEADERS_RULE_PREFIX
                    + "<RULE>)");
        }
        return new PortcullisConfig(source, policy, headersEnabled, rules);
    }

    /** Resolves a rule id (case-insensitive), failing with a message listing the valid ids. */
    public static HeaderRule headerRule(String source, String key, String id) {
        try {
            return HeaderRule.valueOf(id.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            List<String> ids = new ArrayList<>();
            for (HeaderRule r : HeaderRule.values()) {
                ids.add(r.id());
            }
            throw new ConfigException(source, key, id, "no such header rule; known rules: " + String.join(", ", ids));
        }
    }

    private static HeaderRuleSettings applyRuleSetting(HeaderRuleSettings rules, HeaderRule rule, String source,
            String key, String value) {
        String s = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (s.equals("off") || s.equals("false") || s.equals("disabled")) {
            return rules.withDisabled(rule);
        }
        if (s.equals("default") || s.equals("on") || s.equals("true")) {
            return rules.withScore(rule, rule.defaultScore());
        }
        return rules.withScore(rule, parseNumber(source, key, value));
    }

    static double number(Map<String, String> v, String source, String key, double def) {
        String s = v.get(key);
        return s == null || s.isEmpty() ? def : parseNumber(source, key, s);
    }

    /** Parses a finite decimal number or fails naming the key and the value. */
    public static double parseNumber(String source, String key, String s) {
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

    static boolean bool(Map<String, String> v, String source, String key, boolean def) {
        String s = v.get(key);
        if (s == null || s.isEmpty()) {
            return def;
        }
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
                throw new ConfigException(source, key, s, "expected true or false");
        }
    }

    /** Where this configuration came from (file path, or {@code <defaults>}). */
    public String source() {
        return source;
    }

    public Policy policy() {
        return policy;
    }

    public boolean headersEnabled() {
        return headersEnabled;
    }

    public HeaderRuleSettings headerRules() {
        return headerRules;
    }

    /** Keys understood by this version, for documentation and error messages. */
    public static List<String> knownKeys() {
        return Collections.unmodifiableList(List.of(POLICY_TAG, POLICY_TARPIT, POLICY_REJECT, HEADERS_ENABLED,
                HEADERS_RULE_PREFIX + "<RULE>"));
    }
}
