package io.portcullis.dnsbl;

import io.portcullis.net.Hosts;
/**
 * Answers that are never listings, whatever the configured filter says (the table of codes is
 * {@code docs/dns-list-codes.md} in the repository): anything outside 127.0.0.0/8 (a wildcarded or
 * expired zone), 127.255.255.0/24 (Spamhaus and Validity error codes: .252 typing error, .254 public or
 * unattributable resolver, .255 excessive queries), Spamhaus DBL 127.0.1.255 (an IP queried against a
 * domain list), URIBL 127.0.0.1 (query refused), SURBL answers with bit 1 set (blocked), DNSWL
 * 127.0.0.255 (blocked).
 */
public final class KnownErrorCodes {
    private KnownErrorCodes() {
    }

    /** The reason the answer is an error or block notice for {@code zone}, or null if it may be a listing. */
    public static String explain(String zone, String answer) {
        int[] a = Hosts.ipv4(answer);
        if (a == null || a[0] != 127) {
            return "answer " + answer + " is outside 127.0.0.0/8: not a listing (wildcard or hijacked zone?)";
        }
        if (a[1] == 255 && a[2] == 255) {
            switch (a[3]) {
                case 252:
                    return "error 127.255.255.252: typing error in the list name";
                case 254:
                    return "error 127.255.255.254: query via a public/open resolver or unattributable rDNS; use your own resolver";
                case 255:
                    return "error 127.255.255.255: excessive number of queries";
                default:
                    return "error code " + answer + " (127.255.255.0/24 is reserved for errors)";
            }
        }
        if (zone.endsWith("spamhaus.org") || zone.endsWith("spamhaus.net")) {
            if (a[1] == 0 && a[2] == 1 && a[3] == 255) {
                return "error 127.0.1.255: an IP address was queried against a domain list";
            }
        }
        if (zone.endsWith("uribl.com") && a[1] == 0 && a[2] == 0 && a[3] == 1) {
            return "URIBL answered 127.0.0.1: query refused (volume or open resolver)";
        }
        if (zone.endsWith("surbl.org") && a[1] == 0 && a[2] == 0 && (a[3] & 1) != 0) {
            return "SURBL answered " + answer + " (bit 1): query blocked";
        }
        if (zone.endsWith("dnswl.org") && a[1] == 0 && a[2] == 0 && a[3] == 255) {
            return "DNSWL answered 127.0.0.255: query blocked (volume limit)";
        }
        return null;
    }
}
