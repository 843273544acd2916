package io.portcullis.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * When the daily report is due: once per local day (in the configured zone) at the configured time, never twice
 * for the same day, and at once (a catch-up) when the time of a day has passed without a report for it (James was
 * down at that time, or started later that day). Pure: the caller passes the current instant and the last day a
 * report was sent, so the rules are testable without a clock or a thread.
 *
 * <p>Daylight saving: a time that does not exist on a day (spring forward, e.g. 02:30 in Europe/Paris on the last
 * Sunday of March) runs at the same wall time after the gap (03:30); a time that exists twice (fall back) runs at
 * its first occurrence only.
 */
public final class ReportSchedule {
    private final LocalTime time;
    private final ZoneId zone;

    /** What to do next: send the report of run day {@link #day} at {@link #at} ({@link #due}: now). */
    public static final class Plan {
        public final LocalDate day;
        public final Instant at;
        public final boolean due;

        Plan(LocalDate day, Instant at, boolean due) {
            this.day = day;
            this.at = at;
            this.due = due;
        }

        @Override
        public String toString() {
            return (due ? "due now for " : "next for ") + day + " at " + at;
        }
    }

    public ReportSchedule(LocalTime time, ZoneId zone) {
        this.time = Objects.requireNonNull(time, "time");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The instant of the run of {@code day} (DST gaps shift forward, overlaps take the earlier offset). */
    public ZonedDateTime at(LocalDate day) {
        return ZonedDateTime.of(day, time, zone);
    }

    /**
     * The next run, given the current instant and the last run day already sent ({@code null}: none yet).
     * Due now when today's time has passed and today has no report yet; otherwise the first later day without
     * one, at its time.
     */
    public Plan next(Instant now, LocalDate lastSent) {
        LocalDate today = now.atZone(zone).toLocalDate();
        if (lastSent == null || lastSent.isBefore(today)) {
            Instant todayAt = at(today).toInstant();
            if (!now.isBefore(todayAt)) {
                return new Plan(today, now, true);
            }
            return new Plan(today, todayAt, false);
        }
        LocalDate day = lastSent.plusDays(1);
        return new Plan(day, at(day).toInstant(), false);
    }
}
