package io.portcullis.matchers;

import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.network.CymruFormat;
import io.portcullis.network.NetworkEngine;
import io.portcullis.network.NetworkReport;
import io.portcullis.network.NetworkRules;
import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * <!-- any network finding with a positive weight (portcullis.properties: network.asn, network.country, ...) -->
 * <mailet match="io.portcullis.matchers.FromNetwork" class="ToRepository">
 *     <repositoryPath>memory://var/mail/bad-networks/</repositoryPath>
 * </mailet>
 * <!-- mail from these ASNs, countries or registries, whatever the policies say -->
 * <mailet match="io.portcullis.matchers.FromNetwork=AS64496, AS64511" class="..."/>
 * <mailet match="io.portcullis.matchers.FromNetwork=BR, NL" class="..."/>
 * <mailet match="io.portcullis.matchers.FromNetwork=apnic" class="..."/>
 * <!-- a policy rule, or a minimum summed score of the network findings -->
 * <mailet match="io.portcullis.matchers.FromNetwork=AS_NAME" class="..."/>
 * <mailet match="io.portcullis.matchers.FromNetwork=5" class="..."/>
 * }</pre>
 *
 * <p>Matches (all recipients) by the network owner of the SMTP client address (and, when the client is one of
 * {@code dnsbl.trusted-networks}, of the first untrusted Received hop): its origin AS number, prefix, country and
 * registry of assignment and AS name, looked up in Team Cymru-format DNS zones or a local MaxMind-format file
 * ({@code network.*} keys). Authenticated mail, mail from authorised networks and mail made by a mailet have no
 * client to judge and never match.
 *
 * <p>Condition: tokens separated by commas and/or spaces; the matcher matches if any token holds.
 * <ul>
 *   <li>{@code AS<n>}: an origin AS number of the address (a prefix announced by several ASes has several);</li>
 *   <li>two letters: the ISO 3166 code of the country the address block is assigned to (not geolocation);</li>
 *   <li>{@code arin}, {@code ripencc}, {@code apnic}, {@code lacnic}, {@code afrinic}: the registry;</li>
 *   <li>{@code ASN}, {@code COUNTRY}, {@code REGISTRY}, {@code AS_NAME}: a finding of that policy rule with a
 *       positive weight;</li>
 *   <li>a number: the minimum summed score of the network findings (negative weights count);</li>
 *   <li>no condition: any network finding with a positive weight.</li>
 * </ul>
 * AS, country and registry tokens are the matcher's own conditions: they need no policy and ignore observe mode.
 * Rule ids and scores come from the policies and skip rules in observe mode ({@code network.mode},
 * {@code network.asn.mode = observe}, ...). An unknown owner (timeout, SERVFAIL, suspended zone) never matches.
 * Bad tokens fail at init, naming the condition and the token. With {@code network.enabled = false} it never
 * matches (a warning is logged at init).
 *
 * <p>The lookup runs once per mail: the owners are stored in {@code io.portcullis.network} and the findings in
 * {@code io.portcullis.findings} (check {@code network}), so later matchers and the {@code Tag} mailet reuse them.
 * Thread-safe; the spooler thread waits at most the DNS budget.
 */
