package io.portcullis.decision;

import io.portcullis.verdict.CheckModes;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The one SMTP decision function: evidence so far + stage + rules → accept, tarpit, temp-fail or reject. Pure and
 * thread-safe (no state, no I/O); the James handler calls it at each stage and acts on the result.
 *
 * <p>Order at RCPT and end of DATA (the stages that may refuse), first match wins:
 * <ol>
 *   <li>exempt (relay, allow list, postmaster-only transaction): accept;</li>
 *   <li>remembered and {@code rejectRemembered}: {@code 550 5.7.1};</li>
 *   <li>score ≥ reject threshold: {@code 550 5.7.1} naming the evidence;</li>
 *   <li>score ≥ temp-fail threshold: {@code 451 4.7.1};</li>
 *   <li>at RCPT, score ≥ greylist threshold and the triplet has not retried properly
 *   ({@link SmtpEvidence#greylistWait()}): {@code 451 4.7.1} (greylisted); below the band nobody is greylisted;</li>
 *   <li>the client's own lookups were refused for the DNS cap: {@code 451 4.7.1} (never a blind accept);</li>
 *   <li>the client's lists gave no opinion and {@code tempfailOnUnknown}: {@code 451 4.4.3};</li>
 *   <li>score ≥ tarpit threshold, or remembered and {@code tarpitRemembered}: tarpit (accept, slowed);</li>
 *   <li>accept.</li>
 * </ol>
 * At connect, HELO and MAIL only the tarpit applies (nothing is refused before a recipient is named, so
 * {@code postmaster@} stays reachable). Unknown evidence never gives a 5xx. With {@code smtp.mode = observe} the
 * decision is always accept, and {@link SmtpDecision#would()} carries what enforce mode would have done; findings
 * of observed checks never count, and {@code would()} says what they would have changed.
 */
public final class SmtpDecider {
    private SmtpDecider() {
    }

    public static SmtpDecision decide(Stage stage, SmtpEvidence e, SmtpRules rules, CheckModes modes) {
        List<Finding> enforced = modes.enforced(e.findings());
        List<Finding> observed = modes.observed(e.findings());
        if (e.exemption() != Exemption.NONE) {
            return new SmtpDecision(stage, SmtpDecision.Action.ACCEPT, null, Verdict.sum(enforced), enforced,
                    observed, e.exemption(), null);
        }
        SmtpDecision real = judge(stage, e, rules, enforced, observed, enforced, null);
        SmtpDecision withObserved = observed.isEmpty() ? real
                : judge(stage, e, rules, enforced, observed, e.findings(), null);
        if (rules.observeAll()) {
            SmtpDecision would = real.action() != SmtpDecision.Action.ACCEPT ? real
                    : withObserved.action() != SmtpDecision.Action.ACCEPT ? withObserved : null;
            return new SmtpDecision(stage, SmtpDecision.Action.ACCEPT, null, real.score(), enforced, observed,
                    Exemption.NONE, would);
        }
        return withObserved.action() == real.action() ? real
                : judge(stage, e, rules, enforced, observed, enforced, withObserved);
    }

    private static SmtpDecision judge(Stage stage, SmtpEvidence e, SmtpRules r, List<Finding> enforced,
            List<Finding> observed, List<Finding> counted, SmtpDecision would) {
        double score = Verdict.sum(counted);
        Refusal refusal = null;
        if (stage.decides()) {
            refusal = refusal(stage, e, r, score, counted);
        }
        SmtpDecision.Action action;
        if (refusal != null) {
            action = refusal.soft() ? SmtpDecision.Action.TEMPFAIL : SmtpDecision.Action.REJECT;
        } else if (score >= r.tarpitThreshold() || (r.tarpitRemembered() && e.remembered())) {
            action = SmtpDecision.Action.TARPIT;
        } else {
            action = SmtpDecision.Action.ACCEPT;
        }
        return new SmtpDecision(stage, action, refusal, score, enforced, observed, Exemption.NONE, would);
    }

    private static Refusal refusal(Stage stage, SmtpEvidence e, SmtpRules r, double score, List<Finding> counted) {
        if (r.rejectRemembered() && e.remembered()) {
            return new Refusal("550", "5.7.1", "Rejected: " + e.client() + " recently sent spam here",
                    Refusal.Kind.REMEMBERED);
        }
        if (score >= r.rejectThreshold()) {
            return new Refusal("550", "5.7.1", "Rejected: " + reason(score, counted), Refusal.Kind.SCORE);
        }
        if (score >= r.tempfailThreshold()) {
            return new Refusal("451", "4.7.1", "Try again later: " + reason(score, counted), Refusal.Kind.SCORE);
        }
        if (stage == Stage.RCPT && score >= r.greylistThreshold() && e.greylistWait()) {
            return new Refusal("451", "4.7.1", "Greylisted, try again later", Refusal.Kind.GREYLISTED);
        }
        if (e.overCap()) {
            return new Refusal("451", "4.7.1", "Too many DNS lookups pending for your network, try again later",
                    Refusal.Kind.DNS_OVER_CAP);
        }
        if (r.tempfailOnUnknown() && e.clientUnknown()) {
            return new Refusal("451", "4.4.3", "DNS lists did not answer in time, try again later",
                    Refusal.Kind.DNS_UNKNOWN);
        }
        return null;
    }

    /**
     * Whether {@code score} is in the greylist band of {@code rules} (at or above the greylist threshold, below the
     * temp-fail and reject thresholds): where a triplet's proper retry is what lets the mail through.
     */
    public static boolean inGreylistBand(double score, SmtpRules rules) {
        return score >= rules.greylistThreshold() && score < rules.tempfailThreshold()
                && score < rules.rejectThreshold();
    }

    /**
     * The refusal for a client beyond {@code smtp.tarpit.max-connections}: {@code 421 4.7.0}, then the connection
     * is closed.
     */
    public static Refusal tarpitFull() {
        return new Refusal("421", "4.7.0", "Too many slow connections, closing; try again later",
                Refusal.Kind.TARPIT_FULL);
    }

    /**
     * At RCPT: a transaction holds either exempt recipients (postmaster, abuse) or others, never both, so that the
     * end-of-DATA decision applies to every recipient of the message: mail for a user is not let through by adding
     * {@code postmaster@}, and a report to {@code postmaster@} is not refused because a user is named beside it.
     * Returns the {@code 452 4.5.3} refusal (RFC 5321 3.3: the client sends the rest in another transaction) when
     * {@code rcptExempt} differs from the kind of the recipients accepted so far; empty when it may be accepted.
     *
     * @param accepted recipients already accepted in this transaction
     * @param acceptedExempt whether those are exempt ones (meaningless when {@code accepted} is 0)
     */
    public static java.util.Optional<Refusal> splitRecipients(int accepted, boolean acceptedExempt,
            boolean rcptExempt) {
        if (accepted == 0 || acceptedExempt == rcptExempt) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Refusal("452", "4.5.3", rcptExempt
                ? "Mail for postmaster or abuse must come in its own transaction; send it again separately"
                : "Mail for other recipients must come in its own transaction; send it again separately",
                Refusal.Kind.SPLIT_RECIPIENTS));
    }

    /**
     * {@code score 20.0: client-ip 127.0.0.2 listed in bl.test; headers INVALID_DATE; network ASN (AS64510 ...)}:
     * the score and up to four of the largest positive findings (DNS lists by their listing, other checks by check
     * and rule, with a brief detail where the rule alone does not say what matched). Not yet sanitised.
     */
    public static String reason(double score, List<Finding> findings) {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort((a, b) -> Double.compare(b.score(), a.score()));
        List<String> parts = new ArrayList<>();
        for (Finding f : sorted) {
            if (f.score() <= 0 || parts.size() >= 4) {
                continue;
            }
            parts.add("dnsbl".equals(f.check()) ? listing(f.detail()) : f.check() + " " + f.rule() + brief(f));
        }
        return "score " + score + ": " + String.join("; ", parts);
    }

    /**
     * For checks whose rule alone does not say what matched (network owner, nameservers): their detail up to its
     * first colon, at most 80 characters, in parentheses; nothing for header rules and the greeting test.
     */
    private static String brief(Finding f) {
        if ("headers".equals(f.check()) || "smtp".equals(f.check()) || f.detail().isEmpty()) {
            return "";
        }
        String d = f.detail();
        int colon = d.indexOf(':');
        d = (colon >= 0 ? d.substring(0, colon) : d).trim();
        return d.isEmpty() ? "" : " (" + (d.length() > 80 ? d.substring(0, 80) : d) + ")";
    }

    /** The DNSBL detail up to the return codes: {@code client-ip 127.0.0.2 listed in bl.test}. */
    private static String listing(String detail) {
        int bracket = detail.indexOf(" [");
        return bracket > 0 ? detail.substring(0, bracket) : detail;
    }
}
