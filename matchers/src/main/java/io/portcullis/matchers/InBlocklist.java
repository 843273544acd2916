package io.portcullis.matchers;

import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.FindingCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.mailet.Mail;

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
 * <p>Matches (all recipients) when the mail's sender is listed in DNS lists: the SMTP client address (and the
 * first untrusted Received hop when the client is a trusted relay) in IP lists, the HELO name, the client's host
 * name, the envelope sender's and the From header's registered domains in name lists. Authenticated mail, mail
 * from authorised networks and mail created by mailets have no client address to judge.
 *
 * <p>Condition ({@link FindingCondition}): a minimum summed weight of the listings; list ids of
 * {@code portcullis.properties} (one holds when that list lists the mail, whatever its weight); lists in the
 * compact syntax {@code [ip:|name:]ZONE[=FILTER][*WEIGHT]} (a token with a dot), asked by this matcher only and
 * always enforced. No condition: any listing with a positive weight (a warning at init if no list is configured).
 * Lists in observe mode ({@code dnsbl.mode}, {@code dnsbl.list.<id>.mode = observe}) never make it match.
 *
 * <p>Lookups happen once per mail: the findings (check {@code dnsbl}, of the extra lists too) are stored in
 * {@code io.portcullis.findings} / {@code io.portcullis.checks} for later matchers and the {@code Tag} mailet.
 * Error answers (e.g. Spamhaus 127.255.255.254), DNS failures and suspended lists never match.
 */
public class InBlocklist extends FindingMatcher<Void> {
    static final FindingCondition.Kind<Void, ListSpec> EXTRA_LIST = FindingCondition.onFindings(
            "a list spec [ip:|name:]ZONE[=FILTER][*WEIGHT]", t -> t.indexOf('.') >= 0 ? ListSpec.parse(t) : null,
            (spec, findings) -> findings.stream().anyMatch(f -> f.rule().equals(spec.id())));

    @Inject
    public InBlocklist(PortcullisRuntime runtime) {
        super(runtime, DnsblChecker.CHECK);
    }

    @Override
    protected FindingCondition.Syntax<Void> syntax() {
        List<String> ids = runtime.config().dnsbl().lists().stream().map(ListSpec::id).collect(Collectors.toList());
        return FindingCondition.<Void>syntax().scoreName("weight")
                .with(FindingCondition.ids("a list id of " + runtime.config().source(), ids, false)).with(EXTRA_LIST);
    }

    @Override
    protected String neverMatches(FindingCondition<Void> condition) {
        return condition.isDefault() && runtime.config().dnsbl().lists().isEmpty()
                ? "has no condition, but no DNS list is configured (dnsbl.list.<id>)" : null;
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail whose sender is listed in DNS lists (names, weights, return-code filters)";
    }

    /** The check's findings, with those of the condition's own lists looked up and stored on the mail. */
    @Override
    protected List<Finding> findings(Mail mail) {
        List<ListSpec> extra = condition().items(EXTRA_LIST);
        if (extra.isEmpty()) {
            return super.findings(mail);
        }
        Set<String> ids = extra.stream().map(ListSpec::id).collect(Collectors.toSet());
        List<Finding> merged = new ArrayList<>();
        for (Finding f : super.findings(mail)) {
            if (!ids.contains(f.rule())) {
                merged.add(f);
            }
        }
        for (Finding f : DnsblChecker.findings(runtime.dnsblResults(mail, extra))) {
            if (ids.contains(f.rule())) {
                merged.add(f);
            }
        }
        MailAttributes.storeFindings(mail, DnsblChecker.CHECK, merged);
        return merged;
    }
}
