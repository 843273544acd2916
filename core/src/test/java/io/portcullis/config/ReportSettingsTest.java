package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportSettingsTest {
    @Test
    void defaultsAreOffAtSixYesterdayToThePostmasterWithHtml() {
        ReportSettings r = PortcullisConfig.parse(Map.of(), "t").report();
        assertThat(r.enabled).isFalse();
        assertThat(r.time).isEqualTo(LocalTime.of(6, 0));
        assertThat(r.zone()).isEqualTo(ZoneId.systemDefault());
        assertThat(r.period).isEqualTo(ReportSettings.Period.YESTERDAY);
        assertThat(r.recipients).isEmpty();
        assertThat(r.postmaster).isTrue();
        assertThat(r.sender).isNull();
        assertThat(r.logs).isEmpty();
        assertThat(r.html).isTrue();
        assertThat(PortcullisConfig.defaults().report().toString()).isEqualTo(r.toString());
        assertThat(PortcullisConfig.knownKeys()).contains("report.enabled", "report.time", "report.zone",
                "report.period", "report.recipients", "report.postmaster", "report.sender", "report.logs",
                "report.html");
    }

    @Test
    void everyKeyParsed() {
        ReportSettings r = PortcullisConfig.parse(Map.of("report.enabled", "true", "report.time", "7:05",
                "report.zone", "Europe/Paris", "report.period", "Today",
                "report.recipients", " ops@example.com, abuse+spam@mx.example.org ,ops@example.com",
                "report.postmaster", "false", "report.sender", "portcullis@example.com",
                "report.logs", "/srv/mx2/decisions, ../mx3/decisions", "report.html", "off"), "t").report();
        assertThat(r.enabled).isTrue();
        assertThat(r.time).isEqualTo(LocalTime.of(7, 5));
        assertThat(r.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(r.period).isEqualTo(ReportSettings.Period.TODAY);
        assertThat(r.recipients).containsExactly("ops@example.com", "abuse+spam@mx.example.org");
        assertThat(r.postmaster).isFalse();
        assertThat(r.sender).isEqualTo("portcullis@example.com");
        assertThat(r.logs).containsExactly(Paths.get("/srv/mx2/decisions"), Paths.get("../mx3/decisions"));
        assertThat(r.html).isFalse();
        assertThat(PortcullisConfig.parse(Map.of("report.time", "23:59:30", "report.zone", "system"), "t").report()
                .time).isEqualTo(LocalTime.of(23, 59, 30));
    }

    @Test
    void badValuesFailNamingFileKeyAndValue() {
        bad("report.time", "25:00", "time of day");
        bad("report.time", "6h", "HH:MM");
        bad("report.time", "06:60", "time of day");
        bad("report.zone", "Mars/Olympus", "time zone");
        bad("report.period", "weekly", "yesterday or today");
        bad("report.recipients", "ops@example.com, not an address", "mail address");
        bad("report.recipients", "Ops <ops@example.com>", "mail address");
        bad("report.recipients", "ops@", "mail address");
        bad("report.sender", "@example.com", "mail address");
        bad("report.enabled", "maybe", "");
        bad("report.html", "2", "");
        bad("report.hour", "6", "unknown key");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("report.enabled", "true", "report.postmaster", "no"),
                "f.properties")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("f.properties").hasMessageContaining("report.recipients")
                .hasMessageContaining("nobody");
        // the same without enabling it is fine (nothing is sent)
        assertThat(PortcullisConfig.parse(Map.of("report.postmaster", "no"), "t").report().postmaster).isFalse();
    }

    private static void bad(String key, String value, String problem) {
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of(key, value), "f.properties"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("f.properties").hasMessageContaining(key)
                .hasMessageContaining(value.contains(",") ? List.of(value.split(",")).get(1).trim() : value)
                .hasMessageContaining(problem);
    }
}
