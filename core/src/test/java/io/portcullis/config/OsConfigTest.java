package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.os.OsRules;
import io.portcullis.os.OsSettings;
import io.portcullis.verdict.Finding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The os.* keys of portcullis.properties and their mode keys. */
class OsConfigTest {
    static PortcullisConfig parse(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return PortcullisConfig.parse(m, "t.properties");
    }

    @Test
    void defaultsAreOff() {
        OsSettings s = parse().os();
        assertThat(s.enabled()).isFalse();
        assertThat(s.socket().toString()).isEqualTo("/var/run/p0f.sock");
        assertThat(s.timeout().toMillis()).isEqualTo(500);
        assertThat(s.retry().toMillis()).isEqualTo(400);
        assertThat(s.maxInFlight()).isEqualTo(200);
        assertThat(s.rules().isEmpty()).isTrue();
        assertThat(s.rules().exactOnly()).isFalse();
        assertThat(s.scoresAnything()).isFalse();
        assertThat(PortcullisConfig.defaults().os().scoresAnything()).isFalse();
        // Patterns without os.enabled score nothing.
        assertThat(parse("os.match.win", "Windows*").os().scoresAnything()).isFalse();
    }

    @Test
    void everyKey() {
        OsSettings s = parse("os.enabled", "true", "os.socket", "/run/p0f/api.sock", "os.timeout-ms", "400",
                "os.retry-ms", "100", "os.max-in-flight", "50", "os.exact-only", "true",
                "os.match.win", "Windows*", "os.match.win.weight", "12", "os.match.mac", "Mac OS X*",
                "os.match.weight", "3", "os.link.dsl", "DSL", "os.link.weight", "2", "os.distance", "3",
                "os.distance.weight", "1.5", "os.mode", "observe", "os.link.mode", "observe").os();
        assertThat(s.scoresAnything()).isTrue();
        assertThat(s.socket().toString()).isEqualTo("/run/p0f/api.sock");
        assertThat(s.timeout().toMillis()).isEqualTo(400);
        assertThat(s.retry().toMillis()).isEqualTo(100);
        assertThat(s.maxInFlight()).isEqualTo(50);
        OsRules r = s.rules();
        assertThat(r.exactOnly()).isTrue();
        assertThat(r.os()).extracting(OsRules.Glob::id, OsRules.Glob::glob, OsRules.Glob::weight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("mac", "Mac OS X*", 3.0),
                        org.assertj.core.groups.Tuple.tuple("win", "Windows*", 12.0));
        assertThat(r.links()).extracting(OsRules.Glob::weight).containsExactly(2.0);
        assertThat(r.minDistance()).isEqualTo(3);
        assertThat(r.distanceWeight()).isEqualTo(1.5);
        PortcullisConfig c = parse("os.mode", "observe");
        assertThat(c.modes().enforced(List.of(new Finding("os", "OS", 5, "x")))).isEmpty();
        PortcullisConfig l = parse("os.link.mode", "observe");
        assertThat(l.modes().enforced(List.of(new Finding("os", "OS", 5, "x"), new Finding("os", "LINK", 2, "y"))))
                .extracting(Finding::rule).containsExactly("OS");
    }

    @Test
    void badValuesNameKeyAndValue() {
        bad("os.enabled", "maybe", "os.enabled");
        bad("os.socket", "p0f.sock", "absolute");
        bad("os.socket", "/" + "x".repeat(120), "107 bytes");
        bad("os.timeout-ms", "0", "os.timeout-ms");
        bad("os.timeout-ms", "60000", "at most 10000");
        bad("os.retry-ms", "-1", "os.retry-ms");
        bad("os.max-in-flight", "none", "os.max-in-flight");
        bad("os.match.win", "", "empty");
        bad("os.match.all", "**", "everything");
        bad("os.match.w+n", "Windows*", "pattern id");
        bad("os.match.win.weight", "heavy", "os.match.win.weight");
        bad("os.distance", "300", "0..255");
        bad("os.distance", "far", "os.distance");
        bad("os.colour", "blue", "unknown key");
        bad("os.mode", "sometimes", "enforce or observe");
        assertThatThrownBy(() -> parse("os.timeout-ms", "100", "os.retry-ms", "200"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("os.retry-ms='200'")
                .hasMessageContaining("cannot be longer than os.timeout-ms");
        assertThatThrownBy(() -> parse("os.link.x.weight", "2")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("os.link.x is not defined");
    }

    private static void bad(String key, String value, String expect) {
        assertThatThrownBy(() -> parse(key, value)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key.endsWith(".weight") || key.startsWith("os.match.") ? key : key + "=")
                .hasMessageContaining(expect);
    }
}
