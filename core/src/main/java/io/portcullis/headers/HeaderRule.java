package io.portcullis.headers;

/**
 * The catalogue of header-conformance rules. Each rule has a stable id (the enum name, used in
 * configuration as {@code headers.rule.<ID>=score|off}, in reports and in mail attributes), the clause
 * it enforces (or {@code heuristic}), a default score and a one-line summary.
 *
 * <p>How the default scores were chosen is explained in the package documentation. In short: proof
 * of fabrication (a forged client identity, an impossible zone, a Date that is no date) reaches the
 * default tag threshold of 5 alone; RFC MUST violations that broken legitimate software can commit
 * score 2-4, so two are needed; SHOULD violations and legal-but-odd constructs score 0.5-1.5.
 */
public enum HeaderRule {
    // ---- structure of the header block
    /** H25. */
    NO_HEADERS("RFC 5322 3.6", 6.0, "no header fields at all (or none of Date, From, Subject, Message-ID, To)"),
    /** H20. */
    MISSING_HEADER_BODY_SEPARATOR("RFC 5322 2.1", 3.0, "body starts without the empty line after the header"),
    /** H20. Only mixed line ends are judged: a message stored uniformly with LF is local format. */
    BARE_LINE_ENDING("RFC 5322 2.2, RFC 5321 2.3.8", 3.0, "bare CR, or bare LF mixed with CRLF, in the header"),
    HEADER_TOO_LARGE("heuristic", 2.0, "header block larger than 1 MiB or 2,000 fields; checking stopped there"),
    /** H13. */
    LINE_TOO_LONG("RFC 5322 2.1.1", 2.0, "header line longer than 998 octets"),
    /** H14. */
    BAD_FIELD_NAME("RFC 5322 2.2", 3.0, "field name with illegal characters, or white space before the colon"),
    /** H15. */
    RAW_8BIT_HEADER("RFC 5322 2.2, RFC 6532", 1.5, "unencoded 8-bit octets in a header without SMTPUTF8"),

    // ---- originator and destination fields
    /** H1. */
    MISSING_DATE("RFC 5322 3.6", 3.5, "no Date header"),
    /** H2. */
    MISSING_FROM("RFC 5322 3.6", 4.0, "no From header"),
    /** H3. */
    DUPLICATE_DATE("RFC 5322 3.6", 3.5, "more than one Date header"),
    DUPLICATE_FROM("RFC 5322 3.6", 4.0, "more than one From header"),
    DUPLICATE_SENDER("RFC 5322 3.6", 2.5, "more than one Sender header"),
    DUPLICATE_REPLY_TO("RFC 5322 3.6", 2.5, "more than one Reply-To header"),
    DUPLICATE_TO("RFC 5322 3.6", 1.0, "more than one To header"),
    DUPLICATE_CC("RFC 5322 3.6", 1.0, "more than one Cc header"),
    DUPLICATE_BCC("RFC 5322 3.6", 1.0, "more than one Bcc header"),
    DUPLICATE_MESSAGE_ID("RFC 5322 3.6", 3.0, "more than one Message-ID header"),
    DUPLICATE_IN_REPLY_TO("RFC 5322 3.6", 1.0, "more than one In-Reply-To header"),
    DUPLICATE_REFERENCES("RFC 5322 3.6", 1.0, "more than one References header"),
    DUPLICATE_SUBJECT("RFC 5322 3.6", 2.5, "more than one Subject header"),
    /** H4. */
    MULTIPLE_FROM_NO_SENDER("RFC 5322 3.6.2", 3.0, "From holds several mailboxes but there is no Sender"),
    /** H5. */
    SENDER_NOT_ONE_MAILBOX("RFC 5322 3.6.2", 2.0, "Sender does not hold exactly one mailbox"),
    /** H21. */
    INVALID_FROM_ADDRESS("RFC 5322 3.4, RFC 2047 5", 3.5,
            "From is not a valid mailbox list (or holds an encoded-word inside an address)"),
    /** H21. */
    INVALID_RECIPIENT_ADDRESS("RFC 5322 3.4, RFC 2047 5", 2.5,
            "To, Cc or Reply-To is not a valid address list (or holds an encoded-word inside an address)"),
    EMPTY_ADDRESS_FIELD("RFC 5322 3.6.3", 2.5, "To, Cc or Reply-To present but empty (address-list needs one address)"),
    /** H11. */
    NO_DESTINATION_HEADERS("heuristic (RFC 5322 3.6.3)", 0.5, "none of To, Cc, Bcc present"),
    /** H12. */
    MISSING_SUBJECT("heuristic (RFC 5322 3.6.5)", 1.0, "no Subject header"),
    SUBJECT_PADDED_TAG("heuristic", 5.0,
            "Subject hides a trailing tag behind a long run of blanks (a per-recipient tracking id)"),
    FROM_NAME_FOREIGN_ADDRESS("heuristic", 1.5,
            "From display name shows an e-mail address other than the real one"),

