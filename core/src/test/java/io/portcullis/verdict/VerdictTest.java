package io.portcullis.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.verdict.Action;
import io.portcullis.verdict.CheckModes;
import io.portcullis.verdict.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTest {
    @Test
    void sumsScoresAndAppliesThresholds() {
        Policy p = new Policy(5, 10, 15);
        Verdict v = Verdict.of(List.of(new Finding("headers", "A", 0.1, ""), new Finding("headers", "B", 0.2, "")), p);
        assertThat(v.score()).isEqualTo(0.3);
        assertThat(v.action()).isEqualTo(Action.ACCEPT);
        assertThat(Verdict.of(List.of(new Finding("h", "A", 5, "")), p).action()).isEqualTo(Action.TAG);
        assertThat(Verdict.of(List.of(new Finding("h", "A", 10, "")), p).action()).isEqualTo(Action.TARPIT);
        assertThat(Verdict.of(List.of(new Finding("h", "A", 15, "")), p).action()).isEqualTo(Action.REJECT);
        assertThat(Verdict.of(List.of(new Finding("h", "A", 20, ""), new Finding("dnswl", "W", -8, "")), p).action())
                .isEqualTo(Action.TARPIT);
    }

    @Test
    void findingsAreImmutable() {
        Verdict v = Verdict.of(List.of(new Finding("h", "A", 1, "")), Policy.DEFAULT);
        assertThatThrownBy(() -> v.findings().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void policyRejectsUnorderedThresholds() {
        assertThatThrownBy(() -> new Policy(10, 5, 15)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void observedFindingsDoNotCountButSayWhatWouldHaveHappened() {
        Policy p = new Policy(5, 10, 15);
        CheckModes modes = CheckModes.builder().observeRule("dnsbl", "zen").build();
        Finding zen = new Finding("dnsbl", "zen", 12, "listed");
        Finding date = new Finding("headers", "INVALID_DATE", 5, "bad date");
        Verdict v = Verdict.of(List.of(zen, date), p, modes);
        assertThat(v.findings()).containsExactly(date);
        assertThat(v.observed()).containsExactly(zen);
        assertThat(v.score()).isEqualTo(5.0);
        assertThat(v.action()).isEqualTo(Action.TAG);
        assertThat(v.wouldScore()).isEqualTo(17.0);
        assertThat(v.wouldAction()).isEqualTo(Action.REJECT);

        Verdict all = Verdict.of(List.of(zen, date), p);
        assertThat(all.observed()).isEmpty();
        assertThat(all.wouldAction()).isEqualTo(all.action()).isEqualTo(Action.REJECT);
    }

    @Test
    void aWholeCheckInObserveMode() {
        CheckModes modes = CheckModes.builder().observeCheck("headers").build();
        Verdict v = Verdict.of(List.of(new Finding("headers", "A", 20, "")), Policy.DEFAULT, modes);
        assertThat(v.findings()).isEmpty();
        assertThat(v.action()).isEqualTo(Action.ACCEPT);
        assertThat(v.wouldAction()).isEqualTo(Action.REJECT);
    }
}
