package io.portcullis.verdict;

import java.util.Locale;

/** What Portcullis does with a message, in increasing order of severity. */
public enum Action {
    ACCEPT,
    TAG,
    TARPIT,
    REJECT;

    /** Lower-case name as used in JSON output and configuration: {@code accept}, {@code tag}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
