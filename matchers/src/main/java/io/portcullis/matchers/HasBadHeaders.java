package io.portcullis.matchers;

import io.portcullis.config.ConfigException;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.HeaderRule;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.verdict.Finding;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * <pre>{@code
 * <mailet match="io.portcullis.matchers.HasBadHeaders=8" class="ToRepository">
 *     <repositoryPath>memory://var/mail/quarantine/</repositoryPath>
 * </mailet>
 * }</pre>
 *
 * <p>Matches (all recipients) when the message's headers break the standards: the Portcullis header
 * conformance check (rules {@link HeaderRule}, scores from {@code portcullis.properties}) found enough.
 *
 * <p>Condition: tokens separated by commas and/or spaces.
 * <ul>
 *   <li>a number: the minimum summed score of the header findings, e.g. {@code HasBadHeaders=8};</li>
 *   <li>rule ids: match if any of these rules fired, e.g. {@code HasBadHeaders=MISSING_DATE, MISSING_FROM};</li>
 *   <li>both: match if either holds, e.g. {@code HasBadHeaders=10 NO_HEADERS};</li>
 *   <li>no condition: the tag threshold of the policy ({@code policy.tag-threshold}, default 5).</li>
 * </ul>
 * Unknown rule ids, several numbers or a non-finite number fail at init with a message naming the condition and
 * the token.
 *
 * <p>Rules in observe mode ({@code headers.mode} or {@code headers.rule.<RULE>.mode = observe}) never make it
 * match: their findings are only logged.
 *
 * <p>The header check runs once per mail: its findings are stored in the JSON-serialisable mail attributes
 * {@code io.portcullis.findings} / {@code io.portcullis.checks} and reused by later matchers and the {@code Tag}
 * mailet (or taken from an earlier stage that recorded them). Thread-safe: the configuration is immutable after
 * {@link #init()}.
 */
public class HasBadHeaders extends GenericMatcher {
    private final PortcullisRuntime runtime;
    private volatile Condition condition;

    @Inject
    public HasBadHeaders(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init() throws MessagingException {
        condition = Condition.parse(getCondition(), runtime.config());
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail whose header conformance findings reach a score or include given rules";
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        List<Finding> findings = runtime.headerFindings(mail);
        if (condition.matches(findings)) {
            return mail.getRecipients();
        }
        return Collections.emptyList();
    }

    /** The parsed condition; visible for tests. */
    Condition condition() {
        return condition;
    }

    /** Parsed matcher condition. Immutable. */
    static final class Condition {
        private final Double minScore;
        private final Set<String> rules;

        private Condition(Double minScore, Set<String> rules) {
            this.minScore = minScore;
            this.rules = rules;
        }

        static Condition parse(String raw, PortcullisConfig config) throws MessagingException {
            String text = raw == null ? "" : raw.trim();
            if (text.isEmpty()) {
                return new Condition(config.policy().tagThreshold(), Set.of());
            }
            Double min = null;
            Set<String> ids = new java.util.LinkedHashSet<>();
            for (String token : text.split("[,\\s]+")) {
                if (token.isEmpty()) {
                    continue;
                }
                if (looksNumeric(token)) {
                    double d;
                    try {
                        d = Double.parseDouble(token);
                    } catch (NumberFormatException e) {
                        throw bad(raw, token, "not a number");
                    }
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw bad(raw, token, "not a finite number");
                    }
                    if (min != null) {
                        throw bad(raw, token, "only one minimum score may be given");
                    }
                    min = d;
                } else {
                    try {
                        HeaderRule rule = PortcullisConfig.headerRule("HasBadHeaders", "condition", token);
                        ids.add(rule.id());
                    } catch (ConfigException e) {
                        throw bad(raw, token, "unknown header rule; known rules: " + knownRules());
                    }
                }
            }
            if (min == null && ids.isEmpty()) {
                return new Condition(config.policy().tagThreshold(), Set.of());
            }
            return new Condition(min, Collections.unmodifiableSet(ids));
        }

        private static boolean looksNumeric(String token) {
            char c = token.charAt(0);
            return Character.isDigit(c) || c == '-' || c == '+' || c == '.';
        }

        private static MessagingException bad(String condition, String token, String why) {
            return new MessagingException("HasBadHeaders: bad condition '" + condition + "': token '" + token
                    + "': " + why);
        }

        private static String knownRules() {
            StringBuilder sb = new StringBuilder();
            for (HeaderRule r : EnumSet.allOf(HeaderRule.class)) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(r.id());
            }
            return sb.toString();
        }

        boolean matches(List<Finding> headerFindings) {
            if (headerFindings.isEmpty()) {
                return false;
            }
            double sum = 0;
            for (Finding f : headerFindings) {
                sum += f.score();
                if (rules.contains(f.rule().toUpperCase(Locale.ROOT))) {
                    return true;
                }
            }
            sum = Math.round(sum * 1000.0) / 1000.0;
            return minScore != null && sum >= minScore;
        }

        Double minScore() {
            return minScore;
        }

        Set<String> rules() {
            return rules;
        }
    }
}
