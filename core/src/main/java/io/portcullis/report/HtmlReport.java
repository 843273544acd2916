package io.portcullis.report;

import io.portcullis.report.DecisionReport.Row;
import io.portcullis.report.DecisionReport.Side;
import io.portcullis.report.DecisionReport.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML rendering of a {@link DecisionReport}: one self-contained page (inline CSS, inline SVG charts drawn here,
 * no script, nothing fetched; a Content-Security-Policy forbids both), with the text report's content plus charts:
 * actions (stacked bars, SMTP and pipeline), refusals by hour (24 bars) and every top list (horizontal bars). All
 * text comes from logs and is treated as hostile: every value is escaped through {@link #esc}, attributes included.
 */
final class HtmlReport {
    /** Longest label drawn in a chart (the full text is in the table and the bar's tooltip). */
    static final int LABEL_MAX = 64;
    /**
     * Width allowed per label character in the 12px chart font: more than the widest capitals and digits of common
     * sans-serif fonts need, so a label measured this way fits its chart.
     */
    static final int CHAR_W = 9;

    private static final String CSS = ""
            + "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;margin:2em auto;"
            + "max-width:1100px;color:#222;background:#fff;padding:0 1em}\n"
            + "h1{font-size:1.5em;margin-bottom:.2em}"
            + "h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}\n"
            + "h3{font-size:1em;margin:1em 0 .3em}\n"
            + ".meta{color:#555;margin:.2em 0}.warn{color:#a40}\n"
            + ".pair{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}\n.pair>table{min-width:330px}\n"
            + "table{border-collapse:collapse;font-size:.9em}td,th{padding:.15em .7em;text-align:left;"
            + "border-bottom:1px solid #eee}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
            + "tr.more td{color:#777;font-style:italic}\n"
            + "svg{font-family:inherit;font-size:12px}svg .bar{fill:#3b6ea5}svg .pipe{fill:#e0a030}"
            + "svg .refused{fill:#b8433a}svg .axis{stroke:#999;stroke-width:1}svg .lbl{fill:#333}svg .cnt{fill:#111}\n"
            + ".legend span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em;vertical-align:middle}\n";

    private HtmlReport() {
    }

    static String render(DecisionReport r) {
        StringBuilder out = new StringBuilder(16384);
        String title = "Portcullis decision report, " + r.period() + " (UTC)";
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n");
        out.append("<h1>").append(esc(title)).append("</h1>\n");
        StringBuilder logs = new StringBuilder();
        for (int k = 0; k < r.directories().size(); k++) {
            logs.append(k == 0 ? "" : ", ").append(r.directories().get(k));
        }
        out.append("<p class=\"meta\">Logs: ").append(esc(logs.toString())).append(" (").append(r.files())
                .append(r.files() == 1 ? " file" : " files").append(")</p>\n");
        StringBuilder nodes = new StringBuilder();
        for (Map.Entry<String, Long> e : r.nodes().entrySet()) {
            nodes.append(nodes.length() == 0 ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue())
                    .append(')');
        }
        out.append("<p class=\"meta\">Nodes: ").append(nodes.length() == 0 ? "none" : esc(nodes.toString()))
                .append("</p>\n");
        if (r.unreadable() > 0) {
            out.append("<p class=\"meta warn\">Unreadable lines skipped: ").append(r.unreadable()).append("</p>\n");
        }
        if (r.duplicates() > 0) {
            out.append("<p class=\"meta\">Lines in several logs, counted once: ").append(r.duplicates())
                    .append("</p>\n");
        }
        if (r.torn() > 0) {
            out.append("<p class=\"meta warn\">Torn last lines skipped (a file being written): ").append(r.torn())
                    .append("</p>\n");
        }

        Side enforced = r.enforced();
        out.append("<h2>Decisions: ").append(enforced.decisions()).append("</h2>\n<div class=\"pair\">\n");
        out.append("<table>\n<tr><th>action</th><th class=\"n\">smtp</th><th class=\"n\">pipeline</th></tr>\n");
        List<String> actions = DecisionReport.actions(enforced);
        for (String a : actions) {
            out.append("<tr><td>").append(esc(a)).append("</td><td class=\"n\">").append(enforced.smtp(a))
                    .append("</td><td class=\"n\">").append(enforced.pipeline(a)).append("</td></tr>\n");
        }
        out.append("</table>\n");
        actionChart(out, enforced, actions);
        out.append("</div>\n");

        out.append("<h2>Refused (reject + tempfail): ").append(enforced.refusals()).append("</h2>\n");
        details(out, enforced);
        entities(out, r, true);
        entities(out, r, false);

        Side observed = r.observed();
        out.append("<h2>Observe mode (logged, not enforced): ").append(observed.decisions()).append("</h2>\n");
        if (observed.decisions() > 0) {
            out.append("<table>\n");
            for (String a : DecisionReport.ACTIONS) {
                long n = observed.smtp(a) + observed.pipeline(a);
                if (n > 0) {
                    out.append("<tr><td>would ").append(esc(a)).append("</td><td class=\"n\">").append(n)
                            .append("</td></tr>\n");
                }
            }
            out.append("</table>\n<p>would have refused: ").append(observed.refusals()).append("</p>\n");
            details(out, observed);
        }

        out.append("<h2>Log overflow: ").append(r.overflowDropped() == 0 ? "none"
                : r.overflowDropped() + " decision(s) not logged").append("</h2>\n");
        List<Row> overflow = new ArrayList<>();
        for (Map.Entry<String, Long> e : r.overflowByNode().entrySet()) {
            overflow.add(new Row(e.getKey(), e.getValue(), false));
        }
        table(out, overflow);
        List<Row> dns = r.dnsHealth();
        out.append("<h2>DNS health:").append(dns.isEmpty() ? " no events" : "").append("</h2>\n");
        table(out, dns);
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    /** The worst and the most improved networks (or domains) of the period, as two tables side by side. */
    private static void entities(StringBuilder out, DecisionReport r, boolean networks) {
        String what = networks ? "networks" : "domains";
        String col = networks ? "network" : "domain";
        List<EntityTally.Row> worst = r.worst(networks);
        List<EntityTally.Row> improved = r.mostImproved(networks);
        out.append("<h2>Worst and most improved ").append(what).append("</h2>\n<div class=\"pair\">\n<div>\n")
                .append("<h3>Worst (spam: refused + tagged)").append(worst.isEmpty() ? ": none" : "")
                .append("</h3>\n");
        if (!worst.isEmpty()) {
            out.append("<table>\n<tr><th>").append(col).append("</th><th class=\"n\">spam</th>")
                    .append("<th class=\"n\">decisions</th><th class=\"n\">ratio</th></tr>\n");
            for (EntityTally.Row e : worst) {
                out.append("<tr><td>").append(esc(e.key)).append("</td><td class=\"n\">").append(e.spam)
                        .append("</td><td class=\"n\">").append(e.total).append("</td><td class=\"n\">")
                        .append(TextReport.percent(e.ratio())).append("</td></tr>\n");
            }
            out.append("</table>\n");
        }
        out.append("</div>\n<div>\n<h3>Most improved (spam ratio against ").append(esc(r.previousPeriod()))
                .append(", at least ").append(DecisionReport.MIN_COMPARED).append(" decisions in each)")
                .append(improved.isEmpty() ? ": none" : "").append("</h3>\n");
        if (!improved.isEmpty()) {
            out.append("<table>\n<tr><th>").append(col).append("</th><th class=\"n\">before</th>")
                    .append("<th class=\"n\">now</th><th class=\"n\">decisions</th></tr>\n");
            for (EntityTally.Row e : improved) {
                out.append("<tr><td>").append(esc(e.key)).append("</td><td class=\"n\">")
                        .append(TextReport.percent(e.previousRatio())).append("</td><td class=\"n\">")
                        .append(TextReport.percent(e.ratio())).append("</td><td class=\"n\">").append(e.total)
                        .append("</td></tr>\n");
            }
            out.append("</table>\n");
        }
        out.append("</div>\n</div>\n");
    }

    private static void details(StringBuilder out, Side s) {
        for (Table t : DecisionReport.details(s)) {
            out.append("<h3>").append(esc(t.title)).append("</h3>\n<div class=\"pair\">\n");
            table(out, t.rows);
            if (DecisionReport.HOURS.equals(t.title)) {
                hourChart(out, s.hours());
            } else {
                barChart(out, t.title, t.rows);
            }
            out.append("</div>\n");
        }
    }

    private static void table(StringBuilder out, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        out.append("<table>\n");
        for (Row row : rows) {
            out.append(row.more ? "<tr class=\"more\">" : "<tr>").append("<td>").append(esc(row.key))
                    .append("</td><td class=\"n\">").append(row.count).append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    /**
     * Horizontal bars, one per row (the "(n more)" row left out), scaled to the largest. Each label is written on
     * its own line above its bar, from the left edge, and the chart is as wide as its longest label needs, so a long
     * rule or list name is never cut (a label right-aligned before the bars lost its start past the left edge).
     */
    private static void barChart(StringBuilder out, String title, List<Row> rows) {
        long max = 1;
        int n = 0;
        int longest = 0;
        for (Row row : rows) {
            if (!row.more) {
                max = Math.max(max, row.count);
                n++;
                String label = shorten(row.key);
                longest = Math.max(longest, label.codePointCount(0, label.length()));
            }
        }
        int left = 2;
        int barW = 300;
        int labelH = 15;
        int barH = 14;
        int rowH = labelH + barH + 7;
        int w = Math.max(left + barW + 60, left + longest * CHAR_W + 8);
        int h = n * rowH + 6;
        svgOpen(out, w, h, title);
        int y = 2;
        for (Row row : rows) {
            if (row.more) {
                continue;
            }
            int len = scale(row.count, max, barW);
            out.append("<g><title>").append(esc(row.key)).append(": ").append(row.count).append("</title>");
            out.append("<text class=\"lbl\" x=\"").append(left).append("\" y=\"").append(y + 12).append("\">")
                    .append(esc(shorten(row.key))).append("</text>");
            out.append("<rect class=\"bar\" x=\"").append(left).append("\" y=\"").append(y + labelH)
                    .append("\" width=\"").append(len).append("\" height=\"").append(barH).append("\"/>");
            out.append("<text class=\"cnt\" x=\"").append(left + len + 5).append("\" y=\"").append(y + labelH + 11)
                    .append("\">").append(row.count).append("</text></g>\n");
            y += rowH;
        }
        out.append("</svg>\n");
    }

    /** Vertical bars for the 24 hours of the day (UTC), empty hours included. */
    private static void hourChart(StringBuilder out, Map<String, Long> hours) {
        long max = 1;
        for (long v : hours.values()) {
            max = Math.max(max, v);
        }
        int colW = 26;
        int left = 10;
        int top = 18;
        int plotH = 140;
        int w = left + 24 * colW + 10;
        int h = top + plotH + 24;
        svgOpen(out, w, h, "refusals by hour (UTC)");
        int base = top + plotH;
        for (int hour = 0; hour < 24; hour++) {
            String key = String.format(Locale.ROOT, "%02d:00", hour);
            long v = hours.getOrDefault(key, 0L);
            int len = scale(v, max, plotH);
            int x = left + hour * colW;
            out.append("<g><title>").append(key).append(": ").append(v).append("</title>");
            if (v > 0) {
                out.append("<rect class=\"refused\" x=\"").append(x + 3).append("\" y=\"").append(base - len)
                        .append("\" width=\"").append(colW - 6).append("\" height=\"").append(len).append("\"/>");
                out.append("<text class=\"cnt\" x=\"").append(x + colW / 2).append("\" y=\"").append(base - len - 4)
                        .append("\" text-anchor=\"middle\">").append(v).append("</text>");
            }
            out.append("<text class=\"lbl\" x=\"").append(x + colW / 2).append("\" y=\"").append(base + 16)
                    .append("\" text-anchor=\"middle\">").append(String.format(Locale.ROOT, "%02d", hour))
                    .append("</text></g>\n");
        }
        out.append("<line class=\"axis\" x1=\"").append(left).append("\" y1=\"").append(base).append("\" x2=\"")
                .append(w - 10).append("\" y2=\"").append(base).append("\"/>\n</svg>\n");
    }

    /** Vertical bars per action, SMTP time and pipeline stacked. */
    private static void actionChart(StringBuilder out, Side s, List<String> actions) {
        long max = 1;
        for (String a : actions) {
            max = Math.max(max, s.smtp(a) + s.pipeline(a));
        }
        int colW = 80;
        int left = 10;
        int top = 18;
        int plotH = 140;
        int w = left + actions.size() * colW + 10;
        int h = top + plotH + 24;
        out.append("<div><div class=\"legend\"><span style=\"background:#3b6ea5\"></span>smtp"
                + "<span style=\"background:#e0a030\"></span>pipeline</div>\n");
        svgOpen(out, w, h, "decisions by action");
        int base = top + plotH;
        for (int k = 0; k < actions.size(); k++) {
            String a = actions.get(k);
            long smtp = s.smtp(a);
            long pipe = s.pipeline(a);
            int total = scale(smtp + pipe, max, plotH);
            int lenPipe = smtp + pipe == 0 ? 0 : (int) Math.round((double) total * pipe / (smtp + pipe));
            int lenSmtp = total - lenPipe;
            int x = left + k * colW;
            out.append("<g><title>").append(esc(a)).append(": smtp ").append(smtp).append(", pipeline ").append(pipe)
                    .append("</title>");
            if (lenSmtp > 0) {
                out.append("<rect class=\"bar\" x=\"").append(x + 12).append("\" y=\"").append(base - lenSmtp)
                        .append("\" width=\"").append(colW - 24).append("\" height=\"").append(lenSmtp).append("\"/>");
            }
            if (lenPipe > 0) {
                out.append("<rect class=\"pipe\" x=\"").append(x + 12).append("\" y=\"").append(base - total)
                        .append("\" width=\"").append(colW - 24).append("\" height=\"").append(lenPipe).append("\"/>");
            }
            out.append("<text class=\"cnt\" x=\"").append(x + colW / 2).append("\" y=\"").append(base - total - 4)
                    .append("\" text-anchor=\"middle\">").append(smtp + pipe).append("</text>");
            out.append("<text class=\"lbl\" x=\"").append(x + colW / 2).append("\" y=\"").append(base + 16)
                    .append("\" text-anchor=\"middle\">").append(esc(shorten(a))).append("</text></g>\n");
        }
        out.append("<line class=\"axis\" x1=\"").append(left).append("\" y1=\"").append(base).append("\" x2=\"")
                .append(w - 10).append("\" y2=\"").append(base).append("\"/>\n</svg>\n</div>\n");
    }

    private static void svgOpen(StringBuilder out, int w, int h, String label) {
        out.append("<svg width=\"").append(w).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
                .append(esc(label)).append("\">\n");
    }

    /** Bar length: proportional to {@code max}, at least 1 pixel for a non-zero count. */
    private static int scale(long v, long max, int full) {
        if (v <= 0) {
            return 0;
        }
        return (int) Math.max(1, Math.round((double) v * full / max));
    }

    private static String shorten(String s) {
        return s.codePointCount(0, s.length()) <= LABEL_MAX ? s
                : s.substring(0, s.offsetByCodePoints(0, LABEL_MAX - 1)) + "\u2026";
    }

    /**
     * Escapes text for HTML element content and quoted attributes (and SVG, which is XML): {@code & < > " '}; control
     * characters (other than tab and newline), lone surrogates and non-characters become U+FFFD.
     */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&':
                    sb.append("&amp;");
                    break;
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                default:
                    if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if ((c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c < 0xa0)
                            || Character.isSurrogate(c) || c == 0xfffe || c == 0xffff) {
                        sb.append('\ufffd');
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.toString();
    }
}
