package io.portcullis.decision;

import java.util.Locale;

/** Why a client or recipient is never refused by Portcullis (James's own checks still apply). */
public enum Exemption {
    /** Not exempt: judged as usual. */
    NONE,
    /** The client may relay: James's {@code authorizedAddresses}, or it authenticated (SMTP AUTH). */
    RELAY,
    /**
     * The client is on {@code smtp.allow}: by address or network, or by a host name that is its forward-confirmed
     * reverse DNS name (never by HELO or MAIL FROM, which any client can claim).
     */
    ALLOW_LIST,
    /** Every recipient of the transaction is {@code postmaster@} or {@code abuse@} a local domain (RFC 5321 4.5.1). */
    POSTMASTER;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
