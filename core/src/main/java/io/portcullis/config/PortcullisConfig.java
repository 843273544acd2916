package io.portcullis.config;

import io.portcullis.dns.DnsSettings;
import io.portcullis.dnsbl.CodeInfo;
import io.portcullis.dnsbl.DnsblSettings;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.headers.HeaderRule;
import io.portcullis.headers.HeaderRuleSettings;
import io.portcullis.nameservers.LocalNsList;
import io.portcullis.nameservers.NameserverSettings;
import io.portcullis.nameservers.NsAllowList;
import io.portcullis.net.AllowList;
import io.portcullis.net.Networks;
import io.portcullis.network.NetworkSettings;
import io.portcullis.reputation.ReputationSettings;
import io.portcullis.verdict.CheckModes;
import io.portcullis.verdict.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
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
 * dns.servers              = system  # resolvers, IP[:PORT] / [IPv6]:PORT comma list (literals only); "system" = resolv.conf
 * dns.timeout-ms           = 1500  # time allowed for one DNS question
 * dns.max-in-flight        = 500   # questions outstanding at once; beyond, "unknown" (over the cap) at once
 * dns.max-in-flight-per-client = max(4, max-in-flight / 8)  # outstanding for one client /24 or /64
 * dns.reserved-for-lists   = 25    # percent of max-in-flight only DNS list questions may use
 * dns.cache-size           = 20000 # answers cached (TTL honoured, negative answers too); 0 = off
 * dns.budget-ms            = 3500  # longest wait for all the DNS answers of one message or connection
 * dnsbl.enabled            = true  # run the DNS list checks
 * dnsbl.self-test          = true  # RFC 5782 self-test at start and periodically; failing lists are suspended
 * dnsbl.self-test-interval-minutes = 10
 * dnsbl.list.zen           = zen.spamhaus.org=127.0.0.[2..11]*3   # [KIND:]ZONE[=FILTER][*WEIGHT]
 * dnsbl.list.zen.codes     = 127.0.0.2 SBL 4, 127.0.0.4 XBL 3.5   # per-code label and weight
 * dnsbl.list.zen.reason    = true  # fetch the TXT reason of a listing
 * dnsbl.list.dbl.identities = mail-from, from-header  # ask a list only about these (default: all of its kind)
 * dnsbl.trusted-networks   =       # relays whose Received headers are believed (then the first untrusted hop is checked too)
 * dnsbl.allow              =       # networks and domains never looked up, e.g. 192.0.2.0/24, example.com
 * nameservers.enabled      = false # shared spam nameservers check (see NameserverConfig)
 * nameservers.max-names    = 4     # caps per message: names walked, NS hosts, NS addresses
 * nameservers.max-hosts    = 8
 * nameservers.max-addresses = 16
 * nameservers.local-list   =       # file of spam NS host names, NS domains, IPs, CIDRs (relative to this file)
 * nameservers.local-list.score = 4
 * nameservers.list.sbl     = ns-ip:sbl.spamhaus.org=127.0.0.2*3   # ns-name: or ns-ip: [KIND:]ZONE[=FILTER][*WEIGHT]
 * nameservers.list.sbl.codes / .reason   # as for dnsbl.list.ID
 * nameservers.learned.enabled = true   # consult the learned store (LearnNameservers mailet feeds it)
 * nameservers.learned.score = 3
 * nameservers.learned.min-spam-domains = 5  # k distinct spam sender domains ...
 * nameservers.learned.min-spam-ratio = 0.9  # ... and spam / (spam + ham) at least this
 * nameservers.learned.window-days = 30
 * nameservers.learned.allow = default  # never learned: "default" (shipped hosting/registrar list), "none", or a list
 * nameservers.learned.allow-extra =     # entries added to the allow list
 * store.type               = embedded  # embedded | redis
 * store.directory          = var/portcullis/state  # embedded store, relative to James's working directory
 * store.retention-days     = 30
 * store.fsync-interval-ms  = 1000  # embedded: journal forced to disk at most this often (0 = every record)
 * store.redis.uri          =       # redis://[PASSWORD@]HOST:PORT[/DB] (store.type = redis)
 * store.redis.prefix       = portcullis:
 * store.redis.timeout-ms   = 500
 * log.enabled              = true  # decision log (see LogSettings): one JSON line per decision
 * log.directory            = var/portcullis/decisions  # relative to James's working directory
 * log.retention-days       = 30
 * log.queue-size           = 10000
 * log.node                 =       # default: the host name
 * report.enabled           = false # daily decision report by mail (see ReportSettings)
 * report.time              = 06:00 # HH:MM in report.zone
 * report.zone              = system
 * report.period            = yesterday  # or today (the day so far)
 * report.recipients        =       # comma-separated addresses, besides the postmaster
 * report.postmaster        = true  # also mail James's postmaster
 * report.sender            =       # default: James's postmaster
 * report.logs              =       # extra decision log folders (other nodes) merged into the report
 * report.html              = true  # text + HTML (multipart/alternative); false: text only
 * network.enabled          = true  # network owner check (see NetworkConfig): ASN, prefix, country, registry, AS name
 * network.asn              =       # e.g. 64496*6, AS64511*-2; also network.country, network.registry, network.as-name.ID
 * os.enabled               = false # passive OS fingerprint through p0f (see OsConfig): os.socket, os.match.ID, ...
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
    public static final String DNS_MAX_IN_FLIGHT_PER_CLIENT = "dns.max-in-flight-per-client";
    public static final String DNS_RESERVED_FOR_LISTS = "dns.reserved-for-lists";
    public static final String DNS_CACHE_SIZE = "dns.cache-size";
    public static final String DNS_BUDGET = "dns.budget-ms";
    public static final String DNSBL_ENABLED = "dnsbl.enabled";
    public static final String DNSBL_SELF_TEST = "dnsbl.self-test";
    public static final String DNSBL_SELF_TEST_INTERVAL = "dnsbl.self-test-interval-minutes";
    public static final String DNSBL_LIST_PREFIX = "dnsbl.list.";
    public static final String DNSBL_TRUSTED = "dnsbl.trusted-networks";
    public static final String DNSBL_ALLOW = "dnsbl.allow";
    public static final String NS_PREFIX = "nameservers.";
    public static final String NS_ENABLED = "nameservers.enabled";
    public static final String NS_MAX_NAMES = "nameservers.max-names";
    public static final String NS_MAX_HOSTS = "nameservers.max-hosts";
    public static final String NS_MAX_ADDRESSES = "nameservers.max-addresses";
    public static final String NS_LOCAL_LIST = "nameservers.local-list";
    public static final String NS_LOCAL_LIST_SCORE = "nameservers.local-list.score";
    public static final String NS_LIST_PREFIX = "nameservers.list.";
    public static final String NS_LEARNED_ENABLED = "nameservers.learned.enabled";
    public static final String NS_LEARNED_SCORE = "nameservers.learned.score";
    public static final String NS_LEARNED_MIN_SPAM_DOMAINS = "nameservers.learned.min-spam-domains";
    public static final String NS_LEARNED_MIN_SPAM_RATIO = "nameservers.learned.min-spam-ratio";
    public static final String NS_LEARNED_WINDOW = "nameservers.learned.window-days";
    public static final String NS_LEARNED_ALLOW = "nameservers.learned.allow";
    public static final String NS_LEARNED_ALLOW_EXTRA = "nameservers.learned.allow-extra";
    public static final String STORE_PREFIX = "store.";
    public static final String STORE_TYPE = "store.type";
    public static final String STORE_DIRECTORY = "store.directory";
    public static final String STORE_RETENTION = "store.retention-days";
    public static final String STORE_FSYNC_INTERVAL = "store.fsync-interval-ms";
    public static final String STORE_REDIS_URI = "store.redis.uri";
    public static final String STORE_REDIS_PREFIX = "store.redis.prefix";
    public static final String STORE_REDIS_TIMEOUT = "store.redis.timeout-ms";

    private static final PortcullisConfig DEFAULTS = new PortcullisConfig("<defaults>", Policy.DEFAULT, true,
            HeaderRuleSettings.defaults(), DnsSettings.builder().build(), DnsblSettings.NONE,
            SmtpSettings.defaults(Policy.DEFAULT), NameserverConfig.DEFAULTS, StoreConfig.DEFAULTS,
            LogSettings.DEFAULTS, CheckModes.ENFORCE_ALL, ReportSettings.DEFAULTS, NetworkSettings.DEFAULTS,
            io.portcullis.os.OsSettings.DEFAULTS, ReputationSettings.DEFAULTS);

    private final String source;
    private final Policy policy;
    private final boolean headersEnabled;
    private final HeaderRuleSettings headerRules;
    private final DnsSettings dns;
    private final DnsblSettings dnsbl;
    private final SmtpSettings smtp;
    private final NameserverConfig nameservers;
    private final StoreConfig store;
    /** log.* ({@link LogSettings}): the decision log. */
    private final LogSettings log;
    /** *.mode ({@link ModeSettings}): checks, lists and rules in observe mode. */
    private final CheckModes modes;
    /** report.* ({@link ReportSettings}): the daily mailed report. */
    private final ReportSettings report;
    /** network.* ({@link NetworkConfig}): the network owner check. */
    private final NetworkSettings network;
    /** os.* ({@link OsConfig}): the passive OS fingerprint check (p0f). */
    private final io.portcullis.os.OsSettings os;
    /** reputation.* ({@link ReputationConfig}): sender reputation. */
    private final ReputationSettings reputation;

    private PortcullisConfig(String source, Policy policy, boolean headersEnabled, HeaderRuleSettings headerRules,
            DnsSettings dns, DnsblSettings dnsbl, SmtpSettings smtp, NameserverConfig nameservers, StoreConfig store,
            LogSettings log, CheckModes modes, ReportSettings report, NetworkSettings network,
            io.portcullis.os.OsSettings os, ReputationSettings reputation) {
        this.source = source;
        this.policy = policy;
        this.headersEnabled = headersEnabled;
        this.headerRules = headerRules;
        this.dns = dns;
        this.dnsbl = dnsbl;
        this.smtp = smtp;
        this.nameservers = nameservers;
        this.store = store;
        this.log = log;
        this.modes = modes;
        this.report = report;
        this.network = network;
        this.os = os;
        this.reputation = reputation;
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
        Map<String, String> modeKeys = ModeSettings.extract(v);

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
            if (SIMPLE_KEYS.contains(key) || key.startsWith(SmtpSettings.PREFIX)) { // smtp.*: SmtpSettings
                continue;
            }
            if (key.startsWith(NS_PREFIX) || key.startsWith(STORE_PREFIX) // parseNameservers, parseStore
                    || key.startsWith(LogSettings.PREFIX) // log.*: LogSettings
                    || key.startsWith(ReportSettings.PREFIX) // report.*: ReportSettings
                    || key.startsWith(NetworkConfig.PREFIX) // network.*: NetworkConfig
                    || key.startsWith(OsConfig.PREFIX) // os.*: OsConfig
                    || key.startsWith(ReputationConfig.PREFIX)) { // reputation.*: ReputationConfig
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
            throw ConfigException.unknownKey(source, key, v.get(key), knownKeys());
        }
        DnsSettings dns = parseDns(v, source);
        DnsblSettings dnsbl = new DnsblSettings(bool(v, source, DNSBL_ENABLED, true),
                parseLists(listSpecs, listOptions, source), bool(v, source, DNSBL_SELF_TEST, true),
                Duration.ofMinutes(positiveInt(v, source, DNSBL_SELF_TEST_INTERVAL, 10)),
                parsed(v, source, DNSBL_TRUSTED, Networks::parse, Networks.NONE),
                parsed(v, source, DNSBL_ALLOW, AllowList::parse, AllowList.NONE));
        NameserverConfig nameservers = parseNameservers(v, source);
        CheckModes modes = ModeSettings.parse(modeKeys, source, dnsbl.lists(), nameservers.settings().lists());
        return new PortcullisConfig(source, policy, headersEnabled, rules, dns, dnsbl,
                SmtpSettings.parse(v, source, policy), nameservers, parseStore(v, source, nameservers),
                LogSettings.parse(v, source), modes, ReportSettings.parse(v, source), NetworkConfig.parse(v, source),
                OsConfig.parse(v, source), ReputationConfig.parse(v, source));
    }

    private static final List<String> SIMPLE_KEYS = List.of(POLICY_TAG, POLICY_TARPIT, POLICY_REJECT, HEADERS_ENABLED,
            DNS_SERVERS, DNS_TIMEOUT, DNS_MAX_IN_FLIGHT, DNS_MAX_IN_FLIGHT_PER_CLIENT, DNS_RESERVED_FOR_LISTS,
            DNS_CACHE_SIZE, DNS_BUDGET, DNSBL_ENABLED, DNSBL_SELF_TEST,
            DNSBL_SELF_TEST_INTERVAL, DNSBL_TRUSTED, DNSBL_ALLOW);

    private static DnsSettings parseDns(Map<String, String> v, String source) {
        DnsSettings.Builder b = DnsSettings.builder();
        String servers = v.get(DNS_SERVERS);
        if (servers != null && !servers.isEmpty() && !servers.equalsIgnoreCase("system")) {
            b.servers(parseServers(source, DNS_SERVERS, servers));
        }
        b.queryTimeout(Duration.ofMillis(positiveInt(v, source, DNS_TIMEOUT, 1500)));
        b.maxInFlight(positiveInt(v, source, DNS_MAX_IN_FLIGHT, 500));
        b.maxInFlightPerClient(positiveInt(v, source, DNS_MAX_IN_FLIGHT_PER_CLIENT, 0)); // 0: derived default
        String reserved = v.get(DNS_RESERVED_FOR_LISTS);
        if (reserved != null && !reserved.isEmpty()) {
            int percent = nonNegativeInt(source, DNS_RESERVED_FOR_LISTS, reserved);
            if (percent > 99) {
                throw new ConfigException(source, DNS_RESERVED_FOR_LISTS, reserved, "expected a percentage 0..99");
            }
            b.reservedForLists(percent);
        }
        b.budget(Duration.ofMillis(positiveInt(v, source, DNS_BUDGET, 3500)));
        String cache = v.get(DNS_CACHE_SIZE);
        b.cacheSize(cache == null || cache.isEmpty() ? 20_000 : nonNegativeInt(source, DNS_CACHE_SIZE, cache));
        return b.build();
    }

    /**
     * Parses a comma-separated list of {@code IP[:PORT]} / {@code [IPv6]:PORT} resolvers; addresses must be
     * literals and are never looked up.
     */
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
                    case "identities":
                        spec = withIdentities(spec, source, okey, o.getValue());
                        break;
                    default:
                        throw new ConfigException(source, okey, o.getValue(),
                                "unknown list option (known: codes, reason, identities)");
                }
            }
            lists.add(spec);
        }
        return lists;
    }

    /** {@code helo, rdns}: the identities a list is asked about (ids of {@link Identity}). */
    private static ListSpec withIdentities(ListSpec spec, String source, String key, String value) {
        java.util.Set<Identity> set = java.util.EnumSet.noneOf(Identity.class);
        for (String item : value.split("[,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            Identity found = null;
            for (Identity i : Identity.values()) {
                if (i.id().equalsIgnoreCase(item)) {
                    found = i;
                }
            }
            if (found == null) {
                throw new ConfigException(source, key, value, "unknown identity '" + item
                        + "' (known: client-ip, received-ip, helo, rdns, mail-from, from-header)");
            }
            set.add(found);
        }
        try {
            return spec.withIdentities(set);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, key, value, e.getMessage());
        }
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

    /** The SMTP-time settings ({@code smtp.*} keys, see {@link SmtpSettings}). */
    public SmtpSettings smtp() {
        return smtp;
    }

    /** A copy with other DNS settings (e.g. {@code --dns} on the command line). */
    public PortcullisConfig withDns(DnsSettings other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, other, dnsbl, smtp, nameservers,
                store, log, modes, report, network, os, reputation);
    }

    /** A copy with other DNSBL settings (e.g. {@code --list} on the command line). */
    public PortcullisConfig withDnsbl(DnsblSettings other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, other, smtp, nameservers,
                store, log, modes, report, network, os, reputation);
    }

    // --- nameservers.* and store.* (shared spam nameservers; state store) ---------------------------------

    private static final List<String> NS_SIMPLE_KEYS = List.of(NS_ENABLED, NS_MAX_NAMES, NS_MAX_HOSTS,
            NS_MAX_ADDRESSES, NS_LOCAL_LIST, NS_LOCAL_LIST_SCORE, NS_LEARNED_ENABLED, NS_LEARNED_SCORE,
            NS_LEARNED_MIN_SPAM_DOMAINS, NS_LEARNED_MIN_SPAM_RATIO, NS_LEARNED_WINDOW, NS_LEARNED_ALLOW,
            NS_LEARNED_ALLOW_EXTRA);
    private static final List<String> STORE_KEYS = List.of(STORE_TYPE, STORE_DIRECTORY, STORE_RETENTION,
            STORE_FSYNC_INTERVAL, STORE_REDIS_URI, STORE_REDIS_PREFIX, STORE_REDIS_TIMEOUT);

    /** The {@code nameservers.*} keys; unknown ones fail. */
    private static NameserverConfig parseNameservers(Map<String, String> v, String source) {
        Map<String, String> specs = new TreeMap<>();
        Map<String, Map<String, String>> options = new TreeMap<>();
        for (Map.Entry<String, String> e : v.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(NS_PREFIX) || NS_SIMPLE_KEYS.contains(key)) {
                continue;
            }
            if (!key.startsWith(NS_LIST_PREFIX)) {
                throw ConfigException.unknownKey(source, key, e.getValue(), knownKeys());
            }
            String rest = key.substring(NS_LIST_PREFIX.length());
            int dot = rest.indexOf('.');
            String id = dot < 0 ? rest : rest.substring(0, dot);
            if (!id.matches("[A-Za-z0-9_-]+")) {
                throw new ConfigException(source, key, e.getValue(), "list id must be letters, digits, - or _");
            }
            if (dot < 0) {
                specs.put(id, e.getValue());
            } else {
                options.computeIfAbsent(id, k -> new TreeMap<>()).put(rest.substring(dot + 1), e.getValue());
            }
        }
        List<ListSpec> lists = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> o : options.entrySet()) {
            if (!specs.containsKey(o.getKey())) {
                String key = NS_LIST_PREFIX + o.getKey() + "." + o.getValue().keySet().iterator().next();
                throw new ConfigException(source, key, o.getValue().values().iterator().next(), "option for list '"
                        + o.getKey() + "', but " + NS_LIST_PREFIX + o.getKey() + " is not defined");
            }
        }
        for (Map.Entry<String, String> e : specs.entrySet()) {
            String key = NS_LIST_PREFIX + e.getKey();
            ListSpec spec;
            try {
                spec = ListSpec.parse(e.getValue()).withId(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(source, key, e.getValue(), ex.getMessage());
            }
            if (!spec.kind().isNameserverKind()) {
                throw new ConfigException(source, key, e.getValue(), "a nameserver list needs the kind ns-name: "
                        + "(NS host names and their domains) or ns-ip: (NS addresses), e.g. ns-ip:" + spec.zone());
            }
            for (Map.Entry<String, String> o : options.getOrDefault(e.getKey(), Map.of()).entrySet()) {
                String okey = key + "." + o.getKey();
                if (o.getKey().equals("codes")) {
                    spec = spec.withCodes(parseCodes(source, okey, o.getValue()));
                } else if (o.getKey().equals("reason")) {
                    spec = spec.withFetchReason(bool(Map.of(okey, o.getValue()), source, okey, true));
                } else {
                    throw new ConfigException(source, okey, o.getValue(), "unknown list option (known: codes, reason)");
                }
            }
            lists.add(spec);
        }
        NameserverSettings.Builder b = NameserverSettings.builder();
        nsSetting(source, NS_MAX_NAMES, v, () -> b.maxNames(positiveInt(v, source, NS_MAX_NAMES, 4)));
        nsSetting(source, NS_MAX_HOSTS, v, () -> b.maxHosts(positiveInt(v, source, NS_MAX_HOSTS, 8)));
        nsSetting(source, NS_MAX_ADDRESSES, v, () -> b.maxAddresses(positiveInt(v, source, NS_MAX_ADDRESSES, 16)));
        b.localListScore(number(v, source, NS_LOCAL_LIST_SCORE, 4.0));
        b.learnedScore(number(v, source, NS_LEARNED_SCORE, 3.0));
        b.lists(lists);
        nsSetting(source, NS_LEARNED_MIN_SPAM_DOMAINS, v,
                () -> b.learnedMinSpamDomains(positiveInt(v, source, NS_LEARNED_MIN_SPAM_DOMAINS, 5)));
        nsSetting(source, NS_LEARNED_MIN_SPAM_RATIO, v,
                () -> b.learnedMinSpamRatio(number(v, source, NS_LEARNED_MIN_SPAM_RATIO, 0.9)));
        b.learnedWindow(Duration.ofDays(positiveInt(v, source, NS_LEARNED_WINDOW, 30)));
        String allow = v.get(NS_LEARNED_ALLOW);
        String base = allow == null || allow.isEmpty() || allow.equalsIgnoreCase("default")
                ? String.join(" ", NsAllowList.DEFAULT_ENTRIES) : allow.equalsIgnoreCase("none") ? "" : allow;
        String extra = v.getOrDefault(NS_LEARNED_ALLOW_EXTRA, "");
        try {
            NsAllowList.parse(base);
        } catch (IllegalArgumentException ex) {
            throw new ConfigException(source, NS_LEARNED_ALLOW, allow, ex.getMessage());
        }
        try {
            b.allowList(NsAllowList.parse(base + " " + (extra == null ? "" : extra)));
        } catch (IllegalArgumentException ex) {
            throw new ConfigException(source, NS_LEARNED_ALLOW_EXTRA, extra, ex.getMessage());
        }
        Path localList = null;
        String ll = v.get(NS_LOCAL_LIST);
        if (ll != null && !ll.isEmpty()) {
            try {
                localList = relativeToConfigFile(source, Paths.get(ll));
            } catch (InvalidPathException ex) {
                throw new ConfigException(source, NS_LOCAL_LIST, ll, "not a file path: " + ex.getMessage());
            }
        }
        return new NameserverConfig(bool(v, source, NS_ENABLED, false), b.build(), localList,
                bool(v, source, NS_LEARNED_ENABLED, true), LocalNsList.DEFAULT_CHECK_INTERVAL);
    }

    private static void nsSetting(String source, String key, Map<String, String> v, Runnable apply) {
        try {
            apply.run();
        } catch (IllegalArgumentException ex) {
            throw new ConfigException(source, key, v.get(key), ex.getMessage());
        }
    }

    /** A relative path is taken relative to the directory of the configuration file, when there is one. */
    static Path relativeToConfigFile(String source, Path p) {
        if (p.isAbsolute()) {
            return p;
        }
        try {
            Path file = Paths.get(source);
            if (Files.isRegularFile(file) && file.toAbsolutePath().getParent() != null) {
                return file.toAbsolutePath().getParent().resolve(p).normalize();
            }
        } catch (InvalidPathException ex) {
            // not a file (e.g. classpath: or <defaults>): relative to the working directory
        }
        return p;
    }

    /** The {@code store.*} keys; unknown ones fail. */
    private static StoreConfig parseStore(Map<String, String> v, String source, NameserverConfig ns) {
        for (Map.Entry<String, String> e : v.entrySet()) {
            if (e.getKey().startsWith(STORE_PREFIX) && !STORE_KEYS.contains(e.getKey())) {
                throw ConfigException.unknownKey(source, e.getKey(), e.getValue(), knownKeys());
            }
        }
        String t = v.get(STORE_TYPE);
        StoreConfig.Type type;
        if (t == null || t.isEmpty() || t.equalsIgnoreCase("embedded")) {
            type = StoreConfig.Type.EMBEDDED;
        } else if (t.equalsIgnoreCase("redis")) {
            type = StoreConfig.Type.REDIS;
        } else {
            throw new ConfigException(source, STORE_TYPE, t, "expected embedded or redis");
        }
        String dir = v.get(STORE_DIRECTORY);
        Path directory;
        try {
            directory = Paths.get(dir == null || dir.isEmpty() ? StoreConfig.DEFAULT_DIRECTORY : dir);
        } catch (InvalidPathException ex) {
            throw new ConfigException(source, STORE_DIRECTORY, dir, "not a directory path: " + ex.getMessage());
        }
        int retentionDays = positiveInt(v, source, STORE_RETENTION, 30);
        if (ns.settings().learnedWindow().compareTo(Duration.ofDays(retentionDays)) > 0) {
            throw new ConfigException(source, NS_LEARNED_WINDOW, String.valueOf(ns.settings().learnedWindow().toDays()),
                    "the learning window cannot be longer than " + STORE_RETENTION + " (" + retentionDays + ")");
        }
        String fsync = v.get(STORE_FSYNC_INTERVAL);
        long fsyncMs = fsync == null || fsync.isEmpty() ? 1000 : nonNegativeInt(source, STORE_FSYNC_INTERVAL, fsync);
        String uri = v.get(STORE_REDIS_URI);
        if (uri != null && uri.isEmpty()) {
            uri = null;
        }
        if (type == StoreConfig.Type.REDIS) {
            if (uri == null) {
                throw new ConfigException(source, STORE_REDIS_URI, null, STORE_TYPE + " = redis needs "
                        + STORE_REDIS_URI + " (redis://HOST:PORT[/DB])");
            }
            if (!uri.matches("(?i)(redis|rediss|redis-socket)://\\S+")) {
                throw new ConfigException(source, STORE_REDIS_URI, uri,
                        "expected redis://[PASSWORD@]HOST:PORT[/DB] (or rediss://, redis-socket://)");
            }
        }
        String prefix = v.get(STORE_REDIS_PREFIX);
        if (prefix != null && prefix.matches(".*\\s.*")) {
            throw new ConfigException(source, STORE_REDIS_PREFIX, prefix, "the key prefix cannot contain spaces");
        }
        return new StoreConfig(type, directory, Duration.ofDays(retentionDays), Duration.ofMillis(fsyncMs), uri,
                prefix == null || prefix.isEmpty() ? StoreConfig.DEFAULTS.redisPrefix() : prefix,
                Duration.ofMillis(positiveInt(v, source, STORE_REDIS_TIMEOUT, 500)));
    }

    /** The {@code nameservers.*} section (the check is off unless {@code nameservers.enabled = true}). */
    public NameserverConfig nameservers() {
        return nameservers;
    }

    /** The {@code store.*} section. */
    public StoreConfig store() {
        return store;
    }

    /** A copy with another nameserver section (e.g. the {@code lookup} command's options). */
    public PortcullisConfig withNameservers(NameserverConfig other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, dnsbl, smtp, other, store, log,
                modes, report, network, os, reputation);
    }

    /** A copy with another store section (tests, tools). */
    public PortcullisConfig withStore(StoreConfig other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, dnsbl, smtp, nameservers,
                other, log, modes, report, network, os, reputation);
    }

    /** The decision log settings ({@code log.*} keys, see {@link LogSettings}). */
    public LogSettings log() {
        return log;
    }

    /** A copy with other decision log settings (tests, tools). */
    public PortcullisConfig withLog(LogSettings other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, dnsbl, smtp, nameservers,
                store, other, modes, report, network, os, reputation);
    }

    /** Which checks, lists and rules run in observe mode ({@code *.mode} keys, see {@link ModeSettings}). */
    public CheckModes modes() {
        return modes;
    }

    /** The daily mailed report settings ({@code report.*} keys, see {@link ReportSettings}). */
    public ReportSettings report() {
        return report;
    }

    /** A copy with other report settings (tests, tools). */
    public PortcullisConfig withReport(ReportSettings other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, dnsbl, smtp, nameservers,
                store, log, modes, other, network, os, reputation);
    }

    /** The network owner check ({@code network.*} keys, see {@link NetworkConfig}). */
    public NetworkSettings network() {
        return network;
    }

    /** A copy with other network settings (tests, tools). */
    public PortcullisConfig withNetwork(NetworkSettings other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, dnsbl, smtp, nameservers,
                store, log, modes, report, other, os, reputation);
    }

    /** Sender reputation ({@code reputation.*} keys, see {@link ReputationConfig}). */
    public ReputationSettings reputation() {
        return reputation;
    }

    /** The passive OS fingerprint check ({@code os.*} keys, see {@link OsConfig}). */
    public io.portcullis.os.OsSettings os() {
        return os;
    }

    /** A copy with other OS fingerprint settings (tests, tools). */
    public PortcullisConfig withOs(io.portcullis.os.OsSettings other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, dnsbl, smtp, nameservers,
                store, log, modes, report, network, other, reputation);
    }

    /** A copy with other reputation settings (tests, tools). */
    public PortcullisConfig withReputation(ReputationSettings other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, dnsbl, smtp, nameservers,
                store, log, modes, report, network, os, other);
    }

    /** A copy with other check modes (tests, tools). */
    public PortcullisConfig withModes(CheckModes other) {
        return new PortcullisConfig(source, policy, headersEnabled, headerRules, dns, dnsbl, smtp, nameservers,
                store, log, other, report, network, os, reputation);
    }

    /** Keys understood by this version, for documentation and error messages. */
    public static List<String> knownKeys() {
        List<String> keys = new ArrayList<>(SIMPLE_KEYS);
        keys.add(HEADERS_RULE_PREFIX + "<RULE>");
        keys.add(DNSBL_LIST_PREFIX + "<ID>");
        keys.add(DNSBL_LIST_PREFIX + "<ID>.codes");
        keys.add(DNSBL_LIST_PREFIX + "<ID>.reason");
        keys.addAll(NS_SIMPLE_KEYS);
        keys.add(NS_LIST_PREFIX + "<ID>");
        keys.add(NS_LIST_PREFIX + "<ID>.codes");
        keys.add(NS_LIST_PREFIX + "<ID>.reason");
        keys.addAll(STORE_KEYS);
        keys.addAll(LogSettings.keys());
        keys.addAll(ReportSettings.keys());
        keys.add(DNSBL_LIST_PREFIX + "<ID>.identities");
        keys.addAll(ModeSettings.keys());
        keys.addAll(NetworkConfig.keys());
        keys.addAll(OsConfig.keys());
        keys.addAll(ReputationConfig.keys());
        return Collections.unmodifiableList(keys);
    }
}
