package io.portcullis.decision;

import io.portcullis.verdict.Finding;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the SMTP side does at one stage: accept, accept but tarpit the connection, or refuse (temp-fail, reject)
 * with a typed {@link Refusal}; with the score and the findings behind it, and what would have been done had every
 * observed check (and {@code smtp.mode = observe}) been enforced. Immutable.
 */
public final class SmtpDecision {
    /** The action, in increasing severity. */
    public enum Action {
        ACCEPT, TARPIT, TEMPFAIL, REJECT;

        /** As the decision log writes it: {@code accept}, {@code tarpit}, {@code tempfail}, {@code reject}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Stage stage;
    private final Action action;
    private final Refusal refusal;
    private final double score;
    private final List<Finding> findings;
    private final List<Finding> observed;
    private final Exemption exemption;
    private final SmtpDecision would;

    SmtpDecision(Stage stage, Action action, Refusal refusal, double score, List<Finding> findings,
            List<Finding> observed, Exemption exemption, SmtpDecision would) {
        this.stage = stage;
        this.action = action;
        this.refusal = refusal;
        this.score = score;
        this.findings = List.copyOf(findings);
        this.observed = List.copyOf(observed);
        this.exemption = exemption;
        this.would = would;
    }

    public Stage stage() {
        return stage;
    }

    public Action action() {
        return action;
    }

    /** The refusal to answer, for {@link Action#TEMPFAIL} and {@link Action#REJECT}. */
    public Optional<Refusal> refusal() {
        return Optional.ofNullable(refusal);
    }

    /** True for temp-fail and reject. */
    public boolean refuses() {
        return refusal != null;
    }

    /** True when the connection is to be tarpitted from now on (set by this decision or an earlier one). */
    public boolean tarpits() {
        return action == Action.TARPIT;
    }

    /** The score of the enforced findings. */
    public double score() {
        return score;
    }

    /** The enforced findings (those that count). */
    public List<Finding> findings() {
        return findings;
    }

    /** Findings of checks in observe mode (they do not count). */
    public List<Finding> observed() {
        return observed;
    }

    /** Why nothing was judged, or {@link Exemption#NONE}. */
    public Exemption exemption() {
        return exemption;
    }

    /**
     * What would have been decided with the observed checks enforced (and without {@code smtp.mode = observe}),
     * when that differs from this decision; empty when it is the same.
     */
    public Optional<SmtpDecision> would() {
        return Optional.ofNullable(would);
    }

    @Override
    public String toString() {
        return "SmtpDecision{" + stage.id() + " " + action.id() + (refusal == null ? "" : " " + refusal)
                + ", score=" + score + ", findings=" + findings
                + (exemption == Exemption.NONE ? "" : ", exempt " + exemption.id())
                + (would == null ? "" : ", would " + would.action.id() + " at " + would.score) + "}";
    }
}
