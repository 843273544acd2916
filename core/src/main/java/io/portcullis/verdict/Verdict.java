package io.portcullis.verdict;

import io.portcullis.policy.Action;
import io.portcullis.policy.Policy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Findings for one message, their summed score and the action the policy derives from it. Immutable. */
public final class Verdict {
    private final List<Finding> findings;
    private final double score;
    private final Action action;

    private Verdict(List<Finding> findings, double score, Action action) {
        this.findings = findings;
        this.score = score;
        this.action = action;
    }

    public static Verdict of(List<Finding> findings, Policy policy) {
        List<Finding> copy = Collections.unmodifiableList(new ArrayList<>(findings));
        double sum = 0;
        for (Finding f : copy) {
            sum += f.score();
        }
        // Round to 1/1000 so that 0.1 + 0.2 prints as 0.3 in reports.
        double score = Math.round(sum * 1000.0) / 1000.0;
        return new Verdict(copy, score, policy.decide(score));
    }

    public List<Finding> findings() {
        return findings;
    }

    public double score() {
        return score;
    }

    public Action action() {
        return action;
    }

    @Override
    public String toString() {
        return "Verdict{" + action.id() + ", score=" + score + ", findings=" + findings + "}";
    }
}
