package io.portcullis.headers;

/**
 * The catalogue of header-conformance rules. Each rule has a stable id (the enum name, used in
 * configuration as {@code headers.rule.<ID>=score|off}, in reports and in mail attributes), a
 * {@link Kind} ({@code rfc} or {@code heuristic}), a {@link Family}, the clause it enforces, a default
 * score and a one-line summary.
 *
 * <p>The scoring principle (package documentation, enforced by a unit test): only an {@code rfc} rule
 * (an RFC MUST broken in a way no conforming mail client or server produces) may reach the default tag
 * threshold on its own; every {@code heuristic} rule scores below it, so it tags only together with
 * other evidence. Rules of the {@link Family#BULK_STYLE} family (signals that legitimate newsletters
 * share) count together at most {@link #BULK_STYLE_CAP}.
 */
public enum HeaderRule {
    // ---- structure of the header block
    /** H25. */
    NO_HEADERS(Kind.RFC, Family.OWN, "RFC 5322 3.6", 6.0, "no header fields at all (or none of Date, From, Subject, Message-ID, To)"),
    /** H20. */
    MISSING_HEADER_BODY_SEPARATOR(Kind.RFC, Family.OWN, "RFC 5322 2.1", 3.0, "body starts without the empty line after the header"),
    /** H20. Only mixed line ends are judged: a message stored uniformly with LF is local format. */
    BARE_LINE_ENDING(Kind.RFC, Family.OWN, "RFC 5322 2.2, RFC 5321 2.3.8", 3.0, "bare CR, or bare LF mixed with CRLF, in the header"),
    HEADER_TOO_LARGE(Kind.HEURISTIC, Family.OWN, "heuristic", 2.0, "header block larger than 1 MiB or 2,000 fields; checking stopped there"),
    /** H13. */
    LINE_TOO_LONG(Kind.RFC, Family.OWN, "RFC 5322 2.1.1", 2.0, "header line longer than 998 octets"),
    /** H14. */
    BAD_FIELD_NAME(Kind.RFC, Family.OWN, "RFC 5322 2.2", 3.0, "field name with illegal characters, or white space before the colon"),
    /** H15. */
    RAW_8BIT_HEADER(Kind.RFC, Family.OWN, "RFC 5322 2.2, RFC 6532", 1.5, "unencoded 8-bit octets in a header without SMTPUTF8"),

