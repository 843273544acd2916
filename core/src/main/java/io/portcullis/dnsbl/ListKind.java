package io.portcullis.dnsbl;

import java.util.Locale;

/** What a list is queried with. */
public enum ListKind {
    /** Addresses (IPv4 reversed octets, IPv6 reversed nibbles, RFC 5782). */
    IP,
    /** Domain names (RHSBL): the registered domain of HELO, rDNS, MAIL FROM and From header names. */
    NAME,
    /**
     * Domain names of the sender's nameservers: each NS host name and its registered domain (SpamAssassin's
     * {@code urifullnsrhsbl} and {@code urinsrhsbl}, applied to the sender). Used by the nameserver check only.
     */
    NS_NAME,
    /** Addresses of the sender's nameservers (SpamAssassin's {@code uridnsbl} with tflag {@code ns}). Nameserver check only. */
    NS_IP;

    /** Lower-case id with dashes, as written in a list spec: {@code ip}, {@code name}, {@code ns-name}, {@code ns-ip}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True when entries are addresses (reversed), false when they are domain names. */
    public boolean queriesAddresses() {
        return this == IP || this == NS_IP;
    }

    /** True for the kinds applied to nameservers rather than to the sender's own identities. */
    public boolean isNameserverKind() {
        return this == NS_NAME || this == NS_IP;
    }
}