    // ---- identification fields
    /** H6. */
    MISSING_MESSAGE_ID("RFC 5322 3.6.4 (SHOULD)", 1.5, "no Message-ID header"),
    /** H7. */
    INVALID_MESSAGE_ID("RFC 5322 3.6.4", 2.5, "Message-ID is not <id-left@id-right>"),
    MESSAGE_ID_IP_LITERAL("heuristic", 0.5, "Message-ID right-hand side is an IP address, not a domain"),
    /**
     * The Message-ID is the queue id of a relay that took the message over SMTP from a public address
     * (e.g. {@code <200208231748.SAA11649@relay.example>} next to {@code by relay.example ... id
     * SAA11649}): the relay made it because the message arrived without one (RFC 6409 8.3 lets a
     * submission server do so). The evidence is the same as MISSING_MESSAGE_ID, hence the same score:
     * every mail client writes its own id, bulk scripts often do not.
     */
    MESSAGE_ID_FROM_RELAY("heuristic (RFC 5322 3.6.4, RFC 6409 8.3)", 1.5,
            "Message-ID was made by a relay from its queue id: the sender wrote none"),

    // ---- dates
    /** H8. */
    INVALID_DATE("RFC 5322 3.3", 5.0, "Date is not an RFC 5322 date-time"),
    DATE_WRONG_WEEKDAY("RFC 5322 3.3", 2.5, "Date day-of-week is not the day implied by the date"),
    /** H9. */
    ABSURD_DATE_ZONE("heuristic (RFC 5322 3.3)", 5.0, "Date zone offset that no real zone has (beyond -1200..+1400)"),
    DATE_ZONE_MISMATCH("heuristic (RFC 5322 3.3)", 2.0,
            "Date zone offset contradicts the zone named in the comment, e.g. -0500 (PST)"),
    /** H10. */
    DATE_IN_FUTURE("heuristic (RFC 5322 3.6.1)", 4.0, "Date later than the message was received"),
    /** H10. */
    DATE_IN_PAST("heuristic (RFC 5322 3.6.1)", 1.5, "Date long before the first hop received the message"),

    // ---- MIME and encoding
    /** H16. */
    BAD_ENCODED_WORD("RFC 2047 2", 2.0, "malformed RFC 2047 encoded-word"),
    /** H17. */
    UNNECESSARY_ENCODING("heuristic (RFC 2047)", 1.0,
            "From, Subject or Reply-To encoded although the text is plain ASCII"),
    /** H18. */
    MISSING_MIME_VERSION("RFC 2045 4", 2.5, "MIME headers without MIME-Version"),
    /** H19. */
    DUPLICATE_CONTENT_TYPE("RFC 2045 5", 3.5, "more than one Content-Type header"),
    /** H19. */
    DUPLICATE_CONTENT_TRANSFER_ENCODING("RFC 2045 6", 3.0, "more than one Content-Transfer-Encoding header"),
    /** H24. */
    CONTENT_TYPE_TRAILING_SEMICOLON("RFC 2045 5.1", 1.5, "Content-Type ends with ';'"),
    /**
     * The top-level Content-Type is text/html: there is no plain-text version (mail clients that write
     * HTML send multipart/alternative with a text/plain part). SpamAssassin's MIME_HTML_ONLY idea. Some
     * legitimate newsletters do this too, so it only adds weight.
     */
    CONTENT_TYPE_HTML_ONLY("heuristic", 1.0, "top-level Content-Type is text/html: no plain-text version"),

    // ---- trace
    /** H22. */
    UNPARSEABLE_RECEIVED("RFC 5322 3.6.7", 0.5, "Received header without a valid '; date-time'"),
    /** H22. */
    RECEIVED_DATE_GARBLED("RFC 5322 3.6.7", 2.0,
            "Received timestamp missing or not a date-time even read leniently (no MTA writes that)"),
    /** H22. */
    RECEIVED_INVALID_IP("heuristic (RFC 5321 4.4)", 2.5, "Received names an impossible or reserved IPv4 address"),
    /**
     * A hop records that the client greeted (HELO/EHLO) with an address literal that is a public
     * address other than the one it connected from. RFC 5321 4.1.1.1 and 4.1.3: the literal names the
     * client itself. A client behind NAT greets with its private address, and a multi-homed host or
     * NAT pool with a sibling in its own /24: neither is judged; another public address is a made-up
     * greeting (SpamAssassin's RCVD_HELO_IP_MISMATCH idea).
     */
    RECEIVED_HELO_IP_MISMATCH("heuristic (RFC 5321 4.1.1.1)", 1.5,
            "a client greeted with a public address literal outside its own /24"),

    // ---- software signatures
    /** H23. */
    FORGED_MUA("heuristic", 5.0, "X-Mailer/User-Agent names a client whose Message-ID format does not match"),
    RATWARE_MS_HEADERS("heuristic", 5.0,
            "Microsoft-client header markers without the X-MimeOLE stamp those clients always add"),
    BULK_MAILER("heuristic", 2.5, "X-Mailer names mass-mailing software"),
    /**
     * X-Priority is not a standard field: the desktop clients that write it (Outlook, Outlook Express,
     * Eudora, Netscape, The Bat!, Pegasus ...) all name themselves in X-Mailer or User-Agent. Mass
     * mailing scripts copy the priority flag to look urgent but leave the client name out.
     */
    PRIORITY_WITHOUT_MAILER("heuristic", 1.0, "X-Priority set but no X-Mailer or User-Agent names the client");

    private final String reference;
    private final double defaultScore;
    private final String summary;

    HeaderRule(String reference, double defaultScore, String summary) {
        this.reference = reference;
        this.defaultScore = defaultScore;
        this.summary = summary;
    }

    /** Stable identifier, e.g. {@code MISSING_DATE}. */
    public String id() {
        return name();
    }

    /** The RFC clause the rule enforces, or {@code heuristic}. */
    public String reference() {
        return reference;
    }

    public double defaultScore() {
        return defaultScore;
    }

    public String summary() {
        return summary;
    }
}
