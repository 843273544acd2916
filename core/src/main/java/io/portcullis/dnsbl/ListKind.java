package io.portcullis.dnsbl;

import java.util.Locale;

/** What a list is queried with. */
public enum ListKind {
    /** Addresses (IPv4 reversed octets, IPv6 reversed nibbles, RFC 5782). */
    IP,
    /** Domain names (RHSBL): the registered domain of HELO, rDNS, MAIL FROM and From header names. */
    NAME;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
