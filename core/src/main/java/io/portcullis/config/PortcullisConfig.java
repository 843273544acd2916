package io.portcullis.config;

import io.portcullis.dns.DnsSettings;
import io.portcullis.dnsbl.CodeInfo;
import io.portcullis.dnsbl.DnsblSettings;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.headers.HeaderRule;
import io.portcullis.headers.HeaderRuleSettings;
import io.portcullis.net.AllowList;
import io.portcullis.net.Networks;
import io.portcullis.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

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
 * dns.servers              = system  # resolvers, HOST[:PORT] comma list; "system" = resolv.conf
 * dns.timeout-ms           = 1500  # time allowed for one DNS question
 * dns.max-in-flight        = 500   # questions outstanding at once; beyond, "unknown" at once
 * dns.cache-size           = 20000 # answers cached (TTL honoured, negative answers too); 0 = off
 * dnsbl.enabled            = true  # run the DNS list checks
 * dnsbl.self-test          = true  # RFC 5782 self-test at start and periodically; failing lists are suspended
 * dnsbl.self-test-interval-minutes = 10
 * dnsbl.list.zen           = zen.spamhaus.org=127.0.0.[2..11]*3   # [KIND:]ZONE[=FILTER][*WEIGHT]
 * dnsbl.list.zen.codes     = 127.0.0.2 SBL 4, 127.0.0.4 XBL 3.5   # per-code label and weight
 * dnsbl.list.zen.reason    = true  # fetch the TXT reason of a listing
 * dnsbl.trusted-networks   =       # relays whose Received headers are believed (then the first untrusted hop is checked too)
 * dnsbl.allow              =       # networks and domains never looked up, e.g. 192.0.2.0/24, example.com
 * </pre>
 */
public final class PortcullisConfig {
    public static final String POLICY_TAG = "policy.tag-threshold";
    public static final String POLICY_TARPIT = "policy.tarpit-threshold";
    public static final String POLICY_REJECT = "policy.reject-threshold";
    public static final String HEADERS_ENABLED = "headers.enabled";
    public static final String HEADERS_RULE_PREFIX = "headers.rule.";
    public static final String DNS_SERVERS = "dns.servers";
    public static final String DNS_TIMEOUT = "dns.timeout-ms";
    public static final String DNS_MAX_IN_FLIGHT = "dns.max-in-flight";
    public static final String DNS_CACHE_SIZE = "dns.cache-size";
    public static final String DNSBL_ENABLED = "dnsbl.enabled";
    public static final String DNSBL_SELF_TEST = "dnsbl.self-test";
    public static final String DNSBL_SELF_TEST_INTERVAL = "dnsbl.self-test-interval-minutes";
    public static final String DNSBL_LIST_PREFIX = "dnsbl.list.";
    public static final String DNSBL_TRUSTED = "dnsbl.trusted-networks";
    public static final String DNSBL_ALLOW = "dnsbl.allow";

    private static final PortcullisConfig DEFAULTS = new PortcullisConfig("<defaults>", Policy.DEFAULT, true,
            HeaderRuleSettings.defaults(), DnsSettings.builder().build(), DnsblSettings.NONE);

    private final String source;
    private final Policy policy;
    private final boolean headersEnabled;
    private final HeaderRuleSettings headerRules;
    private final DnsSettings dns;
    private final DnsblSettings dnsbl;

