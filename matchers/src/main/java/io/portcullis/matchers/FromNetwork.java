package io.portcullis.matchers;

import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.network.NetworkReport;
import io.portcullis.network.NetworkRules;
import io.portcullis.network.OwnerConditions;
import io.portcullis.verdict.FindingCondition;
import java.util.List;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.mailet.Mail;

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
 * {@code dnsbl.trusted-networks}, of the first untrusted Received hop): its origin AS, prefix, country, registry
 * and AS name, from Team Cymru-format DNS zones or a local MaxMind-format file ({@code network.*} keys).
 * Authenticated mail, mail from authorised networks and mail made by a mailet have no client and never match.
 *
 * <p>Condition ({@link FindingCondition}): a minimum summed score of the network findings (negative weights
 * count); the policy rules {@code ASN}, {@code COUNTRY}, {@code REGISTRY}, {@code AS_NAME} (one holds when it gave
 * a finding with a positive weight); and the owner items of {@link OwnerConditions}: {@code AS<n>}, a registry
 * ({@code arin}, {@code ripencc}, {@code apnic}, {@code lacnic}, {@code afrinic}) or a two-letter country of
 * assignment, which need no policy and ignore observe mode. No condition: any network finding with a positive
 * weight. Rules in observe mode ({@code network.mode}, {@code network.asn.mode = observe}, ...) never make it
 * match; an unknown owner never matches; with {@code network.enabled = false} nothing does (warned at init).
 *
 * <p>The lookup runs once per mail: owners are stored in {@code io.portcullis.network}, findings in
 * {@code io.portcullis.findings} (check {@code network}) for later matchers and the {@code Tag} mailet.
 */
public class FromNetwork extends FindingMatcher<List<NetworkReport>> {
    @Inject
    public FromNetwork(PortcullisRuntime runtime) {
        super(runtime, NetworkRules.CHECK);
    }

    @Override
    protected FindingCondition.Syntax<List<NetworkReport>> syntax() {
        return FindingCondition.<List<NetworkReport>>syntax().with(FindingCondition.ids("a rule", NetworkRules.RULES,
                true)).with(OwnerConditions.ASN).with(OwnerConditions.REGISTRY).with(OwnerConditions.COUNTRY);
    }

    @Override
    protected boolean active() {
        return runtime.network() != null;
    }

    @Override
    protected String neverMatches(FindingCondition<List<NetworkReport>> condition) {
        if (!runtime.config().network().enabled()) {
            return "is used but network.enabled is false";
        }
        return condition.needsFindings() && runtime.config().network().rules().isEmpty() ? "asks about network "
                + "findings, but no network policy (network.asn, network.country, ...) is configured" : null;
    }

    @Override
    protected List<NetworkReport> evidence(Mail mail) {
        return runtime.networkOwners(mail).stream().map(MailAttributes.NetworkOwner::report)
                .collect(Collectors.toList());
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail by the network owner (ASN, country, registry, AS name) of its client";
    }
}
