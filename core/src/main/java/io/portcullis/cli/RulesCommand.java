package io.portcullis.cli;

import io.portcullis.headers.HeaderRule;
import io.portcullis.headers.HeaderRuleSettings;
import java.io.PrintStream;

/**
 * {@code portcullis rules [--config FILE]}: the header rule catalogue with each rule's kind ({@code rfc}
 * or {@code heuristic}), family, default and effective scores.
 */
final class RulesCommand {
    private RulesCommand() {
    }

    static int run(CliArgs args, PrintStream out) {
        HeaderRuleSettings settings = args.config().headerRules();
        double tag = args.config().policy().tagThreshold();
        out.printf("%-36s %-9s %-6s %-40s %7s %9s  %s%n", "rule", "kind", "family", "reference", "default",
                "effective", "summary");
        for (HeaderRule r : HeaderRule.values()) {
            String effective = settings.score(r).map(d -> String.valueOf(d)).orElse("off");
            out.printf("%-36s %-9s %-6s %-40s %7.1f %9s  %s%n", r.id(), r.kind().id(),
                    r.family() == HeaderRule.Family.BULK_STYLE ? "bulk" : "-", r.reference(), r.defaultScore(),
                    effective, r.summary());
        }
        out.printf("%nOnly rfc rules may reach the tag threshold (%.1f) alone; heuristic rules score below it."
                + "%nBulk-style rules (family \"bulk\") add at most %.1f together.%n", tag, HeaderRule.BULK_STYLE_CAP);
        return 0;
    }
}
