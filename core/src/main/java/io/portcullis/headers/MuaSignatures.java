package io.portcullis.headers;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Known mail-client fingerprints: each client named in X-Mailer or User-Agent generates its
 * Message-ID in a fixed, documented shape; a message that names the client but carries a different
 * shape was not written by it. The shapes are the ones SpamAssassin and rspamd use (FORGED_MUA_*,
 * RATWARE_MS_HASH, MISSING_MIMEOLE). All patterns are anchored and free of nested quantifiers.
 */
final class MuaSignatures {
    private static final Pattern OE_MAILER = Pattern.compile("\\bOutlook Express [456]\\.");
    private static final Pattern OUTLOOK_MAILER =
            Pattern.compile("^Microsoft Outlook(?: 8| CWS, Build 9|, Build 10)\\.");
    /** The MIME engine shared by Outlook Express and Outlook 97-2002: 8 or 12 hex, $, 8 hex, $, 8 hex. */
    private static final Pattern MS_MSGID = Pattern.compile("^(?:[0-9a-f]{8}|[0-9a-f]{12})\\$[0-9a-f]{8}\\$[0-9a-f]{8}@");
    private static final Pattern HOTMAIL_MSGID = Pattern.compile("^[A-Za-z0-9-]{7}[A-Za-z0-9]{20}@hotmail\\.com$");
    /** Other Outlook id shapes: Exchange-generated hex ids, and the "!~!" form. (Outlook 2000 in
     * Internet-Mail-Only mode, "IMO", writes 28 letters A-P and the sender address instead; it is not
     * judged.) */
    private static final Pattern OUTLOOK_OTHER_MSGID = Pattern.compile("^(?:!~!|[0-9A-F]{32}@|[0-9A-F]{36,40}@)");
    private static final Pattern MOZILLA4_MAILER = Pattern.compile("^Mozilla [34]\\.");
    private static final Pattern MOZILLA5_AGENT = Pattern.compile("^Mozilla/5\\.0");
    /** Netscape/Mozilla/Thunderbird: 8 upper-case hex "." 1-8 hex (or decimal); newer Thunderbird: a UUID. */
    private static final Pattern MOZILLA_MSGID = Pattern.compile(
            "^(?:[0-9A-F]{8}\\.[0-9A-F]{1,8}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@");
    private static final Pattern THEBAT_MAILER = Pattern.compile("^The Bat!");
    /** The Bat!: decimal "." yyyymmddhhmmss "@". */
    private static final Pattern THEBAT_MSGID =
            Pattern.compile("^\\d{1,12}\\.(?:19[789]\\d|20\\d\\d)(?:0\\d|1[012])(?:[012]\\d|3[01])[0-5]\\d[0-5]\\d[0-5]\\d@");
    /** Mailman regenerates Message-IDs for some traffic. */
    private static final Pattern MAILMAN_MSGID = Pattern.compile("^mailman\\.\\d+\\.\\d+\\.");
    private static final Pattern MS_HASH_MSGID = Pattern.compile("^[0-9a-f]{4,16}\\$[0-9a-f]{4,16}\\$[0-9a-f]{4,16}@");
    /**
     * Zero-padded imitation of the $-format: genuine ids carry FILETIME bits in the second group and
     * the client's IPv4 address (little-endian) in the third, so both starting with 0000 does not occur.
     */
    private static final Pattern ZERO_PADDED_MS_MSGID =
            Pattern.compile("^[0-9a-f]{4,16}\\$0000[0-9a-f]{4}\\$0000[0-9a-f]{4}@");
    private static final Pattern NEW_OUTLOOK_MAILER = Pattern.compile("^Microsoft (?:Office )?Outlook(?:,? Build)? 1[1-9]\\.|^Microsoft (?:Office )?Outlook [2-9]\\d\\.");

    /**
     * Names of mass-mailing programs ("bulk mailers"), matched case-insensitively as substrings of
     * X-Mailer. These programs exist to send one message to many recipients at once.
     */
    private static final String[] BULK_MAILERS = {
        "advanced mass sender", "aureate group mail", "group mail", "groupmail", "mailking", "mach5 mailer",
        "floodgate", "send-safe", "stealth mass mailer", "atomic mail sender", "darkmailer", "dark mailer",
        "emailer platinum", "massmail", "mass mailer", "bulk mailer", "bulkmailer", "bulk e-mail",
        "bulk email", "ultimate mass mailer", "extractor pro", "worldmerge", "mail blaster", "mailblaster",
    };

    private MuaSignatures() {
    }

