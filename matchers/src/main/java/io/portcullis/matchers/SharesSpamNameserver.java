package io.portcullis.matchers;

import io.portcullis.dnsbl.ListSpec;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.nameservers.LearnedNameservers;
import io.portcullis.nameservers.LocalNsList;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <pre>{@code
 * <!-- any nameserver finding (portcullis.properties: nameservers.enabled = true) -->
 * <mailet match="io.portcullis.matchers.SharesSpamNameserver" class="ToRepository">
 *     <repositoryPath>memory://var/mail/spam-nameservers/</repositoryPath>
 * </mailet>
 * <!-- only some sources, or a minimum score -->
 * <mailet match="io.portcullis.matchers.SharesSpamNameserver=local-list, learned" class="..."/>
 * <mailet match="io.portcullis.matchers.SharesSpamNameserver=ns-ip:sbl" class="..."/>
 * <mailet match="io.portcullis.matchers.SharesSpamNameserver=4" class="..."/>
 * }</pre>
 *
 * <p>Matches (all recipients) when the domains the mail comes from (MAIL FROM, From header, HELO and the
 * forward-confirmed client host name) are served by nameservers known to serve spam: listed in the
 * operator's local list ({@code nameservers.local-list}), in an {@code ns-name:} or {@code ns-ip:} DNS list
 * ({@code nameservers.list.<id>}), or learned from spam by the {@code LearnNameservers} mailet.
 *
 * <p>Condition: tokens separated by commas and/or spaces.
 * <ul>
 *   <li>a number: the minimum summed score of the nameserver findings (each source scores once per mail,
 *       its highest hit), e.g. {@code SharesSpamNameserver=4};</li>
 *   <li>a source: {@code local-list}, {@code learned}, or {@code ns-name:<id>} / {@code ns-ip:<id>} of a
 *       list configured as {@code nameservers.list.<id>}; matches when that source lists a nameserver;</li>
 *   <li>no condition: any nameserver finding with a positive score.</li>
 * </ul>
 * A number and sources match if either holds. Unknown sources fail at init, naming the condition and the
 * token. When {@code nameservers.enabled} is false the matcher never matches (a warning is logged at init).
 *
 * <p>Sources in observe mode ({@code nameservers.mode}, {@code nameservers.<source>.mode = observe}) never make
 * it match: their findings are only logged.
 *
 * <p>The check runs once per mail: its findings are stored in {@code io.portcullis.findings} (check
 * {@code nameservers}, rule = source), so the {@code Tag} mailet reports them and later matchers reuse them;
 * the resolved nameservers are kept in {@code io.portcullis.nameservers.view} for the learning mailet. DNS
 * failures, lame nameservers and an unavailable state store never match. Thread-safe; the spooler thread
 * waits at most the DNS budget.
 */
public class SharesSpamNameserver extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(SharesSpamNameserver.class);

    private final PortcullisRuntime runtime;
    private volatile Condition condition;

    @Inject
    public SharesSpamNameserver(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init() throws MessagingException {
        condition = Condition.parse(getCondition(), runtime);
        if (runtime.nameservers() == null) {
            LOGGER.warn("Portcullis: SharesSpamNameserver is used but nameservers.enabled is not true in {}: it will "
                    + "never match", runtime.config().source());
        }
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail whose sender domains are served by nameservers known to serve spam";
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        if (runtime.nameservers() == null) {
            return Collections.emptyList();
        }
        List<Finding> ns = new ArrayList<>();
        for (Finding f : runtime.findings(mail)) {
            if (NameserverChecker.CHECK.equals(f.check())) {
                ns.add(f);
            }
        }
        return condition.matches(ns) ? mail.getRecipients() : Collections.emptyList();
    }

    Condition condition() {
        return condition;
    }

    /** The parsed condition. Immutable. */
    static final class Condition {
        final Double minScore;
        final Set<String> sources;

        private Condition(Double minScore, Set<String> sources) {
            this.minScore = minScore;
            this.sources = sources;
        }

        static Condition parse(String raw, PortcullisRuntime runtime) throws MessagingException {
            String text = raw == null ? "" : raw.trim();
            Set<String> known = new LinkedHashSet<>();
            known.add(LocalNsList.SOURCE);
            known.add(LearnedNameservers.SOURCE);
            for (ListSpec l : runtime.config().nameservers().settings().lists()) {
                known.add(l.kind().id() + ":" + l.id());
            }
            Double min = null;
            Set<String> sources = new LinkedHashSet<>();
            for (String token : text.split("[,\\s]+")) {
                if (token.isEmpty()) {
                    continue;
                }
                if (token.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)")) {
                    if (min != null) {
                        throw bad(raw, token, "only one minimum score may be given");
                    }
                    min = Double.parseDouble(token);
                } else if (known.contains(token)) {
                    sources.add(token);
                } else {
                    throw bad(raw, token, "not a number and not a source; known sources: " + known
                            + " (ns-name:<id> / ns-ip:<id> for the lists nameservers.list.<id> of "
                            + runtime.config().source() + ")");
                }
            }
            return new Condition(min, Collections.unmodifiableSet(sources));
        }

        private static MessagingException bad(String condition, String token, String why) {
            return new MessagingException("SharesSpamNameserver: bad condition '" + condition + "': token '" + token
                    + "': " + why);
        }

        boolean matches(List<Finding> findings) {
            double sum = 0;
            boolean anyPositive = false;
            for (Finding f : findings) {
                sum += f.score();
                anyPositive |= f.score() > 0;
                if (sources.contains(f.rule())) {
                    return true;
                }
            }
            if (minScore != null) {
                return !findings.isEmpty() && Math.round(sum * 1000.0) / 1000.0 >= minScore;
            }
            return sources.isEmpty() && anyPositive;
        }
    }
}
