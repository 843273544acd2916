package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {
    @Test
    void defaults() {
        LogSettings l = PortcullisConfig.defaults().log();
        assertThat(l.enabled).isTrue();
        assertThat(l.directory).isEqualTo(Paths.get("var/portcullis/decisions"));
        assertThat(l.retentionDays).isEqualTo(30);
        assertThat(l.queueSize).isEqualTo(10000);
        assertThat(l.node).isNull();
        assertThat(PortcullisConfig.parse(Map.of(), "t").log().toString()).isEqualTo(l.toString());
        assertThat(l.resolvedDirectory(Paths.get("/srv/james"))).isEqualTo(Paths.get("/srv/james/var/portcullis/decisions"));
    }

    @Test
    void parsedFromTheLogKeys() {
        LogSettings l = PortcullisConfig.parse(Map.of("log.enabled", "false", "log.directory", "/var/log/portcullis",
                "log.retention-days", "0", "log.queue-size", "5", "log.node", "mx1.example"), "t").log();
        assertThat(l.enabled).isFalse();
        assertThat(l.resolvedDirectory(Paths.get("/srv"))).isEqualTo(Paths.get("/var/log/portcullis"));
        assertThat(l.retentionDays).isZero();
        assertThat(l.queueSize).isEqualTo(5);
        assertThat(l.node).isEqualTo("mx1.example");
        assertThat(PortcullisConfig.knownKeys()).contains("log.enabled", "log.node");
    }

    @Test
    void badValuesAndUnknownKeysFailNamingTheKey() {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("log.queue-size", "0"), "f.properties"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.queue-size");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("log.retention", "3"), "f.properties"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.retention");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("log.node", "a b"), "f.properties"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.node");
    }
}
