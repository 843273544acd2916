package io.portcullis.log;

import static org.assertj.core.api.Assertions.assertThat;

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
}
