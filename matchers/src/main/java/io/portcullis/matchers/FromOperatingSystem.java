package io.portcullis.matchers;

import io.portcullis.james.PortcullisRuntime;
import io.portcullis.os.OsConditions;
import io.portcullis.os.OsEngine;
import io.portcullis.os.OsReport;
import io.portcullis.os.OsRules;
import io.portcullis.verdict.FindingCondition;
import javax.inject.Inject;
import org.apache.mailet.Mail;

/**
 * <pre>{@code
 * <!-- any OS fingerprint finding with a positive weight (portcullis.properties: os.match.ID, os.link.ID, ...) -->
 * <mailet match="io.portcullis.matchers.FromOperatingSystem" class="ToRepository">
 *     <repositoryPath>memory://var/mail/desktops/</repositoryPath>
 * </mailet>
 * <!-- mail whose SMTP client p0f recognised as one of these, whatever the policies say (globs, comma-separated) -->
 * <mailet match="io.portcullis.matchers.FromOperatingSystem=Windows*, Mac OS X*" class="..."/>
 * <!-- a link type p0f guessed from the MTU -->
 * <mailet match="io.portcullis.matchers.FromOperatingSystem=link:DSL, link:generic tunnel*" class="..."/>
 * <!-- a policy rule, or a minimum summed score of the OS findings -->
 * <mailet match="io.portcullis.matchers.FromOperatingSystem=DISTANCE" class="..."/>
 * <mailet match="io.portcullis.matchers.FromOperatingSystem=5" class="..."/>
 * }</pre>
 *
 * <p>Matches (all recipients) by the operating system of the SMTP client, as the p0f daemon on this node recognised
 * it passively from the client's TCP SYN ({@code os.*} keys). Authenticated mail, mail from authorised networks and
 * mail made by a mailet have no client to judge and never match; neither does a client p0f has no record of, or any
 * mail while p0f is down.
 *
 * <p>Condition ({@link FindingCondition}, tokens separated by commas only: globs hold spaces): a minimum summed
 * score of the OS findings (negative weights count); the policy rules {@code OS}, {@code LINK}, {@code DISTANCE}
 * (one holds when it gave a finding with a positive weight); and the globs of {@link OsConditions} ({@code link:GLOB}
 * or a glob on the OS), which need no policy and ignore observe mode (p0f is asked on the spooler thread, at most
 * {@code os.timeout-ms}). No condition: any OS finding with a positive weight. Rules in observe mode
 * ({@code os.mode}, {@code os.match.mode = observe}, ...) never make it match; with {@code os.enabled = false}
 * nothing does (warned at init).
 *
 * <p>The policies' findings are stored in {@code io.portcullis.findings} (check {@code os}; at SMTP time already, by
 * the Portcullis SMTP handler), so later matchers and the {@code Tag} mailet reuse them.
 */
public class FromOperatingSystem extends FindingMatcher<OsReport> {
    @Inject
    public FromOperatingSystem(PortcullisRuntime runtime) {
        super(runtime, OsEngine.CHECK);
    }

    @Override
    protected FindingCondition.Syntax<OsReport> syntax() {
        return FindingCondition.<OsReport>syntax().commasOnly().with(FindingCondition.ids("a rule", OsRules.RULES,
                true)).with(OsConditions.LINK).with(OsConditions.OS);
    }

    @Override
    protected boolean active() {
        return runtime.os() != null;
    }

    @Override
    protected String neverMatches(FindingCondition<OsReport> condition) {
        if (!runtime.config().os().enabled()) {
            return "is used but os.enabled is false";
        }
        return condition.needsFindings() && runtime.config().os().rules().isEmpty() ? "asks about OS findings, but no "
                + "os.* policy (os.match.ID, os.link.ID, os.distance) is configured" : null;
    }

    @Override
    protected OsReport evidence(Mail mail) {
        return runtime.osReport(mail);
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail by the operating system of its SMTP client (p0f passive fingerprint)";
    }
}
