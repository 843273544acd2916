package io.portcullis.config;

import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderRule;
import io.portcullis.nameservers.LearnedNameservers;
import io.portcullis.nameservers.LocalNsList;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.network.NetworkRules;
import io.portcullis.os.OsRules;
import io.portcullis.verdict.CheckModes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code *.mode} keys of {@code portcullis.properties}: which checks, lists and rules run in observe mode
 * ({@link CheckModes}). Every key takes {@code enforce} (the default) or {@code observe}.
 *
 * <pre>
 * headers.mode                  = enforce   # the whole header conformance check
 * headers.rule.&lt;RULE&gt;.mode      = enforce   # one header rule, e.g. headers.rule.FORGED_MUA.mode = observe
 * dnsbl.mode                    = enforce   # every DNS list
 * dnsbl.list.&lt;id&gt;.mode         = enforce   # one DNS list
 * nameservers.mode              = enforce   # the whole shared-spam-nameserver check
 * nameservers.local-list.mode   = enforce   # its local list
 * nameservers.learned.mode      = enforce   # its learned nameservers
 * nameservers.list.&lt;id&gt;.mode   = enforce   # one ns-name:/ns-ip: list
 * smtp.greeting.mode            = enforce   # the greeting test (PREGREET); observe also never drops
 * network.mode                  = enforce   # the whole network owner check
 * network.asn.mode              = enforce   # one of its rules: network.asn, .country, .registry, .as-name
 * os.mode                       = enforce   # the whole OS fingerprint check
 * os.match.mode                 = enforce   # one of its rules: os.match (OS), os.link (LINK), os.distance (DISTANCE)
 * reputation.mode               = enforce   # the whole reputation check
 * reputation.&lt;kind&gt;.mode        = enforce   # one entity kind: ip, net, asn, helo, mail-from, from, ns
 * </pre>
 *
 * {@code smtp.mode} ({@link SmtpSettings}) is different: it puts the whole SMTP side in observe mode (nothing is
 * refused or delayed at SMTP time), whatever the checks' modes.
 */
public final class ModeSettings {
    public static final String HEADERS = "headers.mode";
    public static final String DNSBL = "dnsbl.mode";
    public static final String NAMESERVERS = "nameservers.mode";
    public static final String NS_LOCAL_LIST = "nameservers.local-list.mode";
    public static final String NS_LEARNED = "nameservers.learned.mode";
    public static final String GREETING = "smtp.greeting.mode";
    public static final String NETWORK = "network.mode";
    public static final String NETWORK_ASN = "network.asn.mode";
    public static final String NETWORK_COUNTRY = "network.country.mode";
    public static final String NETWORK_REGISTRY = "network.registry.mode";
    public static final String NETWORK_AS_NAME = "network.as-name.mode";
    public static final String OS = "os.mode";
    public static final String OS_MATCH = "os.match.mode";
    public static final String OS_LINK = "os.link.mode";
    public static final String OS_DISTANCE = "os.distance.mode";

    private static final Pattern HEADER_RULE = Pattern.compile("headers\\.rule\\.([^.]+)\\.mode");
    private static final Pattern DNSBL_LIST = Pattern.compile("dnsbl\\.list\\.([^.]+)\\.mode");
    public static final String REPUTATION = "reputation.mode";
    private static final Pattern REPUTATION_KIND = Pattern.compile("reputation\\.([a-z-]+)\\.mode");
    private static final Pattern NS_LIST = Pattern.compile("nameservers\\.list\\.([^.]+)\\.mode");
    private static final List<String> SIMPLE = List.of(HEADERS, DNSBL, NAMESERVERS, NS_LOCAL_LIST, NS_LEARNED,
            GREETING, NETWORK, NETWORK_ASN, NETWORK_COUNTRY, NETWORK_REGISTRY, NETWORK_AS_NAME, OS, OS_MATCH, OS_LINK,
            OS_DISTANCE);

    /** The check id of the greeting test's finding and its rule (kept here so core needs no SMTP type). */
    public static final String SMTP_CHECK = "smtp";
    public static final String PREGREET = "PREGREET";

    private ModeSettings() {
    }

    /** True for the keys parsed here (so the other sections skip them). */
    public static boolean isModeKey(String key) {
        return SIMPLE.contains(key) || HEADER_RULE.matcher(key).matches() || DNSBL_LIST.matcher(key).matches()
                || NS_LIST.matcher(key).matches() || key.equals(REPUTATION) || REPUTATION_KIND.matcher(key).matches();
    }

    /** The mode keys of {@code values}, removed from it. */
    static Map<String, String> extract(Map<String, String> values) {
        Map<String, String> out = new TreeMap<>();
        values.entrySet().removeIf(e -> {
            if (isModeKey(e.getKey())) {
                out.put(e.getKey(), e.getValue());
                return true;
            }
            return false;
        });
        return out;
    }