    /** A description of the forged client claim, or null. */
    static String forgedMua(ParsedHeader h, MessageId mid) {
        if (mid == null || !mid.valid() || regeneratedId(h, mid)) {
            return null;
        }
        String id = mid.inner();
        String mailer = value(h, "x-mailer");
        String agent = value(h, "user-agent");
        if (mailer != null) {
            if (OE_MAILER.matcher(mailer).find() && !MS_MSGID.matcher(id).find()
                    && !HOTMAIL_MSGID.matcher(id).find()) {
                return "X-Mailer claims Outlook Express but Message-ID <" + clip(id) + "> is not in its format";
            }
            if (OUTLOOK_MAILER.matcher(mailer).find() && !MS_MSGID.matcher(id).find()
                    && !OUTLOOK_OTHER_MSGID.matcher(id).find()) {
                return "X-Mailer claims Microsoft Outlook but Message-ID <" + clip(id) + "> is not in its format";
            }
            if (MOZILLA4_MAILER.matcher(mailer).find() && !MOZILLA_MSGID.matcher(id).find()) {
                return "X-Mailer claims Netscape/Mozilla but Message-ID <" + clip(id) + "> is not in its format";
            }
            if (THEBAT_MAILER.matcher(mailer).find() && !THEBAT_MSGID.matcher(id).find()) {
                return "X-Mailer claims The Bat! but Message-ID <" + clip(id) + "> is not in its format";
            }
        }
        if (agent != null && mailer == null && MOZILLA5_AGENT.matcher(agent).find()
                && !MOZILLA_MSGID.matcher(id).find()) {
            return "User-Agent claims Mozilla/Thunderbird but Message-ID <" + clip(id) + "> is not in its format";
        }
        return null;
    }

    /**
     * Microsoft's MIME engine (Outlook Express, Outlook, Exchange/CDO) stamps X-MimeOLE whenever it
     * writes its $-separated Message-ID or the X-MSMail-Priority header. Either marker without the
     * stamp is the signature of software imitating it. Null if not seen.
     */
    static String ratwareMsHeaders(ParsedHeader h, MessageId mid) {
        if (mid != null && mid.valid() && ZERO_PADDED_MS_MSGID.matcher(mid.inner()).find()) {
            return "Message-ID <" + clip(mid.inner()) + "> imitates the Microsoft $-format with zero-padded groups";
        }
        if (h.has("x-mimeole")) {
            return null;
        }
        for (HeaderField r : h.all("received")) {
            if (r.value().contains("Microsoft Exchange") || r.value().contains("Microsoft SMTPSVC")) {
                return null;
            }
        }
        if (mid != null && mid.valid() && MS_HASH_MSGID.matcher(mid.inner()).find() && !regeneratedId(h, mid)) {
            return "Message-ID <" + clip(mid.inner()) + "> has the Microsoft $-format but there is no X-MimeOLE";
        }
        if (h.has("x-msmail-priority")) {
            String mailer = value(h, "x-mailer");
            if (mailer != null && (mailer.contains("SquirrelMail") || NEW_OUTLOOK_MAILER.matcher(mailer).find())) {
                return null;
            }
            return "X-MSMail-Priority present but no X-MimeOLE";
        }
        return null;
    }

    /** The bulk-mailing program named in X-Mailer, or null. */
    static String bulkMailer(ParsedHeader h) {
        String mailer = value(h, "x-mailer");
        if (mailer == null) {
            return null;
        }
        String m = mailer.toLowerCase(Locale.ROOT);
        for (String name : BULK_MAILERS) {
            if (m.contains(name)) {
                return "X-Mailer '" + clip(mailer) + "' is mass-mailing software";
            }
        }
        return null;
    }

    /**
     * Whether a later hop may have replaced the Message-ID: list managers and some gateways issue
     * their own. Then the id says nothing about the client that wrote the message.
     */
    private static boolean regeneratedId(ParsedHeader h, MessageId mid) {
        if (MAILMAN_MSGID.matcher(mid.left()).find()) {
            return true;
        }
        for (HeaderField r : h.all("received")) {
            String v = r.value();
            if (v.contains("iPlanet Messaging Server") || v.contains("/CWT/DCE)")) {
                return true;
            }
        }
        return false;
    }

    private static String value(ParsedHeader h, String name) {
        HeaderField f = h.first(name);
        return f == null ? null : f.value();
    }

    private static String clip(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            sb.append(c >= 32 && c < 127 ? c : '?');
        }
        return sb.toString();
    }
}
