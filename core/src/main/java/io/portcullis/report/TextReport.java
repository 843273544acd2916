package io.portcullis.report;

import io.portcullis.report.DecisionReport.Row;
import io.portcullis.report.DecisionReport.Side;
import io.portcullis.report.DecisionReport.Table;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The plain-text rendering of a {@link DecisionReport} (stdout of {@code ./portcullis report}; golden-tested). */
final class TextReport {
    private TextReport() {
    }

    static String render(DecisionReport r) {
        StringBuilder out = new StringBuilder();
        out.append("Portcullis decision report, ").append(r.period()).append(" (UTC)\n");
        out.append("Logs: ");
        for (int k = 0; k < r.directories().size(); k++) {
            out.append(k == 0 ? "" : ", ").append(r.directories().get(k));
        }
        out.append(" (").append(r.files()).append(r.files() == 1 ? " file" : " files").append(")\n");
        out.append("Nodes: ");
        if (r.nodes().isEmpty()) {
            out.append("none");
        }
        boolean first = true;
        for (Map.Entry<String, Long> e : r.nodes().entrySet()) {
            out.append(first ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
            first = false;
        }
        out.append('\n');
        if (r.unreadable() > 0) {
            out.append("Unreadable lines skipped: ").append(r.unreadable()).append('\n');
        }
        if (r.duplicates() > 0) {
            out.append("Lines in several logs, counted once: ").append(r.duplicates()).append('\n');
        }
        if (r.torn() > 0) {
            out.append("Torn last lines skipped (a file being written): ").append(r.torn()).append('\n');
        }
        out.append('\n');
        Side enforced = r.enforced();
        out.append("Decisions: ").append(enforced.decisions()).append('\n');
        out.append(String.format(Locale.ROOT, "  %-27s%9s%9s%n", "action", "smtp", "pipeline"));
        for (String a : DecisionReport.actions(enforced)) {
            out.append(String.format(Locale.ROOT, "  %-27s%9d%9d%n", a, enforced.smtp(a), enforced.pipeline(a)));
        }
        out.append('\n');
        out.append("Refused (reject + tempfail): ").append(enforced.refusals()).append('\n');
        details(out, enforced);
        entities(out, r, true);
        entities(out, r, false);

        Side observed = r.observed();
        out.append("Observe mode (logged, not enforced): ").append(observed.decisions()).append('\n');
        if (observed.decisions() > 0) {
            for (String a : DecisionReport.ACTIONS) {
                long n = observed.smtp(a) + observed.pipeline(a);
                if (n > 0) {
                    row(out, "  ", "would " + a, n);
                }
            }
            out.append("  would have refused: ").append(observed.refusals()).append('\n');
            details(out, observed);
        } else {
            out.append('\n');
        }
        out.append("Log overflow: ").append(r.overflowDropped() == 0 ? "none"
                : r.overflowDropped() + " decision(s) not logged").append('\n');
        for (Map.Entry<String, Long> e : r.overflowByNode().entrySet()) {
            row(out, "  ", e.getKey(), e.getValue());
        }
        List<Row> dns = r.dnsHealth();
        out.append("DNS health:").append(dns.isEmpty() ? " no events" : "").append('\n');
        for (Row e : dns) {
            row(out, "  ", e.key, e.count);
        }
        return out.toString();
    }

    /** The worst and the most improved networks (or domains) of the period. */
    private static void entities(StringBuilder out, DecisionReport r, boolean networks) {
        String what = networks ? "networks" : "domains";
        String col = networks ? "network" : "domain";
        List<EntityTally.Row> worst = r.worst(networks);
        out.append("Worst ").append(what).append(" (spam: refused + tagged)").append(worst.isEmpty() ? ": none" : "")
                .append('\n');
        if (!worst.isEmpty()) {
            out.append(String.format(Locale.ROOT, "    %-36s%7s%10s%7s%n", col, "spam", "decisions", "ratio"));
            for (EntityTally.Row e : worst) {
                out.append(String.format(Locale.ROOT, "    %-36s%7d%10d%7s%n", e.key, e.spam, e.total,
                        percent(e.ratio())));
            }
        }
        List<EntityTally.Row> improved = r.mostImproved(networks);
        out.append("Most improved ").append(what).append(" (spam ratio against ").append(r.previousPeriod())
                .append(", at least ").append(DecisionReport.MIN_COMPARED).append(" decisions in each)")
                .append(improved.isEmpty() ? ": none" : "").append('\n');
        if (!improved.isEmpty()) {
            out.append(String.format(Locale.ROOT, "    %-36s%7s%7s%10s%n", col, "before", "now", "decisions"));
            for (EntityTally.Row e : improved) {
                out.append(String.format(Locale.ROOT, "    %-36s%7s%7s%10d%n", e.key, percent(e.previousRatio()),
                        percent(e.ratio()), e.total));
            }
        }
        out.append('\n');
    }

    /** A ratio as a whole percentage ({@code 67%}). */
    static String percent(double ratio) {
        return Math.round(ratio * 100) + "%";
    }

    private static void details(StringBuilder out, Side s) {
        for (Table t : DecisionReport.details(s)) {
            out.append("  ").append(t.title).append('\n');
            for (Row e : t.rows) {
                row(out, "    ", e.key, e.count);
            }
        }
        out.append('\n');
    }

    private static void row(StringBuilder out, String indent, String key, long n) {
        out.append(indent).append(key);
        int pad = Math.max(1, 36 - indent.length() - key.length());
        for (int k = 0; k < pad; k++) {
            out.append(' ');
        }
        out.append(String.format(Locale.ROOT, "%7d", n)).append('\n');
    }
}
