package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.log.Decision;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.portcullis.testing.Strict;

/**
 * Opens the HTML report (over the golden test's lines) in a real headless browser, Debian's chromium, and checks the
 * screenshot: not blank, and the charts' bar colours are drawn (so the inline SVG rendered). Skipped when
 * {@code chromium} is not on the PATH ({@code apt-get install -y chromium}); in strict mode ({@code .ci/run}) that
 * fails instead ({@link Strict}). The screenshot is kept as
 * {@code core/target/report-2026-11-26.png} to look at.
 */
class HtmlReportChromiumTest {
    /** The chromium executable (skipped, or in strict mode failed, when there is none). */
    private static String chromium() {
        java.util.Optional<Path> chromium = Strict.command("chromium");
        Strict.require(chromium.isPresent(), "chromium (headless browser)",
                "apt-get install -y --no-install-recommends chromium; .ci/run installs it");
        return chromium.get().toString();
    }

    @Test
    void headlessChromiumRendersTheCharts(@TempDir Path tmp) throws Exception {
        java.util.Optional<Path> chromium = Strict.command("chromium");
        Strict.require(chromium.isPresent(), "chromium (headless browser)",
                "apt-get install -y --no-install-recommends chromium; .ci/run installs it");
        String browser = chromium.get().toString();
        Path root = DecisionReportTest.resource("report");
        LocalDate day = LocalDate.parse("2026-11-26");
        String html = new DecisionReport(day, day).read(root.resolve("mx1")).read(root.resolve("mx2")).renderHtml();
        Path page = tmp.resolve("report.html");
        Files.write(page, html.getBytes(StandardCharsets.UTF_8));
        Path png = tmp.resolve("report.png");
        List<String> cmd = new ArrayList<>(List.of(browser, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + tmp.resolve("profile"), "--screenshot=" + png,
                "--window-size=1200,1600", page.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log")
                .toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished within 2 minutes").isTrue();
        assertThat(Files.exists(png)).as("screenshot written; chromium said: %s",
                Files.readString(tmp.resolve("chromium.log"), StandardCharsets.UTF_8)).isTrue();
        Path kept = Path.of("target", "report-2026-11-26.png");
        Files.createDirectories(kept.getParent());
        Files.copy(png, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(png)).isGreaterThan(20_000);

        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1200);
        assertThat(img.getHeight()).isEqualTo(1600);
        long nonWhite = 0;
        long barBlue = 0; // svg .bar  #3b6ea5
        long hourRed = 0; // svg .refused #b8433a
        long pipeOrange = 0; // svg .pipe #e0a030
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
                if (near(rgb, 0x3b6ea5)) {
                    barBlue++;
                }
                if (near(rgb, 0xb8433a)) {
                    hourRed++;
                }
                if (near(rgb, 0xe0a030)) {
                    pipeOrange++;
                }
            }
        }
        assertThat(nonWhite).as("non-white pixels").isGreaterThan(50_000);
        assertThat(barBlue).as("pixels of bar charts").isGreaterThan(5_000);
        assertThat(pipeOrange).as("pixels of the pipeline part of the action chart").isGreaterThan(500);
        assertThat(hourRed).as("pixels of the hour chart").isGreaterThan(1_000);
    }

    private static boolean near(int rgb, int want) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((want >> shift) & 0xff)) > 6) {
                return false;
            }
        }
        return true;
    }

    /** Writes, into the page, one line per chart label: its text, its left and right edge, and its chart's width. */
    private static final String MEASURE = "<script>(function(){var out=[];"
            + "document.querySelectorAll('svg').forEach(function(s){var w=s.viewBox.baseVal.width;"
            + "s.querySelectorAll('text.lbl').forEach(function(t){var b=t.getBBox();"
            + "out.push([t.textContent,b.x.toFixed(1),(b.x+b.width).toFixed(1),w].join('|'));});});"
            + "var p=document.createElement('pre');p.id='measured';p.textContent=out.join('\\n');"
            + "document.body.appendChild(p);})();</script>";

    /**
     * Long rule and list names ({@code CONTENT_TYPE_TRAILING_SEMICOLON}, a list named with a long zone) are drawn in
     * full inside their bar chart: Chromium measures every label's box, and none starts before the chart's left edge
     * or ends past its right edge.
     */
    @Test
    void longNamesInTheBarChartsAreDrawnInFull(@TempDir Path tmp) throws Exception {
        LocalDate day = LocalDate.parse("2026-11-26");
        java.time.Instant t = java.time.Instant.parse("2026-11-26T10:00:00Z");
        String rule = "CONTENT_TYPE_TRAILING_SEMICOLON";
        String list = "cli1 (combined.dnsbl.lists.example.org)";
        DecisionReport r = new DecisionReport(day, day);
        r.add(Decision.of(Decision.DATA, Decision.REJECT).time(t).client("192.0.2.1").reason("score").score(30)
                .findings(List.of(new io.portcullis.verdict.Finding("headers", rule, 8, "x"),
                        new io.portcullis.verdict.Finding("headers", "MISSING_DATE", 8, "y"),
                        new io.portcullis.verdict.Finding("dnsbl", "cli1", 14, "listed",
                                "combined.dnsbl.lists.example.org"))).toJson("mx1"));
        // The page forbids scripts (Content-Security-Policy); this copy drops that one line so the measuring script
        // may run. Layout and styles are the page's own.
        String html = r.renderHtml().replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "")
                .replace("</body>", MEASURE + "</body>");
        assertThat(html).doesNotContain("Content-Security-Policy");
        Path page = tmp.resolve("long.html");
        Files.write(page, html.getBytes(StandardCharsets.UTF_8));
        Path dom = tmp.resolve("dom.html");
        Process p = new ProcessBuilder(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + tmp.resolve("profile"), "--window-size=1200,1600", "--dump-dom",
                page.toUri().toString()).redirectError(tmp.resolve("chromium.log").toFile())
                .redirectOutput(dom.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished within 2 minutes").isTrue();
        String out = Files.readString(dom, StandardCharsets.UTF_8);
        int start = out.indexOf("<pre id=\"measured\">");
        assertThat(start).as("measurements in the page; chromium said: %s",
                Files.readString(tmp.resolve("chromium.log"), StandardCharsets.UTF_8)).isGreaterThanOrEqualTo(0);
        String measured = out.substring(start + "<pre id=\"measured\">".length(), out.indexOf("</pre>", start));
        List<String> labels = new ArrayList<>();
        for (String line : measured.split("\n")) {
            String[] f = line.split("\\|");
            assertThat(f).as("measurement '%s'", line).hasSize(4);
            String label = f[0].replace("&amp;", "&");
            labels.add(label);
            assertThat(Double.parseDouble(f[1])).as("left edge of '%s'", label).isGreaterThanOrEqualTo(0);
            assertThat(Double.parseDouble(f[2])).as("right edge of '%s' (chart %s wide)", label, f[3])
                    .isLessThanOrEqualTo(Double.parseDouble(f[3]));
        }
        assertThat(labels).contains(rule, list);
    }
}
