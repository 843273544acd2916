package io.portcullis.headers;

import java.util.Locale;
import java.util.function.LongSupplier;
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
    /** X-Mailer values of programs built on Microsoft's MIME engine (Outlook, Outlook Express, Exchange, CDO). */
    private static final Pattern MS_CLIENT_MAILER =
            Pattern.compile("^(?:Microsoft (?:Outlook|CDO|Office Outlook)|Internet Mail Service \\(|Microsoft Exchange)");

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

    /**
     * A description of the forged client claim, or null.
     *
     * @param msImitation whether the Message-ID imitates Microsoft's $-format (RATWARE_MS_HEADERS): then
     *     a Microsoft client named in X-Mailer, or claimed by X-MSMail-Priority, did not write it
     */
    static String forgedMua(ParsedHeader h, MessageId mid, boolean msImitation) {
        if (mid == null || !mid.valid() || regeneratedId(h, mid)) {
            return null;
        }
        String id = mid.inner();
        String mailer = value(h, "x-mailer");
        String agent = value(h, "user-agent");
        if (msImitation) {
            if (mailer != null && MS_CLIENT_MAILER.matcher(mailer).find()) {
                return "X-Mailer claims " + clip(mailer) + " but Message-ID <" + clip(id)
                        + "> only imitates that client's format";
            }
            if (h.has("x-msmail-priority")) {
                return "X-MSMail-Priority claims a Microsoft client but Message-ID <" + clip(id)
                        + "> only imitates that client's format";
            }
        }
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
     * Microsoft's MIME engine (Outlook Express, Outlook, Exchange/CDO) writes Message-IDs as
     * {@code <counter FILETIME-high $ FILETIME-low $ IPv4 @ host>}: the first group ends with the high
     * 32 bits of the Windows FILETIME (100 ns since 1601) of the moment of writing, the second group is
     * the low 32 bits. The Date comes from the same clock at the same moment, so a genuine id encodes
     * the Date's time (seconds apart; {@link #MS_ID_SLACK_SECONDS} allows for a queued draft). An id in
     * this shape that encodes another time, or no plausible time at all, imitates the engine.
     *
     * @param referenceTime the Date (or, without a valid Date, the earliest Received time) in epoch
     *     seconds, or {@link ReceivedTrace#NONE}: then only an implausible time (before 1995) is judged
     * @return a description, or null
     */
    static String ratwareMsHeaders(ParsedHeader h, MessageId mid, LongSupplier referenceTime) {
        if (mid == null || !mid.valid()) {
            return null;
        }
        String id = mid.inner();
        if (id.indexOf('$') < 0 || !MS_DOLLAR_MSGID.matcher(id).find() || regeneratedId(h, mid)) {
            return null;
        }
        long t = msIdEpochSecond(id);
        long reference = referenceTime.getAsLong();
        if (reference == ReceivedTrace.NONE) {
            return t < MS_ID_EARLIEST ? "Message-ID <" + clip(id) + "> imitates the Microsoft $-format: the time it "
                    + "encodes is before 1995" : null;
        }
        long diff = Math.abs(t - reference);
        if (diff <= MS_ID_SLACK_SECONDS) {
            return null;
        }
        return "Message-ID <" + clip(id) + "> imitates the Microsoft $-format: the time it encodes is "
                + (diff > 3650L * 86400 ? "more than ten years" : (diff / 86400) + " days")
                + " away from the Date";
    }

    /** Genuine ids and Date: the same clock at the same moment; two days cover a draft sent later. */
    static final long MS_ID_SLACK_SECONDS = 2L * 86400;
    /** 1995-01-01: no Microsoft MIME engine wrote mail before. */
    private static final long MS_ID_EARLIEST = 788918400L;
    /** Seconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
    private static final long FILETIME_EPOCH_OFFSET = 11644473600L;
    /** First group: counter then the 8 hex of FILETIME-high; second: FILETIME-low; third: IPv4. */
    private static final Pattern MS_DOLLAR_MSGID =
            Pattern.compile("^[0-9a-fA-F]{8,16}\\$[0-9a-fA-F]{8}\\$[0-9a-fA-F]{8}@");

    /** The epoch second a $-format id encodes (FILETIME-high is the last 8 hex of the first group). */
    static long msIdEpochSecond(String id) {
        int d1 = id.indexOf('$');
        long hi = Long.parseLong(id.substring(d1 - 8, d1), 16);
        long lo = Long.parseLong(id.substring(d1 + 1, d1 + 9), 16);
        long filetime = (hi << 32) | lo; // < 2^64: hi < 2^32; read as unsigned below
        return Long.divideUnsigned(filetime, 10_000_000L) - FILETIME_EPOCH_OFFSET;
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