public class FromNetwork extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(FromNetwork.class);

    private final PortcullisRuntime runtime;
    private volatile Condition condition;

    @Inject
    public FromNetwork(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init() throws MessagingException {
        condition = Condition.parse(getCondition());
        if (!runtime.config().network().enabled()) {
            LOGGER.warn("Portcullis: FromNetwork is used but network.enabled is false in {}: it will never match",
                    runtime.config().source());
        } else if (condition.needsPolicy() && runtime.config().network().rules().isEmpty()) {
            LOGGER.warn("Portcullis: FromNetwork={} asks about network findings, but no network policy (network.asn, "
                    + "network.country, ...) is configured in {}: it will never match", getCondition(),
                    runtime.config().source());
        }
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail by the network owner (ASN, country, registry, AS name) of its client";
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        if (runtime.network() == null) {
            return Collections.emptyList();
        }
        List<NetworkReport> owners = new ArrayList<>();
        if (condition.needsOwners()) {
            for (MailAttributes.NetworkOwner o : runtime.networkOwners(mail)) {
                owners.add(o.report());
            }
        }
        List<Finding> network = new ArrayList<>();
        if (condition.needsPolicy()) {
            for (Finding f : runtime.findings(mail)) {
                if (NetworkEngine.CHECK.equals(f.check())) {
                    network.add(f);
                }
            }
        }
        return condition.matches(owners, network) ? mail.getRecipients() : Collections.emptyList();
    }

    Condition condition() {
        return condition;
    }

    /** The parsed condition. Immutable. */
    static final class Condition {
        final Double minScore;
        final Set<Long> asns;
        final Set<String> countries;
        final Set<String> registries;
        final Set<String> rules;

        private Condition(Double minScore, Set<Long> asns, Set<String> countries, Set<String> registries,
                Set<String> rules) {
            this.minScore = minScore;
            this.asns = asns;
            this.countries = countries;
            this.registries = registries;
            this.rules = rules;
        }

        static Condition parse(String raw) throws MessagingException {
            String text = raw == null ? "" : raw.trim();
            Double min = null;
            Set<Long> asns = new LinkedHashSet<>();
            Set<String> countries = new LinkedHashSet<>();
            Set<String> registries = new LinkedHashSet<>();
            Set<String> rules = new LinkedHashSet<>();
            for (String token : text.split("[,\\s]+")) {
                if (token.isEmpty()) {
                    continue;
                }
                if (NetworkRules.RULES.contains(token)) {
                    rules.add(token);
                } else if (token.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)")) {
                    if (min != null) {
                        throw bad(raw, token, "only one minimum score may be given");
                    }
                    min = Double.parseDouble(token);
                } else if (token.regionMatches(true, 0, "AS", 0, 2) && token.length() > 2) {
                    Long n = CymruFormat.asn(token);
                    if (n == null) {
                        throw bad(raw, token, "not an AS number (AS1 .. AS4294967295)");
                    }
                    asns.add(n);
                } else if (CymruFormat.REGISTRIES.contains(token.toLowerCase(Locale.ROOT))) {
                    registries.add(token.toLowerCase(Locale.ROOT));
                } else if (token.matches("[A-Za-z]{2}")) {
                    countries.add(token.toUpperCase(Locale.ROOT));
                } else {
                    throw bad(raw, token, "expected AS<n>, a two-letter country code, a registry (arin, ripencc, "
                            + "apnic, lacnic, afrinic), a rule (" + String.join(", ", NetworkRules.RULES)
                            + ") or a minimum score");
                }
            }
            return new Condition(min, Collections.unmodifiableSet(asns), Collections.unmodifiableSet(countries),
                    Collections.unmodifiableSet(registries), Collections.unmodifiableSet(rules));
        }

        private static MessagingException bad(String condition, String token, String why) {
            return new MessagingException("FromNetwork: bad condition '" + condition + "': token '" + token + "': "
                    + why);
        }

        boolean needsOwners() {
            return !asns.isEmpty() || !countries.isEmpty() || !registries.isEmpty();
        }

        /** Rules, a score, or no condition at all: the policies' findings are needed. */
        boolean needsPolicy() {
            return !rules.isEmpty() || minScore != null || !needsOwners();
        }

        boolean matches(List<NetworkReport> owners, List<Finding> findings) {
            for (NetworkReport r : owners) {
                if (!r.found()) {
                    continue;
                }
                for (Long a : r.asns()) {
                    if (asns.contains(a)) {
                        return true;
                    }
                }
                if (countries.contains(r.country()) || registries.contains(r.registry())) {
                    return true;
                }
            }
            double sum = 0;
            boolean anyPositive = false;
            for (Finding f : findings) {
                sum += f.score();
                anyPositive |= f.score() > 0;
                if (f.score() > 0 && rules.contains(f.rule())) {
                    return true;
                }
            }
            if (minScore != null) {
                return !findings.isEmpty() && Math.round(sum * 1000.0) / 1000.0 >= minScore;
            }
            return !needsOwners() && rules.isEmpty() && anyPositive;
        }
    }
}
