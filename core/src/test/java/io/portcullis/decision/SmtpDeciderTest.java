package io.portcullis.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.CheckModes;
import io.portcullis.verdict.Finding;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SmtpDeciderTest {
    /** reject 15, temp-fail band 12..15, tarpit 8. */
    private static final SmtpRules RULES = SmtpRules.builder().reject(15).tempfail(12).tarpit(8).build();
    private static final CheckModes ENFORCE = CheckModes.ENFORCE_ALL;

    private static Finding listed(double w) {
        return new Finding("dnsbl", "bl", w, "client-ip 192.0.2.1 listed in bl.test [127.0.0.2]");
    }

    private static SmtpEvidence score(double w) {
        return SmtpEvidence.builder().client("192.0.2.1").finding(listed(w)).build();
    }

    @ParameterizedTest(name = "{0} at {1} -> {2} {3}")
    @CsvSource({
            // stage, score, action, reply code ('-' for none)
            "RCPT, 0, ACCEPT, -",
            "RCPT, 7.999, ACCEPT, -",
            "RCPT, 8, TARPIT, -",
            "RCPT, 11.99, TARPIT, -",
            "RCPT, 12, TEMPFAIL, 451",
            "RCPT, 14.999, TEMPFAIL, 451",
            "RCPT, 15, REJECT, 550",
            "RCPT, 40, REJECT, 550",
            "DATA, 12, TEMPFAIL, 451",
            "DATA, 15, REJECT, 550",
            "DATA, 9, TARPIT, -",
            "CONNECT, 40, TARPIT, -",
            "HELO, 40, TARPIT, -",
            "MAIL, 40, TARPIT, -",
            "MAIL, 3, ACCEPT, -",
    })
    void scoreAgainstThresholds(Stage stage, double w, SmtpDecision.Action action, String code) {
        SmtpDecision d = SmtpDecider.decide(stage, score(w), RULES, ENFORCE);
        assertThat(d.action()).isEqualTo(action);
        assertThat(d.refusal().map(Refusal::code).orElse("-")).isEqualTo(code);
        assertThat(d.score()).isEqualTo(w);
        assertThat(d.would()).isEmpty();
    }

    @Test
    void rejectionNamesTheListingWithoutReturnCodes() {
        Refusal r = SmtpDecider.decide(Stage.RCPT, score(20), RULES, ENFORCE).refusal().orElseThrow();
        assertThat(r.reply()).isEqualTo("550 5.7.1 Rejected: score 20.0: client-ip 192.0.2.1 listed in bl.test");
        assertThat(r.kind()).isEqualTo(Refusal.Kind.SCORE);
        assertThat(r.soft()).isFalse();
    }

    @Test
    void reasonTextFromDnsIsSanitised() {
        Finding hostile = new Finding("dnsbl", "bl", 20, "client-ip 192.0.2.1 listed in bl.test\r\n250 OK\u0000");
        Refusal r = SmtpDecider.decide(Stage.RCPT, SmtpEvidence.builder().finding(hostile).build(), RULES, ENFORCE)
                .refusal().orElseThrow();
        assertThat(r.reply()).doesNotContain("\r").doesNotContain("\n").doesNotContain("\u0000");
    }

    @ParameterizedTest
    @EnumSource(value = Exemption.class, names = {"RELAY", "ALLOW_LIST", "POSTMASTER"})
    void exemptClientsAreNeverRefusedNorTarpitted(Exemption exemption) {
        SmtpEvidence e = SmtpEvidence.builder().finding(listed(50)).exemption(exemption).remembered(true)
                .overCap(true).clientUnknown(true).build();
        SmtpRules strict = SmtpRules.builder().reject(15).tempfail(12).tarpit(8).rejectRemembered(true)
                .tarpitRemembered(true).tempfailOnUnknown(true).build();
        for (Stage s : Stage.values()) {
            SmtpDecision d = SmtpDecider.decide(s, e, strict, ENFORCE);
            assertThat(d.action()).as(s.id()).isEqualTo(SmtpDecision.Action.ACCEPT);
            assertThat(d.exemption()).isEqualTo(exemption);
        }
    }

    @Test
    void rememberedClients() {
        SmtpEvidence e = SmtpEvidence.builder().client("192.0.2.9").remembered(true).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, e, RULES, ENFORCE).action()).isEqualTo(SmtpDecision.Action.ACCEPT);
        SmtpRules tarpit = SmtpRules.builder().reject(15).tempfail(12).tarpit(8).tarpitRemembered(true).build();
        assertThat(SmtpDecider.decide(Stage.HELO, e, tarpit, ENFORCE).action())
                .isEqualTo(SmtpDecision.Action.TARPIT);
        SmtpRules reject = SmtpRules.builder().reject(15).tempfail(12).tarpit(8).rejectRemembered(true).build();
        SmtpDecision d = SmtpDecider.decide(Stage.RCPT, e, reject, ENFORCE);
        assertThat(d.refusal().orElseThrow().reply()).isEqualTo("550 5.7.1 Rejected: 192.0.2.9 recently sent spam here");
        assertThat(d.refusal().get().kind()).isEqualTo(Refusal.Kind.REMEMBERED);
        assertThat(SmtpDecider.decide(Stage.MAIL, e, reject, ENFORCE).refuses()).isFalse();
    }

    @Test
    void unknownEvidenceNeverGivesA5xx() {
        SmtpEvidence e = SmtpEvidence.builder().clientUnknown(true).pending(true).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, e, RULES, ENFORCE).action()).isEqualTo(SmtpDecision.Action.ACCEPT);
        SmtpRules tf = SmtpRules.builder().reject(15).tempfail(12).tarpit(8).tempfailOnUnknown(true).build();
        SmtpDecision d = SmtpDecider.decide(Stage.RCPT, e, tf, ENFORCE);
        assertThat(d.refusal().orElseThrow().reply()).startsWith("451 4.4.3 ");
        assertThat(d.refusal().get().kind()).isEqualTo(Refusal.Kind.DNS_UNKNOWN);
        assertThat(SmtpDecider.decide(Stage.DATA, e, tf, ENFORCE).refusal().orElseThrow().code()).isEqualTo("451");
    }

    @Test
    void overCapIsATempfailButAListingStillRejects() {
        SmtpEvidence e = SmtpEvidence.builder().overCap(true).build();
        SmtpDecision d = SmtpDecider.decide(Stage.RCPT, e, RULES, ENFORCE);
        assertThat(d.refusal().orElseThrow().code()).isEqualTo("451");
        assertThat(d.refusal().get().kind()).isEqualTo(Refusal.Kind.DNS_OVER_CAP);
        SmtpEvidence listedToo = SmtpEvidence.builder().overCap(true).finding(listed(20)).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, listedToo, RULES, ENFORCE).refusal().orElseThrow().code())
                .isEqualTo("550");
        assertThat(SmtpDecider.decide(Stage.MAIL, e, RULES, ENFORCE).refuses()).isFalse();
    }

    @Test
    void observedFindingsDoNotCountButSayWhatTheyWouldHaveDone() {
        CheckModes observeBl = CheckModes.builder().observeRule("dnsbl", "bl").build();
        SmtpDecision d = SmtpDecider.decide(Stage.RCPT, score(20), RULES, observeBl);
        assertThat(d.action()).isEqualTo(SmtpDecision.Action.ACCEPT);
        assertThat(d.score()).isEqualTo(0.0);
        assertThat(d.findings()).isEmpty();
        assertThat(d.observed()).hasSize(1);
        SmtpDecision would = d.would().orElseThrow();
        assertThat(would.action()).isEqualTo(SmtpDecision.Action.REJECT);
        assertThat(would.score()).isEqualTo(20.0);
        assertThat(would.refusal().orElseThrow().code()).isEqualTo("550");
    }

    @Test
    void observedFindingAddsToEnforcedOnlyInTheWould() {
        CheckModes observeBl = CheckModes.builder().observeRule("dnsbl", "bl").build();
        SmtpEvidence e = SmtpEvidence.builder().finding(listed(9))
                .finding(new Finding("headers", "INVALID_DATE", 9, "bad date")).build();
        SmtpDecision d = SmtpDecider.decide(Stage.DATA, e, RULES, observeBl);
        assertThat(d.action()).isEqualTo(SmtpDecision.Action.TARPIT);
        assertThat(d.would().orElseThrow().action()).isEqualTo(SmtpDecision.Action.REJECT);
    }

    @Test
    void observeModeAcceptsEverythingAndTellsWhatEnforceWouldDo() {
        SmtpRules observe = SmtpRules.builder().reject(15).tempfail(12).tarpit(8).observeAll(true).build();
        for (Stage s : Stage.values()) {
            SmtpDecision d = SmtpDecider.decide(s, score(20), observe, ENFORCE);
            assertThat(d.action()).isEqualTo(SmtpDecision.Action.ACCEPT);
            assertThat(d.refuses()).isFalse();
            SmtpDecision.Action expected = s.decides() ? SmtpDecision.Action.REJECT : SmtpDecision.Action.TARPIT;
            assertThat(d.would().orElseThrow().action()).as(s.id()).isEqualTo(expected);
        }
        assertThat(SmtpDecider.decide(Stage.RCPT, score(1), observe, ENFORCE).would()).isEmpty();
    }

    @Test
    void negativeWeightsLowerTheScore() {
        SmtpEvidence e = SmtpEvidence.builder().finding(listed(16))
                .finding(new Finding("dnsbl", "wl", -5, "client-ip 192.0.2.1 listed in wl.test")).build();
        SmtpDecision d = SmtpDecider.decide(Stage.RCPT, e, RULES, ENFORCE);
        assertThat(d.score()).isEqualTo(11.0);
        assertThat(d.action()).isEqualTo(SmtpDecision.Action.TARPIT);
    }

    @ParameterizedTest(name = "accepted {0} exempt={1}, next exempt={2} -> {3}")
    @CsvSource({
            "0, false, true, -",
            "0, true, false, -",
            "1, false, false, -",
            "3, true, true, -",
            "1, false, true, 452",
            "2, true, false, 452",
    })
    void exemptAndOtherRecipientsNeverShareATransaction(int accepted, boolean acceptedExempt, boolean next,
            String code) {
        assertThat(SmtpDecider.splitRecipients(accepted, acceptedExempt, next).map(Refusal::code).orElse("-"))
                .isEqualTo(code);
    }

    @Test
    void reasonNamesWhatMatchedForChecksWhoseRuleDoesNotSay() {
        List<Finding> fs = List.of(new Finding("network", "ASN", 20, "AS64510 192.0.2.0/24 country NL ripencc: client-ip"),
                new Finding("headers", "MISSING_DATE", 3.5, "no Date header"));
        assertThat(SmtpDecider.reason(23.5, fs))
                .isEqualTo("score 23.5: network ASN (AS64510 192.0.2.0/24 country NL ripencc); headers MISSING_DATE");
        // up to the first colon: nothing before it, nothing shown; at most 80 characters; a detail without a colon whole
        assertThat(SmtpDecider.reason(1, List.of(new Finding("nameservers", "NS", 1, ": ns1.example"))))
                .isEqualTo("score 1.0: nameservers NS");
        String long90 = "x".repeat(90);
        assertThat(SmtpDecider.reason(1, List.of(new Finding("network", "ASN", 1, long90))))
                .isEqualTo("score 1.0: network ASN (" + "x".repeat(80) + ")");
        assertThat(SmtpDecider.reason(1, List.of(new Finding("network", "ASN", 1, "AS1 x"))))
                .isEqualTo("score 1.0: network ASN (AS1 x)");
        assertThat(SmtpDecider.reason(1, List.of(new Finding("smtp", "PREGREET", 1, "spoke first: x"))))
                .isEqualTo("score 1.0: smtp PREGREET");
    }

    @Test
    void tarpitFullCloses() {
        Refusal r = SmtpDecider.tarpitFull();
        assertThat(r.reply()).startsWith("421 4.7.0 ");
        assertThat(r.closes()).isTrue();
        assertThat(r.kind().id()).isEqualTo("tarpit-full");
    }

    @Test
    void reasonListsAtMostFourPositiveFindingsLargestFirst() {
        List<Finding> fs = List.of(new Finding("headers", "A", 1, ""), new Finding("headers", "B", 5, ""),
                new Finding("headers", "C", 3, ""), new Finding("headers", "D", 2, ""),
                new Finding("headers", "E", 4, ""), new Finding("dnsbl", "wl", -2, "allowed"));
        assertThat(SmtpDecider.reason(13, fs)).isEqualTo("score 13.0: headers B; headers E; headers C; headers D");
    }

    /** reject 15, temp-fail 12, tarpit 8, greylist band 4..12. */
    private static final SmtpRules GREY = SmtpRules.builder().reject(15).tempfail(12).tarpit(8).greylist(4).build();

    private static SmtpEvidence waiting(double w, boolean wait) {
        return SmtpEvidence.builder().client("192.0.2.1").finding(listed(w)).greylistWait(wait).build();
    }

    @ParameterizedTest(name = "score {0}, triplet waits {1}, at {2} -> {3} {4}")
    @CsvSource({
            "3.99, true, RCPT, ACCEPT, -",
            "4, true, RCPT, TEMPFAIL, 451",
            "4, false, RCPT, ACCEPT, -",
            "9, true, RCPT, TEMPFAIL, 451",
            "9, false, RCPT, TARPIT, -",
            "12, true, RCPT, TEMPFAIL, 451",
            "15, true, RCPT, REJECT, 550",
            "5, true, DATA, ACCEPT, -",
            "5, true, MAIL, ACCEPT, -",
    })
    void greylistBand(double w, boolean wait, Stage stage, SmtpDecision.Action action, String code) {
        SmtpDecision d = SmtpDecider.decide(stage, waiting(w, wait), GREY, ENFORCE);
        assertThat(d.action()).isEqualTo(action);
        assertThat(d.refusal().map(Refusal::code).orElse("-")).isEqualTo(code);
        if (w >= 4 && w < 12 && wait && stage == Stage.RCPT) {
            assertThat(d.refusal().get().reply()).isEqualTo("451 4.7.1 Greylisted, try again later");
            assertThat(d.refusal().get().kind()).isEqualTo(Refusal.Kind.GREYLISTED);
            assertThat(d.refusal().get().kind().id()).isEqualTo("greylisted");
        }
        assertThat(SmtpDecider.inGreylistBand(w, GREY)).isEqualTo(w >= 4 && w < 12);
    }

    @Test
    void greylistBandEndsAtTheLowerOfTheTempfailAndRejectThresholds() {
        SmtpRules rejectFirst = SmtpRules.builder().reject(8).tempfail(12).tarpit(6).greylist(4).build();
        assertThat(SmtpDecider.inGreylistBand(3.9, rejectFirst)).isFalse();
        assertThat(SmtpDecider.inGreylistBand(4, rejectFirst)).isTrue();
        assertThat(SmtpDecider.inGreylistBand(7.9, rejectFirst)).isTrue();
        assertThat(SmtpDecider.inGreylistBand(8, rejectFirst)).as("rejected, not greylisted").isFalse();
        assertThat(SmtpDecider.inGreylistBand(12, GREY)).isFalse();
    }

    @Test
    void greylistingIsOffByDefaultAndNeverAppliesToExemptClientsOrInObserveMode() {
        assertThat(SmtpDecider.decide(Stage.RCPT, waiting(9, true), RULES, ENFORCE).action())
                .isEqualTo(SmtpDecision.Action.TARPIT);
        SmtpEvidence exempt = SmtpEvidence.builder().client("192.0.2.1").finding(listed(5)).greylistWait(true)
                .exemption(Exemption.ALLOW_LIST).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, exempt, GREY, ENFORCE).refuses()).isFalse();
        SmtpRules observe = SmtpRules.builder().reject(15).tempfail(12).tarpit(8).greylist(4).observeAll(true).build();
        SmtpDecision d = SmtpDecider.decide(Stage.RCPT, waiting(5, true), observe, ENFORCE);
        assertThat(d.action()).isEqualTo(SmtpDecision.Action.ACCEPT);
        assertThat(d.would().orElseThrow().refusal().orElseThrow().kind()).isEqualTo(Refusal.Kind.GREYLISTED);
    }

    @Test
    void reputationFindingsMoveAClientIntoOrOutOfTheBand() {
        Finding bad = new Finding("reputation", "IP", 3, "ip 192.0.2.1: ...");
        Finding good = new Finding("reputation", "IP", -2, "ip 192.0.2.1: ...");
        SmtpEvidence newcomer = SmtpEvidence.builder().client("192.0.2.1").finding(listed(3)).greylistWait(true).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, newcomer, GREY, ENFORCE).refuses()).isFalse();
        SmtpEvidence known = SmtpEvidence.builder().client("192.0.2.1").finding(listed(3)).finding(bad)
                .greylistWait(true).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, known, GREY, ENFORCE).refusal().orElseThrow().kind())
                .isEqualTo(Refusal.Kind.GREYLISTED);
        SmtpEvidence clean = SmtpEvidence.builder().client("192.0.2.1").finding(listed(5)).finding(good)
                .greylistWait(true).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, clean, GREY, ENFORCE).refuses()).isFalse();
        CheckModes observeRep = CheckModes.builder().observeCheck("reputation").build();
        SmtpDecision d = SmtpDecider.decide(Stage.RCPT, known, GREY, observeRep);
        assertThat(d.refuses()).as("reputation.mode = observe").isFalse();
        assertThat(d.would().orElseThrow().refusal().orElseThrow().kind()).isEqualTo(Refusal.Kind.GREYLISTED);
    }
}
