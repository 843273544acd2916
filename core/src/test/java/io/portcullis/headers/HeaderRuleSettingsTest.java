package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderRuleSettingsTest {
    private final byte[] noDate = Msg.good().remove("Date").bytes();

    @Test
    void disabledRuleProducesNoFinding() {
        HeaderChecker c = new HeaderChecker(HeaderRuleSettings.defaults().withDisabled(HeaderRule.MISSING_DATE));
        assertThat(c.check(HeaderInput.of(noDate))).isEmpty();
    }

    @Test
    void rescoredRuleUsesTheConfiguredScore() {
        HeaderChecker c = new HeaderChecker(HeaderRuleSettings.defaults().withScore(HeaderRule.MISSING_DATE, 0.25));
        List<Finding> fs = c.check(HeaderInput.of(noDate));
        assertThat(fs).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("MISSING_DATE");
            assertThat(f.score()).isEqualTo(0.25);
        });
    }

    @Test
    void catalogueIsComplete() {
        for (HeaderRule r : HeaderRule.values()) {
            assertThat(r.reference()).as(r.id()).isNotBlank();
            assertThat(r.summary()).as(r.id()).isNotBlank();
            assertThat(r.defaultScore()).as(r.id()).isBetween(0.0, 10.0);
            assertThat(r.id()).isEqualTo(r.name());
        }
        assertThat(HeaderRule.values().length).isGreaterThanOrEqualTo(40);
    }

    @Test
    @org.junit.jupiter.api.Tag("slow") // 16,000 checks: left out of mutation testing (it adds no kill)
    void checkerIsUsableFromManyThreads() throws Exception {
        HeaderChecker c = new HeaderChecker(HeaderRuleSettings.defaults());
        byte[] raw = Msg.good().remove("From").bytes();
        List<Finding> expected = c.check(HeaderInput.of(raw));
        Thread[] ts = new Thread[8];
        boolean[] ok = new boolean[ts.length];
        for (int i = 0; i < ts.length; i++) {
            int k = i;
            ts[i] = new Thread(() -> {
                boolean same = true;
                for (int j = 0; j < 2000; j++) {
                    same &= c.check(HeaderInput.of(raw)).equals(expected);
                }
                ok[k] = same;
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        for (boolean b : ok) {
            assertThat(b).isTrue();
        }
    }

    @Test
    void copiesKeepTheOtherRules() {
        HeaderRuleSettings d = HeaderRuleSettings.defaults();
        HeaderRuleSettings rescored = d.withScore(HeaderRule.MISSING_DATE, 0.25);
        assertThat(rescored.score(HeaderRule.MISSING_FROM)).isEqualTo(d.score(HeaderRule.MISSING_FROM));
        assertThat(rescored.score(HeaderRule.MISSING_DATE)).contains(0.25);
        assertThat(rescored.enabled(HeaderRule.MISSING_DATE)).isTrue();
        HeaderRuleSettings off = d.withDisabled(HeaderRule.MISSING_DATE);
        assertThat(off.enabled(HeaderRule.MISSING_DATE)).isFalse();
        assertThat(off.score(HeaderRule.MISSING_DATE)).isEmpty();
        assertThat(off.enabled(HeaderRule.MISSING_FROM)).isTrue();
        assertThat(off.score(HeaderRule.MISSING_FROM)).isEqualTo(d.score(HeaderRule.MISSING_FROM));
    }
}
