package io.portcullis.log;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The daily report over one or more decision log directories (one per James node, or copies of them): totals per
 * action; refusals (reject and tempfail) by reason, list, rule, nameserver, client network (/24, /64) and hour;
 * the top refused senders; observe-mode results apart; log overflow and DNS health lines. Plain text, in a fixed
 * order (counts descending, then names), so the same lines always give the same text.
 */
public final class DecisionReport {
    static final int TOP = 10;
    static final List<String> ACTIONS = List.of(Decision.REJECT, Decision.TEMPFAIL, Decision.TARPIT, Decision.TAG,
            Decision.ACCEPT);

    private final LocalDate from;
    private final LocalDate to;
    private final List<Path> directories = new ArrayList<>();
    private int files;
    private int unreadable;
    private final Map<String, Long> nodes = new TreeMap<>();
    private final Side enforced = new Side();
    private final Side observed = new Side();
    private long overflowDropped;
    private final Map<String, Long> overflowByNode = new TreeMap<>();
    private final Map<String, Long> dnsHealth = new TreeMap<>();

    /** Counts for one side (enforced, or observe mode). */
    private static final class Side {
        long decisions;
        final Map<String, Long> actions = new HashMap<>();
        final Map<String, Long> pipelineActions = new HashMap<>();
        long refusals;
        final Map<String, Long> reasons = new HashMap<>();
        final Map<String, Long> lists = new HashMap<>();
        final Map<String, Long> rules = new HashMap<>();
        final Map<String, Long> nameservers = new HashMap<>();
        final Map<String, Long> networks = new HashMap<>();
        final Map<String, Long> hours = new TreeMap<>();
        final Map<String, Long> senders = new HashMap<>();
        final Map<String, Long> refusedStages = new HashMap<>();
    }

