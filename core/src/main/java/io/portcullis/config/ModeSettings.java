package io.portcullis.config;

import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.nameservers.LearnedNameservers;
import io.portcullis.nameservers.LocalNsList;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.network.NetworkRules;
import io.portcullis.os.OsRules;
import io.portcullis.verdict.CheckModes;
import io.portcullis.reputation.EntityKind;
import io.portcullis.reputation.Reputation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code *.mode} keys of {@code portcullis.properties} (documented in {@link Keys}): which checks, lists and
 * rules run in observe mode ({@link CheckModes}). Every key takes {@code enforce} (the default) or {@code observe}.
 * {@code smtp.mode} ({@link SmtpSettings}) is different: it puts the whole SMTP side in observe mode (nothing is
 * refused or delayed at SMTP time), whatever the checks' modes.
 */
public final class ModeSettings {
    /** The check id of the greeting test's finding and its rule (kept here so core needs no SMTP type). */
    public static final String SMTP_CHECK = "smtp";
    public static final String PREGREET = "PREGREET";

    /** Whole checks: mode key, check id. */
    private static final Map<ConfigKey, String> CHECKS = new LinkedHashMap<>();
    /** One rule or source of a check: mode key, {check id, rule id}. */
    private static final Map<ConfigKey, String[]> RULES = new LinkedHashMap<>();

    static {
        CHECKS.put(Keys.HEADERS_MODE, HeaderChecker.CHECK);
        CHECKS.put(Keys.DNSBL_MODE, DnsblChecker.CHECK);
        CHECKS.put(Keys.NS_MODE, NameserverChecker.CHECK);
        CHECKS.put(Keys.NETWORK_MODE, NetworkRules.CHECK);
        CHECKS.put(Keys.OS_MODE, OsRules.CHECK);
        CHECKS.put(Keys.REPUTATION_MODE, Reputation.CHECK);
        RULES.put(Keys.NS_LOCAL_LIST_MODE, new String[] {NameserverChecker.CHECK, LocalNsList.SOURCE});
        RULES.put(Keys.NS_LEARNED_MODE, new String[] {NameserverChecker.CHECK, LearnedNameservers.SOURCE});
        RULES.put(Keys.SMTP_GREETING_MODE, new String[] {SMTP_CHECK, PREGREET});
        RULES.put(Keys.NETWORK_ASN_MODE, new String[] {NetworkRules.CHECK, NetworkRules.ASN});
        RULES.put(Keys.NETWORK_COUNTRY_MODE, new String[] {NetworkRules.CHECK, NetworkRules.COUNTRY});
        RULES.put(Keys.NETWORK_REGISTRY_MODE, new String[] {NetworkRules.CHECK, NetworkRules.REGISTRY});
        RULES.put(Keys.NETWORK_AS_NAME_MODE, new String[] {NetworkRules.CHECK, NetworkRules.AS_NAME});
        RULES.put(Keys.OS_MATCH_MODE, new String[] {OsRules.CHECK, OsRules.OS});
        RULES.put(Keys.OS_LINK_MODE, new String[] {OsRules.CHECK, OsRules.LINK});
        RULES.put(Keys.OS_DISTANCE_MODE, new String[] {OsRules.CHECK, OsRules.DISTANCE});
    }

    private ModeSettings() {
    }

    /**
     * Parses the mode keys; a list or rule that is not configured, or a value other than enforce/observe, fails
     * naming the key and the value.
     */
    static CheckModes parse(ConfigValues v, List<ListSpec> dnsblLists, List<ListSpec> nameserverLists) {
        CheckModes.Builder b = CheckModes.builder();
        CHECKS.forEach((k, check) -> {
            if (observe(v, k.name(), v.text(k))) {
                b.observeCheck(check);
            }
        });
        RULES.forEach((k, rule) -> {
            if (observe(v, k.name(), v.text(k))) {
                b.observeRule(rule[0], rule[1]);
            }
        });
        v.instances(Keys.HEADERS_RULE_MODE).forEach((id, value) -> {
            String key = Keys.HEADERS_RULE_MODE.of(id);
            if (observe(v, key, value)) {
                b.observeRule(HeaderChecker.CHECK, HeaderConfig.rule(v.source(), key, id).id());
            }
        });
        v.instances(Keys.DNSBL_LIST_MODE).forEach((id, value) -> {
            String key = Keys.DNSBL_LIST_MODE.of(id);
            if (observe(v, key, value)) {
                b.observeRule(DnsblChecker.CHECK, configured(v, key, id, dnsblLists, Keys.DNSBL_LIST).id());
            }
        });
        v.instances(Keys.NS_LIST_MODE).forEach((id, value) -> {
            String key = Keys.NS_LIST_MODE.of(id);
            if (observe(v, key, value)) {
                ListSpec l = configured(v, key, id, nameserverLists, Keys.NS_LIST);
                b.observeRule(NameserverChecker.CHECK, NameserverChecker.sourceOf(l));
            }
        });
        v.instances(Keys.REPUTATION_KIND_MODE).forEach((id, value) -> {
            String key = Keys.REPUTATION_KIND_MODE.of(id);
            if (observe(v, key, value)) {
                EntityKind kind = EntityKind.ofId(id);
                if (kind == null) {
                    throw v.fail(key, value, "no entity kind " + id + " (ip, net, asn, helo, mail-from, from, ns)");
                }
                b.observeRule(Reputation.CHECK, kind.rule());
            }
        });
        return b.build();
    }

    private static boolean observe(ConfigValues v, String key, String value) {
        String s = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "":
            case "enforce":
                return false;
            case "observe":
                return true;
            default:
                throw v.fail(key, value, "expected enforce or observe");
        }
    }

    private static ListSpec configured(ConfigValues v, String key, String id, List<ListSpec> lists, ConfigKey list) {
        List<String> ids = new ArrayList<>();
        for (ListSpec l : lists) {
            if (l.id().equals(id)) {
                return l;
            }
            ids.add(l.id());
        }
        throw v.fail(key, id, "no list " + list.of(id) + " is configured"
                + (ids.isEmpty() ? "" : " (configured: " + String.join(", ", ids) + ")"));
    }
}
