package io.portcullis.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Golden test of the text report over a fixed set of log lines from two nodes. */
class DecisionReportTest {
    static Path resource(String name) throws URISyntaxException {
        return Paths.get(DecisionReportTest.class.getResource(name).toURI());
    }

    @Test
    void reportOverTwoNodesMatchesTheGoldenText() throws Exception {
        Path root = resource("report");
        DecisionReport r = new DecisionReport(LocalDate.parse("2026-11-26"), LocalDate.parse("2026-11-26"));
        r.read(root.resolve("mx1"));
        r.read(root.resolve("mx2"));
        String text = r.render().replace(root.toString(), "ROOT");
        String golden = new String(Files.readAllBytes(resource("report-2026-11-26.txt")), StandardCharsets.UTF_8);
        if (!text.equals(golden) && System.getProperty("portcullis.golden.update") != null) {
            Files.write(Paths.get(System.getProperty("portcullis.golden.update")), text.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(text).isEqualTo(golden);
    }

    @Test
    void theSameLinesInAnotherOrderGiveTheSameReport() throws Exception {
        Path root = resource("report");
        DecisionReport a = new DecisionReport(LocalDate.parse("2026-11-26"), LocalDate.parse("2026-11-26"));
        a.read(root.resolve("mx1"));
        a.read(root.resolve("mx2"));
        DecisionReport b = new DecisionReport(LocalDate.parse("2026-11-26"), LocalDate.parse("2026-11-26"));
        b.read(root.resolve("mx2"));
        b.read(root.resolve("mx1"));
        assertThat(b.render().substring(b.render().indexOf("\nNodes"))).isEqualTo(
                a.render().substring(a.render().indexOf("\nNodes")));
    }

    @Test
    void networksAreSlash24AndSlash64() {
        assertThat(DecisionReport.network("192.0.2.77")).isEqualTo("192.0.2.0/24");
        assertThat(DecisionReport.network("2001:db8:1:2::99")).isEqualTo("2001:db8:1:2::/64");
        assertThat(DecisionReport.network("[2001:DB8::1]")).isEqualTo("2001:db8:0:0::/64");
        assertThat(DecisionReport.network("not-an-address")).isEqualTo("not-an-address");
    }
}
