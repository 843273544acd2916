package io.portcullis.cli;

import io.portcullis.headers.HeaderRule;
import io.portcullis.headers.HeaderRuleSettings;
import java.io.PrintStream;

/** {@code portcullis rules [--config FILE]}: the header rule catalogue with default and effective scores. */
final class RulesCommand {
    private RulesCommand() {
    }

    static int run(CliArgs args, PrintStream out) {
        HeaderRuleSettings settings = args.config().headerRules();
        out.printf("%-36s %-22s %7s %9s  %s%n", "rule", "reference", "default", "effective", "summary");
        for (HeaderRule r : HeaderRule.values()) {
            String effective = settings.score(r).map(d -> String.valueOf(d)).orElse("off");
            out.printf("%-36s %-22s %7.1f %9s  %s%n", r.id(), r.reference(), r.defaultScore(), effective,
                    r.summary());
        }
        return 0;
    }
}
