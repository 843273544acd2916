package io.portcullis.nameservers;

import java.util.Locale;

/** The verdict on one nameserver (or on the whole nameserver view of a message). */
public enum NsStatus {
    /** At least one source lists the nameserver, its domain or one of its addresses. */
    LISTED,
    /** Every source answered and none lists it. */
    CLEAN,
    /** No listing, but something could not be determined (DNS failure, lame or missing NS, store down). */
    UNKNOWN;

    /** {@code listed}, {@code clean} or {@code unknown}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
