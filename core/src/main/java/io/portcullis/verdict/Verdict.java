package io.portcullis.verdict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Findings for one message, their summed score and the action the policy derives from it. Findings of checks in
 * observe mode ({@link CheckModes}) are kept apart: they do not count towards {@link #score()} and
 * {@link #action()}, only towards {@link #wouldScore()} and {@link #wouldAction()}, what would have been decided
 * with every check enforced. Immutable.
 */
public final class Verdict {
    private final List<Finding> findings;
    private final List<Finding> observed;
    private final double score;
    private final Action action;
    private final double wouldScore;
    private final Action wouldAction;

    private Verdict(List<Finding> findings, List<Finding> observed, double score, Action action, double wouldScore,
            Action wouldAction) {
        this.findings = findings;
        this.observed = observed;
        this.score = score;
        this.action = action;
        this.wouldScore = wouldScore;
        this.wouldAction = wouldAction;
    }

    /** Every finding enforced. */
    public static Verdict of(List<Finding> findings, Policy policy) {
        return of(findings, policy, CheckModes.ENFORCE_ALL);
    }

    /** The findings of checks that {@code modes} observes are set apart. */
    public static Verdict of(List<Finding> findings, Policy policy, CheckModes modes) {
        List<Finding> enforced = Collections.unmodifiableList(new ArrayList<>(modes.enforced(findings)));
        List<Finding> observed = Collections.unmodifiableList(new ArrayList<>(modes.observed(findings)));
        double score = sum(enforced);
        double wouldScore = observed.isEmpty() ? score : sum(findings);
        return new Verdict(enforced, observed, score, policy.decide(score), wouldScore, policy.decide(wouldScore));
    }

    /** The sum, rounded to 1/1000 so that 0.1 + 0.2 prints as 0.3 in reports. */
    public static double sum(List<Finding> findings) {
        double sum = 0;
        for (Finding f : findings) {
            sum += f.score();
        }
        return Math.round(sum * 1000.0) / 1000.0;
    }

    /** The enforced findings (those that count). */
    public List<Finding> findings() {
        return findings;
    }

    /** The findings of checks in observe mode (they do not count). */
    public List<Finding> observed() {
        return observed;
    }

    public double score() {
        return score;
    }

    public Action action() {
        return action;
    }

    /** The score with the observed findings counted too. */
    public double wouldScore() {
        return wouldScore;
    }

    /** The action with the observed findings counted too. */
    public Action wouldAction() {
        return wouldAction;
    }

    @Override
    public String toString() {
        return "Verdict{" + action.id() + ", score=" + score + ", findings=" + findings
                + (observed.isEmpty() ? "" : ", would " + wouldAction.id() + " at " + wouldScore + " with observed="
                + observed) + "}";
    }
}
