package io.portcullis.report;

import io.portcullis.log.Decision;
import io.portcullis.log.DecisionLog;
import io.portcullis.log.JsonLine;
import io.portcullis.net.Hosts;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
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
 * the top refused senders; the worst networks and domains of the period and the most improved ones (against the
 * previous period of the same length, {@link EntityTally}); observe-mode results apart; log overflow and DNS health
 * lines. Plain text, in a fixed order (counts descending, then names), so the same lines always give the same text.
 * The folders are read together in time order ({@link LogMerge}: a decision found in several folders counts once, a
 * torn last line is skipped). This class reads and counts (the model); {@link TextReport} and {@link HtmlReport}
 * render it.
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
    private final LogMerge merge = new LogMerge();
    private boolean loaded = true;
    private int previousFiles;
    /** Enforced decisions per network and domain, this period and the one before. */
    private final EntityTally current = new EntityTally();
    private final EntityTally previous = new EntityTally();

    /** Counts for one side (enforced, or observe mode). */
    static final class Side {
        private long decisions;
        private final Map<String, Long> actions = new HashMap<>();
        private final Map<String, Long> pipelineActions = new HashMap<>();
        private long refusals;
        private final Map<String, Long> reasons = new HashMap<>();
        private final Map<String, Long> lists = new HashMap<>();
        private final Map<String, Long> rules = new HashMap<>();
        private final Map<String, Long> nameservers = new HashMap<>();
        private final Map<String, Long> networks = new HashMap<>();
        private final Map<String, Long> asns = new HashMap<>();
        private final Map<String, Long> countries = new HashMap<>();
        private final Map<String, Long> operatingSystems = new HashMap<>();
        private final Map<String, Long> hours = new TreeMap<>();
        private final Map<String, Long> senders = new HashMap<>();
        private final Map<String, Long> refusedStages = new HashMap<>();
        /** The zones recorded for each list id (of DNS lists and nameserver lists), in sorted order. */
        private final Map<String, TreeSet<String>> zones = new HashMap<>();

        long decisions() {
            return decisions;
        }

        private void zone(String list, String zone) {
            if (zone != null && !zone.isEmpty()) {
                zones.computeIfAbsent(list, k -> new TreeSet<>()).add(zone);
            }
        }

        /** Counts per list id, keyed by the list's name in the reports ({@link #listName}). */
        private Map<String, Long> named(Map<String, Long> byId) {
            Map<String, Long> out = new HashMap<>();
            byId.forEach((id, n) -> out.merge(listName(id, zones.containsKey(id) ? String.join(", ", zones.get(id))
                    : null), n, Long::sum));
            return out;
        }

        long refusals() {
            return refusals;
        }

        /** Decisions with this action at SMTP time. */
        long smtp(String action) {
            return actions.getOrDefault(action, 0L);
        }

        /** Decisions with this action in the pipeline (mailet). */
        long pipeline(String action) {
            return pipelineActions.getOrDefault(action, 0L);
        }

        /** Refusals per hour of day, "HH:00" to count, by hour. */
        Map<String, Long> hours() {
            return Collections.unmodifiableMap(hours);
        }
    }

    public DecisionReport(LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to " + to + " is before --from " + from);
        }
        this.from = from;
        this.to = to;
    }

    /**
     * Adds the files of {@code directory} for the report's days (and the previous period's, for the comparison of
     * networks and domains). Folders are read together, merged by time, when the report is first asked for a
     * figure ({@link #load}): a line found in several folders counts once.
     *
     * @throws IOException when {@code directory} is not a folder or cannot be listed
     */
    public DecisionReport read(Path directory) throws IOException {
        directories.add(directory);
        if (!Files.isDirectory(directory)) {
            throw new IOException("not a directory: " + directory);
        }
        for (Path f : merge.add(directory, previousFrom(), to)) {
            if (DecisionLog.dayOf(f.getFileName().toString()).isBefore(from)) {
                previousFiles++;
            } else {
                files++;
            }
        }
        loaded = false;
        return this;
    }

    /** Reads the folders added by {@link #read} (merged by time), once; later calls do nothing. */
    public DecisionReport load() throws IOException {
        if (loaded) {
            return this;
        }
        loaded = true;
        merge.run(new LogMerge.Sink() {
            @Override
            public void line(Map<String, Object> fields, OffsetDateTime time) {
                add(fields, time.withOffsetSameInstant(ZoneOffset.UTC));
            }

            @Override
            public void unreadable() {
                unreadable++;
            }
        });
        return this;
    }

    /** {@link #load}, for the figures' getters (an I/O error surfaces unchecked). */
    private void loaded() {
        try {
            load();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The first day of the period before the report's, of the same length. */
    LocalDate previousFrom() {
        return from.minusDays(java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1);
    }

    /**
     * As {@link #read}, but a folder that does not exist (yet) counts as one without decisions: it is listed in the
     * report and adds nothing. Returns whether it existed.
     */
    public boolean readIfPresent(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            directories.add(directory);
            return false;
        }
        read(directory);
        return true;
    }

    /** Enforced refusals (reject and tempfail, SMTP time and pipeline); observe mode not included. */
    public long refused() {
        loaded();
        return enforced.refusals;
    }

    /**
     * Tagged messages (enforced): the pipeline's tag decisions (the {@code Tag} mailet, which marks the mail) when
     * the log has any pipeline decision, otherwise the SMTP handler's, so a message tagged at end of DATA and again
     * by {@code Tag} counts once.
     */
    public long tagged() {
        loaded();
        return enforced.pipelineActions.isEmpty() ? enforced.smtp(Decision.TAG) : enforced.pipeline(Decision.TAG);
    }

    /** Enforced decisions, all actions and stages. */
    public long decisions() {
        loaded();
        return enforced.decisions;
    }

    /** The days covered, as text: "2026-11-26" or "2026-11-20 to 2026-11-26". */
    public String days() {
        return period();
    }

    /**
     * Adds one log line by hand (no duplicate detection): lines outside the report's days and the previous period are
     * skipped, unreadable ones counted.
     */
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
        add(m, t);
    }

    @SuppressWarnings("unchecked")
    private void add(Map<String, Object> m, OffsetDateTime t) {
        LocalDate day = t.toLocalDate();
        if (day.isBefore(previousFrom()) || day.isAfter(to)) {
            return;
        }
        if (day.isBefore(from)) {
            if (str(m, "type") == null && str(m, "action") != null && !Boolean.TRUE.equals(m.get("observe"))) {
                previous.add(m);
            }
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
            // list events (suspended, resumed, self-test) name the list; resolver events name the resolvers and,
            // for failed questions, count them
            String subject = str(m, "list") != null ? listName(str(m, "list"), str(m, "zone"))
                    : orElse(str(m, "resolver"), "?");
            String event = orElse(str(m, "event"), "?");
            long n = "questions-unanswered".equals(event) ? (long) num(m, "count") : 1L;
            if (n > 0) {
                dnsHealth.merge(event + " " + subject + " (" + node + ")", n, Long::sum);
            }
            long servfail = "questions-unanswered".equals(event) ? (long) num(m, "servfail") : 0L;
            if (servfail > 0) {
                dnsHealth.merge("servfail " + subject + " (" + node + ")", servfail, Long::sum);
            }
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
        if (str(m, "lists_unknown") != null) {
            dnsHealth.merge("decisions with lists unknown (" + node + ")", 1L, Long::sum);
        }
        Side side = Boolean.TRUE.equals(m.get("observe")) ? observed : enforced;
        if (side == enforced) {
            current.add(m);
        }
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
        // Findings marked "observe" did not count: an enforced refusal is not theirs; an observe-mode refusal
        // that has them is theirs alone (the enforced findings did not refuse on their own).
        boolean wantObserved = side == observed && hasObservedFinding(findings);
        countNetworkOwner(side, findings);
        countOperatingSystem(side, findings);
        for (Object fo : findings) {
            if (!(fo instanceof Map)) {
                continue;
            }
            Map<String, Object> f = (Map<String, Object>) fo;
            String check = orElse(str(f, "check"), "?");
            String rule = orElse(str(f, "rule"), "?");
            if (num(f, "weight") <= 0 || Boolean.TRUE.equals(f.get("observe")) != wantObserved) {
                continue;
            }
            checks.add(check);
            switch (check) {
                case "dnsbl":
                    side.lists.merge(rule, 1L, Long::sum);
                    side.zone(rule, str(f, "zone"));
                    break;
                case "headers":
                    side.rules.merge(rule, 1L, Long::sum);
                    break;
                case "nameservers":
                    side.nameservers.merge(rule, 1L, Long::sum);
                    side.zone(rule, str(f, "zone"));
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

    private static final java.util.regex.Pattern ASN = java.util.regex.Pattern.compile("^AS(\\d{1,10})\\b");
    private static final java.util.regex.Pattern COUNTRY = java.util.regex.Pattern.compile(
            "^(?:AS\\d+ )+\\S+ country ([A-Z]{2})\\b");

    /**
     * The refused client's network owner, from the first finding of check {@code network} (any weight: the owner is
     * the same whichever policy matched): its reason starts {@code AS64496 192.0.2.0/24 country NL ripencc: ...}.
     * Counted once per refusal, by the first origin AS and by the country.
     */
    @SuppressWarnings("unchecked")
    private static void countNetworkOwner(Side side, List<Object> findings) {
        for (Object fo : findings) {
            if (!(fo instanceof Map) || !"network".equals(str((Map<String, Object>) fo, "check"))) {
                continue;
            }
            String reason = str((Map<String, Object>) fo, "reason");
            if (reason == null) {
                continue;
            }
            java.util.regex.Matcher a = ASN.matcher(reason);
            if (!a.find()) {
                continue;
            }
            side.asns.merge("AS" + a.group(1), 1L, Long::sum);
            java.util.regex.Matcher c = COUNTRY.matcher(reason);
            if (c.find()) {
                side.countries.merge(c.group(1), 1L, Long::sum);
            }
            return;
        }
    }

    /**
     * The refused client's operating system as p0f recognised it, from the first finding of check {@code os} (any
     * weight): its reason starts {@code Windows 7 or 8 (exact), distance 3, ...}. Counted once per refusal; an
     * unrecognised OS (only a link or distance rule matched) is not counted.
     */
    @SuppressWarnings("unchecked")
    private static void countOperatingSystem(Side side, List<Object> findings) {
        for (Object fo : findings) {
            if (!(fo instanceof Map) || !io.portcullis.os.OsRules.CHECK.equals(str((Map<String, Object>) fo,
                    "check"))) {
                continue;
            }
            String os = io.portcullis.os.OsRules.osOfDetail(str((Map<String, Object>) fo, "reason"));
            if (os != null) {
                side.operatingSystems.merge(os, 1L, Long::sum);
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean hasObservedFinding(List<Object> findings) {
        for (Object fo : findings) {
            if (fo instanceof Map && Boolean.TRUE.equals(((Map<String, Object>) fo).get("observe"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A list as the reports name it: its id and the zone(s) the lines recorded for it ({@code cli1 (bl.example)}),
     * so that an ad-hoc id such as {@code cli1} says which list it was (an id used for several zones over the period
     * names them all). Lines written before zones were recorded count under the id, named by the zones other lines
     * give it; with none, the id alone.
     */
    static String listName(String id, String zone) {
        return zone == null || zone.isEmpty() || zone.equals(id) ? id : id + " (" + zone + ")";
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
        InetAddress a = Hosts.address(c);
        if (a == null || a.getAddress().length != 16) {
            return c;
        }
        byte[] b = a.getAddress();
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < 4; g++) {
            sb.append(Integer.toHexString(((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff))).append(':');
        }
        return sb.append(":/64").toString();
    }

    /** The text report (see {@link TextReport}). */
    public String render() {
        loaded();
        return TextReport.render(this);
    }

    /** The self-contained HTML page with charts (see {@link HtmlReport}). */
    public String renderHtml() {
        loaded();
        return HtmlReport.render(this);
    }

    // ---- the model, read by the renderers ----

    /** One row of a table: a name and its count; {@code more} marks the "(n more)" row summing the rest. */
    static final class Row {
        final String key;
        final long count;
        final boolean more;

        Row(String key, long count, boolean more) {
            this.key = key;
            this.count = count;
            this.more = more;
        }
    }

    /** One titled table of counts, rows in report order. */
    static final class Table {
        final String title;
        final List<Row> rows;

        Table(String title, List<Row> rows) {
            this.title = title;
            this.rows = rows;
        }
    }

    /** "2026-11-26" or "2026-11-20 to 2026-11-26". */
    String period() {
        return from.equals(to) ? from.toString() : from + " to " + to;
    }

    List<Path> directories() {
        return Collections.unmodifiableList(directories);
    }

    int files() {
        loaded();
        return files;
    }

    int unreadable() {
        loaded();
        return unreadable;
    }

    /** Decisions per node, by node name. */
    Map<String, Long> nodes() {
        loaded();
        return Collections.unmodifiableMap(nodes);
    }

    Side enforced() {
        loaded();
        return enforced;
    }

    Side observed() {
        loaded();
        return observed;
    }

    long overflowDropped() {
        loaded();
        return overflowDropped;
    }

    /** Overflow per node, by node name. */
    Map<String, Long> overflowByNode() {
        loaded();
        return Collections.unmodifiableMap(overflowByNode);
    }

    /** DNS health events, counts descending. */
    List<Row> dnsHealth() {
        loaded();
        return rows(dnsHealth, Integer.MAX_VALUE);
    }

    /** Files of the previous period read (for the comparison of networks and domains). */
    int previousFiles() {
        loaded();
        return previousFiles;
    }

    /** Lines met in more than one log folder, counted once. */
    long duplicates() {
        loaded();
        return merge.duplicates();
    }

    /** Torn last lines (a file being written) skipped. */
    int torn() {
        loaded();
        return merge.torn();
    }

    /** The previous period of the same length, as text. */
    String previousPeriod() {
        LocalDate end = from.minusDays(1);
        LocalDate start = previousFrom();
        return start.equals(end) ? start.toString() : start + " to " + end;
    }

    /** Least decisions a network or domain needs in each period to be compared. */
    static final int MIN_COMPARED = 5;

    /** The networks (true) or domains (false) with the most spam this period. */
    List<EntityTally.Row> worst(boolean networks) {
        loaded();
        return current.worst(networks, TOP);
    }

    /** The networks (true) or domains (false) whose spam ratio dropped most against the previous period. */
    List<EntityTally.Row> mostImproved(boolean networks) {
        loaded();
        return current.mostImproved(previous, networks, MIN_COMPARED, TOP);
    }

    /** The actions to show for a side: the known ones in a fixed order, then any others seen, by name. */
    static List<String> actions(Side s) {
        TreeSet<String> others = new TreeSet<>(s.actions.keySet());
        others.addAll(s.pipelineActions.keySet());
        others.removeAll(ACTIONS);
        List<String> all = new ArrayList<>(ACTIONS);
        all.addAll(others);
        return all;
    }

    /** The refusal tables of a side, in report order; empty tables left out; none when nothing was refused. */
    static List<Table> details(Side s) {
        List<Table> out = new ArrayList<>();
        if (s.refusals == 0) {
            return out;
        }
        table(out, "by reason", rows(s.reasons, TOP));
        table(out, "by stage", rows(s.refusedStages, TOP));
        table(out, "by list", rows(s.named(s.lists), TOP));
        table(out, "by rule", rows(s.rules, TOP));
        table(out, "by nameserver", rows(s.named(s.nameservers), TOP));
        table(out, "by client network", rows(s.networks, TOP));
        table(out, "by ASN", rows(s.asns, TOP));
        table(out, "by country", rows(s.countries, TOP));
        table(out, "by operating system", rows(s.operatingSystems, TOP));
        List<Row> hours = new ArrayList<>();
        for (Map.Entry<String, Long> e : s.hours.entrySet()) {
            hours.add(new Row(e.getKey(), e.getValue(), false));
        }
        table(out, HOURS, hours);
        table(out, "top refused senders", rows(s.senders, TOP));
        return out;
    }

    static final String HOURS = "by hour (UTC)";

    private static void table(List<Table> out, String title, List<Row> rows) {
        if (!rows.isEmpty()) {
            out.add(new Table(title, Collections.unmodifiableList(rows)));
        }
    }

    /** Counts descending then names; past {@code top} rows, one "(n more)" row with the rest's sum. */
    private static List<Row> rows(Map<String, Long> counts, int top) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Long.compare(b.getValue(), a.getValue()));
        List<Row> rows = new ArrayList<>();
        long rest = 0;
        for (int k = 0; k < sorted.size(); k++) {
            if (k < top) {
                rows.add(new Row(sorted.get(k).getKey(), sorted.get(k).getValue(), false));
            } else {
                rest += sorted.get(k).getValue();
            }
        }
        if (sorted.size() > top) {
            rows.add(new Row("(" + (sorted.size() - top) + " more)", rest, true));
        }
        return rows;
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
