package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.verdict.CheckModes;
import io.portcullis.verdict.Finding;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModeSettingsTest {
    private static CheckModes parse(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("dnsbl.list.zen", "zen.example=127.0.0.[2..11]*6");
        m.put("dnsbl.list.dbl", "name:dbl.example*5");
        m.put("nameservers.list.nsbl", "ns-ip:nsbl.example*3");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return PortcullisConfig.parse(m, "p.properties").modes();
    }

    private static Finding f(String check, String rule) {
        return new Finding(check, rule, 1, "");
    }

    @Test
    void everythingIsEnforcedByDefault() {
        CheckModes m = parse();
        assertThat(m.enforcesAll()).isTrue();
        assertThat(m).isSameAs(CheckModes.ENFORCE_ALL);
        assertThat(parse("headers.mode", "enforce", "dnsbl.list.zen.mode", "ENFORCE").enforcesAll()).isTrue();
    }

    @Test
    void oneListInObserveModeLeavesTheOthersEnforced() {
        CheckModes m = parse("dnsbl.list.zen.mode", "observe");
        assertThat(m.observes(f("dnsbl", "zen"))).isTrue();
        assertThat(m.observes(f("dnsbl", "dbl"))).isFalse();
        assertThat(m.observes(f("headers", "MISSING_DATE"))).isFalse();
        // The list itself is still configured and asked.
        assertThat(PortcullisConfig.parse(Map.of("dnsbl.list.zen", "zen.example", "dnsbl.list.zen.mode", "observe"),
                "t").dnsbl().lists()).hasSize(1);
    }

    @Test
    void wholeChecksRulesAndSources() {
        CheckModes m = parse("headers.mode", "observe", "dnsbl.mode", "Observe", "nameservers.learned.mode",
                "observe", "nameservers.list.nsbl.mode", "observe", "smtp.greeting.mode", "observe");
        assertThat(m.observes(f("headers", "ANY_RULE"))).isTrue();
        assertThat(m.observes(f("dnsbl", "dbl"))).isTrue();
        assertThat(m.observes(f("nameservers", "learned"))).isTrue();
        assertThat(m.observes(f("nameservers", "ns-ip:nsbl"))).isTrue();
        assertThat(m.observes(f("nameservers", "local-list"))).isFalse();
        assertThat(m.observes(f("smtp", "PREGREET"))).isTrue();

        CheckModes r = parse("headers.rule.forged_mua.mode", "observe");
        assertThat(r.observes(f("headers", "FORGED_MUA"))).isTrue();
        assertThat(r.observes(f("headers", "INVALID_DATE"))).isFalse();
    }

    @Test
    void badValuesAndUnknownListsFailNamingKeyAndValue() {
        assertThatThrownBy(() -> parse("dnsbl.list.zen.mode", "watch"))
                .hasMessageContaining("dnsbl.list.zen.mode").hasMessageContaining("watch")
                .hasMessageContaining("enforce or observe");
        assertThatThrownBy(() -> parse("dnsbl.list.spamcop.mode", "observe"))
                .hasMessageContaining("dnsbl.list.spamcop.mode").hasMessageContaining("configured: dbl, zen");
        assertThatThrownBy(() -> parse("nameservers.list.zen.mode", "observe"))
                .hasMessageContaining("nameservers.list.zen.mode");
        assertThatThrownBy(() -> parse("headers.rule.NO_SUCH_RULE.mode", "observe"))
                .hasMessageContaining("headers.rule.NO_SUCH_RULE.mode").hasMessageContaining("no such header rule");
        assertThatThrownBy(() -> parse("headers.modes", "observe")).hasMessageContaining("headers.modes");
    }

    @Test
    void modeKeysAreListedAmongTheKnownKeys() {
        assertThat(PortcullisConfig.knownKeys()).contains("dnsbl.list.<id>.mode", "headers.mode",
                "smtp.greeting.mode");
    }
}
