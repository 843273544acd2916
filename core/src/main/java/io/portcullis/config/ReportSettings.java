package io.portcullis.config;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The daily mailed decision report ({@code report.*} keys of {@code portcullis.properties}, documented in
 * {@link Keys}), used by {@code io.portcullis.james.DailyReportMailer} inside James. Immutable. With
 * {@code report.enabled = true}, nobody to mail ({@code report.postmaster = false} and no recipient) fails.
 */
public final class ReportSettings {
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

    private ReportSettings(boolean enabled, LocalTime time, ZoneId zone, Period period, List<String> recipients,
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

    /** The {@code report.*} keys. */
    static ReportSettings parse(ConfigValues v) {
        boolean enabled = v.bool(Keys.REPORT_ENABLED);
        LocalTime time = parseTime(v, v.text(Keys.REPORT_TIME));
        String z = v.text(Keys.REPORT_ZONE);
        ZoneId zone = z.equalsIgnoreCase("system") ? null : v.parsed(Keys.REPORT_ZONE.name(), z, s -> {
            try {
                return ZoneId.of(s);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("not a time zone (e.g. UTC, Europe/Paris, +01:00, or system)");
            }
        });
        Period period = v.choice(Keys.REPORT_PERIOD, "yesterday", "today").equals("today") ? Period.TODAY
                : Period.YESTERDAY;
        List<String> recipients = new ArrayList<>();
        for (String a : split(v.text(Keys.REPORT_RECIPIENTS))) {
            String addr = address(v, Keys.REPORT_RECIPIENTS.name(), a);
            if (!recipients.contains(addr)) {
                recipients.add(addr);
            }
        }
        boolean postmaster = v.bool(Keys.REPORT_POSTMASTER);
        String s = v.text(Keys.REPORT_SENDER);
        String sender = s == null ? null : address(v, Keys.REPORT_SENDER.name(), s);
        List<Path> logs = new ArrayList<>();
        for (String p : split(v.text(Keys.REPORT_LOGS))) {
            logs.add(v.path(Keys.REPORT_LOGS.name(), p, false));
        }
        boolean html = v.bool(Keys.REPORT_HTML);
        if (enabled && !postmaster && recipients.isEmpty()) {
            throw v.fail(Keys.REPORT_RECIPIENTS, "the report is enabled but has nobody to go to ("
                    + Keys.REPORT_POSTMASTER.name() + " = false and no recipient)");
        }
        return new ReportSettings(enabled, time, zone, period, recipients, postmaster, sender, logs, html);
    }

    private static LocalTime parseTime(ConfigValues v, String t) {
        String key = Keys.REPORT_TIME.name();
        if (!t.matches("\\d{1,2}:\\d{2}(:\\d{2})?")) {
            throw v.fail(key, t, "expected a time of day HH:MM (or HH:MM:SS), e.g. 06:00");
        }
        try {
            return LocalTime.parse(t.length() == 4 || t.length() == 7 ? "0" + t : t);
        } catch (DateTimeParseException e) {
            throw v.fail(key, t, "not a time of day (00:00 to 23:59:59)");
        }
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

    private static String address(ConfigValues v, String key, String a) {
        if (a.length() > 254 || !ADDRESS.matcher(a).matches() || a.indexOf('@') > 64) {
            throw v.fail(key, a, "not a mail address (expected local@domain, without a name "
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
