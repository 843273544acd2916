package io.portcullis.matchers;

import io.portcullis.dnsbl.ListSpec;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.nameservers.LearnedNameservers;
import io.portcullis.nameservers.LocalNsList;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.verdict.FindingCondition;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;

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
 * <p>Condition ({@link FindingCondition}): a minimum summed score of the nameserver findings (each source scores
 * once per mail, its highest hit) and/or sources: {@code local-list}, {@code learned}, {@code ns-name:<id>} /
 * {@code ns-ip:<id>} of a list {@code nameservers.list.<id>} (one holds when that source lists a nameserver).
 * No condition: any nameserver finding with a positive score. With {@code nameservers.enabled} not true it never
 * matches (a warning at init). Sources in observe mode ({@code nameservers.mode},
 * {@code nameservers.<source>.mode = observe}) never make it match.
 *
 * <p>The check runs once per mail: its findings are stored in {@code io.portcullis.findings} (check
 * {@code nameservers}, rule = source) for the {@code Tag} mailet and later matchers; the resolved nameservers in
 * {@code io.portcullis.nameservers.view} for the learning mailet. DNS failures, lame nameservers and an
 * unavailable state store never match. The spooler thread waits at most the DNS budget.
 */
public class SharesSpamNameserver extends FindingMatcher<Void> {
    @Inject
    public SharesSpamNameserver(PortcullisRuntime runtime) {
        super(runtime, NameserverChecker.CHECK);
    }

    @Override
    protected FindingCondition.Syntax<Void> syntax() {
        List<String> sources = new ArrayList<>(List.of(LocalNsList.SOURCE, LearnedNameservers.SOURCE));
        for (ListSpec l : runtime.config().nameservers().settings().lists()) {
            sources.add(l.kind().id() + ":" + l.id());
        }
        return FindingCondition.<Void>syntax().with(FindingCondition.ids("a source", sources, false));
    }

    @Override
    protected boolean active() {
        return runtime.nameservers() != null;
    }

    @Override
    protected String neverMatches(FindingCondition<Void> condition) {
        return active() ? null : "is used but nameservers.enabled is not true";
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail whose sender domains are served by nameservers known to serve spam";
    }
}
