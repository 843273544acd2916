package io.portcullis.decision;

import io.portcullis.config.ModeSettings;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderInput;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.network.NetworkRules;
import io.portcullis.os.OsRules;
import io.portcullis.reputation.Reputation;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one definition of a message's checks: which checks make up "all of a message's findings", in which order they
 * are listed, and how the findings become a {@link Verdict}. Every place that needs all of a message's findings (the
 * SMTP handler at end of DATA, the mail pipeline's matchers and mailets) asks {@link #evaluate(Source)}, giving a
 * {@link Source} that knows where each check's result is at that point: the dialog's lookups, the mail's record of
 * earlier stages, or a lookup made now. The header check, which needs only the message itself, runs here
 * ({@link #headerFindings}); the {@code scan} command uses that alone ({@link #evaluate(HeaderInput)}).
 *
 * <p>Thread-safe; never throws on message input.
 */
public final class MessageEvaluator {
    /** The greeting test of the SMTP dialog (the client spoke before the final 220, or skipped HELO). */
    public static final String SMTP = ModeSettings.SMTP_CHECK;

    /** A message's checks, in the order their findings are listed and attached. */
    public static final List<String> CHECKS = List.of(HeaderChecker.CHECK, DnsblChecker.CHECK, SMTP,
            NameserverChecker.CHECK, Reputation.CHECK, NetworkRules.CHECK, OsRules.CHECK);

    /** One check's findings as a source has them. Immutable. */
    public static final class Result {
        /** The source has nothing for this check (off, not run here, not finished). */
        public static final Result NONE = new Result(List.of(), false, false);

        private final List<Finding> findings;
        private final boolean complete;
        private final boolean fresh;

        private Result(List<Finding> findings, boolean complete, boolean fresh) {
            this.findings = List.copyOf(findings);
            this.complete = complete;
            this.fresh = fresh;
        }

        /** The check ran to the end now: its findings are to be attached, so no later stage runs it again. */
        public static Result complete(List<Finding> findings) {
            return new Result(findings, true, true);
        }

        /** Findings judged on now but not attached (a lookup still running, or not covering the mail). */
        public static Result partial(List<Finding> findings) {
            return new Result(findings, false, false);
        }

        /** The findings an earlier stage attached (nothing new to attach). */
        public static Result recorded(List<Finding> findings) {
            return new Result(findings, true, false);
        }

        public List<Finding> findings() {
            return findings;
        }

        public boolean complete() {
            return complete;
        }
    }

    /** Where the result of each check is at the point of asking. Must not throw. */
    public interface Source {
        /** The result of {@code check} (one of {@link #CHECKS}); {@link Result#NONE} when there is none. */
        Result result(String check);
    }

    /** The findings of one message. Immutable. */
    public static final class Evaluation {
        private final List<Finding> findings;
        private final Map<String, List<Finding>> toAttach;

        Evaluation(List<Finding> findings, Map<String, List<Finding>> toAttach) {
            this.findings = Collections.unmodifiableList(findings);
            this.toAttach = Collections.unmodifiableMap(toAttach);
        }

        /** All findings (observed ones included), by check in {@link #CHECKS} order. */
        public List<Finding> findings() {
            return findings;
        }

        /** The checks that completed now, with their findings, in {@link #CHECKS} order: attach these. */
        public Map<String, List<Finding>> toAttach() {
            return toAttach;
        }
    }

    private final PortcullisConfig config;
    private final HeaderChecker headerChecker;

    public MessageEvaluator(PortcullisConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.headerChecker = new HeaderChecker(config.headerRules());
    }

    /** Asks {@code source} for every check of {@link #CHECKS}, in order. */
    public Evaluation evaluate(Source source) {
        List<Finding> all = new ArrayList<>();
        Map<String, List<Finding>> toAttach = new LinkedHashMap<>();
        for (String check : CHECKS) {
            Result r = source.result(check);
            if (r == null) {
                continue;
            }
            all.addAll(r.findings);
            if (r.fresh) {
                toAttach.put(check, r.findings);
            }
        }
        return new Evaluation(all, toAttach);
    }

    /** The verdict of {@code findings} under the configured policy and observe modes. */
    public Verdict verdict(List<Finding> findings) {
        return Verdict.of(findings, config.policy(), config.modes());
    }

    /** Header findings for the message (empty when the header check is switched off). */
    public List<Finding> headerFindings(HeaderInput input) {
        return config.headersEnabled() ? headerChecker.check(input) : List.of();
    }

    /** The verdict of the header check alone (the {@code scan} command: a message file has no SMTP dialog). */
    public Verdict evaluate(HeaderInput input) {
        return Verdict.of(headerFindings(input), config.policy());
    }

    public PortcullisConfig config() {
        return config;
    }
}
