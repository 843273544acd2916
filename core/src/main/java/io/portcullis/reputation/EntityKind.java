package io.portcullis.reputation;

import java.util.Locale;

/** What a reputation record is about; {@link #rule()} is the finding's rule, {@link #id()} the key's word. */
public enum EntityKind {
    /** The client address. */
    IP,
    /** The client's /24 (IPv4) or /64 (IPv6). */
    NET,
    /** The client's origin AS (when the network owner check found one). */
    ASN,
    /** The HELO name's registered domain. */
    HELO,
    /** The envelope sender's registered domain. */
    MAIL_FROM,
    /** The From header's registered domain. */
    FROM,
    /** A nameserver host of the envelope sender's domain. */
    NS;

    /** {@code ip}, {@code net}, {@code asn}, {@code helo}, {@code mail-from}, {@code from}, {@code ns}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The finding's rule: {@code IP}, {@code NET}, ..., {@code MAIL_FROM}. */
    public String rule() {
        return name();
    }

    /** The kind of a key word ({@code mail-from}), or null. */
    public static EntityKind ofId(String id) {
        for (EntityKind k : values()) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        return null;
    }

    /**
     * Whether a good history may lower the score. Networks, ASes and nameservers only ever count against a
     * sender: many cheap addresses (or domains) behind one network must not be able to lift it.
     */
    public boolean mayBeGood() {
        return this == IP || this == HELO || this == MAIL_FROM || this == FROM;
    }
}