    public DecisionReport(LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to " + to + " is before --from " + from);
        }
        this.from = from;
        this.to = to;
    }

    /** Reads the files of {@code directory} for the report's days. */
    public DecisionReport read(Path directory) throws IOException {
        directories.add(directory);
        if (!Files.isDirectory(directory)) {
            throw new IOException("not a directory: " + directory);
        }
        List<Path> chosen = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, DecisionLog.PREFIX + "*"
                + DecisionLog.SUFFIX)) {
            for (Path f : ds) {
                LocalDate d = DecisionLog.dayOf(f.getFileName().toString());
                if (d != null && !d.isBefore(from) && !d.isAfter(to)) {
                    chosen.add(f);
                }
            }
        }
        chosen.sort(Comparator.naturalOrder());
        for (Path f : chosen) {
            files++;
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.trim().isEmpty()) {
                        add(line);
                    }
                }
            }
        }
        return this;
    }

    /** Adds one log line (lines outside the report's days, or unreadable, are skipped; the latter counted). */
    @SuppressWarnings("unchecked")
    public void add(String line) {
        Map<String, Object> m;
        OffsetDateTime t;
        try {
            Object o = JsonLine.parse(line);
            if (!(o instanceof Map)) {
                unreadable++;
                return;
            }
            m = (Map<String, Object>) o;
            t = OffsetDateTime.parse(str(m, "time")).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (IllegalArgumentException | DateTimeParseException | NullPointerException e) {
            unreadable++;
            return;
        }
        LocalDate day = t.toLocalDate();
        if (day.isBefore(from) || day.isAfter(to)) {
            return;
        }
        String node = orElse(str(m, "node"), "?");
        String type = str(m, "type");
        if ("overflow".equals(type)) {
            long n = (long) num(m, "dropped");
            overflowDropped += n;
            overflowByNode.merge(node, n, Long::sum);
            return;
        }
        if ("dns".equals(type)) {
            dnsHealth.merge(orElse(str(m, "event"), "?") + " " + orElse(str(m, "list"), "?") + " ("
                    + node + ")", 1L, Long::sum);
            return;
        }
        if (type != null) {
            return; // a later kind of line: ignored
        }
        String action = str(m, "action");
        if (action == null) {
            unreadable++;
            return;
        }
        nodes.merge(node, 1L, Long::sum);
        Side side = Boolean.TRUE.equals(m.get("observe")) ? observed : enforced;
        side.decisions++;
        (Decision.PIPELINE.equals(str(m, "stage")) ? side.pipelineActions : side.actions).merge(action, 1L,
                Long::sum);
        if (!Decision.REJECT.equals(action) && !Decision.TEMPFAIL.equals(action)) {
            return;
        }
        side.refusals++;
        side.refusedStages.merge(orElse(str(m, "stage"), "?"), 1L, Long::sum);
        List<Object> findings = m.get("findings") instanceof List ? (List<Object>) m.get("findings") : List.of();
        TreeSet<String> checks = new TreeSet<>();
        for (Object fo : findings) {
            if (!(fo instanceof Map)) {
                continue;
            }
            Map<String, Object> f = (Map<String, Object>) fo;
            String check = orElse(str(f, "check"), "?");
            String rule = orElse(str(f, "rule"), "?");
            if (num(f, "weight") <= 0) {
                continue;
            }
            checks.add(check);
            switch (check) {
                case "dnsbl":
                    side.lists.merge(rule, 1L, Long::sum);
                    break;
                case "headers":
                    side.rules.merge(rule, 1L, Long::sum);
                    break;
                case "nameservers":
                    side.nameservers.merge(rule, 1L, Long::sum);
                    break;
                default:
                    side.rules.merge(check + " " + rule, 1L, Long::sum);
            }
        }
        String reason = str(m, "reason");
        if (reason == null || reason.equals("score")) {
            reason = checks.isEmpty() ? orElse(reason, "other") : String.join("+", checks);
        }
        side.reasons.merge(reason, 1L, Long::sum);
        String client = str(m, "client");
        if (client != null) {
            side.networks.merge(network(client), 1L, Long::sum);
        }
        side.hours.merge(String.format(Locale.ROOT, "%02d:00", t.getHour()), 1L, Long::sum);
        String sender = str(m, "sender");
        if (sender != null) {
            side.senders.merge(sender.isEmpty() ? "<>" : sender, 1L, Long::sum);
        }
    }

    /** The client's network: {@code a.b.c.0/24} for IPv4, {@code x:x:x:x::/64} for IPv6. */
    static String network(String client) {
        String c = client.trim();
        if (c.startsWith("[") && c.endsWith("]")) {
            c = c.substring(1, c.length() - 1);
        }
        if (c.indexOf(':') < 0) {
            int dot = c.lastIndexOf('.');
            return dot > 0 && c.matches("[0-9.]+") ? c.substring(0, dot) + ".0/24" : c;
        }
        if (!c.matches("[0-9A-Fa-f:.]+")) {
            return c;
        }
        try {
            byte[] b = InetAddress.getByName(c).getAddress(); // a literal: no DNS
            if (b.length != 16) {
                return c;
            }
            StringBuilder sb = new StringBuilder();
            for (int g = 0; g < 4; g++) {
                sb.append(Integer.toHexString(((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff))).append(':');
            }
            return sb.append(":/64").toString();
        } catch (UnknownHostException e) {
            return c;
        }
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("Portcullis decision report, ").append(from.equals(to) ? from.toString() : from + " to " + to)
                .append(" (UTC)\n");
        out.append("Logs: ");
        for (int k = 0; k < directories.size(); k++) {
            out.append(k == 0 ? "" : ", ").append(directories.get(k));
        }
        out.append(" (").append(files).append(files == 1 ? " file" : " files").append(")\n");
        out.append("Nodes: ");
        if (nodes.isEmpty()) {
            out.append("none");
        }
        boolean first = true;
        for (Map.Entry<String, Long> e : nodes.entrySet()) {
            out.append(first ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
            first = false;
        }
        out.append('\n');
        if (unreadable > 0) {
            out.append("Unreadable lines skipped: ").append(unreadable).append('\n');
        }
        out.append('\n');
        out.append("Decisions: ").append(enforced.decisions).append('\n');
        out.append(String.format(Locale.ROOT, "  %-27s%9s%9s%n", "action", "smtp", "pipeline"));
        TreeSet<String> others = new TreeSet<>(enforced.actions.keySet());
        others.addAll(enforced.pipelineActions.keySet());
        others.removeAll(ACTIONS);
        List<String> all = new ArrayList<>(ACTIONS);
        all.addAll(others);
        for (String a : all) {
            out.append(String.format(Locale.ROOT, "  %-27s%9d%9d%n", a, enforced.actions.getOrDefault(a, 0L),
                    enforced.pipelineActions.getOrDefault(a, 0L)));
        }
        out.append('\n');
        out.append("Refused (reject + tempfail): ").append(enforced.refusals).append('\n');
        details(out, enforced);

        out.append("Observe mode (logged, not enforced): ").append(observed.decisions).append('\n');
        if (observed.decisions > 0) {
            for (String a : ACTIONS) {
                long n = observed.actions.getOrDefault(a, 0L) + observed.pipelineActions.getOrDefault(a, 0L);
                if (n > 0) {
                    row(out, "  ", "would " + a, n);
                }
            }
            out.append("  would have refused: ").append(observed.refusals).append('\n');
            details(out, observed);
        } else {
            out.append('\n');
        }
        out.append("Log overflow: ").append(overflowDropped == 0 ? "none"
                : overflowDropped + " decision(s) not logged").append('\n');
        for (Map.Entry<String, Long> e : overflowByNode.entrySet()) {
            row(out, "  ", e.getKey(), e.getValue());
        }
        out.append("DNS health:").append(dnsHealth.isEmpty() ? " no events" : "").append('\n');
        for (Map.Entry<String, Long> e : sorted(dnsHealth)) {
            row(out, "  ", e.getKey(), e.getValue());
        }
        return out.toString();
    }

    private static void details(StringBuilder out, Side s) {
        if (s.refusals == 0) {
            out.append('\n');
            return;
        }
        table(out, "by reason", s.reasons);
        table(out, "by stage", s.refusedStages);
        table(out, "by list", s.lists);
        table(out, "by rule", s.rules);
        table(out, "by nameserver", s.nameservers);
        table(out, "by client network", s.networks);
        if (!s.hours.isEmpty()) {
            out.append("  by hour (UTC)\n");
            for (Map.Entry<String, Long> e : s.hours.entrySet()) {
                row(out, "    ", e.getKey(), e.getValue());
            }
        }
        table(out, "top refused senders", s.senders);
        out.append('\n');
    }

    private static void table(StringBuilder out, String title, Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return;
        }
        out.append("  ").append(title).append('\n');
        List<Map.Entry<String, Long>> rows = sorted(counts);
        for (int k = 0; k < rows.size() && k < TOP; k++) {
            row(out, "    ", rows.get(k).getKey(), rows.get(k).getValue());
        }
        if (rows.size() > TOP) {
            long rest = 0;
            for (int k = TOP; k < rows.size(); k++) {
                rest += rows.get(k).getValue();
            }
            row(out, "    ", "(" + (rows.size() - TOP) + " more)", rest);
        }
    }

    private static List<Map.Entry<String, Long>> sorted(Map<String, Long> counts) {
        List<Map.Entry<String, Long>> rows = new ArrayList<>(counts.entrySet());
        rows.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Long.compare(b.getValue(), a.getValue()));
        return rows;
    }

    private static void row(StringBuilder out, String indent, String key, long n) {
        out.append(indent).append(key);
        int pad = Math.max(1, 36 - indent.length() - key.length());
        for (int k = 0; k < pad; k++) {
            out.append(' ');
        }
        out.append(String.format(Locale.ROOT, "%7d", n)).append('\n');
    }

    private static String str(Map<String, Object> m, String key) {
        Object o = m.get(key);
        return o instanceof String ? (String) o : null;
    }

    private static double num(Map<String, Object> m, String key) {
        Object o = m.get(key);
        return o instanceof Number ? ((Number) o).doubleValue() : 0;
    }

    private static String orElse(String s, String def) {
        return s == null ? def : s;
    }
}