    /**
     * Parses the mode keys; a list or rule that is not configured, or a value other than enforce/observe, fails
     * naming the key and the value.
     */
    static CheckModes parse(Map<String, String> modeKeys, String source, List<ListSpec> dnsblLists,
            List<ListSpec> nameserverLists) {
        CheckModes.Builder b = CheckModes.builder();
        for (Map.Entry<String, String> e : modeKeys.entrySet()) {
            String key = e.getKey();
            if (!observe(source, key, e.getValue())) {
                continue;
            }
            switch (key) {
                case HEADERS:
                    b.observeCheck(HeaderChecker.CHECK);
                    continue;
                case DNSBL:
                    b.observeCheck(DnsblChecker.CHECK);
                    continue;
                case NAMESERVERS:
                    b.observeCheck(NameserverChecker.CHECK);
                    continue;
                case NS_LOCAL_LIST:
                    b.observeRule(NameserverChecker.CHECK, LocalNsList.SOURCE);
                    continue;
                case NS_LEARNED:
                    b.observeRule(NameserverChecker.CHECK, LearnedNameservers.SOURCE);
                    continue;
                case GREETING:
                    b.observeRule(SMTP_CHECK, PREGREET);
                    continue;
                case NETWORK:
                    b.observeCheck(NetworkRules.CHECK);
                    continue;
                case NETWORK_ASN:
                    b.observeRule(NetworkRules.CHECK, NetworkRules.ASN);
                    continue;
                case NETWORK_COUNTRY:
                    b.observeRule(NetworkRules.CHECK, NetworkRules.COUNTRY);
                    continue;
                case NETWORK_REGISTRY:
                    b.observeRule(NetworkRules.CHECK, NetworkRules.REGISTRY);
                    continue;
                case NETWORK_AS_NAME:
                    b.observeRule(NetworkRules.CHECK, NetworkRules.AS_NAME);
                    continue;
                case OS:
                    b.observeCheck(OsRules.CHECK);
                    continue;
                case OS_MATCH:
                    b.observeRule(OsRules.CHECK, OsRules.OS);
                    continue;
                case OS_LINK:
                    b.observeRule(OsRules.CHECK, OsRules.LINK);
                    continue;
                case OS_DISTANCE:
                    b.observeRule(OsRules.CHECK, OsRules.DISTANCE);
                    continue;
                case REPUTATION:
                    b.observeCheck(io.portcullis.reputation.Reputation.CHECK);
                    continue;
                default:
                    break;
            }
            Matcher m = HEADER_RULE.matcher(key);
            if (m.matches()) {
                HeaderRule rule = PortcullisConfig.headerRule(source, key, m.group(1));
                b.observeRule(HeaderChecker.CHECK, rule.id());
                continue;
            }
            m = DNSBL_LIST.matcher(key);
            if (m.matches()) {
                b.observeRule(DnsblChecker.CHECK, configured(source, key, m.group(1), dnsblLists, "dnsbl.list.").id());
                continue;
            }
            m = REPUTATION_KIND.matcher(key);
            if (m.matches()) {
                io.portcullis.reputation.EntityKind kind = io.portcullis.reputation.EntityKind.ofId(m.group(1));
                if (kind == null) {
                    throw new ConfigException(source, key, e.getValue(),
                            "no entity kind " + m.group(1) + " (ip, net, asn, helo, mail-from, from, ns)");
                }
                b.observeRule(io.portcullis.reputation.Reputation.CHECK, kind.rule());
                continue;
            }
            m = NS_LIST.matcher(key);
            if (m.matches()) {
                ListSpec l = configured(source, key, m.group(1), nameserverLists, "nameservers.list.");
                b.observeRule(NameserverChecker.CHECK, NameserverChecker.sourceOf(l));
            }
        }
        return b.build();
    }

    private static boolean observe(String source, String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "":
            case "enforce":
                return false;
            case "observe":
                return true;
            default:
                throw new ConfigException(source, key, value, "expected enforce or observe");
        }
    }

    private static ListSpec configured(String source, String key, String id, List<ListSpec> lists, String prefix) {
        List<String> ids = new ArrayList<>();
        for (ListSpec l : lists) {
            if (l.id().equals(id)) {
                return l;
            }
            ids.add(l.id());
        }
        throw new ConfigException(source, key, id, "no list " + prefix + id + " is configured"
                + (ids.isEmpty() ? "" : " (configured: " + String.join(", ", ids) + ")"));
    }

    /** Documentation names of the keys. */
    static List<String> keys() {
        return List.of(HEADERS, "headers.rule.<RULE>.mode", DNSBL, "dnsbl.list.<ID>.mode", NAMESERVERS,
                NS_LOCAL_LIST, NS_LEARNED, "nameservers.list.<ID>.mode", GREETING, NETWORK, NETWORK_ASN,
                NETWORK_COUNTRY, NETWORK_REGISTRY, NETWORK_AS_NAME, OS, OS_MATCH, OS_LINK, OS_DISTANCE, REPUTATION, "reputation.<KIND>.mode");
    }
}
