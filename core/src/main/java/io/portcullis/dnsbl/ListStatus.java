package io.portcullis.dnsbl;

import java.util.Locale;

/** The state of one target on one list. */
public enum ListStatus {
    /** At least one answer passed the list's filter. */
    LISTED,
    /** NXDOMAIN/NODATA, or only answers that the filter does not select. */
    CLEAN,
    /** The list answered with an error/block code: never a listing. */
    BLOCKED,
    /** Timeout, SERVFAIL, network error, or the list is suspended: no opinion. */
    UNKNOWN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
