package io.portcullis.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.verdict.Action;
import io.portcullis.verdict.CheckModes;
import io.portcullis.verdict.Policy;
import io.portcullis.verdict.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The small values around the SMTP decision (evidence, decision, refusal, ids as the decision log writes them) and
 * the switches the decider reads from them, each on both sides.
 */
class DecisionValuesTest {
    private static final Finding F6 = new Finding("dnsbl", "bl", 6, "client-ip 192.0.2.1 listed in bl.test [127.0.0.2]");

    @Test
    void evidenceKeepsWhatItWasGiven() {
        SmtpEvidence none = SmtpEvidence.builder().build();
        assertThat(none.findings()).isEmpty();
        assertThat(none.exemption()).isEqualTo(Exemption.NONE);
        assertThat(none.client()).isEmpty();
        assertThat(none.clientUnknown()).isFalse();
        assertThat(none.overCap()).isFalse();
        assertThat(none.remembered()).isFalse();
        assertThat(none.pending()).isFalse();

        SmtpEvidence all = SmtpEvidence.builder().findings(List.of(F6)).finding(F6).client("192.0.2.1")
                .clientUnknown(true).overCap(true).remembered(true).pending(true).exemption(Exemption.RELAY).build();
        assertThat(all.findings()).containsExactly(F6, F6);
        assertThat(all.client()).isEqualTo("192.0.2.1");
        assertThat(all.clientUnknown()).isTrue();
        assertThat(all.overCap()).isTrue();
        assertThat(all.remembered()).isTrue();
        assertThat(all.pending()).isTrue();
        assertThat(all.exemption()).isEqualTo(Exemption.RELAY);
        // pending and over-cap accumulate: a later "false" does not clear an earlier "true"
        SmtpEvidence acc = SmtpEvidence.builder().pending(true).pending(false).overCap(true).overCap(false).build();
        assertThat(acc.pending()).isTrue();
        assertThat(acc.overCap()).isTrue();
    }

