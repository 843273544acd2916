package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.verdict.Policy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmtpSettingsTest {
    private static SmtpSettings parse(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return SmtpSettings.parse(m, "test.properties", Policy.DEFAULT);
    }

    @Test
    void defaultsFollowThePolicyAndLeaveTheGreetingTestOff() {
        SmtpSettings s = parse();
        assertThat(s.enabled).isTrue();
        assertThat(s.observe).isFalse();
        assertThat(s.rejectThreshold).isEqualTo(Policy.DEFAULT.rejectThreshold());
        assertThat(s.tarpitThreshold).isEqualTo(Policy.DEFAULT.tarpitThreshold());
        assertThat(s.tempfailThreshold).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.budgetMs).isEqualTo(1000);
        assertThat(s.tarpitStore).isEqualTo("shared");
        assertThat(s.greetingClients).isEqualTo(SmtpSettings.GreetingClients.NONE);
        assertThat(s.greetingTestOn()).isFalse();
        assertThat(s.greetingDelayMs).isEqualTo(6000);
        assertThat(s.greetingDrop).isFalse();
        assertThat(s.greetingScore).isEqualTo(s.rejectThreshold);
        assertThat(s.greetingDropCode).isEqualTo("521");
        assertThat(s.greetingPartial).isTrue();
    }

    @Test
    void parsesEveryKey() {
        SmtpSettings s = parse("smtp.mode", "observe", "smtp.reject-threshold", "20", "smtp.tempfail-threshold", "12",
                "smtp.tarpit-threshold", "8", "smtp.budget-ms", "250", "smtp.tempfail-on-unknown", "true",
                "smtp.allow", "192.0.2.0/24, example.org", "smtp.tarpit.delay-ms", "100", "smtp.tarpit.step-ms", "50",
                "smtp.tarpit.max-delay-ms", "300", "smtp.tarpit.max-connections", "7",
                "smtp.tarpit.remembered", "false", "smtp.tarpit.reject-remembered", "true",
                "smtp.tarpit.store", "redis://127.0.0.1:6379", "smtp.greeting.clients", "Suspicious",
                "smtp.greeting.delay-ms", "1500", "smtp.greeting.action", "drop", "smtp.greeting.score", "3.5",
                "smtp.greeting.drop-code", "554", "smtp.greeting.partial", "false");
        assertThat(s.observe).isTrue();
        assertThat(s.rejectThreshold).isEqualTo(20);
        assertThat(s.tempfailThreshold).isEqualTo(12);
        assertThat(s.tarpitThreshold).isEqualTo(8);
        assertThat(s.budgetMs).isEqualTo(250);
        assertThat(s.tempfailOnUnknown).isTrue();
        assertThat(s.tarpitDelay(0)).isEqualTo(100);
        assertThat(s.tarpitDelay(1)).isEqualTo(150);
        assertThat(s.tarpitDelay(10)).isEqualTo(300);
        assertThat(s.tarpitMaxConnections).isEqualTo(7);
        assertThat(s.tarpitRemembered).isFalse();
        assertThat(s.rejectRemembered).isTrue();
        assertThat(s.tarpitStore).isEqualTo("redis://127.0.0.1:6379");
        assertThat(parse("smtp.tarpit.store", "redis-cluster://n1:7000,n2:7001").tarpitStore)
                .isEqualTo("redis-cluster://n1:7000,n2:7001");
        assertThat(parse("smtp.tarpit.store", "redis-sentinel://s1:26379#mymaster").tarpitStore)
                .isEqualTo("redis-sentinel://s1:26379#mymaster");
        assertThat(s.greetingClients).isEqualTo(SmtpSettings.GreetingClients.SUSPICIOUS);
        assertThat(s.greetingDelayMs).isEqualTo(1500);
        assertThat(s.greetingDrop).isTrue();
        assertThat(s.greetingScore).isEqualTo(3.5);
        assertThat(s.greetingDropCode).isEqualTo("554");
        assertThat(s.greetingPartial).isFalse();
        assertThat(s.greetingTestOn()).as("observe mode never holds a greeting").isFalse();
        assertThat(parse("smtp.greeting.clients", "all").greetingTestOn()).isTrue();
        assertThat(parse("smtp.greeting.clients", "all", "smtp.greeting.delay-ms", "0").greetingTestOn()).isFalse();
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        String[][] bad = {
            {"smtp.mode", "loud"},
            {"smtp.enabled", "perhaps"},
            {"smtp.reject-threshold", "high"},
            {"smtp.tempfail-threshold", "x1"},
            {"smtp.budget-ms", "-5"},
            {"smtp.allow", "not a network/99"},
            {"smtp.tarpit.max-delay-ms", "999999"},
            {"smtp.tarpit.max-connections", "0"},
            {"smtp.tarpit.store", "memcached://x"},
            {"smtp.tarpit.store", "redis-sentinel://s1:26379"},
            {"smtp.tarpit.store", "redis-cluster://n1:7000/3"},
            {"smtp.greeting.delay-ms", "500000"},
            {"smtp.greeting.action", "shout"},
            {"smtp.greeting.clients", "some"},
            {"smtp.greeting.score", "lots"},
            {"smtp.greeting.drop-code", "550"},
            {"smtp.greeting.partial", "maybe"},
            {"smtp.no-such-key", "1"},
        };
        for (String[] kv : bad) {
            assertThatThrownBy(() -> parse(kv[0], kv[1])).as(kv[0])
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("test.properties")
                    .hasMessageContaining(kv[0])
                    .hasMessageContaining(kv[1]);
        }
    }

    @Test
    void tarpitThresholdAboveRejectThresholdIsRefused() {
        assertThatThrownBy(() -> parse("smtp.reject-threshold", "10", "smtp.tarpit-threshold", "12"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("smtp.tarpit-threshold")
                .hasMessageContaining("12");
    }
}
