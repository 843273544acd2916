package io.portcullis.matchers;

import io.portcullis.james.PortcullisRuntime;
import io.portcullis.os.OsEngine;
import io.portcullis.os.OsReport;
import io.portcullis.os.OsRules;
import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * it passively from the client's TCP SYN ({@code os.*} keys: {@code os.enabled}, {@code os.socket}). Authenticated
 * mail, mail from authorised networks and mail made by a mailet have no client to judge and never match; neither does
 * a client p0f has no record of, or any mail while p0f is down.
 *
 * <p>Condition: tokens separated by commas; the matcher matches if any token holds.
 * <ul>
 *   <li>a glob ({@code *} any text, {@code ?} one character, case-insensitive) on the OS {@code NAME FLAVOR}
 *       ({@code Windows 7 or 8}) or the name alone ({@code Windows});</li>
 *   <li>{@code link:GLOB}: p0f's link type ({@code DSL}, {@code Ethernet or modem}, {@code generic tunnel or VPN});</li>
 *   <li>{@code OS}, {@code LINK}, {@code DISTANCE}: a finding of that policy rule with a positive weight;</li>
 *   <li>a number: the minimum summed score of the OS findings (negative weights count);</li>
 *   <li>no condition: any OS finding with a positive weight.</li>
 * </ul>
 * Globs are the matcher's own conditions: they need no policy and ignore observe mode (p0f is asked on the spooler
 * thread, at most {@code os.timeout-ms}). Rule ids and scores come from the policies and skip rules in observe mode
 * ({@code os.mode}, {@code os.match.mode = observe}, ...). Bad tokens fail at init, naming the condition and the
 * token. With {@code os.enabled = false} it never matches (a warning is logged at init).
 *
 * <p>The policies' findings are stored in {@code io.portcullis.findings} (check {@code os}; at SMTP time already, by
 * the Portcullis SMTP handler), so later matchers and the {@code Tag} mailet reuse them. Thread-safe.
 */
public class FromOperatingSystem extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(FromOperatingSystem.class);

    private final PortcullisRuntime runtime;
    private volatile Condition condition;

    @Inject
    public FromOperatingSystem(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init() throws MessagingException {
        condition = Condition.parse(getCondition());
        if (!runtime.config().os().enabled()) {
            LOGGER.warn("Portcullis: FromOperatingSystem is used but os.enabled is false in {}: it will never match",
                    runtime.config().source());
        } else if (condition.needsPolicy() && runtime.config().os().rules().isEmpty()) {
            LOGGER.warn("Portcullis: FromOperatingSystem={} asks about OS findings, but no os.* policy (os.match.ID, "
                    + "os.link.ID, os.distance) is configured in {}: it will never match", getCondition(),
                    runtime.config().source());
        }
    }

    @Override
    public String getMatcherInfo() {
        return "Portcullis: matches mail by the operating system of its SMTP client (p0f passive fingerprint)";
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        if (runtime.os() == null) {
            return Collections.emptyList();
        }
        OsReport report = condition.needsReport() ? runtime.osReport(mail) : null;
        List<Finding> os = new ArrayList<>();
        if (condition.needsPolicy()) {
            for (Finding f : runtime.findings(mail)) {
                if (OsEngine.CHECK.equals(f.check())) {
                    os.add(f);
                }
            }
        }
        return condition.matches(report, os) ? mail.getRecipients() : Collections.emptyList();
    }

    Condition condition() {
        return condition;
    }

    /** The parsed condition. Immutable. */
    static final class Condition {
        final Double minScore;
        final List<OsRules.Glob> os;
        final List<OsRules.Glob> links;
        final Set<String> rules;

        private Condition(Double minScore, List<OsRules.Glob> os, List<OsRules.Glob> links, Set<String> rules) {
            this.minScore = minScore;
            this.os = os;
            this.links = links;
            this.rules = rules;
        }

        static Condition parse(String raw) throws MessagingException {
            String text = raw == null ? "" : raw.trim();
            Double min = null;
            List<OsRules.Glob> os = new ArrayList<>();
            List<OsRules.Glob> links = new ArrayList<>();
            Set<String> rules = new LinkedHashSet<>();
            for (String t : text.split(",")) {
                String token = t.trim();
                if (token.isEmpty()) {
                    continue;
                }
                if (OsRules.RULES.contains(token)) {
                    rules.add(token);
                } else if (token.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)")) {
                    if (min != null) {
                        throw bad(raw, token, "only one minimum score may be given");
                    }
                    min = Double.parseDouble(token);
                } else if (token.toLowerCase(Locale.ROOT).startsWith("link:")) {
                    links.add(glob(raw, token, token.substring(5).trim()));
                } else {
                    os.add(glob(raw, token, token));
                }
            }
            return new Condition(min, List.copyOf(os), List.copyOf(links), Collections.unmodifiableSet(rules));
        }

        private static OsRules.Glob glob(String raw, String token, String glob) throws MessagingException {
            if (glob.isEmpty() || glob.matches("\\*+")) {
                throw bad(raw, token, "an empty pattern or '*' would match every client p0f knows");
            }
            if (!Pattern.compile("[\\x20-\\x7e]+").matcher(glob).matches()) {
                throw bad(raw, token, "p0f's labels are printable ASCII");
            }
            return new OsRules.Glob(token, glob, 1);
        }

        private static MessagingException bad(String condition, String token, String why) {
            return new MessagingException("FromOperatingSystem: bad condition '" + condition + "': token '" + token
                    + "': " + why);
        }

        boolean needsReport() {
            return !os.isEmpty() || !links.isEmpty();
        }

        /** Rules, a score, or no condition at all: the policies' findings are needed. */
        boolean needsPolicy() {
            return !rules.isEmpty() || minScore != null || !needsReport();
        }

        boolean matches(OsReport report, List<Finding> findings) {
            if (report != null && report.found()) {
                String label = report.answer().os();
                String name = report.answer().osName();
                for (OsRules.Glob g : os) {
                    if (g.matches(label) || g.matches(name)) {
                        return true;
                    }
                }
                for (OsRules.Glob g : links) {
                    if (g.matches(report.answer().linkType())) {
                        return true;
                    }
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
            return !needsReport() && rules.isEmpty() && anyPositive;
        }
    }
}
