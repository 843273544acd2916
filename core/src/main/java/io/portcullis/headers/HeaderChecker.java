package io.portcullis.headers;

import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a message's header block against the {@link HeaderRule} catalogue. Thread-safe (no mutable
 * state); never throws on any input: each group of rules runs guarded, and a group that failed
 * unexpectedly reports nothing rather than a guess.
 *
 * <p>Dates are judged against the message's own trace, not the wall clock: see {@link #FUTURE_SLACK_SECONDS}
 * and {@link #PAST_SLACK_SECONDS}.
 */
public final class HeaderChecker {
    /** The value of {@link Finding#check()} for findings of this checker. */
    public static final String CHECK = "headers";

    /**
     * DATE_IN_FUTURE fires when the Date is more than this after the latest trace time (the arrival time
     * when known, else the latest Received timestamp). A message cannot be written after it was
     * received; the slack covers clock drift of a sender's PC and a mislabelled summer time (1 h) with
     * a wide margin. 6 h is the boundary of SpamAssassin's second DATE_IN_FUTURE band (03_06), above
     * rspamd's 2 h.
     */
    static final long FUTURE_SLACK_SECONDS = 6L * 3600;

    /**
     * DATE_IN_PAST fires when the Date is more than this before the earliest Received timestamp (the
     * first hop, closest to the sender). Legitimate delay between writing and the first hop is a
     * queue on an offline laptop or a retrying MTA: RFC 5321 4.5.4.1 gives up after 4-5 days, so
     * 5 days covers the longest delay compliant software produces. (SpamAssassin's top band is
     * DATE_IN_PAST_96_XX, i.e. more than 4 days, measured against a later hop.)
     */
    static final long PAST_SLACK_SECONDS = 5L * 24 * 3600;

    /**
     * SUBJECT_PADDED_TAG: this many blanks in a row inside one line of the Subject, followed by more
     * text. People and mail clients separate words with one or two blanks; bulk software pads so that
     * the per-recipient tag after the gap falls outside the visible subject column.
     */
    static final int SUBJECT_BLANK_RUN = 10;

    private static final HeaderRule[] RULES = HeaderRule.values();

    private final HeaderRuleSettings settings;

    public HeaderChecker(HeaderRuleSettings settings) {
        this.settings = settings == null ? HeaderRuleSettings.defaults() : settings;
    }

    /** Findings for enabled rules, in catalogue order, at most one per rule. Never throws. */
    public List<Finding> check(HeaderInput input) {
        if (input == null) {
            return List.of();
        }
        Hits hits = new Hits();
        try {
            ParsedHeader h = HeaderParser.parse(input.rawNoCopy());
            Context ctx = new Context(h, input);
            for (Group g : Group.values()) {
                try {
                    g.run(ctx, hits);
                } catch (RuntimeException | StackOverflowError e) {
                    // last resort: a bug in one group must not hide the others or reach the caller
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            // parser failure (should not happen): report what we have
        }
        return hits.findings(settings);
    }

    public HeaderRuleSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------------------------ plumbing

    /** Per-call accumulator: first detail and count per rule. */
    private static final class Hits {
        private final String[] detail = new String[RULES.length];
        private final int[] count = new int[RULES.length];

        void add(HeaderRule r, String why) {
            int i = r.ordinal();
            if (count[i]++ == 0) {
                detail[i] = why;
            }
        }

        void add(HeaderRule r, String why, int times) {
            int i = r.ordinal();
            if (count[i] == 0) {
                detail[i] = why;
            }
            count[i] += times;
        }

        /**
         * One finding per rule that fired and is enabled. Bulk-style rules share {@link
         * HeaderRule#BULK_STYLE_CAP}: once their scores reach it, later ones (catalogue order) report the
         * remainder (possibly 0) and say so, so the findings add up to {@link HeaderRule#total}.
         */
        List<Finding> findings(HeaderRuleSettings settings) {
            List<Finding> out = new ArrayList<>(4);
            double bulk = 0;
            for (HeaderRule r : RULES) {
                int i = r.ordinal();
                if (count[i] == 0) {
                    continue;
                }
                Double score = settings.score(r).orElse(null);
                if (score == null) {
                    continue;
                }
                String d = detail[i] == null ? r.summary() : detail[i];
                if (count[i] > 1) {
                    d = d + " (" + count[i] + " occurrences)";
                }
                double s = score;
                if (r.family() == HeaderRule.Family.BULK_STYLE && s > 0) {
                    double room = Math.max(0, HeaderRule.BULK_STYLE_CAP - bulk);
                    bulk += s;
                    if (s > room) {
                        s = room;
                        d = d + " [bulk-style signals count at most " + HeaderRule.BULK_STYLE_CAP + " together]";
                    }
                }
                out.add(new Finding(CHECK, r.id(), s, d));
            }
            return out;
        }
    }

    /** Parsed header plus lazily derived values shared by the rule groups. */
    private static final class Context {
        final ParsedHeader h;
        final HeaderInput input;
        private MessageId mid;
        private boolean midDone;
        private ReceivedTrace trace;
        private List<ReceivedHop> hops;

        Context(ParsedHeader h, HeaderInput input) {
            this.h = h;
            this.input = input;
        }

        private ParsedDate date;
        private boolean dateDone;

        /** The first Date field parsed, or null without one; parsed once per message. */
        ParsedDate date() {
            if (!dateDone) {
                dateDone = true;
                HeaderField f = h.first("date");
                date = f == null ? null : DateTimeParser.parse(f.value());
            }
            return date;
        }

        MessageId messageId() {
            if (!midDone) {
                midDone = true;
                HeaderField f = h.first("message-id");
                mid = f == null ? null : MessageId.parse(f.value());
            }
            return mid;
        }

        ReceivedTrace trace() {
            if (trace == null) {
                trace = ReceivedTrace.of(h.all("received"));
            }
            return trace;
        }

        /** The Received fields read as hops, topmost first; parsed once per message. */
        List<ReceivedHop> hops() {
            if (hops == null) {
                List<HeaderField> rs = h.all("received");
                List<ReceivedHop> l = new ArrayList<>(rs.size());
                for (HeaderField f : rs) {
                    l.add(ReceivedHop.parse(f.value()));
                }
                hops = l;
            }
            return hops;
        }
    }

    /** The rules, grouped so that one unexpected failure costs only its group. */
    private enum Group {
        STRUCTURE {
            @Override
            void run(Context c, Hits hits) {
                structure(c, hits);
            }
        },
        PRESENCE {
            @Override
            void run(Context c, Hits hits) {
                presence(c, hits);
            }
        },
        ADDRESSES {
            @Override
            void run(Context c, Hits hits) {
                addresses(c, hits);
            }
        },
        IDENTIFICATION {
            @Override
            void run(Context c, Hits hits) {
                identification(c, hits);
            }
        },
        DATES {
            @Override
            void run(Context c, Hits hits) {
                dates(c, hits);
            }
        },
        MIME {
            @Override
            void run(Context c, Hits hits) {
                mime(c, hits);
            }
        },
        TRACE_IPS {
            @Override
            void run(Context c, Hits hits) {
                // timestamps are handled with the dates; here only syntax and addresses
                ReceivedTrace t = c.trace();
                if (t.unparseable > 0) {
                    hits.add(HeaderRule.UNPARSEABLE_RECEIVED, t.firstUnparseable, t.unparseable);
                }
                if (t.garbled > 0) {
                    hits.add(HeaderRule.RECEIVED_DATE_GARBLED, t.firstGarbled, t.garbled);
                }
                if (t.invalidIps > 0) {
                    hits.add(HeaderRule.RECEIVED_INVALID_IP, t.firstInvalidIp, t.invalidIps);
                }
                heloIpMismatch(c, hits);
                forgedProviderHelo(c, hits);
                traceBelowOriginator(c, hits);
            }
        },
        SIGNATURES {
            @Override
            void run(Context c, Hits hits) {
                String r = MuaSignatures.ratwareMsHeaders(c.h, c.messageId(), () -> referenceTime(c));
                if (r != null) {
                    hits.add(HeaderRule.RATWARE_MS_HEADERS, r);
                }
                String f = MuaSignatures.forgedMua(c.h, c.messageId(), r != null);
                if (f != null) {
                    hits.add(HeaderRule.FORGED_MUA, f);
                    MessageId mid = c.messageId();
                    String relay = mid != null && mid.valid() ? relayMadeId(c.hops(), mid) : null;
                    if (relay != null) {
                        hits.add(HeaderRule.FORGED_MUA_RELAY_ID, "the client named in the header always writes its"
                                + " own Message-ID, but " + relay);
                    }
                }
                if (c.h.has("x-msmail-priority") && !c.h.has("x-mimeole")) {
                    hits.add(HeaderRule.MS_PRIORITY_WITHOUT_MIMEOLE,
                            "X-MSMail-Priority present but no X-MimeOLE");
                }
                String b = MuaSignatures.bulkMailer(c.h);
                if (b != null) {
                    hits.add(HeaderRule.BULK_MAILER, b);
                }
                HeaderField prio = c.h.first("x-priority");
                if (prio != null && !c.h.has("x-mailer") && !c.h.has("user-agent")) {
                    hits.add(HeaderRule.PRIORITY_WITHOUT_MAILER, "X-Priority '" + clip(prio.value().trim())
                            + "' but neither X-Mailer nor User-Agent names the client that set it");
                }
            }
        };

        abstract void run(Context c, Hits hits);
    }

    // ------------------------------------------------------------------------------------ rules

    /**
     * Whether two dotted quads share their first three octets: a multi-homed host or a NAT pool
     * greets with a sibling address of its own network, which is no made-up greeting.
     */
    static boolean sameSlash24(String a, String b) {
        int da = a.lastIndexOf('.');
        int db = b.lastIndexOf('.');
        return da == db && da > 0 && a.regionMatches(0, b, 0, da);
    }

    /**
     * RECEIVED_HELO_IP_MISMATCH: a public address literal in HELO that is not the peer's address nor
     * in the peer's /24.
     */
    private static void heloIpMismatch(Context c, Hits hits) {
        int index = 0;
        for (ReceivedHop hop : c.hops()) {
            index++;
            String claimed = hop.heloIp();
            if (claimed == null || hop.peerIp == null || sameSlash24(claimed, hop.peerIp)
                    || !ReceivedHop.isPublic(claimed) || !ReceivedHop.isPublic(hop.peerIp)) {
                continue;
            }
            hits.add(HeaderRule.RECEIVED_HELO_IP_MISMATCH, "Received #" + index + ": the client at ["
                    + hop.peerIp + "] greeted as " + clip(hop.helo) + ", a public address that is not its own");
        }
    }

    /**
     * The time a Microsoft-format Message-ID must agree with: the Date when valid, else the earliest
     * Received timestamp, else {@link ReceivedTrace#NONE}.
     */
    private static long referenceTime(Context c) {
        ParsedDate d = c.date();
        if (d != null && d.valid()) {
            return d.epochSecond();
        }
        return c.trace().earliest;
    }

    /**
     * Large mailbox providers, one group per operator: a host of one group whose reverse name is in
     * another domain of the same group is the provider's own (Yahoo also sends AOL's mail, Google
     * sends Gmail's, Microsoft Hotmail's and Outlook's).
     */
    private static final String[][] PROVIDERS = {
        {"yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com", "aol.com", "aim.com", "netscape.net",
            "compuserve.com", "cs.com"},
        {"hotmail.com", "msn.com", "live.com", "outlook.com"},
        {"gmail.com", "googlemail.com", "google.com"},
        {"earthlink.net"},
        {"juno.com", "netzero.net"},
        {"mail.com"},
    };

    /** The provider group whose domain (or a subdomain of it) {@code host} is, or -1. */
    static int providerGroup(String host) {
        if (host == null) {
            return -1;
        }
        int end = host.length();
        while (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        for (int g = 0; g < PROVIDERS.length; g++) {
            for (String d : PROVIDERS[g]) {
                int start = end - d.length();
                if (start >= 0 && host.regionMatches(true, start, d, 0, d.length())
                        && (start == 0 || host.charAt(start - 1) == '.')) {
                    return g;
                }
            }
        }
        return -1;
    }

    /** RECEIVED_FORGED_PROVIDER_HELO: a provider's host name in HELO, a recorded reverse name outside it. */
    private static void forgedProviderHelo(Context c, Hits hits) {
        int index = 0;
        for (ReceivedHop hop : c.hops()) {
            index++;
            if (hop.rdns == null || hop.helo == null) {
                continue;
            }
            int g = providerGroup(hop.helo);
            if (g < 0 || providerGroup(hop.rdns) == g) {
                continue;
            }
            hits.add(HeaderRule.RECEIVED_FORGED_PROVIDER_HELO, "Received #" + index + ": the client greeted as "
                    + clip(hop.helo) + " but its address" + (hop.peerIp == null ? "" : " [" + hop.peerIp + "]")
                    + " has the reverse name " + clip(hop.rdns));
            return;
        }
    }

    /**
     * TRACE_BELOW_ORIGINATOR: a Received field of an SMTP hop from a public address after (below) the
     * first of From, Date, Subject, Message-ID, To.
     */
    private static void traceBelowOriginator(Context c, Hits hits) {
        boolean originator = false;
        int received = 0;
        List<ReceivedHop> hops = null;
        for (HeaderField f : c.h.fields) {
            String n = f.lowerName();
            if (n.equals("received")) {
                received++;
                if (!originator) {
                    continue;
                }
                if (hops == null) {
                    hops = c.hops();
                }
                ReceivedHop hop = hops.get(received - 1);
                if (hop.peerIp == null || !ReceivedHop.isPublic(hop.peerIp) || f.value().contains(" via HTTP")) {
                    continue;
                }
                hits.add(HeaderRule.TRACE_BELOW_ORIGINATOR, "Received #" + received + " (from [" + hop.peerIp
                        + "]) stands below the originator fields: relays prepend their trace, so the sender wrote it");
                return;
            } else if (!originator && (n.equals("from") || n.equals("date") || n.equals("subject")
                    || n.equals("message-id") || n.equals("to"))) {
                originator = true;
            }
        }
    }

    private static void structure(Context c, Hits hits) {
        ParsedHeader h = c.h;
        switch (h.end) {
            case BODY_WITHOUT_SEPARATOR:
                hits.add(HeaderRule.MISSING_HEADER_BODY_SEPARATOR,
                        "header ends at a line that is not a field: '" + h.bodyStartLine + "'");
                break;
            case LIMIT:
                hits.add(HeaderRule.HEADER_TOO_LARGE, "header exceeds " + (h.fields.size() >= HeaderParser.MAX_FIELDS
                        ? HeaderParser.MAX_FIELDS + " fields" : HeaderParser.MAX_HEADER_BYTES + " octets")
                        + "; checked only that far");
                break;
            default:
                break;
        }
        if (h.bareCrCount > 0) {
            hits.add(HeaderRule.BARE_LINE_ENDING, h.bareCrCount + " bare CR in the header");
        } else if (h.crlfCount > 0 && h.bareLfCount > 0) {
            hits.add(HeaderRule.BARE_LINE_ENDING,
                    "line ends mix CRLF (" + h.crlfCount + ") and bare LF (" + h.bareLfCount + ")");
        }
        if (h.longLineCount > 0) {
            hits.add(HeaderRule.LINE_TOO_LONG, "line " + h.longestLineNumber + " is " + h.longestLine
                    + " octets, the limit is " + HeaderParser.MAX_LINE_LENGTH, h.longLineCount);
        }
        if (h.badFieldNameCount > 0) {
            hits.add(HeaderRule.BAD_FIELD_NAME, h.firstBadFieldName, h.badFieldNameCount);
        }
        boolean utf8Allowed = c.input.smtpUtf8();
        int raw = 0;
        String first = null;
        for (HeaderField f : h.fields) {
            if (f.eightBit() && !(utf8Allowed && f.validUtf8())) {
                raw++;
                if (first == null) {
                    first = f.name() + " holds unencoded 8-bit octets"
                            + (utf8Allowed ? " that are not valid UTF-8" : " (no SMTPUTF8)");
                }
            }
        }
        if (raw > 0) {
            hits.add(HeaderRule.RAW_8BIT_HEADER, first, raw);
        }
    }

    private static final String[][] UNIQUE = {
        {"date", "Date"}, {"from", "From"}, {"sender", "Sender"}, {"reply-to", "Reply-To"}, {"to", "To"},
        {"cc", "Cc"}, {"bcc", "Bcc"}, {"message-id", "Message-ID"}, {"in-reply-to", "In-Reply-To"},
        {"references", "References"}, {"subject", "Subject"}, {"content-type", "Content-Type"},
        {"content-transfer-encoding", "Content-Transfer-Encoding"},
    };
    private static final HeaderRule[] UNIQUE_RULES = {
        HeaderRule.DUPLICATE_DATE, HeaderRule.DUPLICATE_FROM, HeaderRule.DUPLICATE_SENDER,
        HeaderRule.DUPLICATE_REPLY_TO, HeaderRule.DUPLICATE_TO, HeaderRule.DUPLICATE_CC, HeaderRule.DUPLICATE_BCC,
        HeaderRule.DUPLICATE_MESSAGE_ID, HeaderRule.DUPLICATE_IN_REPLY_TO, HeaderRule.DUPLICATE_REFERENCES,
        HeaderRule.DUPLICATE_SUBJECT, HeaderRule.DUPLICATE_CONTENT_TYPE,
        HeaderRule.DUPLICATE_CONTENT_TRANSFER_ENCODING,
    };

    private static void presence(Context c, Hits hits) {
        ParsedHeader h = c.h;
        boolean essential = h.has("from") || h.has("date") || h.has("subject") || h.has("message-id")
                || h.has("to");
        if (h.fields.isEmpty()) {
            hits.add(HeaderRule.NO_HEADERS, "the message has no header fields");
        } else if (!essential) {
            hits.add(HeaderRule.NO_HEADERS, h.fields.size()
                    + " fields but none of From, Date, Subject, Message-ID, To");
        }
        if (!h.has("date")) {
            hits.add(HeaderRule.MISSING_DATE, "no Date header");
        }
        if (!h.has("from")) {
            hits.add(HeaderRule.MISSING_FROM, "no From header");
        }
        if (!h.has("message-id")) {
            hits.add(HeaderRule.MISSING_MESSAGE_ID, "no Message-ID header");
        }
        HeaderField subject = h.first("subject");
        if (subject == null) {
            hits.add(HeaderRule.MISSING_SUBJECT, "no Subject header");
        } else if (subject.longestBlankRun() >= SUBJECT_BLANK_RUN) {
            hits.add(HeaderRule.SUBJECT_PADDED_TAG, "Subject has " + subject.longestBlankRun()
                    + " blanks in a row before more text: '" + clip(subject.value().trim()) + "'");
        }
        if (!h.has("to") && !h.has("cc") && !h.has("bcc")) {
            hits.add(HeaderRule.NO_DESTINATION_HEADERS, "none of To, Cc, Bcc present");
        }
        // Duplicates count distinct values (white space normalised): identical copies, typically added
        // by a relay or list bug, carry no conflicting information (as SpamAssassin's header counts).
        for (int i = 0; i < UNIQUE.length; i++) {
            List<HeaderField> l = h.all(UNIQUE[i][0]);
            if (l.size() < 2) {
                continue;
            }
            Set<String> distinct = new HashSet<>();
            for (HeaderField f : l) {
                distinct.add(normalise(f.value()));
            }
            if (distinct.size() > 1) {
                hits.add(UNIQUE_RULES[i], UNIQUE[i][1] + " appears " + l.size() + " times with "
                        + distinct.size() + " different values; RFC allows one");
            }
        }
    }

    private static void addresses(Context c, Hits hits) {
        ParsedHeader h = c.h;
        List<HeaderField> froms = h.all("from");
        boolean fromValid = true;
        AddressList firstFrom = null;
        for (HeaderField f : froms) {
            AddressList a = AddressParser.parse(f.value());
            if (firstFrom == null) {
                firstFrom = a;
            }
            String why = a.error();
            if (why == null && a.groups() > 0) {
                why = "group syntax is not allowed in From";
            } else if (why == null && a.mailboxes().isEmpty()) {
                why = "no mailbox";
            } else if (why == null) {
                why = encodedWordInAddress(a);
            }
            if (why != null) {
                fromValid = false;
                hits.add(HeaderRule.INVALID_FROM_ADDRESS, "From '" + clip(f.value()) + "': " + why);
            }
        }
        if (fromValid && firstFrom != null) {
            if (firstFrom.mailboxes().size() > 1 && !h.has("sender")) {
                hits.add(HeaderRule.MULTIPLE_FROM_NO_SENDER,
                        "From holds " + firstFrom.mailboxes().size() + " mailboxes and there is no Sender");
            }
            for (AddressList.Mailbox m : firstFrom.mailboxes()) {
                String shown = addressInName(m.displayName);
                if (shown != null && !shown.equalsIgnoreCase(m.address())) {
                    hits.add(HeaderRule.FROM_NAME_FOREIGN_ADDRESS,
                            "From display name shows " + clip(shown) + " but the address is " + clip(m.address()));
                    break;
                }
            }
        }
        for (HeaderField f : h.all("sender")) {
            AddressList a = AddressParser.parse(f.value());
            String why = a.error();
            if (why == null && (a.groups() > 0 || a.mailboxes().size() != 1)) {
                why = a.mailboxes().size() + " mailboxes" + (a.groups() > 0 ? " in a group" : "");
            }
            if (why != null) {
                hits.add(HeaderRule.SENDER_NOT_ONE_MAILBOX, "Sender '" + clip(f.value()) + "': " + why);
            }
        }
        for (String name : new String[] {"to", "cc", "reply-to"}) {
            for (HeaderField f : h.all(name)) {
                if (MessageId.skipCfws(f.value(), 0) == f.value().length()) {
                    hits.add(HeaderRule.EMPTY_ADDRESS_FIELD, f.name() + " is present but holds no address");
                    continue;
                }
                AddressList a = AddressParser.parse(f.value());
                String why = a.valid() ? encodedWordInAddress(a) : a.error();
                if (why != null) {
                    hits.add(HeaderRule.INVALID_RECIPIENT_ADDRESS, f.name() + " '" + clip(f.value()) + "': " + why);
                }
            }
        }
    }

    /**
     * RFC 2047 5 (3): an encoded-word MUST NOT appear in any part of an addr-spec. Software that
     * encodes the whole address text (e.g. {@code =?iso-2022-jp?B?...?=@host}) makes an address no
     * one can reply to. A description, or null.
     */
    static String encodedWordInAddress(AddressList a) {
        for (AddressList.Mailbox m : a.mailboxes()) {
            if (hasEncodedWord(m.localPart) || hasEncodedWord(m.domain)) {
                return "encoded-word inside the address " + clip(m.address()) + " (RFC 2047 5 forbids it in an addr-spec)";
            }
        }
        return null;
    }

    private static boolean hasEncodedWord(String s) {
        int open = s.indexOf("=?");
        return open >= 0 && s.indexOf("?=", open + 2) > open + 2;
    }

    /** An e-mail address shown inside a display name ({@code "bob@x.com" <eve@y.net>}), or null. */
    static String addressInName(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        int at = name.indexOf('@');
        if (at <= 0 || at == name.length() - 1) {
            return null;
        }
        int s = at;
        while (s > 0 && isAddrChar(name.charAt(s - 1))) {
            s--;
        }
        int e = at + 1;
        while (e < name.length() && isAddrChar(name.charAt(e))) {
            e++;
        }
        while (e > at + 1 && name.charAt(e - 1) == '.') {
            e--;
        }
        if (s == at || e == at + 1 || name.substring(at + 1, e).indexOf('.') < 0) {
            return null;
        }
        return name.substring(s, e);
    }

    private static boolean isAddrChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                || c == '_' || c == '+';
    }

    private static void identification(Context c, Hits hits) {
        MessageId mid = c.messageId();
        if (mid == null) {
            return;
        }
        if (!mid.valid()) {
            hits.add(HeaderRule.INVALID_MESSAGE_ID,
                    "Message-ID '" + clip(c.h.first("message-id").value()) + "': " + mid.error());
            return;
        }
        String right = mid.right();
        if (right.startsWith("[") || isDottedQuad(right)) {
            hits.add(HeaderRule.MESSAGE_ID_IP_LITERAL, "Message-ID right-hand side " + clip(right)
                    + " is an IP address");
        }
        String relay = relayMadeId(c.hops(), mid);
        if (relay != null) {
            hits.add(HeaderRule.MESSAGE_ID_FROM_RELAY, relay);
        }
    }

    /** Shortest queue id taken as evidence: shorter ids could match a Message-ID by chance. */
    static final int MIN_QUEUE_ID = 6;

    /**
     * MESSAGE_ID_FROM_RELAY: a Received hop whose receiving host is the Message-ID's right-hand side,
     * whose queue id appears in the left-hand side, and which took the message from a public peer
     * address. Null if there is none.
     */
    static String relayMadeId(List<ReceivedHop> hops, MessageId mid) {
        String left = mid.left();
        String right = mid.right();
        int index = 0;
        for (ReceivedHop hop : hops) {
            index++;
            if (hop.id == null || hop.by == null || hop.peerIp == null || hop.id.length() < MIN_QUEUE_ID
                    || !left.contains(hop.id) || !sameHost(hop.by, right)) {
                continue;
            }
            if (!ReceivedHop.isPublic(hop.peerIp)) {
                return null;
            }
            return "Message-ID <" + clip(mid.inner()) + "> holds queue id " + clip(hop.id) + " of "
                    + clip(hop.by) + ", which took the message from [" + hop.peerIp + "] (Received #" + index
                    + "): the sender wrote no Message-ID";
        }
        return null;
    }

    /** Equal host names, or one the other with more labels (mail vs mail.example.org). */
    private static boolean sameHost(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        String x = a.length() < b.length() ? a : b;
        String y = a.length() < b.length() ? b : a;
        return y.regionMatches(true, 0, x, 0, x.length()) && y.charAt(x.length()) == '.';
    }

    static boolean isDottedQuad(String s) {
        int groups = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= '0' && ch <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (ch == '.' && digits > 0) {
                groups++;
                digits = 0;
            } else {
                return false;
            }
        }
        return groups == 3 && digits > 0;
    }

    private static void dates(Context c, Hits hits) {
        ParsedHeader h = c.h;
        HeaderField dateField = h.first("date");
        ParsedDate date = null;
        if (dateField != null) {
            date = c.date();
            if (!date.valid()) {
                hits.add(HeaderRule.INVALID_DATE, "Date '" + clip(dateField.value()) + "': " + date.error());
            } else {
                if (date.weekdayMismatch() != null) {
                    hits.add(HeaderRule.DATE_WRONG_WEEKDAY, "Date: " + date.weekdayMismatch());
                }
                String z = Zones.impossible(date);
                if (z != null) {
                    hits.add(HeaderRule.ABSURD_DATE_ZONE, "Date " + z);
                } else {
                    String m = Zones.mismatch(date);
                    if (m != null) {
                        hits.add(HeaderRule.DATE_ZONE_MISMATCH, "Date " + m);
                    }
                }
            }
        }
        // Which date to compare with the trace: the topmost valid Resent-Date when the message was
        // resent (RFC 5322 3.6.6: it is when the resending happened; the original Date may then be
        // arbitrarily old), else the Date.
        String label = "Date";
        ParsedDate effective = date != null && date.valid() ? date : null;
        HeaderField resent = h.first("resent-date");
        if (resent != null) {
            ParsedDate rd = DateTimeParser.parse(resent.value());
            if (rd.valid()) {
                effective = rd;
                label = "Resent-Date";
            }
        }
        if (effective == null) {
            return;
        }
        ReceivedTrace trace = c.trace();
        long latest = c.input.arrivalTime().map(t -> t.getEpochSecond()).orElse(trace.latest);
        long earliest = trace.earliest;
        if (earliest == ReceivedTrace.NONE && c.input.arrivalTime().isPresent()) {
            earliest = latest;
        }
        long t = effective.epochSecond();
        if (latest != ReceivedTrace.NONE && t - latest > FUTURE_SLACK_SECONDS) {
            hits.add(HeaderRule.DATE_IN_FUTURE, label + " is " + span(t - latest) + " after the message was "
                    + (c.input.arrivalTime().isPresent() ? "received" : "last received (Received trace)"));
        }
        if (earliest != ReceivedTrace.NONE && earliest - t > PAST_SLACK_SECONDS) {
            hits.add(HeaderRule.DATE_IN_PAST, label + " is " + span(earliest - t)
                    + " before the first hop received the message");
        }
    }

    /** A span beyond the slack (at least 6 hours): hours, from two days on days. */
    private static String span(long seconds) {
        if (seconds >= 2 * 86400L) {
            return (seconds / 86400L) + " days";
        }
        return (seconds / 3600L) + " hours";
    }

    private static final String[] ENCODED_WORD_FIELDS = {"subject", "from", "to", "cc", "reply-to", "sender",
        "comments", "keywords"};

    private static void mime(Context c, Hits hits) {
        ParsedHeader h = c.h;
        // Without MIME-Version a reader must treat the message as pre-MIME text (RFC 2045 4), which is
        // what "text/plain" and 7bit/8bit already say: only fields that need MIME semantics are judged.
        if (!h.has("mime-version")) {
            HeaderField ct = h.first("content-type");
            HeaderField cte = h.first("content-transfer-encoding");
            String why = null;
            if (ct != null && !mediaType(ct.value()).equals("text/plain")) {
                why = "Content-Type " + clip(mediaType(ct.value()));
            } else if (cte != null) {
                String enc = mediaType(cte.value());
                if (!enc.equals("7bit") && !enc.equals("8bit")) {
                    why = "Content-Transfer-Encoding " + clip(enc);
                }
            }
            if (why != null) {
                hits.add(HeaderRule.MISSING_MIME_VERSION, why + " needs MIME but there is no MIME-Version");
            }
        }
        HeaderField top = h.first("content-type");
        if (top != null && mediaType(top.value()).equals("text/html")) {
            hits.add(HeaderRule.CONTENT_TYPE_HTML_ONLY, "Content-Type '" + clip(top.value().trim())
                    + "': the message is HTML only, with no plain-text version");
        }
        for (HeaderField f : h.all("content-type")) {
            String v = stripTrailingComment(f.value());
            if (v.endsWith(";")) {
                hits.add(HeaderRule.CONTENT_TYPE_TRAILING_SEMICOLON, "Content-Type '" + clip(f.value())
                        + "' ends with ';' (no parameter follows)");
            }
        }
        for (String name : ENCODED_WORD_FIELDS) {
            for (HeaderField f : h.all(name)) {
                EncodedWords.Scan s = EncodedWords.scan(f.value());
                if (s.words == 0) {
                    continue;
                }
                if (s.error != null) {
                    hits.add(HeaderRule.BAD_ENCODED_WORD, f.name() + ": " + s.error);
                } else if (s.allAsciiOnly() && (name.equals("from") || name.equals("subject")
                        || name.equals("reply-to"))) {
                    hits.add(HeaderRule.UNNECESSARY_ENCODING, f.name() + " encodes plain ASCII text: "
                            + clip(s.firstWord));
                }
            }
        }
    }

    /** The first token of a Content-Type/CTE value in lower case, e.g. {@code text/html}. */
    private static String mediaType(String v) {
        int e = 0;
        while (e < v.length() && v.charAt(e) != ';' && v.charAt(e) != ' ' && v.charAt(e) != '\t'
                && v.charAt(e) != '(') {
            e++;
        }
        return v.substring(0, e).toLowerCase(Locale.ROOT);
    }

    private static String stripTrailingComment(String v) {
        String t = v.trim();
        while (t.endsWith(")")) {
            int open = t.lastIndexOf('(');
            if (open < 0) {
                break;
            }
            t = t.substring(0, open).trim();
        }
        return t;
    }

    private static String normalise(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        boolean space = false;
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == ' ' || ch == '\t') {
                space = true;
                continue;
            }
            if (space && sb.length() > 0) {
                sb.append(' ');
            }
            space = false;
            sb.append(ch);
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    static String clip(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char ch = t.charAt(i);
            sb.append(ch >= 32 && ch < 127 ? ch : '?');
        }
        return sb.toString();
    }
}
