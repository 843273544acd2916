package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.reputation.EntityKind;
import io.portcullis.verdict.Finding;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReputationConfigTest {
    @Test
    void defaultsOnWithConservativeWeightsAndOneKeyTurnsItOff() {
        PortcullisConfig c = PortcullisConfig.parse(Map.of(), "t");
        assertThat(c.reputation().enabled()).isTrue();
        assertThat(c.reputation().weight(EntityKind.IP)).isEqualTo(4);
        assertThat(c.reputation().minObservations()).isEqualTo(5);
        assertThat(c.smtp().greylistThreshold).isInfinite();
        assertThat(c.smtp().greylist.delay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(PortcullisConfig.parse(Map.of("reputation.enabled", "false"), "t").reputation().enabled()).isFalse();
    }

    @Test
    void keysAreParsedAndBadValuesNameTheKey() {
        PortcullisConfig c = PortcullisConfig.parse(Map.of("reputation.mail-from.weight", "6",
                "reputation.min-observations", "3", "reputation.ns.mode", "observe", "smtp.greylist-threshold", "4",
                "smtp.greylist.delay", "90s", "smtp.greylist.window", "4h", "smtp.greylist.remember", "10d"), "t");
        assertThat(c.reputation().weight(EntityKind.MAIL_FROM)).isEqualTo(6);
        assertThat(c.reputation().minObservations()).isEqualTo(3);
        assertThat(c.modes().observes(new Finding("reputation", "NS", 1, ""))).isTrue();
        assertThat(c.modes().observes(new Finding("reputation", "IP", 1, ""))).isFalse();
        assertThat(c.smtp().rules().greylistThreshold()).isEqualTo(4);
        assertThat(c.smtp().greylist.delay()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.smtp().greylist.window()).isEqualTo(Duration.ofHours(4));
        assertThat(c.smtp().greylist.remember()).isEqualTo(Duration.ofDays(10));
        assertThat(PortcullisConfig.parse(Map.of("reputation.mode", "observe"), "t").modes()
                .observes(new Finding("reputation", "IP", 1, ""))).isTrue();
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("reputation.ip.weight", "-1"), "t"))
                .hasMessageContaining("reputation.ip.weight").hasMessageContaining("-1");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("reputation.good-factor", "2"), "t"))
                .hasMessageContaining("reputation.good-factor");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("reputation.bogus", "1"), "t"))
                .hasMessageContaining("reputation.bogus");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("reputation.car.mode", "observe"), "t"))
                .hasMessageContaining("reputation.car.mode");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("smtp.greylist.delay", "5 weeks"), "t"))
                .hasMessageContaining("smtp.greylist.delay").hasMessageContaining("5 weeks");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("smtp.greylist.window", "1m"), "t"))
                .hasMessageContaining("smtp.greylist.window");
    }

    @Test
    void spfAndTheSpamFolder() {
        PortcullisConfig d = PortcullisConfig.parse(Map.of(), "t");
        assertThat(d.reputation().spf()).isTrue();
        assertThat(d.reputation().spfTimeoutMs()).isEqualTo(800);
        assertThat(d.reputation().spamFolder()).isEqualTo("Spam");
        PortcullisConfig c = PortcullisConfig.parse(Map.of("reputation.spf", "false", "reputation.spf.timeout-ms",
                "300", "reputation.spam-folder", " Junk "), "t");
        assertThat(c.reputation().spf()).isFalse();
        assertThat(c.reputation().spfTimeoutMs()).isEqualTo(300);
        assertThat(c.reputation().spamFolder()).isEqualTo("Junk");
        assertThat(PortcullisConfig.parse(Map.of("reputation.spam-folder", ""), "t").reputation().spamFolder())
                .isEmpty();
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("reputation.spf.timeout-ms", "90000"), "t"))
                .hasMessageContaining("reputation.spf.timeout-ms").hasMessageContaining("90000");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("reputation.spf", "maybe"), "t"))
                .hasMessageContaining("reputation.spf").hasMessageContaining("maybe");
    }
}
