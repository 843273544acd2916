package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.headers.HeaderRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortcullisConfigTest {
    @Test
    void defaultsWhenEmpty() {
        PortcullisConfig c = PortcullisConfig.parse(Map.of(), "t");
        assertThat(c.policy().tagThreshold()).isEqualTo(5.0);
        assertThat(c.policy().rejectThreshold()).isEqualTo(15.0);
        assertThat(c.headersEnabled()).isTrue();
        assertThat(c.headerRules().score(HeaderRule.MISSING_DATE)).contains(HeaderRule.MISSING_DATE.defaultScore());
    }

    @Test
    void rescoresAndSwitchesOffRules() {
        PortcullisConfig c = PortcullisConfig.parse(Map.of("headers.rule.MISSING_DATE", "2.5",
                "headers.rule.missing_from", "off"), "t");
        assertThat(c.headerRules().score(HeaderRule.MISSING_DATE)).contains(2.5);
        assertThat(c.headerRules().enabled(HeaderRule.MISSING_FROM)).isFalse();
    }

    @Test
    void badNumberNamesSourceKeyAndValue() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("policy.tag-threshold", "five"), "conf/p.properties"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("conf/p.properties")
                .hasMessageContaining("policy.tag-threshold")
                .hasMessageContaining("'five'");
    }

    @Test
    void unknownRuleAndUnknownKeyAreRejected() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("headers.rule.NO_SUCH_RULE", "1"), "t"))
                .hasMessageContaining("headers.rule.NO_SUCH_RULE").hasMessageContaining("no such header rule");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("policy.tagthreshold", "1"), "t"))
                .hasMessageContaining("policy.tagthreshold").hasMessageContaining("unknown key");
    }

    @Test
    void thresholdsMustBeOrdered() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("policy.tag-threshold", "20"), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tag <= tarpit <= reject");
    }

    @Test
    void badBooleanIsRejected() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("headers.enabled", "maybe"), "t"))
                .hasMessageContaining("headers.enabled").hasMessageContaining("'maybe'");
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("portcullis.properties");
        Files.write(f, "# comment\npolicy.tag-threshold = 4\nheaders.enabled = false\n".getBytes(StandardCharsets.UTF_8));
        PortcullisConfig c = PortcullisConfig.load(f);
        assertThat(c.policy().tagThreshold()).isEqualTo(4.0);
        assertThat(c.headersEnabled()).isFalse();
        assertThat(c.source()).isEqualTo(f.toString());
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> PortcullisConfig.load(dir.resolve("nope.properties")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.properties").hasMessageContaining("cannot read");
    }
}
