package io.portcullis.matchers;

import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
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
 * <!-- any listing on the lists of portcullis.properties (dnsbl.list.<id>) -->
 * <mailet match="io.portcullis.matchers.InBlocklist" class="ToRepository">
 *     <repositoryPath>memory://var/mail/listed/</repositoryPath>
 * </mailet>
 * <!-- named lists, a minimum summed weight, or an ad-hoc list in the compact syntax -->
 * <mailet match="io.portcullis.matchers.InBlocklist=zen, dbl" class="..."/>
 * <mailet match="io.portcullis.matchers.InBlocklist=4" class="..."/>
 * <mailet match="io.portcullis.matchers.InBlocklist=bl.example.net=127.0.0.[2..11]*3" class="..."/>
 * }</pre>
 *
 * <p>Matches (all recipients) when the mail's sender is listed in DNS lists: the SMTP client address
 * (IPv4 or IPv6; and the first untrusted Received hop when the client is a trusted relay) in IP lists,
 * the HELO name, the client's host name, the envelope sender's and the From header's registered domains
 * in name lists. Authenticated mail, mail from authorised networks and mail created by mailets have no
 * client address to judge.
 *
 * <p>Condition: tokens separated by commas and/or spaces.
 * <ul>
 *   <li>a number: the minimum summed weight of the listings, e.g. {@code InBlocklist=4};</li>
 *   <li>a list id of {@code portcullis.properties}: match if that list lists the mail, e.g.
 *       {@code InBlocklist=zen, dbl};</li>
 *   <li>a list in the compact syntax {@code [ip:|name:]ZONE[=FILTER][*WEIGHT]}: an extra list asked by this
 *       matcher, e.g. {@code InBlocklist=bl.example.net=127.0.0.[2..11]}; it matches when it lists the mail;</li>
 *   <li>no condition: any listing with a positive weight on the configured lists (never, if none is
 *       configured: a warning is logged at start).</li>
 * </ul>
 * A number and names match if either holds. Bad tokens fail at init with a message naming the condition
 * and the token.
 *
 * <p>Configured lists in observe mode ({@code dnsbl.mode} or {@code dnsbl.list.<id>.mode = observe}) never make
 * it match: their findings are only logged. Lists given in the condition itself are always enforced.
 *
 * <p>Lookups happen once per mail: the results of the configured lists are stored in the JSON-serialisable
 * attributes {@code io.portcullis.findings} (check {@code dnsbl}) and {@code io.portcullis.checks}, where
 * later matchers and the {@code Tag} mailet find them (an SMTP-time stage may have stored them already).
 * Findings of extra lists are stored there too. Error answers (e.g. Spamhaus 127.255.255.254), DNS
 * failures and suspended lists never match. Thread-safe.
 */
public class InBlocklist extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(InBlocklist.class);

    private final PortcullisRuntime runtime;
    private volatile Condition condition;

    @Inject
    public InBlocklist(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init() throws MessagingException {
        condition = Condition.parse(getCondition(), runtime);
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail whose sender is listed in DNS lists (names, weights, return-code filters)";
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        List<Finding> listed = dnsblFindings(runtime.findings(mail));
        if (!condition.extraLists.isEmpty()) {
            List<Finding> extra = new ArrayList<>();
            Set<String> extraIds = new LinkedHashSet<>();
            for (ListSpec l : condition.extraLists) {
                extraIds.add(l.id());
            }
            for (Finding f : DnsblChecker.findings(extraResults(mail))) {
                if (extraIds.contains(f.rule())) {
                    extra.add(f);
                }
            }
            List<Finding> merged = new ArrayList<>();
            for (Finding f : listed) {
                if (!extraIds.contains(f.rule())) {
                    merged.add(f);
                }
            }
            merged.addAll(extra);
            MailAttributes.storeFindings(mail, DnsblChecker.CHECK, merged);
            listed = merged;
        }
        return condition.matches(listed) ? mail.getRecipients() : Collections.emptyList();
    }

    private List<ListResult> extraResults(Mail mail) {
        return runtime.dnsblResults(mail, condition.extraLists);
    }

    private static List<Finding> dnsblFindings(List<Finding> all) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : all) {
            if (DnsblChecker.CHECK.equals(f.check())) {
                out.add(f);
            }
        }
        return out;
    }

    Condition condition() {
        return condition;
    }

    /** The parsed condition. Immutable. */
    static final class Condition {
        final Double minWeight;
        final Set<String> lists;
        final List<ListSpec> extraLists;

        private Condition(Double minWeight, Set<String> lists, List<ListSpec> extraLists) {
            this.minWeight = minWeight;
            this.lists = lists;
            this.extraLists = extraLists;
        }

        static Condition parse(String raw, PortcullisRuntime runtime) throws MessagingException {
            String text = raw == null ? "" : raw.trim();
            Set<String> configured = new LinkedHashSet<>();
            for (ListSpec l : runtime.config().dnsbl().lists()) {
                configured.add(l.id());
            }
            Double min = null;
            Set<String> ids = new LinkedHashSet<>();
            List<ListSpec> extra = new ArrayList<>();
            for (String token : text.split("[,\\s]+")) {
                if (token.isEmpty()) {
                    continue;
                }
                if (token.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)")) {
                    if (min != null) {
                        throw bad(raw, token, "only one minimum weight may be given");
                    }
                    min = Double.parseDouble(token);
                } else if (configured.contains(token)) {
                    ids.add(token);
                } else if (token.indexOf('.') >= 0) {
                    try {
                        ListSpec spec = ListSpec.parse(token);
                        extra.add(spec);
                        ids.add(spec.id());
                    } catch (IllegalArgumentException e) {
                        throw bad(raw, token, e.getMessage());
                    }
                } else {
                    throw bad(raw, token, "no list with this id in " + runtime.config().source()
                            + " (configured: " + configured + ") and not a list spec [ip:|name:]ZONE[=FILTER][*WEIGHT]");
                }
            }
            if (min == null && ids.isEmpty() && configured.isEmpty()) {
                LOGGER.warn("Portcullis: InBlocklist without a condition, but no DNS list is configured "
                        + "(dnsbl.list.<id> in {}): it will never match", runtime.config().source());
            }
            return new Condition(min, Collections.unmodifiableSet(ids), List.copyOf(extra));
        }

        private static MessagingException bad(String condition, String token, String why) {
            return new MessagingException("InBlocklist: bad condition '" + condition + "'"
                    + (token.isEmpty() ? "" : ": token '" + token + "'") + ": " + why);
        }

        boolean matches(List<Finding> dnsbl) {
            double sum = 0;
            boolean anyPositive = false;
            for (Finding f : dnsbl) {
                sum += f.score();
                anyPositive |= f.score() > 0;
                if (lists.contains(f.rule())) {
                    return true;
                }
            }
            if (minWeight != null) {
                return !dnsbl.isEmpty() && Math.round(sum * 1000.0) / 1000.0 >= minWeight;
            }
            return lists.isEmpty() && anyPositive;
        }
    }
}
