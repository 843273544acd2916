package io.portcullis.config;

import io.portcullis.dnsbl.CodeInfo;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DNS list specifications, one parser for both families: {@code dnsbl.list.<id>} (with {@code .codes},
 * {@code .reason}, {@code .identities}) and {@code nameservers.list.<id>} (with {@code .codes}, {@code .reason};
 * {@code ns-name:} or {@code ns-ip:} only). The syntax of a spec is {@link ListSpec}'s.
 */
final class ListKeys {
    private final ConfigKey spec;
    private final ConfigKey codes;
    private final ConfigKey reason;
    private final ConfigKey identities;
    private final boolean nameserverLists;

    private ListKeys(ConfigKey spec, ConfigKey codes, ConfigKey reason, ConfigKey identities, boolean nameservers) {
        this.spec = spec;
        this.codes = codes;
        this.reason = reason;
        this.identities = identities;
        this.nameserverLists = nameservers;
    }

    static final ListKeys DNSBL = new ListKeys(Keys.DNSBL_LIST, Keys.DNSBL_LIST_CODES, Keys.DNSBL_LIST_REASON,
            Keys.DNSBL_LIST_IDENTITIES, false);
    static final ListKeys NAMESERVERS = new ListKeys(Keys.NS_LIST, Keys.NS_LIST_CODES, Keys.NS_LIST_REASON, null,
            true);

    /** The lists of this family, in id order; a bad id, spec or option fails naming its key. */
    List<ListSpec> parse(ConfigValues v) {
        Map<String, String> specs = ids(v, spec);
        for (ConfigKey option : identities == null ? List.of(codes, reason) : List.of(codes, identities, reason)) {
            for (Map.Entry<String, String> o : ids(v, option).entrySet()) {
                if (!specs.containsKey(o.getKey())) {
                    throw v.fail(option.of(o.getKey()), o.getValue(), "option for list '" + o.getKey() + "', but "
                            + spec.of(o.getKey()) + " is not defined");
                }
            }
        }
        List<ListSpec> lists = new ArrayList<>();
        for (Map.Entry<String, String> e : specs.entrySet()) {
            String id = e.getKey();
            ListSpec l = v.parsed(spec.of(id), e.getValue(), s -> ListSpec.parse(s).withId(id));
            if (nameserverLists && !l.kind().isNameserverKind()) {
                throw v.fail(spec.of(id), e.getValue(), "a nameserver list needs the kind ns-name: "
                        + "(NS host names and their domains) or ns-ip: (NS addresses), e.g. ns-ip:" + l.zone());
            }
            String c = v.given(codes.of(id));
            if (c != null) {
                l = l.withCodes(codes(v, codes.of(id), c));
            }
            String i = identities == null ? null : v.given(identities.of(id));
            if (i != null) {
                l = withIdentities(v, l, identities.of(id), i);
            }
            String r = v.given(reason.of(id));
            if (r != null) {
                l = l.withFetchReason(r.isEmpty() || v.bool(reason.of(id), r));
            }
            lists.add(l);
        }
        return lists;
    }

    /** The instances of {@code pattern} by id; an id other than letters, digits, - or _ fails. */
    private static Map<String, String> ids(ConfigValues v, ConfigKey pattern) {
        Map<String, String> out = v.instances(pattern);
        for (Map.Entry<String, String> e : out.entrySet()) {
            if (!e.getKey().matches("[A-Za-z0-9_-]+")) {
                throw v.fail(pattern.of(e.getKey()), e.getValue(), "list id must be letters, digits, - or _");
            }
        }
        return out;
    }

    /** {@code 127.0.0.2 SBL 4, 127.0.0.4 XBL 3.5}: code, label, weight per comma-separated item. */
    static Map<String, CodeInfo> codes(ConfigValues v, String key, String value) {
        Map<String, CodeInfo> codes = new LinkedHashMap<>();
        for (String item : value.split(",")) {
            String[] f = item.trim().split("\\s+");
            if (f.length == 1 && f[0].isEmpty()) {
                continue;
            }
            if (f.length != 3) {
                throw v.fail(key, value, "each item must be 'CODE LABEL WEIGHT', got '" + item.trim() + "'");
            }
            if (!f[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw v.fail(key, value, "'" + f[0] + "' is not an IPv4 return code");
            }
            codes.put(f[0], new CodeInfo(f[1], v.number(key, f[2])));
        }
        return codes;
    }

    /** {@code helo, rdns}: the identities a list is asked about (ids of {@link Identity}). */
    private static ListSpec withIdentities(ConfigValues v, ListSpec spec, String key, String value) {
        Set<Identity> set = EnumSet.noneOf(Identity.class);
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
                throw v.fail(key, value, "unknown identity '" + item
                        + "' (known: client-ip, received-ip, helo, rdns, mail-from, from-header)");
            }
            set.add(found);
        }
        return v.parsed(key, value, s -> spec.withIdentities(set));
    }
}