    private PortcullisConfig(String source, Policy policy, boolean headersEnabled, HeaderRuleSettings headerRules,
            DnsSettings dns, DnsblSettings dnsbl) {
        this.source = source;
        this.policy = policy;
        this.headersEnabled = headersEnabled;
        this.headerRules = headerRules;
        this.dns = dns;
        this.dnsbl = dnsbl;
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
        Map<String, String> listSpecs = new TreeMap<>();
        Map<String, Map<String, String>> listOptions = new TreeMap<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : v.entrySet()) {
            String key = e.getKey();
            if (SIMPLE_KEYS.contains(key)) {
                continue;
            }
            if (key.startsWith(HEADERS_RULE_PREFIX)) {
                String id = key.substring(HEADERS_RULE_PREFIX.length());
                HeaderRule rule = headerRule(source, key, id);
                rules = applyRuleSetting(rules, rule, source, key, e.getValue());
                continue;
            }
            if (key.startsWith(DNSBL_LIST_PREFIX)) {
                String rest = key.substring(DNSBL_LIST_PREFIX.length());
                int dot = rest.indexOf('.');
                String id = dot < 0 ? rest : rest.substring(0, dot);
                if (!id.matches("[A-Za-z0-9_-]+")) {
                    throw new ConfigException(source, key, e.getValue(), "list id must be letters, digits, - or _");
                }
                if (dot < 0) {
                    listSpecs.put(id, e.getValue());
                } else {
                    listOptions.computeIfAbsent(id, k -> new TreeMap<>()).put(rest.substring(dot + 1), e.getValue());
                }
                continue;
            }
            unknown.add(key);
        }
        if (!unknown.isEmpty()) {
            String key = unknown.get(0);
            throw new ConfigException(source, key, v.get(key), "unknown key (known: " + String.join(", ", knownKeys())
                    + ")");
        }
        DnsSettings dns = parseDns(v, source);
        DnsblSettings dnsbl = new DnsblSettings(bool(v, source, DNSBL_ENABLED, true),
                parseLists(listSpecs, listOptions, source), bool(v, source, DNSBL_SELF_TEST, true),
                Duration.ofMinutes(positiveInt(v, source, DNSBL_SELF_TEST_INTERVAL, 10)),
                parsed(v, source, DNSBL_TRUSTED, Networks::parse, Networks.NONE),
                parsed(v, source, DNSBL_ALLOW, AllowList::parse, AllowList.NONE));
        return new PortcullisConfig(source, policy, headersEnabled, rules, dns, dnsbl);
    }

    private static final List<String> SIMPLE_KEYS = List.of(POLICY_TAG, POLICY_TARPIT, POLICY_REJECT, HEADERS_ENABLED,
            DNS_SERVERS, DNS_TIMEOUT, DNS_MAX_IN_FLIGHT, DNS_CACHE_SIZE, DNSBL_ENABLED, DNSBL_SELF_TEST,
            DNSBL_SELF_TEST_INTERVAL, DNSBL_TRUSTED, DNSBL_ALLOW);

    private static DnsSettings parseDns(Map<String, String> v, String source) {
        DnsSettings.Builder b = DnsSettings.builder();
        String servers = v.get(DNS_SERVERS);
        if (servers != null && !servers.isEmpty() && !servers.equalsIgnoreCase("system")) {
            b.servers(parseServers(source, DNS_SERVERS, servers));
        }
        b.queryTimeout(Duration.ofMillis(positiveInt(v, source, DNS_TIMEOUT, 1500)));
        b.maxInFlight(positiveInt(v, source, DNS_MAX_IN_FLIGHT, 500));
        String cache = v.get(DNS_CACHE_SIZE);
        b.cacheSize(cache == null || cache.isEmpty() ? 20_000 : nonNegativeInt(source, DNS_CACHE_SIZE, cache));
        return b.build();
    }

    /** Parses a comma-separated list of {@code HOST[:PORT]} resolvers. */
    public static List<InetSocketAddress> parseServers(String source, String key, String value) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(DnsSettings.parseServer(part));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, key, value, e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(source, key, value, "no DNS server given (use 'system' for resolv.conf)");
        }
        return out;
    }

    private static List<ListSpec> parseLists(Map<String, String> specs, Map<String, Map<String, String>> options,
            String source) {
        for (String id : options.keySet()) {
            if (!specs.containsKey(id)) {
                String key = DNSBL_LIST_PREFIX + id + "." + options.get(id).keySet().iterator().next();
                throw new ConfigException(source, key, options.get(id).values().iterator().next(),
                        "option for list '" + id + "', but " + DNSBL_LIST_PREFIX + id + " is not defined");
            }
        }
        List<ListSpec> lists = new ArrayList<>();
        for (Map.Entry<String, String> e : specs.entrySet()) {
            String id = e.getKey();
            String key = DNSBL_LIST_PREFIX + id;
            ListSpec spec;
            try {
                spec = ListSpec.parse(e.getValue()).withId(id);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(source, key, e.getValue(), ex.getMessage());
            }
            for (Map.Entry<String, String> o : options.getOrDefault(id, Map.of()).entrySet()) {
                String okey = key + "." + o.getKey();
                switch (o.getKey()) {
                    case "codes":
                        spec = spec.withCodes(parseCodes(source, okey, o.getValue()));
                        break;
                    case "reason":
                        spec = spec.withFetchReason(bool(Map.of(okey, o.getValue()), source, okey, true));
                        break;
                    default:
                        throw new ConfigException(source, okey, o.getValue(), "unknown list option (known: codes, reason)");
                }
            }
            lists.add(spec);
        }
        return lists;
    }

    /** {@code 127.0.0.2 SBL 4, 127.0.0.4 XBL 3.5}: code, label, weight per comma-separated item. */
    static Map<String, CodeInfo> parseCodes(String source, String key, String value) {
        Map<String, CodeInfo> codes = new LinkedHashMap<>();
        for (String item : value.split(",")) {
            String[] f = item.trim().split("\\s+");
            if (f.length == 1 && f[0].isEmpty()) {
                continue;
            }
            if (f.length != 3) {
                throw new ConfigException(source, key, value, "each item must be 'CODE LABEL WEIGHT', got '"
                        + item.trim() + "'");
            }
            if (!f[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new ConfigException(source, key, value, "'" + f[0] + "' is not an IPv4 return code");
            }
            codes.put(f[0], new CodeInfo(f[1], parseNumber(source, key, f[2])));
        }
        return codes;
    }

    private static <T> T parsed(Map<String, String> v, String source, String key, Function<String, T> parser, T def) {
        String s = v.get(key);
        if (s == null || s.isEmpty()) {
            return def;
        }
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, key, s, e.getMessage());
        }
    }

    static int positiveInt(Map<String, String> v, String source, String key, int def) {
        String s = v.get(key);
        if (s == null || s.isEmpty()) {
            return def;
        }
        int i = nonNegativeInt(source, key, s);
        if (i == 0) {
            throw new ConfigException(source, key, s, "expected a positive integer");
        }
        return i;
    }

    static int nonNegativeInt(String source, String key, String s) {
        try {
            int i = Integer.parseInt(s.trim());
            if (i < 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new ConfigException(source, key, s, "expected a non-negative integer");
        }
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

    public DnsSettings dns() {
        return dns;
    }

    public DnsblSettings dnsbl() {
        return dnsbl;
    }

    /** A copy with other DNS settings (e.g. {@code --dns} on the command line). */
    public PortcullisConfig withDns(DnsSettings other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, other, dnsbl);
    }

    /** A copy with other DNSBL settings (e.g. {@code --list} on the command line). */
    public PortcullisConfig withDnsbl(DnsblSettings other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, other);
    }

    /** Keys understood by this version, for documentation and error messages. */
    public static List<String> knownKeys() {
        List<String> keys = new ArrayList<>(SIMPLE_KEYS);
        keys.add(HEADERS_RULE_PREFIX + "<RULE>");
        keys.add(DNSBL_LIST_PREFIX + "<ID>");
        keys.add(DNSBL_LIST_PREFIX + "<ID>.codes");
        keys.add(DNSBL_LIST_PREFIX + "<ID>.reason");
        return Collections.unmodifiableList(keys);
    }
}
