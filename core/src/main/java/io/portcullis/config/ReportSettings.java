package io.portcullis.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The daily mailed decision report ({@code report.*} keys of {@code portcullis.properties}), used by
 * {@code io.portcullis.james.DailyReportMailer} inside James. Immutable.
 *
 * <pre>
 * report.enabled    = false      # mail the decision report once a day (needs the DailyReportMailer startable)
 * report.time       = 06:00      # HH:MM (or HH:MM:SS), local time in report.zone
 * report.zone       = system     # a zone id (Europe/Paris, UTC, ...) or "system" (the JVM's zone)
 * report.period     = yesterday  # yesterday | today (the day so far); days are UTC days, as in the log
 * report.recipients =            # comma-separated addresses, in addition to the postmaster
 * report.postmaster = true       # also mail James's postmaster (mailetcontainer.xml context/postmaster)
 * report.sender     =            # From and envelope sender; default: James's postmaster
 * report.logs       =            # extra decision log folders (other nodes) to merge; relative to James's working directory
 * report.html       = true       # multipart/alternative with the HTML page; false: plain text only
 * </pre>
 *
 * With {@code report.enabled = true}, nobody to mail ({@code report.postmaster = false} and no recipient) fails.
 */
public final class ReportSettings {
    public static final String PREFIX = "report.";
    public static final String ENABLED = "report.enabled";
    public static final String TIME = "report.time";
    public static final String ZONE = "report.zone";
    public static final String PERIOD = "report.period";
    public static final String RECIPIENTS = "report.recipients";
    public static final String POSTMASTER = "report.postmaster";
    public static final String SENDER = "report.sender";
    public static final String LOGS = "report.logs";
    public static final String HTML = "report.html";

    private static final List<String> KEYS = List.of(ENABLED, TIME, ZONE, PERIOD, RECIPIENTS, POSTMASTER, SENDER,
            LOGS, HTML);

    /** Which days a report covers, relative to the day it is sent. */
    public enum Period {
        /** The previous day, complete (the classic morning report). */
        YESTERDAY,
        /** The day of sending, up to the moment of sending. */
        TODAY;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final LocalTime DEFAULT_TIME = LocalTime.of(6, 0);

    /** Defaults: off, 06:00 in the system zone, yesterday, postmaster only, HTML included. */
    public static final ReportSettings DEFAULTS = new ReportSettings(false, DEFAULT_TIME, null, Period.YESTERDAY,
            List.of(), true, null, List.of(), true);

    public final boolean enabled;
    public final LocalTime time;
    /** Null: the JVM's zone at the time of use ({@link #zone()}). */
    private final ZoneId zone;
    public final Period period;
    /** Addresses as configured (validated), in order, without duplicates. */
    public final List<String> recipients;
    public final boolean postmaster;
    /** Null: James's postmaster. */
    public final String sender;
    /** Extra log folders as configured; may be relative (to James's working directory). */
    public final List<Path> logs;
    public final boolean html;

    public ReportSettings(boolean enabled, LocalTime time, ZoneId zone, Period period, List<String> recipients,
            boolean postmaster, String sender, List<Path> logs, boolean html) {
        this.enabled = enabled;
        this.time = time;
        this.zone = zone;
        this.period = period;
        this.recipients = Collections.unmodifiableList(new ArrayList<>(recipients));
        this.postmaster = postmaster;
        this.sender = sender;
        this.logs = Collections.unmodifiableList(new ArrayList<>(logs));
        this.html = html;
    }

    /** The configured zone, or the JVM's default zone when {@code report.zone} is {@code system} or unset. */
    public ZoneId zone() {
        return zone == null ? ZoneId.systemDefault() : zone;
    }

