package io.portcullis.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.verdict.FindingCondition.Kind;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FindingConditionTest {
    private static final Finding A = new Finding("c", "A", 3.0, "a");
    private static final Finding B = new Finding("c", "B", 1.5, "b");
    private static final Finding GOOD = new Finding("c", "GOOD", -2.0, "known good");

    /** Tokens "tag:<word>" tested against a list of words (the evidence). */
    private static final Kind<List<String>, String> TAG = FindingCondition.onEvidence("tag:<word>",
            t -> {
                if (!t.startsWith("tag:")) {
                    return null;
                }
                if (t.length() == 4) {
                    throw new IllegalArgumentException("empty tag");
                }
                return t.substring(4);
            },
            (tag, words) -> words.contains(tag));

    private static final FindingCondition.Syntax<List<String>> SYNTAX = FindingCondition.<List<String>>syntax()
            .with(FindingCondition.ids("a rule", List.of("A", "B", "GOOD"), false)).with(TAG);

    private static FindingCondition<List<String>> parse(String condition) {
        return SYNTAX.parse("M", condition);
    }

    private static boolean matches(String condition, List<Finding> findings, String... words) {
        return parse(condition).matches(findings, () -> List.of(words));
    }

    @Test
    void numberIsTheMinimumSummedScoreRoundedToThousandths() {
        assertThat(matches("4.5", List.of(A, B))).isTrue();
        assertThat(matches("4.6", List.of(A, B))).isFalse();
        assertThat(matches("+4", List.of(A, B))).isTrue();
        assertThat(matches(".5", List.of(B))).isTrue();
        assertThat(matches("2.", List.of(A, GOOD))).as("negative scores count").isFalse();
        assertThat(matches("-5", List.of())).as("no finding never reaches a score").isFalse();
        assertThat(matches("-5", List.of(GOOD))).isTrue();
        assertThat(parse("3").minScore()).isEqualTo(3.0);
        assertThat(matches("0.3", List.of(new Finding("c", "A", 0.1, ""), new Finding("c", "B", 0.2, ""))))
                .as("0.1 + 0.2 reaches 0.3").isTrue();
    }

    @Test
    void idsHoldWhenAFindingNamesThemInAnyCase() {
        assertThat(matches("a", List.of(A))).isTrue();
        assertThat(matches("B", List.of(A))).isFalse();
        assertThat(matches("good", List.of(GOOD))).as("whatever its score").isTrue();
        assertThat(parse("a, A b").items(FindingCondition.ids("x", List.of(), false))).isEmpty();
    }

    @Test
    void positiveOnlyIdsIgnoreNegativeFindings() {
        FindingCondition<Void> c = FindingCondition.<Void>syntax()
                .with(FindingCondition.ids("a rule", List.of("GOOD", "A"), true)).parse("M", "GOOD A");
        assertThat(c.matches(List.of(GOOD), () -> null)).isFalse();
        assertThat(c.matches(List.of(GOOD, A), () -> null)).isTrue();
        assertThat(c.matches(List.of(new Finding("c", "A", 0.0, "")), () -> null)).as("zero is not positive").isFalse();
    }

    @Test
    void anyTokenHolding() {
        assertThat(matches("10 B", List.of(B))).isTrue();
        assertThat(matches("4,B", List.of(A, B))).isTrue();
        assertThat(matches("10,tag:x", List.of(A), "x")).isTrue();
        assertThat(matches("10,tag:x", List.of(A), "y")).isFalse();
        assertThat(matches(" A ,\tB ", List.of(B))).isTrue();
    }

    @Test
    void evidenceIsAskedForOnlyWhenAnItemNeedsIt() {
        AtomicInteger asked = new AtomicInteger();
        parse("3 A").matches(List.of(A), () -> {
            asked.incrementAndGet();
            return List.of();
        });
        assertThat(asked).hasValue(0);
        assertThat(parse("3 A").needsEvidence()).isFalse();
        assertThat(parse("tag:x").needsEvidence()).isTrue();
        assertThat(parse("tag:x").needsFindings()).isFalse();
        assertThat(parse("tag:x A").needsFindings()).isTrue();
        assertThat(parse(null).needsFindings()).isTrue();
        assertThat(parse("tag:x tag:y").items(TAG)).containsExactly("x", "y");
        assertThat(parse("tag:x tag:x").items(TAG)).containsExactly("x");
        // a kind of its own that does not say it reads the evidence: findings only
        Kind<List<String>, String> own = new Kind<>() {
            @Override
            public String describe() {
                return "own:<x>";
            }

            @Override
            public String parse(String token) {
                return token.startsWith("own:") ? token.substring(4) : null;
            }

            @Override
            public boolean test(String item, List<Finding> findings, List<String> evidence) {
                return findings.stream().anyMatch(f -> f.rule().equals(item));
            }
        };
        FindingCondition<List<String>> c = FindingCondition.<List<String>>syntax().with(own).parse("M", "own:A");
        assertThat(c.needsEvidence()).isFalse();
        assertThat(c.matches(List.of(A), () -> {
            asked.incrementAndGet();
            return List.of();
        })).isTrue();
        assertThat(asked).hasValue(0);
    }

    @Test
    void noConditionIsAnyPositiveFindingUnlessADefaultMinimumIsGiven() {
        for (String none : new String[] {null, "", "  ", " , "}) {
            assertThat(parse(none).isDefault()).isTrue();
            assertThat(parse(none).minScore()).isNull();
            assertThat(matches(none, List.of(B))).isTrue();
            assertThat(matches(none, List.of(GOOD))).isFalse();
            assertThat(matches(none, List.of())).isFalse();
            assertThat(matches(none, List.of(new Finding("c", "A", 0.0, "")))).as("a zero score is no signal")
                    .isFalse();
        }
        assertThat(parse("A").isDefault()).isFalse();
        assertThat(parse("3").isDefault()).isFalse();
        FindingCondition.Syntax<List<String>> tag5 = SYNTAX.defaultMinimum(5);
        assertThat(tag5.parse("M", null).minScore()).isEqualTo(5.0);
        assertThat(tag5.parse("M", null).matches(List.of(A), List::of)).isFalse();
        assertThat(tag5.parse("M", "").matches(List.of(A, B, B), List::of)).isTrue();
        assertThat(tag5.parse("M", "A").minScore()).as("a condition replaces the default").isNull();
        assertThat(parse("A").matches(List.of(B), List::of)).as("ids alone: no any-positive fallback").isFalse();
    }

    @Test
    void errorsNameTheMatcherTheConditionAndTheToken() {
        assertThatThrownBy(() -> parse("1 2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("M: bad condition '1 2': token '2': only one minimum score may be given");
        assertThatThrownBy(() -> SYNTAX.scoreName("weight").parse("M", "1,2"))
                .hasMessage("M: bad condition '1,2': token '2': only one minimum weight may be given");
        assertThatThrownBy(() -> parse("A, nope"))
                .hasMessage("M: bad condition 'A, nope': token 'nope': not a minimum score, a rule (A, B, GOOD) or "
                        + "tag:<word>");
        assertThatThrownBy(() -> parse("tag:")).hasMessage("M: bad condition 'tag:': token 'tag:': empty tag");
        assertThatThrownBy(() -> parse("1" + "0".repeat(400)))
                .hasMessageEndingWith("not a finite number");
        assertThatThrownBy(() -> parse("5x")).hasMessageContaining("token '5x': not a minimum score");
        assertThatThrownBy(() -> parse("1e3")).hasMessageContaining("token '1e3': not a minimum score");
        assertThatThrownBy(() -> FindingCondition.<Void>syntax().parse("N", "x"))
                .hasMessage("N: bad condition 'x': token 'x': not a minimum score");
    }

    @Test
    void commasOnlyKeepsSpacesInsideTokens() {
        Kind<List<String>, String> phrase = FindingCondition.onEvidence("a phrase", t -> t,
                (p, words) -> words.contains(p));
        FindingCondition.Syntax<List<String>> commas = FindingCondition.<List<String>>syntax().commasOnly()
                .with(phrase);
        FindingCondition<List<String>> c = commas.parse("M", " Mac OS X* ,Windows 7 or 8, 3 ");
        assertThat(c.items(phrase)).containsExactly("Mac OS X*", "Windows 7 or 8");
        assertThat(c.minScore()).isEqualTo(3.0);
        assertThat(c.matches(List.of(), () -> List.of("Windows 7 or 8"))).isTrue();
        assertThatThrownBy(() -> parse("Mac OS")).as("the default splits on spaces too").hasMessage("M: bad condition 'Mac OS': token 'Mac': not a minimum "
                + "score, a rule (A, B, GOOD) or tag:<word>");
    }
}
