package io.portcullis.nameservers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Nameserver domains that are never <em>learned</em> as spam nameservers: the shared hosting, DNS provider
 * and registrar nameservers that serve millions of domains, good and bad alike. An entry is a domain that
 * covers itself and every host under it ({@code cloudflare.com} covers {@code ada.ns.cloudflare.com}); a
 * {@code *} inside a label matches any run of letters, digits and dashes ({@code ultradns.*} covers
 * {@code pdns1.ultradns.net}); an entry of a single label matches that label anywhere in the host name
 * ({@code awsdns-*} covers {@code ns-12.awsdns-34.co.uk}). The list only
 * keeps the learned source from listing; an operator's local list and DNS lists still apply. Immutable.
 */
public final class NsAllowList {
    /** The entries of {@link #DEFAULT}. */
    public static final List<String> DEFAULT_ENTRIES = List.of(
            // DNS providers and CDNs
            "cloudflare.com", "awsdns-*", "azure-dns.*", "googledomains.com", "google.com", "nsone.net",
            "ultradns.*", "dynect.net", "akam.net", "akamaiedge.net", "dnsmadeeasy.com", "dnsimple.com",
            "he.net", "cloudns.net", "easydns.com", "easydns.org", "digicert.com", "gcore.com",
            "rackspace.com", "vercel-dns.com", "netlify.com",
            // registrars and their parking / default nameservers
            "domaincontrol.com", "registrar-servers.com", "worldnic.com", "name.com", "gandi.net", "ovh.net",
            "ovh.ca", "ionos.com", "ui-dns.com", "ui-dns.de", "ui-dns.org", "ui-dns.biz", "hostgator.com",
            "bluehost.com", "dreamhost.com", "namebrightdns.com", "dnspod.net", "hichina.com", "alidns.com",
            "name-services.com", "porkbun.com", "wixdns.net", "squarespacedns.com", "registrar.eu",
            "one.com", "strato.de", "hostinger.com", "dns-parking.com", "inwx.de", "inwx.eu",
            "namecheaphosting.com", "web.com", "networksolutions.com", "register.com", "tucows.com",
            // hosting companies
            "hetzner.com", "your-server.de", "digitalocean.com", "linode.com", "vultr.com", "contabo.net",
            "siteground.net", "hostpapa.com", "a2hosting.com", "liquidweb.com", "godaddy.com",
            "secureserver.net", "microsoftonline.com", "outlook.com", "yahoo.com", "zoho.com");

    /** The shipped allow list ({@link #DEFAULT_ENTRIES}). */
    public static final NsAllowList DEFAULT = parse(String.join(" ", DEFAULT_ENTRIES));
    /** Allows nothing. */
    public static final NsAllowList NONE = new NsAllowList(List.of(), List.of());

    private final List<String> entries;
    private final List<Pattern> patterns;

    private NsAllowList(List<String> entries, List<Pattern> patterns) {
        this.entries = List.copyOf(entries);
        this.patterns = List.copyOf(patterns);
    }

    /**
     * Parses a comma or space separated list of domain patterns.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static NsAllowList parse(String list) {
        List<String> entries = new ArrayList<>();
        List<Pattern> patterns = new ArrayList<>();
        for (String raw : list.split("[,\\s]+")) {
            String e = raw.trim().toLowerCase(Locale.ROOT);
            while (e.endsWith(".")) {
                e = e.substring(0, e.length() - 1);
            }
            if (e.startsWith("*.")) {
                e = e.substring(2);
            }
            if (e.isEmpty()) {
                continue;
            }
            if (!e.matches("[a-z0-9_*]([a-z0-9_*-]*[a-z0-9_*])?(\\.[a-z0-9_*]([a-z0-9_*-]*[a-z0-9_*])?)*")) {
                throw new IllegalArgumentException("'" + raw + "' is not a nameserver domain pattern");
            }
            StringBuilder re = new StringBuilder("(?:^|.*\\.)");
            for (char c : e.toCharArray()) {
                if (c == '*') {
                    re.append("[a-z0-9_-]*");
                } else if (c == '.') {
                    re.append("\\.");
                } else {
                    re.append(c);
                }
            }
            if (e.indexOf('.') < 0) {
                re.append("(?:\\..*)?");
            }
            entries.add(e);
            patterns.add(Pattern.compile(re.toString()));
        }
        return new NsAllowList(entries, patterns);
    }

    /** The entry covering {@code host}, or null. */
    public String match(String host) {
        if (host == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matcher(h).matches()) {
                return entries.get(i);
            }
        }
        return null;
    }

    public boolean allows(String host) {
        return match(host) != null;
    }

    public List<String> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return String.join(", ", entries);
    }
}
