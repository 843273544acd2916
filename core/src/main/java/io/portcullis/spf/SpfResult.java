package io.portcullis.spf;

import java.util.Locale;

/** The results of an SPF check (RFC 7208, section 2.6). */
public enum SpfResult {
    /** No SPF record (or no domain to check). */
    NONE,
    /** The domain makes no assertion about the client ({@code ?}, or no mechanism matched). */
    NEUTRAL,
    /** The client is authorised to use the domain. */
    PASS,
    /** The client is not authorised ({@code -}). */
    FAIL,
    /** Probably not authorised ({@code ~}). */
    SOFTFAIL,
    /** A transient DNS failure (a server failure, a timeout, or no answer within the check's time). */
    TEMPERROR,
    /** The domain's record could not be interpreted (syntax, several records, over a limit). */
    PERMERROR;

    /** {@code pass}, {@code softfail}, ...: the name RFC 7208 uses (also in Received-SPF). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