    /** Parses the {@code report.*} keys of {@code values} (other keys are ignored; unknown {@code report.*} keys fail). */
    public static ReportSettings parse(Map<String, String> values, String source) {
        for (String k : values.keySet()) {
            if (k.startsWith(PREFIX) && !KEYS.contains(k)) {
                throw ConfigException.unknownKey(source, k, values.get(k), KEYS);
            }
        }
        boolean enabled = PortcullisConfig.bool(values, source, ENABLED, false);
        LocalTime time = parseTime(source, values.get(TIME));
        ZoneId zone = parseZone(source, values.get(ZONE));
        Period period = parsePeriod(source, values.get(PERIOD));
        List<String> recipients = new ArrayList<>();
        for (String a : split(values.get(RECIPIENTS))) {
            String addr = address(source, RECIPIENTS, a);
            if (!recipients.contains(addr)) {
                recipients.add(addr);
            }
        }
        boolean postmaster = PortcullisConfig.bool(values, source, POSTMASTER, true);
        String s = values.get(SENDER);
        String sender = s == null || s.trim().isEmpty() ? null : address(source, SENDER, s.trim());
        List<Path> logs = new ArrayList<>();
        for (String p : split(values.get(LOGS))) {
            try {
                logs.add(Paths.get(p));
            } catch (InvalidPathException e) {
                throw new ConfigException(source, LOGS, values.get(LOGS), "'" + p + "' is not a path: "
                        + e.getMessage());
            }
        }
        boolean html = PortcullisConfig.bool(values, source, HTML, true);
        if (enabled && !postmaster && recipients.isEmpty()) {
            throw new ConfigException(source, RECIPIENTS, values.get(RECIPIENTS), "the report is enabled but has "
                    + "nobody to go to (" + POSTMASTER + " = false and no recipient)");
        }
        return new ReportSettings(enabled, time, zone, period, recipients, postmaster, sender, logs, html);
    }

    public static List<String> keys() {
        return KEYS;
    }

    private static LocalTime parseTime(String source, String s) {
        if (s == null || s.trim().isEmpty()) {
            return DEFAULT_TIME;
        }
        String t = s.trim();
        if (!t.matches("\\d{1,2}:\\d{2}(:\\d{2})?")) {
            throw new ConfigException(source, TIME, s, "expected a time of day HH:MM (or HH:MM:SS), e.g. 06:00");
        }
        try {
            return LocalTime.parse(t.length() == 4 || t.length() == 7 ? "0" + t : t);
        } catch (DateTimeParseException e) {
            throw new ConfigException(source, TIME, s, "not a time of day (00:00 to 23:59:59)");
        }
    }

    private static ZoneId parseZone(String source, String s) {
        if (s == null || s.trim().isEmpty() || s.trim().equalsIgnoreCase("system")) {
            return null;
        }
        try {
            return ZoneId.of(s.trim());
        } catch (DateTimeException e) {
            throw new ConfigException(source, ZONE, s, "not a time zone (e.g. UTC, Europe/Paris, +01:00, or system)");
        }
    }

    private static Period parsePeriod(String source, String s) {
        if (s == null || s.trim().isEmpty()) {
            return Period.YESTERDAY;
        }
        for (Period p : Period.values()) {
            if (p.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new ConfigException(source, PERIOD, s, "expected yesterday or today");
    }

    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        for (String part : s.split(",")) {
            if (!part.trim().isEmpty()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** dot-atom local part (RFC 5322 atext) @ a host name of letters, digits and hyphens. */
    private static final Pattern ADDRESS = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private static String address(String source, String key, String a) {
        if (a.length() > 254 || !ADDRESS.matcher(a).matches() || a.indexOf('@') > 64) {
            throw new ConfigException(source, key, a, "not a mail address (expected local@domain, without a name "
                    + "or angle brackets)");
        }
        return a;
    }

    @Override
    public String toString() {
        return "ReportSettings{" + (enabled ? "enabled" : "disabled") + ", " + time + " " + (zone == null ? "system"
                : zone) + ", " + period.id() + ", to " + (postmaster ? "postmaster" : "") + (postmaster
                && !recipients.isEmpty() ? ", " : "") + String.join(", ", recipients) + (logs.isEmpty() ? ""
                : ", extra logs " + logs) + (html ? ", html" : ", text only") + "}";
    }
}
