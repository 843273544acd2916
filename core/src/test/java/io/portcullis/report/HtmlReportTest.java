package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Golden test of the HTML report over the text golden test's lines, and escaping of hostile log values. */
class HtmlReportTest {
    private static final LocalDate DAY = LocalDate.parse("2026-11-26");

    @Test
    void htmlReportOverTwoNodesMatchesTheGoldenPage() throws Exception {
        Path root = DecisionReportTest.resource("report");
        DecisionReport r = new DecisionReport(DAY, DAY);
        r.read(root.resolve("mx1"));
        r.read(root.resolve("mx2"));
        String html = r.renderHtml().replace(root.toString(), "ROOT");
        String golden = new String(Files.readAllBytes(DecisionReportTest.resource("report-2026-11-26.html")),
                StandardCharsets.UTF_8);
        if (!html.equals(golden) && System.getProperty("portcullis.golden.update.html") != null) {
            Files.write(Paths.get(System.getProperty("portcullis.golden.update.html")),
                    html.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(html).isEqualTo(golden);
    }

    @Test
    void pageIsSelfContained() throws Exception {
        Path root = DecisionReportTest.resource("report");
        String html = new DecisionReport(DAY, DAY).read(root.resolve("mx1")).read(root.resolve("mx2")).renderHtml();
        assertThat(html).doesNotContain("<script").doesNotContain("http:").doesNotContain("https:")
                .doesNotContain("src=").doesNotContain("href=").contains("<svg").contains("<style>");
        // one chart for actions, the hour chart and a bar chart per table, for both sides
        assertThat(html.split("<svg", -1).length - 1).isEqualTo(1 + 8 + 7);
        assertThat(html).contains("aria-label=\"refusals by hour (UTC)\"");
    }

    @Test
    void hostileValuesAreEscapedEverywhere() {
        String evil = "<script>alert(\"x\")</script>&amp;'\u0000\u001b";
        DecisionReport r = new DecisionReport(DAY, DAY);
        r.add("{\"time\": \"2026-11-26T08:00:00Z\", \"node\": \"" + json(evil) + "\", \"stage\": \"rcpt\", "
                + "\"client\": \"" + json(evil) + "\", \"sender\": \"" + json(evil) + "\", \"action\": \"reject\", "
                + "\"reason\": \"" + json(evil) + "\", \"findings\": [{\"check\": \"dnsbl\", \"rule\": \""
                + json(evil) + "\", \"weight\": 5}, {\"check\": \"" + json(evil) + "\", \"rule\": \"" + json(evil)
                + "\", \"weight\": 5}]}");
        r.add("{\"time\": \"2026-11-26T09:00:00Z\", \"node\": \"mx1\", \"action\": \"" + json(evil) + "\"}");
        r.add("{\"time\": \"2026-11-26T09:00:00Z\", \"node\": \"" + json(evil) + "\", \"type\": \"overflow\", "
                + "\"dropped\": 3}");
        r.add("{\"time\": \"2026-11-26T09:00:00Z\", \"node\": \"mx1\", \"type\": \"dns\", \"event\": \""
                + json(evil) + "\", \"list\": \"" + json(evil) + "\"}");
        String html = r.renderHtml();
        assertThat(html).doesNotContain("<script").doesNotContain("alert(\"").doesNotContain("'\u0000")
                .doesNotContain("\u0000").doesNotContain("\u001b").doesNotContain("&amp;'");
        assertThat(html).contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;&#39;\ufffd\ufffd");
        // every '&' starts an entity; every '<' starts a tag this renderer wrote
        assertThat(html.replaceAll("&(amp|lt|gt|quot|#39);", "")).doesNotContain("&");
        assertThat(html).doesNotContainPattern("<(?!/?(html|head|meta|title|style|body|h1|h2|h3|p|div|span|table|tr"
                + "|th|td|svg|g|text|rect|line)[ >/])(?!!DOCTYPE)");
        // the hostile text reached the page (escaped) from every place it was put
        assertThat(html.split("&lt;script&gt;", -1).length - 1).isGreaterThanOrEqualTo(10);
        assertThat(html).contains("Log overflow: 3 decision(s) not logged");
    }

    @Test
    void escapeKeepsOrdinaryTextAndPairsOfSurrogates() {
        assertThat(HtmlReport.esc("a\u00e9b \ud83d\ude00 c\td")).isEqualTo("a\u00e9b \ud83d\ude00 c\td");
        assertThat(HtmlReport.esc("\ud83d x \u0085")).isEqualTo("\ufffd x \ufffd");
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
