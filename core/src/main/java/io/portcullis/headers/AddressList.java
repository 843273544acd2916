package io.portcullis.headers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Result of parsing an RFC 5322 address list (3.4), accepting the obsolete forms of 4.4 (empty list
 * elements, obs-route, CFWS between words, '.' in phrases). Immutable.
 */
final class AddressList {
    /** One mailbox: its display name (raw, possibly encoded-word or quoted) and addr-spec parts. */
    static final class Mailbox {
        final String displayName;
        final String localPart;
        final String domain;

        Mailbox(String displayName, String localPart, String domain) {
            this.displayName = displayName;
            this.localPart = localPart;
            this.domain = domain;
        }

        String address() {
            return localPart + "@" + domain;
        }
    }

    private final List<Mailbox> mailboxes;
    private final int groups;
    private final String error;

    AddressList(List<Mailbox> mailboxes, int groups, String error) {
        this.mailboxes = Collections.unmodifiableList(new ArrayList<>(mailboxes));
        this.groups = groups;
        this.error = error;
    }

    List<Mailbox> mailboxes() {
        return mailboxes;
    }

    int groups() {
        return groups;
    }

    /** The first syntax error, or null when the whole list parsed. */
    String error() {
        return error;
    }

    boolean valid() {
        return error == null;
    }
}
