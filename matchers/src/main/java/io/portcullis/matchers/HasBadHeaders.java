package io.portcullis.matchers;

import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderRule;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.verdict.FindingCondition;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;

/**
 * <pre>{@code
 * <mailet match="io.portcullis.matchers.HasBadHeaders=8" class="ToRepository">
 *     <repositoryPath>memory://var/mail/quarantine/</repositoryPath>
 * </mailet>
 * <!-- rule ids (any case), or a score and rules: either holds -->
 * <mailet match="io.portcullis.matchers.HasBadHeaders=MISSING_DATE, MISSING_FROM" class="..."/>
 * <mailet match="io.portcullis.matchers.HasBadHeaders=10 NO_HEADERS" class="..."/>
 * }</pre>
 *
 * <p>Matches (all recipients) when the message's headers break the standards: the Portcullis header
 * conformance check (rules {@link HeaderRule}, scores from {@code portcullis.properties}) found enough.
 *
 * <p>Condition ({@link FindingCondition}): a minimum summed score of the header findings and/or header rule ids
 * (a rule holds when it fired). No condition means the tag threshold of the policy
 * ({@code policy.tag-threshold}, default 5). Rules in observe mode ({@code headers.mode} or
 * {@code headers.rule.<RULE>.mode = observe}) never make it match.
 *
 * <p>The header check runs once per mail: its findings are stored in the mail attributes
 * {@code io.portcullis.findings} / {@code io.portcullis.checks} and reused by later matchers and the {@code Tag}
 * mailet (or taken from an earlier stage that recorded them).
 */
public class HasBadHeaders extends FindingMatcher<Void> {
    @Inject
    public HasBadHeaders(PortcullisRuntime runtime) {
        super(runtime, HeaderChecker.CHECK);
    }

    @Override
    protected FindingCondition.Syntax<Void> syntax() {
        List<String> rules = new ArrayList<>();
        for (HeaderRule r : HeaderRule.values()) {
            rules.add(r.id());
        }
        return FindingCondition.<Void>syntax().with(FindingCondition.ids("a header rule", rules, false))
                .defaultMinimum(runtime.config().policy().tagThreshold());
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail whose header conformance findings reach a score or include given rules";
    }
}
