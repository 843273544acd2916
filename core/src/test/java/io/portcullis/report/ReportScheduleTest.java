package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class ReportScheduleTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private final ReportSchedule six = new ReportSchedule(LocalTime.of(6, 0), PARIS);

    private static Instant paris(String localDateTime) {
        return java.time.LocalDateTime.parse(localDateTime).atZone(PARIS).toInstant();
    }

    @Test
    void beforeTheTimeItWaitsForToday() {
        ReportSchedule.Plan p = six.next(paris("2026-11-27T05:59:59"), LocalDate.parse("2026-11-26"));
        assertThat(p.due).isFalse();
        assertThat(p.day).isEqualTo(LocalDate.parse("2026-11-27"));
        assertThat(p.at).isEqualTo(paris("2026-11-27T06:00:00"));
    }

    @Test
    void atTheTimeItIsDue() {
        ReportSchedule.Plan p = six.next(paris("2026-11-27T06:00:00"), LocalDate.parse("2026-11-26"));
        assertThat(p.due).isTrue();
        assertThat(p.day).isEqualTo(LocalDate.parse("2026-11-27"));
    }

    @Test
    void timeAlreadyPassedAndSentTodayMeansTomorrow() {
        // a restart at 14:00 after today's report went out: nothing now, tomorrow at 06:00
        ReportSchedule.Plan p = six.next(paris("2026-11-27T14:00:00"), LocalDate.parse("2026-11-27"));
        assertThat(p.due).isFalse();
        assertThat(p.day).isEqualTo(LocalDate.parse("2026-11-28"));
        assertThat(p.at).isEqualTo(paris("2026-11-28T06:00:00"));
    }

    @Test
    void timePassedWithoutTodaysReportIsACatchUpOnce() {
        // James was down at 06:00 and starts at 14:00: due at once, for today
        Instant start = paris("2026-11-27T14:00:00");
        ReportSchedule.Plan p = six.next(start, LocalDate.parse("2026-11-25"));
        assertThat(p.due).isTrue();
        assertThat(p.day).isEqualTo(LocalDate.parse("2026-11-27"));
        assertThat(p.at).isEqualTo(start);
        // once sent, the next one is tomorrow's (no second catch-up, no report for the missed 26th)
        assertThat(six.next(start.plusSeconds(5), p.day).day).isEqualTo(LocalDate.parse("2026-11-28"));
        // never sent before: the same catch-up
        assertThat(six.next(start, null).due).isTrue();
    }

    @Test
    void dayIsTheLocalDayOfTheZoneNotUtc() {
        // 23:30 UTC on the 26th is 00:30 on the 27th in Paris: the 27th's run, at 06:00 Paris (05:00 UTC)
        ReportSchedule.Plan p = six.next(Instant.parse("2026-11-26T23:30:00Z"), LocalDate.parse("2026-11-26"));
        assertThat(p.day).isEqualTo(LocalDate.parse("2026-11-27"));
        assertThat(p.at).isEqualTo(Instant.parse("2026-11-27T05:00:00Z"));
    }

    @Test
    void springForwardGapRunsAfterTheGap() {
        // 2026-03-29 in Paris: 02:00 -> 03:00; 02:30 does not exist, the run is at 03:30 (+02:00)
        ReportSchedule halfPastTwo = new ReportSchedule(LocalTime.of(2, 30), PARIS);
        ReportSchedule.Plan p = halfPastTwo.next(paris("2026-03-29T01:00:00"), LocalDate.parse("2026-03-28"));
        assertThat(p.due).isFalse();
        assertThat(p.at).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        assertThat(p.at.atZone(PARIS).toLocalTime()).isEqualTo(LocalTime.of(3, 30));
        // the day before and after: 02:30 local as usual
        assertThat(halfPastTwo.at(LocalDate.parse("2026-03-28")).toInstant())
                .isEqualTo(Instant.parse("2026-03-28T01:30:00Z"));
        assertThat(halfPastTwo.at(LocalDate.parse("2026-03-30")).toInstant())
                .isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
    }

    @Test
    void fallBackOverlapRunsOnceAtTheFirstOccurrence() {
        // 2026-10-25 in Paris: 03:00 -> 02:00; 02:30 happens twice, the run takes the first (+02:00)
        ReportSchedule halfPastTwo = new ReportSchedule(LocalTime.of(2, 30), PARIS);
        Instant first = Instant.parse("2026-10-25T00:30:00Z");
        ReportSchedule.Plan p = halfPastTwo.next(Instant.parse("2026-10-24T23:00:00Z"), LocalDate.parse("2026-10-24"));
        assertThat(p.at).isEqualTo(first);
        // after sending at the first 02:30, the second 02:30 (01:30 UTC) is not a new run
        ReportSchedule.Plan after = halfPastTwo.next(Instant.parse("2026-10-25T01:30:00Z"), p.day);
        assertThat(after.due).isFalse();
        assertThat(after.day).isEqualTo(LocalDate.parse("2026-10-26"));
        // and a day that is 25 hours long still has one run; the gap between runs is 25 h
        assertThat(java.time.Duration.between(first, after.at).toHours()).isEqualTo(25);
    }

    @Test
    void sixInTheMorningAcrossTheSpringChangeIsTwentyThreeHoursApart() {
        ZonedDateTime sat = six.at(LocalDate.parse("2026-03-28"));
        ZonedDateTime sun = six.at(LocalDate.parse("2026-03-29"));
        assertThat(java.time.Duration.between(sat, sun).toHours()).isEqualTo(23);
        assertThat(sun.toLocalTime()).isEqualTo(LocalTime.of(6, 0));
    }
}
