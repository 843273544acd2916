package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fitting procedure on crafted samples: it helps where the data says so and keeps the principle. */
class CrossValidationTest {
    private static CrossValidation.Sample sample(String sender, boolean spam, HeaderRule... rules) {
        return new CrossValidation.Sample(sender, spam, sender, rules);
    }

    @Test
    void fitRaisesAHeuristicOnlyBelowTheThresholdAndWithinTheHamBudget() {
        List<CrossValidation.Sample> train = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // 4.5 with the defaults: one step more on FORGED_MUA flags them
            train.add(sample("s" + i, true, HeaderRule.FORGED_MUA, HeaderRule.DATE_IN_PAST));
            // only a heuristic of 5 or more would flag these: the fit must not go there
            train.add(sample("t" + i, true, HeaderRule.SUBJECT_PADDED_TAG));
        }
        for (int i = 0; i < 100; i++) {
            train.add(sample("h" + i, false, HeaderRule.FORGED_MUA));
        }
        double[] w = CrossValidation.fit(train, CrossValidation.weights(HeaderRuleSettings.defaults()), 5.0);
        int spamFlagged = 0;
        int hamFlagged = 0;
        for (CrossValidation.Sample s : train) {
            if (CrossValidation.score(s, w) >= 5.0) {
                if (s.spam) {
                    spamFlagged++;
                } else {
                    hamFlagged++;
                }
            }
        }
        assertThat(spamFlagged).as("the pair reaches 5 (one of its two scores raised), padded subjects alone never")
                .isEqualTo(20);
        assertThat(hamFlagged).isZero();
        assertThat(w[HeaderRule.SUBJECT_PADDED_TAG.ordinal()]).isLessThan(5.0);
        for (HeaderRule r : HeaderRule.values()) {
            if (r.kind() == HeaderRule.Kind.HEURISTIC) {
                assertThat(w[r.ordinal()]).as("%s", r).isLessThan(5.0);
            }
        }
        // rfc rules keep their configured score
        assertThat(w[HeaderRule.INVALID_DATE.ordinal()]).isEqualTo(HeaderRule.INVALID_DATE.defaultScore());
    }

    @Test
    void fitDoesNotBuyHamFalsePositives() {
        List<CrossValidation.Sample> train = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            train.add(sample("s" + i, true, HeaderRule.FORGED_MUA, HeaderRule.DATE_IN_PAST));
            // ham with the same pair: flagging the spam would flag 20 % of ham
            train.add(sample("h" + i, false, HeaderRule.FORGED_MUA, HeaderRule.DATE_IN_PAST));
        }
        double[] w = CrossValidation.fit(train, CrossValidation.weights(HeaderRuleSettings.defaults()), 5.0);
        int hamFlagged = 0;
        for (CrossValidation.Sample s : train) {
            if (!s.spam && CrossValidation.score(s, w) >= 5.0) {
                hamFlagged++;
            }
        }
        assertThat(hamFlagged).isZero();
    }

    @Test
    void bulkStyleRulesShareTheCapInScoring() {
        CrossValidation.Sample s = sample("x", true, HeaderRule.CONTENT_TYPE_HTML_ONLY, HeaderRule.PRIORITY_WITHOUT_MAILER,
                HeaderRule.MESSAGE_ID_FROM_RELAY, HeaderRule.FORGED_MUA);
        assertThat(CrossValidation.score(s, CrossValidation.weights(HeaderRuleSettings.defaults())))
                .isEqualTo(3.0 + HeaderRule.BULK_STYLE_CAP);
    }
}