    // ---- originator and destination fields
    /** H1. */
    MISSING_DATE(Kind.RFC, Family.OWN, "RFC 5322 3.6", 3.5, "no Date header"),
    /** H2. */
    MISSING_FROM(Kind.RFC, Family.OWN, "RFC 5322 3.6", 4.0, "no From header"),
    /** H3. */
    DUPLICATE_DATE(Kind.RFC, Family.OWN, "RFC 5322 3.6", 3.5, "more than one Date header"),
    DUPLICATE_FROM(Kind.RFC, Family.OWN, "RFC 5322 3.6", 4.0, "more than one From header"),
    DUPLICATE_SENDER(Kind.RFC, Family.OWN, "RFC 5322 3.6", 2.5, "more than one Sender header"),
    DUPLICATE_REPLY_TO(Kind.RFC, Family.OWN, "RFC 5322 3.6", 2.5, "more than one Reply-To header"),
    DUPLICATE_TO(Kind.RFC, Family.OWN, "RFC 5322 3.6", 1.0, "more than one To header"),
    DUPLICATE_CC(Kind.RFC, Family.OWN, "RFC 5322 3.6", 1.0, "more than one Cc header"),
    DUPLICATE_BCC(Kind.RFC, Family.OWN, "RFC 5322 3.6", 1.0, "more than one Bcc header"),
    DUPLICATE_MESSAGE_ID(Kind.RFC, Family.OWN, "RFC 5322 3.6", 3.0, "more than one Message-ID header"),
    DUPLICATE_IN_REPLY_TO(Kind.RFC, Family.OWN, "RFC 5322 3.6", 1.0, "more than one In-Reply-To header"),
    DUPLICATE_REFERENCES(Kind.RFC, Family.OWN, "RFC 5322 3.6", 1.0, "more than one References header"),
    DUPLICATE_SUBJECT(Kind.RFC, Family.OWN, "RFC 5322 3.6", 2.5, "more than one Subject header"),
    /** H4. */
    MULTIPLE_FROM_NO_SENDER(Kind.RFC, Family.OWN, "RFC 5322 3.6.2", 3.0, "From holds several mailboxes but there is no Sender"),
    /** H5. */
    SENDER_NOT_ONE_MAILBOX(Kind.RFC, Family.OWN, "RFC 5322 3.6.2", 2.0, "Sender does not hold exactly one mailbox"),
    /** H21. */
    INVALID_FROM_ADDRESS(Kind.RFC, Family.OWN, "RFC 5322 3.4, RFC 2047 5", 3.5,
            "From is not a valid mailbox list (or holds an encoded-word inside an address)"),
    /** H21. */
    INVALID_RECIPIENT_ADDRESS(Kind.RFC, Family.OWN, "RFC 5322 3.4, RFC 2047 5", 2.5,
            "To, Cc or Reply-To is not a valid address list (or holds an encoded-word inside an address)"),
    EMPTY_ADDRESS_FIELD(Kind.RFC, Family.BULK_STYLE, "RFC 5322 3.6.3", 1.5, "To, Cc or Reply-To present but empty (address-list needs one address)"),
    /** H11. */
    NO_DESTINATION_HEADERS(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic (RFC 5322 3.6.3)", 0.5, "none of To, Cc, Bcc present"),
    /** H12. */
    MISSING_SUBJECT(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic (RFC 5322 3.6.5)", 1.0, "no Subject header"),
    SUBJECT_PADDED_TAG(Kind.HEURISTIC, Family.OWN, "heuristic", 3.5,
            "Subject hides a trailing tag behind a long run of blanks (a per-recipient tracking id)"),
    FROM_NAME_FOREIGN_ADDRESS(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic", 1.5,
            "From display name shows an e-mail address other than the real one"),

    // ---- identification fields
    /** H6. */
    MISSING_MESSAGE_ID(Kind.HEURISTIC, Family.BULK_STYLE, "RFC 5322 3.6.4 (SHOULD)", 1.5, "no Message-ID header"),
    /** H7. */
    INVALID_MESSAGE_ID(Kind.RFC, Family.OWN, "RFC 5322 3.6.4", 2.5, "Message-ID is not <id-left@id-right>"),
    MESSAGE_ID_IP_LITERAL(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic", 0.5, "Message-ID right-hand side is an IP address, not a domain"),
    /**
     * The Message-ID is the queue id of a relay that took the message over SMTP from a public address
     * (e.g. {@code <200208231748.SAA11649@relay.example>} next to {@code by relay.example ... id
     * SAA11649}): the relay made it because the message arrived without one (RFC 6409 8.3 lets a
     * submission server do so). The evidence is the same as MISSING_MESSAGE_ID, hence the same score:
     * every mail client writes its own id, bulk scripts often do not.
     */
    MESSAGE_ID_FROM_RELAY(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic (RFC 5322 3.6.4, RFC 6409 8.3)", 1.5,
            "Message-ID was made by a relay from its queue id: the sender wrote none"),

    // ---- dates
    /** H8. */
    INVALID_DATE(Kind.RFC, Family.OWN, "RFC 5322 3.3", 5.0, "Date is not an RFC 5322 date-time"),
    DATE_WRONG_WEEKDAY(Kind.RFC, Family.OWN, "RFC 5322 3.3", 2.5, "Date day-of-week is not the day implied by the date"),
    /** H9. */
    ABSURD_DATE_ZONE(Kind.HEURISTIC, Family.OWN, "heuristic (RFC 5322 3.3)", 4.0, "Date zone offset that no real zone has (beyond -1200..+1400)"),
    DATE_ZONE_MISMATCH(Kind.HEURISTIC, Family.OWN, "heuristic (RFC 5322 3.3)", 2.0,
            "Date zone offset contradicts the zone named in the comment, e.g. -0500 (PST)"),
    /** H10. */
    DATE_IN_FUTURE(Kind.HEURISTIC, Family.OWN, "heuristic (RFC 5322 3.6.1)", 3.5, "Date later than the message was received"),
    /** H10. */
    DATE_IN_PAST(Kind.HEURISTIC, Family.OWN, "heuristic (RFC 5322 3.6.1)", 1.5, "Date long before the first hop received the message"),

    // ---- MIME and encoding
    /** H16. */
    BAD_ENCODED_WORD(Kind.RFC, Family.OWN, "RFC 2047 2", 2.0, "malformed RFC 2047 encoded-word"),
    /** H17. */
    UNNECESSARY_ENCODING(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic (RFC 2047)", 1.0,
            "From, Subject or Reply-To encoded although the text is plain ASCII"),
    /** H18. */
    MISSING_MIME_VERSION(Kind.RFC, Family.OWN, "RFC 2045 4", 2.5, "MIME headers without MIME-Version"),
    /** H19. */
    DUPLICATE_CONTENT_TYPE(Kind.RFC, Family.OWN, "RFC 2045 5", 3.5, "more than one Content-Type header"),
    /** H19. */
    DUPLICATE_CONTENT_TRANSFER_ENCODING(Kind.RFC, Family.OWN, "RFC 2045 6", 3.0, "more than one Content-Transfer-Encoding header"),
    /** H24. */
    CONTENT_TYPE_TRAILING_SEMICOLON(Kind.RFC, Family.OWN, "RFC 2045 5.1", 1.5, "Content-Type ends with ';'"),
    /**
     * The top-level Content-Type is text/html: there is no plain-text version (mail clients that write
     * HTML send multipart/alternative with a text/plain part). SpamAssassin's MIME_HTML_ONLY idea. Some
     * legitimate newsletters do this too, so it only adds weight.
     */
    CONTENT_TYPE_HTML_ONLY(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic", 1.0, "top-level Content-Type is text/html: no plain-text version"),

    // ---- trace
    /** H22. */
    UNPARSEABLE_RECEIVED(Kind.HEURISTIC, Family.OWN, "RFC 5322 3.6.7", 0.5, "Received header without a valid '; date-time'"),
    /** H22. */
    RECEIVED_DATE_GARBLED(Kind.HEURISTIC, Family.OWN, "RFC 5322 3.6.7", 2.0,
            "Received timestamp missing or not a date-time even read leniently (no MTA writes that)"),
    /** H22. */
    RECEIVED_INVALID_IP(Kind.HEURISTIC, Family.OWN, "heuristic (RFC 5321 4.4)", 2.5, "Received names an impossible or reserved IPv4 address"),
    /**
     * A hop records that the client greeted (HELO/EHLO) with an address literal that is a public
     * address other than the one it connected from. RFC 5321 4.1.1.1 and 4.1.3: the literal names the
     * client itself. A client behind NAT greets with its private address, and a multi-homed host or
     * NAT pool with a sibling in its own /24: neither is judged; another public address is a made-up
     * greeting (SpamAssassin's RCVD_HELO_IP_MISMATCH idea).
     */
    RECEIVED_HELO_IP_MISMATCH(Kind.HEURISTIC, Family.OWN, "heuristic (RFC 5321 4.1.1.1)", 2.0,
            "a client greeted with a public address literal outside its own /24"),
    /**
     * A hop records that the client greeted with a host name of a large mailbox provider (Yahoo/AOL,
     * Microsoft, Google, ...), but the reverse name the receiving relay recorded for its address is
     * outside that provider's domains (or {@code unknown}). The providers' outbound servers all have
     * reverse names in their own domains; a bulk mailer, legitimate or not, has no reason to claim to
     * be one. Hops that record no reverse name are not judged. (SpamAssassin's FORGED_YAHOO_RCVD,
     * FORGED_HOTMAIL_RCVD idea.)
     */
    RECEIVED_FORGED_PROVIDER_HELO(Kind.HEURISTIC, Family.OWN, "heuristic (RFC 5321 4.1.1.1)", 3.5,
            "a client greeted as a large mail provider's host, but its address's reverse name is not the provider's"),

    // ---- software signatures
    /** H23. */
    FORGED_MUA(Kind.HEURISTIC, Family.OWN, "heuristic", 3.0,
            "X-Mailer/User-Agent (or X-MSMail-Priority) names a client that did not write this Message-ID"),
    /**
     * Microsoft's MIME engine writes Message-IDs as {@code <counter+FILETIME-high$FILETIME-low$IPv4@host>}:
     * the id carries the moment it was written, on the same clock as the Date. An id in that shape whose
     * time is not the Date's (more than two days apart) was not written by the engine: it imitates it.
     */
    RATWARE_MS_HEADERS(Kind.HEURISTIC, Family.OWN, "heuristic", 3.5,
            "Message-ID imitates Microsoft's $-format, but the time it encodes is not the Date's"),
    BULK_MAILER(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic", 1.5, "X-Mailer names mass-mailing software"),
    /**
     * X-Priority is not a standard field: the desktop clients that write it (Outlook, Outlook Express,
     * Eudora, Netscape, The Bat!, Pegasus ...) all name themselves in X-Mailer or User-Agent. Mass
     * mailing scripts copy the priority flag to look urgent but leave the client name out.
     */
    PRIORITY_WITHOUT_MAILER(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic", 1.0, "X-Priority set but no X-Mailer or User-Agent names the client"),
    /**
     * X-MSMail-Priority without the X-MimeOLE stamp Microsoft's engine writes with it. Bulk-mailing
     * products (legitimate ones too) copy the Microsoft priority fields, so this is style, not forgery:
     * it was part of RATWARE_MS_HEADERS until that tagged legitimate newsletters alone.
     */
    MS_PRIORITY_WITHOUT_MIMEOLE(Kind.HEURISTIC, Family.BULK_STYLE, "heuristic", 1.0,
            "X-MSMail-Priority without the X-MimeOLE stamp Microsoft's engine writes with it"),
    /**
     * A Received field that records an SMTP hop from a public address stands below an originator field
     * (From, Date, Subject, Message-ID, To). Every relay prepends its trace field (RFC 5321 4.4, RFC 5322
     * 3.6: trace fields MUST NOT be reordered): a hop below the originator fields was written by the
     * sender itself, i.e. the trace is fabricated. Webmail ("via HTTP") and hops from private or
     * loopback addresses are not judged (some gateways write those below the message's own fields).
     */
    TRACE_BELOW_ORIGINATOR(Kind.HEURISTIC, Family.OWN, "heuristic (RFC 5321 4.4, RFC 5322 3.6)", 3.0,
            "a Received hop from a public address stands below the From/Date/Message-ID fields: a made-up trace"),
    /**
     * Combination: the client named in X-Mailer/User-Agent (FORGED_MUA) always writes its own
     * Message-ID, yet the Received trace shows a relay had to make one (MESSAGE_ID_FROM_RELAY). A
     * mailing program that merely copies a client's X-Mailer writes its own id and does not fire this.
     */
    FORGED_MUA_RELAY_ID(Kind.HEURISTIC, Family.OWN, "heuristic (combination)", 1.5,
            "the named client always writes a Message-ID, but the Received trace shows a relay made it");

    /**
     * Whether a rule enforces an RFC requirement or is a heuristic. The scoring principle: only
     * {@link #RFC} rules may reach the tag threshold alone.
     */
    public enum Kind {
        /** An RFC MUST broken in a way no conforming mail client or server produces. */
        RFC("rfc"),
        /** Everything else: SHOULDs, signatures, style; scores stay below the tag threshold. */
        HEURISTIC("heuristic");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** Evidence families: signals of one family are correlated and must not add up as if independent. */
    public enum Family {
        /** The rule's score counts in full. */
        OWN,
        /**
         * Signals legitimate bulk mail shares (HTML only, priority flags, relay-made Message-ID, empty
         * To, bulk-mailing software, ...): together they count at most {@link HeaderRule#BULK_STYLE_CAP}.
         */
        BULK_STYLE
    }

    /**
     * The most that {@link Family#BULK_STYLE} rules add to a message's score together. Below the gap
     * between the strongest heuristic and the default tag threshold of 5 (the strongest heuristic is
     * 4.0), so bulk style plus one heuristic of another family does not tag, but plus two does.
     */
    public static final double BULK_STYLE_CAP = 1.5;

    private final Kind kind;
    private final Family family;
    private final String reference;
    private final double defaultScore;
    private final String summary;

    HeaderRule(Kind kind, Family family, String reference, double defaultScore, String summary) {
        this.kind = kind;
        this.family = family;
        this.reference = reference;
        this.defaultScore = defaultScore;
        this.summary = summary;
    }

    /** Stable identifier, e.g. {@code MISSING_DATE}. */
    public String id() {
        return name();
    }

    public Kind kind() {
        return kind;
    }

    public Family family() {
        return family;
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

    /**
     * A message's header score from the scores of the rules that fired: the sum, except that
     * {@link Family#BULK_STYLE} rules contribute at most {@link #BULK_STYLE_CAP} together (negative
     * scores, e.g. configured allowances, count in full). {@code scores[i]} belongs to {@code rules[i]}.
     */
    public static double total(HeaderRule[] rules, double[] scores, int n) {
        double sum = 0;
        double bulk = 0;
        for (int i = 0; i < n; i++) {
            double s = scores[i];
            if (rules[i].family == Family.BULK_STYLE && s > 0) {
                bulk += s;
            } else {
                sum += s;
            }
        }
        return sum + Math.min(bulk, BULK_STYLE_CAP);
    }
}
