package io.portcullis.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.Counters;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GreylistTest {
    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    final Greylist g = new Greylist(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(35));

    static Counters attempts(String... fields) {
        Map<String, Long> m = new java.util.HashMap<>();
        for (String f : fields) {
            m.put(f, 1L);
        }
        return new Counters(m, T0, T0);
    }

    @Test
    void firstAttemptThenTooEarlyThenRetryInTheWindowThenAfterTheWindowAgain() {
        String rcpt = "User@Example.org";
        assertThat(g.status(null, null, rcpt, T0)).isEqualTo(Greylist.Status.FIRST);
        Counters t = attempts(Greylist.attemptField(rcpt, T0), Greylist.attemptField("other@example.org", T0.minusSeconds(3600)));
        assertThat(g.status(t, null, "user@example.org", T0.plusSeconds(60))).isEqualTo(Greylist.Status.EARLY);
        assertThat(g.status(t, null, rcpt, T0.plus(Duration.ofMinutes(5)))).isEqualTo(Greylist.Status.RETRY_OK);
        assertThat(g.status(t, null, rcpt, T0.plus(Duration.ofHours(4)))).isEqualTo(Greylist.Status.RETRY_OK);
        assertThat(g.status(t, null, rcpt, T0.plus(Duration.ofHours(4)).plusSeconds(1)))
                .as("the first attempt left the window").isEqualTo(Greylist.Status.FIRST);
        assertThat(g.status(t, null, "third@example.org", T0.plusSeconds(600))).isEqualTo(Greylist.Status.FIRST);
        assertThat(Greylist.Status.FIRST.waits()).isTrue();
        assertThat(Greylist.Status.EARLY.waits()).isTrue();
        assertThat(Greylist.Status.RETRY_OK.waits()).isFalse();
        assertThat(Greylist.Status.UNKNOWN.waits()).isFalse();
    }

    @Test
    void aNetworkThatPassedIsNotGreylistedForTheRememberPeriod() {
        Counters passed = new Counters(Map.of("pass", 1L), T0, T0);
        assertThat(g.status(null, passed, "a@example.org", T0.plus(Duration.ofDays(34)))).isEqualTo(Greylist.Status.PASSED_BEFORE);
        assertThat(g.status(null, passed, "a@example.org", T0.plus(Duration.ofDays(36)))).isEqualTo(Greylist.Status.FIRST);
        assertThat(Greylist.tripletKey("192.0.2.0/24", "Bob@Example.COM")).isEqualTo("grey:t:192.0.2.0/24:bob@example.com");
        assertThat(Greylist.tripletKey("192.0.2.0/24", null)).isEqualTo("grey:t:192.0.2.0/24:<>");
    }
}
