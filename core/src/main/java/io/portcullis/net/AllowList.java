package io.portcullis.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A local allow list of networks and domains: {@code 192.0.2.0/24, 2001:db8::/32, example.com}. A
 * domain entry covers the domain and its subdomains. Immutable.
 */
public final class AllowList {
    public static final AllowList NONE = new AllowList(Networks.NONE, List.of());

    private final Networks networks;
    private final List<String> domains;

    private AllowList(Networks networks, List<String> domains) {
        this.networks = networks;
        this.domains = List.copyOf(domains);
    }

    /**
     * Parses a comma or space separated list of CIDR networks, addresses and domain names.
     *
     * @throws IllegalArgumentException naming the bad item
     */
    public static AllowList parse(String list) {
        List<String> nets = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (String s : list.split("[,\\s]+")) {
            if (s.isEmpty()) {
                continue;
            }
            if (s.matches("[0-9.]+(/\\d+)?") || s.indexOf(':') >= 0) {
                nets.add(s);
            } else if (s.matches("(?i)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?")) {
                domains.add(s.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
            } else {
                throw new IllegalArgumentException("'" + s + "' is neither a network nor a domain name");
            }
        }
        return new AllowList(Networks.parse(String.join(",", nets)), domains);
    }

    public boolean contains(InetAddress address) {
        return networks.contains(address);
    }

    /** True when {@code host} is an allowed domain or a subdomain of one. */
    public boolean containsDomain(String host) {
        if (host == null) {
            return false;
        }
        // Called for every name a DNS list is asked about: no regular expression here (String.replaceAll compiled
        // one per call, a measurable share of the SMTP handler's CPU). Drops one trailing dot, as before.
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String d : domains) {
            if (h.equals(d) || h.endsWith("." + d)) {
                return true;
            }
        }
        return false;
    }

    /** True when the list names domains (matched against a client's forward-confirmed reverse DNS name). */
    public boolean hasDomains() {
        return !domains.isEmpty();
    }

    public boolean isEmpty() {
        return networks.isEmpty() && domains.isEmpty();
    }

    @Override
    public String toString() {
        String n = networks.toString();
        String d = String.join(", ", domains);
        return n.isEmpty() ? d : d.isEmpty() ? n : n + ", " + d;
    }
}