    @Test
    void unknownListsTempfailOnlyWhenAskedAndOnlyWhenUnknown() {
        SmtpRules on = SmtpRules.builder().reject(15).tarpit(8).tempfailOnUnknown(true).build();
        SmtpEvidence known = SmtpEvidence.builder().client("192.0.2.1").build();
        SmtpEvidence unknown = SmtpEvidence.builder().client("192.0.2.1").clientUnknown(true).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, known, on, CheckModes.ENFORCE_ALL).action())
                .isEqualTo(SmtpDecision.Action.ACCEPT);
        SmtpDecision d = SmtpDecider.decide(Stage.RCPT, unknown, on, CheckModes.ENFORCE_ALL);
        assertThat(d.action()).isEqualTo(SmtpDecision.Action.TEMPFAIL);
        assertThat(d.refuses()).isTrue();
        assertThat(d.refusal().orElseThrow().reply()).startsWith("451 4.4.3 ");
        assertThat(d.refusal().orElseThrow().kind().id()).isEqualTo("dns-unknown");
        SmtpRules off = SmtpRules.builder().reject(15).tarpit(8).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, unknown, off, CheckModes.ENFORCE_ALL).refuses()).isFalse();
    }

    @Test
    void rememberedClientsOnlyWhenRemembered() {
        SmtpRules both = SmtpRules.builder().reject(15).tarpit(8).tarpitRemembered(true).rejectRemembered(true).build();
        SmtpEvidence fresh = SmtpEvidence.builder().client("192.0.2.1").build();
        SmtpEvidence again = SmtpEvidence.builder().client("192.0.2.1").remembered(true).build();
        assertThat(SmtpDecider.decide(Stage.RCPT, fresh, both, CheckModes.ENFORCE_ALL).action())
                .isEqualTo(SmtpDecision.Action.ACCEPT);
        assertThat(SmtpDecider.decide(Stage.MAIL, fresh, both, CheckModes.ENFORCE_ALL).tarpits()).isFalse();
        SmtpDecision rcpt = SmtpDecider.decide(Stage.RCPT, again, both, CheckModes.ENFORCE_ALL);
        assertThat(rcpt.action()).isEqualTo(SmtpDecision.Action.REJECT);
        assertThat(rcpt.refusal().orElseThrow().text()).isEqualTo("Rejected: 192.0.2.1 recently sent spam here");
        assertThat(rcpt.refusal().orElseThrow().status()).isEqualTo("5.7.1");
        SmtpDecision mail = SmtpDecider.decide(Stage.MAIL, again, both, CheckModes.ENFORCE_ALL);
        assertThat(mail.tarpits()).isTrue();
        assertThat(mail.stage()).isEqualTo(Stage.MAIL);
        assertThat(mail.refuses()).isFalse();
    }

    @Test
    void decisionCarriesItsFindingsAndScore() {
        SmtpRules rules = SmtpRules.builder().reject(15).tarpit(8).build();
        SmtpDecision d = SmtpDecider.decide(Stage.DATA, SmtpEvidence.builder().finding(F6).build(), rules,
                CheckModes.ENFORCE_ALL);
        assertThat(d.findings()).containsExactly(F6);
        assertThat(d.observed()).isEmpty();
        assertThat(d.score()).isEqualTo(6.0);
        assertThat(d.stage()).isEqualTo(Stage.DATA);
        assertThat(d.tarpits()).isFalse();
        assertThat(d.exemption()).isEqualTo(Exemption.NONE);
    }

    @Test
    void refusalCodes() {
        Refusal full = SmtpDecider.tarpitFull();
        assertThat(full.code()).isEqualTo("421");
        assertThat(full.closes()).isTrue();
        assertThat(full.soft()).isTrue();
        assertThat(full.status()).isEqualTo("4.7.0");
        assertThat(full.kind().id()).isEqualTo("tarpit-full");
        Refusal split = SmtpDecider.splitRecipients(1, false, true).orElseThrow();
        assertThat(split.code()).isEqualTo("452");
        assertThat(split.closes()).isFalse();
        assertThat(split.text()).contains("postmaster or abuse");
        assertThat(SmtpDecider.splitRecipients(1, true, false).orElseThrow().text()).contains("other recipients");
        assertThat(SmtpDecider.splitRecipients(0, true, false)).isEmpty();
        assertThat(SmtpDecider.splitRecipients(2, true, true)).isEmpty();
        assertThat(SmtpDecider.splitRecipients(2, false, false)).isEmpty();
    }

    @Test
    void reasonNamesAtMostFourPositiveFindingsLargestFirst() {
        List<Finding> fs = List.of(new Finding("headers", "A", 1, "a"), new Finding("headers", "B", 5, "b"),
                new Finding("headers", "C", 0, "c"), new Finding("headers", "D", -2, "d"),
                new Finding("headers", "E", 2, "e"), new Finding("headers", "F", 3, "f"),
                new Finding("headers", "G", 4, "g"),
                new Finding("dnsbl", "bl", 0.5, "helo x.example listed in names.test [127.0.1.2]"),
                new Finding("dnsbl", "nb", 0.25, "no bracket here"));
        assertThat(SmtpDecider.reason(13, fs)).isEqualTo("score 13.0: headers B; headers G; headers F; headers E");
        assertThat(SmtpDecider.reason(1, List.of(fs.get(7), fs.get(8))))
                .isEqualTo("score 1.0: helo x.example listed in names.test; no bracket here");
        // zero and negative findings are never named, even when there is room
        assertThat(SmtpDecider.reason(5, List.of(fs.get(1), fs.get(2), fs.get(3)))).isEqualTo("score 5.0: headers B");
        // a bracket at the very start is not a return-code list
        assertThat(SmtpDecider.reason(1, List.of(new Finding("dnsbl", "x", 1, " [1] text"))))
                .isEqualTo("score 1.0:  [1] text");
    }

    @Test
    void idsAsTheDecisionLogWritesThem() {
        assertThat(Stage.RCPT.id()).isEqualTo("rcpt");
        assertThat(Stage.CONNECT.id()).isEqualTo("connect");
        assertThat(Stage.RCPT.decides()).isTrue();
        assertThat(Stage.DATA.decides()).isTrue();
        assertThat(Stage.MAIL.decides()).isFalse();
        assertThat(SmtpDecision.Action.TEMPFAIL.id()).isEqualTo("tempfail");
        assertThat(SmtpDecision.Action.REJECT.id()).isEqualTo("reject");
        assertThat(Action.TARPIT.id()).isEqualTo("tarpit");
        assertThat(Exemption.ALLOW_LIST.id()).isEqualTo("allow-list");
        assertThat(Exemption.NONE.id()).isEqualTo("none");
    }

    @Test
    void policyThresholdsMayBeEqualButNotOutOfOrder() {
        Policy same = new Policy(5, 5, 5);
        assertThat(same.decide(5)).isEqualTo(Action.REJECT);
        assertThat(same.decide(4.99)).isEqualTo(Action.ACCEPT);
        Policy p = new Policy(5, 10, 15);
        assertThat(p.decide(5)).isEqualTo(Action.TAG);
        assertThat(p.decide(10)).isEqualTo(Action.TARPIT);
        assertThat(p.decide(15)).isEqualTo(Action.REJECT);
        assertThatThrownBy(() -> new Policy(5.01, 5, 15)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Policy(5, 15.01, 15)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checkModesObserveWholeChecksOrSingleRules() {
        CheckModes m = CheckModes.builder().observeCheck("headers").observeRule("dnsbl", "bl").build();
        assertThat(m.observesCheck("headers")).isTrue();
        assertThat(m.observesCheck("dnsbl")).isFalse();
        assertThat(m.observes("dnsbl", "bl")).isTrue();
        assertThat(m.observes("dnsbl", "zen")).isFalse();
        assertThat(m.observes("headers", "MISSING_DATE")).isTrue();
        assertThat(m.enforcesAll()).isFalse();
        assertThat(CheckModes.ENFORCE_ALL.enforcesAll()).isTrue();
        assertThat(CheckModes.ENFORCE_ALL.observesCheck("headers")).isFalse();
    }

    @Test
    void findingsAreEqualOnlyWhenEveryPartIs() {
        Finding a = new Finding("dnsbl", "bl", 6, "d");
        assertThat(a).isEqualTo(new Finding("dnsbl", "bl", 6, "d")).hasSameHashCodeAs(new Finding("dnsbl", "bl", 6, "d"));
        assertThat(a).isNotEqualTo(new Finding("headers", "bl", 6, "d"));
        assertThat(a).isNotEqualTo(new Finding("dnsbl", "zen", 6, "d"));
        assertThat(a).isNotEqualTo(new Finding("dnsbl", "bl", 5, "d"));
        assertThat(a).isNotEqualTo(new Finding("dnsbl", "bl", 6, "e"));
        assertThat(a).isNotEqualTo("dnsbl");
        assertThat(a.hashCode()).isNotEqualTo(new Finding("dnsbl", "zen", 6, "d").hashCode());
    }
}
