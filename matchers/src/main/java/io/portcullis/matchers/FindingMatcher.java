package io.portcullis.matchers;

import io.portcullis.james.PortcullisRuntime;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.FindingCondition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Portcullis matcher is: a {@link FindingCondition} (syntax, errors and the meaning of "no condition"
 * are documented there) judged against the enforced findings of one check, computed once per mail by
 * {@link PortcullisRuntime#findings} and carried in the mail's attributes. It matches all recipients or none.
 *
 * <p>A new matcher gives its check, its {@link #syntax()} (the kinds of ids it accepts) and its info; it overrides
 * {@link #evidence} when it has items tested against something other than findings, {@link #active} when its check
 * can be off, and {@link #neverMatches} to warn at init about a condition that cannot hold. Thread-safe: the
 * condition is immutable after {@link #init()}.
 *
 * @param <E> the evidence of the matcher-specific items ({@code Void} when none)
 */
public abstract class FindingMatcher<E> extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(FindingMatcher.class);

    protected final PortcullisRuntime runtime;
    private final String check;
    private volatile FindingCondition<E> condition;

    protected FindingMatcher(PortcullisRuntime runtime, String check) {
        this.runtime = runtime;
        this.check = check;
    }

    /** The syntax of this matcher's condition (it may read the configuration). */
    protected abstract FindingCondition.Syntax<E> syntax();

    /** Why this condition can never hold with this configuration (a warning at init), or null. */
    protected String neverMatches(FindingCondition<E> parsed) {
        return null;
    }

    /** False when the check is off: the matcher then never matches. */
    protected boolean active() {
        return true;
    }

    /** The enforced findings of the check. */
    protected List<Finding> findings(Mail mail) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : runtime.findings(mail)) {
            if (check.equals(f.check())) {
                out.add(f);
            }
        }
        return out;
    }

    /** The evidence of the matcher-specific items; asked for only when the condition has such items. */
    protected E evidence(Mail mail) {
        return null;
    }

    @Override
    public void init() throws MessagingException {
        String name = getClass().getSimpleName();
        try {
            condition = syntax().parse(name, getCondition());
        } catch (IllegalArgumentException e) {
            throw new MessagingException(e.getMessage(), e);
        }
        String never = neverMatches(condition);
        if (never != null) {
            LOGGER.warn("Portcullis: {}{} {} in {}: it will never match", name,
                    condition.isDefault() ? "" : "=" + getCondition().trim(), never, runtime.config().source());
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        if (!active()) {
            return Collections.emptyList();
        }
        List<Finding> findings = condition.needsFindings() ? findings(mail) : List.of();
        return condition.matches(findings, () -> evidence(mail)) ? mail.getRecipients() : Collections.emptyList();
    }

    /** The parsed condition. */
    FindingCondition<E> condition() {
        return condition;
    }
}
