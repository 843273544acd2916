package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.log.Decision;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import io.portcullis.verdict.Finding;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
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

    @Test
    void observedFindingsAreCountedOnTheObserveSideOnly() {
        Instant t = Instant.parse("2026-11-26T10:00:00Z");
        Finding zen = new Finding("dnsbl", "zen", 12, "client-ip listed");
        Finding dyn = new Finding("dnsbl", "dyn", 6, "client-ip listed");
        Finding date = new Finding("headers", "INVALID_DATE", 16, "bad date");
        // Enforced refusal by a header rule, with an observed list on the side.
        String enforced = Decision.of(Decision.DATA, Decision.REJECT).time(t).client("192.0.2.1").reason("score")
                .score(16).findings(List.of(date)).observed(List.of(zen)).toJson("mx1");
        // What the observed list would have refused (an enforced finding under the threshold plus the observed one).
        String would = Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("192.0.2.2").observe(true)
                .reason("score").score(18).findings(List.of(dyn)).observed(List.of(zen)).toJson("mx1");
        assertThat(enforced).contains("{\"check\": \"dnsbl\", \"rule\": \"zen\", \"weight\": 12, "
                + "\"reason\": \"client-ip listed\", \"observe\": true}");
        DecisionReport r = new DecisionReport(LocalDate.parse("2026-11-26"), LocalDate.parse("2026-11-26"));
        r.add(enforced);
        r.add(would);
        String text = r.render();
        String enforcedPart = text.substring(0, text.indexOf("Observe mode"));
        String observePart = text.substring(text.indexOf("Observe mode"));
        assertThat(enforcedPart).contains("Refused (reject + tempfail): 1\n").contains("INVALID_DATE")
                .doesNotContain("zen");
        assertThat(observePart).contains("would have refused: 1\n").containsPattern("by list\n +zen +1\n")
                .doesNotContain("dyn");
    }

    @Test
    void refusalsAreCountedByAsnAndByCountryFromTheNetworkFindings() {
        Instant t = Instant.parse("2026-11-26T10:00:00Z");
        Finding asn = new Finding("network", "ASN", 20, "AS64496 192.0.2.0/24 country NL ripencc: client-ip 192.0.2.1, "
                + "AS name EXAMPLE-HOSTER");
        Finding country = new Finding("network", "COUNTRY", 16, "AS64501 AS64502 203.0.113.0/24 country JP apnic: "
                + "client-ip 203.0.113.9");
        Finding noCountry = new Finding("network", "ASN", 16, "AS64505 100.77.0.4/32: client-ip 100.77.0.4");
        Finding header = new Finding("headers", "MISSING_DATE", 16, "no Date");
        DecisionReport r = new DecisionReport(LocalDate.parse("2026-11-26"), LocalDate.parse("2026-11-26"));
        r.add(Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("192.0.2.1").reason("score").score(20)
                .findings(List.of(asn)).toJson("mx1"));
        r.add(Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("192.0.2.2").reason("score").score(20)
                .findings(List.of(asn)).toJson("mx1"));
        r.add(Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("203.0.113.9").reason("score").score(16)
                .findings(List.of(country)).toJson("mx1"));
        r.add(Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("100.77.0.4").reason("score").score(16)
                .findings(List.of(noCountry)).toJson("mx1"));
        r.add(Decision.of(Decision.DATA, Decision.REJECT).time(t).client("198.51.100.1").reason("score").score(16)
                .findings(List.of(header)).toJson("mx1"));
        String text = r.render();
        assertThat(text).containsPattern("by ASN\n +AS64496 +2\n +AS64501 +1\n +AS64505 +1\n");
        assertThat(text).containsPattern("by country\n +NL +2\n +JP +1\n");
        assertThat(text).contains("network ASN").contains("network COUNTRY");
        assertThat(r.renderHtml()).contains("by ASN").contains("AS64496").contains("by country");
    }

    /**
     * A list finding carries its zone into the decision line, and every place of the report that names the list
     * names the zone too; a line written before zones were recorded counts under the same list.
     */
    @Test
    void listsAreNamedWithTheirZone() {
        Instant t = Instant.parse("2026-11-26T10:00:00Z");
        Finding cli1 = new Finding("dnsbl", "cli1", 20, "client-ip 192.0.2.1 listed in bl.example [127.0.0.2]",
                "bl.example");
        Finding ns = new Finding("nameservers", "ns-name:nsbl", 4, "NS listed", "ns.bl.example");
        String line = Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("192.0.2.1").reason("score")
                .score(24).findings(List.of(cli1, ns)).toJson("mx1");
        assertThat(line).contains("\"rule\": \"cli1\", \"weight\": 20, \"reason\": \"client-ip 192.0.2.1 listed in "
                + "bl.example [127.0.0.2]\", \"zone\": \"bl.example\"}");
        String old = Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("192.0.2.2").reason("score").score(20)
                .findings(List.of(new Finding("dnsbl", "cli1", 20, "listed"))).toJson("mx1");
        DecisionReport r = new DecisionReport(LocalDate.parse("2026-11-26"), LocalDate.parse("2026-11-26"));
        r.add(line);
        r.add(old);
        r.add("{\"time\": \"2026-11-26T11:00:00Z\", \"node\": \"mx1\", \"type\": \"dns\", \"event\": \"suspended\", "
                + "\"list\": \"cli1\", \"zone\": \"bl.example\", \"why\": \"127.0.0.2 not listed\"}");
        String text = r.render();
        assertThat(text).containsPattern("by list\n +cli1 \\(bl\\.example\\) +2\n")
                .containsPattern("by nameserver\n +ns-name:nsbl \\(ns\\.bl\\.example\\) +1\n")
                .contains("suspended cli1 (bl.example) (mx1)");
        assertThat(text.replace("cli1 (bl.example)", "")).doesNotContain("cli1");
        String html = r.renderHtml();
        assertThat(html.replace("cli1 (bl.example)", "")).doesNotContain("cli1");
        assertThat(html).contains("cli1 (bl.example)");
    }

    @Test
    void refusalsAreCountedByOperatingSystemFromTheOsFindings() {
        Instant t = Instant.parse("2026-11-26T10:00:00Z");
        Finding win = new Finding("os", "OS", 20, "Windows 7 or 8 (exact), distance 3, link DSL: client-ip 192.0.2.1; "
                + "pattern win 'Windows*'");
        Finding link = new Finding("os", "LINK", 2, "Windows 7 or 8 (exact), distance 3, link DSL: client-ip 192.0.2.1; "
                + "link pattern dsl 'DSL'");
        Finding xp = new Finding("os", "OS", 16, "Windows XP (fuzzy), distance 9, link ?: client-ip 192.0.2.3; "
                + "pattern win 'Windows*'");
        Finding unknownOs = new Finding("os", "DISTANCE", 16, "unknown OS, distance 12, link ?: client-ip 192.0.2.4; "
                + "at least 10 hops");
        DecisionReport r = new DecisionReport(LocalDate.parse("2026-11-26"), LocalDate.parse("2026-11-26"));
        r.add(Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("192.0.2.1").reason("score").score(22)
                .findings(List.of(win, link)).toJson("mx1"));
        r.add(Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("192.0.2.2").reason("score").score(20)
                .findings(List.of(win)).toJson("mx1"));
        r.add(Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("192.0.2.3").reason("score").score(16)
                .findings(List.of(xp)).toJson("mx1"));
        r.add(Decision.of(Decision.RCPT, Decision.REJECT).time(t).client("192.0.2.4").reason("score").score(16)
                .findings(List.of(unknownOs)).toJson("mx1"));
        r.add(Decision.of(Decision.RCPT, Decision.TARPIT).time(t).client("192.0.2.5").reason("score").score(12)
                .findings(List.of(win)).toJson("mx1"));
        String text = r.render();
        assertThat(text).containsPattern("by operating system\n +Windows 7 or 8 +2\n +Windows XP +1\n");
        assertThat(text).contains("os OS").contains("os DISTANCE");
        assertThat(r.renderHtml()).contains("by operating system").contains("Windows 7 or 8");
    }
}
