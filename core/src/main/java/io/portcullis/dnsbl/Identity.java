package io.portcullis.dnsbl;

import java.util.Locale;

/** Which part of a connection or message a target came from. */
public enum Identity {
    CLIENT_IP(ListKind.IP),
    RECEIVED_IP(ListKind.IP),
    HELO(ListKind.NAME),
    RDNS(ListKind.NAME),
    MAIL_FROM(ListKind.NAME),
    FROM_HEADER(ListKind.NAME);

    private final ListKind kind;

    Identity(ListKind kind) {
        this.kind = kind;
    }

    /** The kind of list this identity is checked against. */
    public ListKind kind() {
        return kind;
    }

    /** Lower-case id with dashes, e.g. {@code mail-from}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
