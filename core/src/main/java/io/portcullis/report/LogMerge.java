package io.portcullis.report;

import io.portcullis.log.DecisionLog;
import io.portcullis.log.JsonLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Reads the daily files of several decision log folders (one per James node, or copies of them) as one stream of
 * lines in time order: day by day, the files of that day merged by each line's {@code time} (a k-way merge; a file
 * is in time order up to the few milliseconds between stamping a decision and queueing it). Memory stays bounded: one
 * line per open file, plus the recent lines kept to recognise duplicates.
 *
 * <ul>
 *   <li><b>Each decision once.</b> A line found in several folders (a folder given twice, a copy of another node's
 *   folder, overlapping copies) counts once: a line counts as often as the folder that holds it most often does, so
 *   two genuinely equal decisions of one node (same microsecond, same everything) still count twice. Duplicates are
 *   recognised among lines less than {@link #WINDOW} apart in time.</li>
 *   <li><b>A torn last line</b> (a file being written, or cut off by a crash: its last line has no line end and is
 *   no JSON) is skipped and counted apart from unreadable lines.</li>
 * </ul>
 */
final class LogMerge {
    /** How far apart (in their {@code time}) two copies of a line may be met and still be recognised. */
    static final Duration WINDOW = Duration.ofMinutes(10);

    /** Receives the merged lines. */
    interface Sink {
        /** A parsed line (a JSON object with a valid {@code time}). */
        void line(Map<String, Object> fields, OffsetDateTime time);

        /** A line that is not a JSON object with a valid time. */
        void unreadable();
    }

    private final List<List<Path>> sources = new ArrayList<>();
    private long duplicates;
    private int torn;

    /**
     * Adds a folder's files of the days {@code from} to {@code to}; returns them.
     *
     * @throws IOException when the folder cannot be listed
     */
    List<Path> add(Path directory, LocalDate from, LocalDate to) throws IOException {
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
        sources.add(chosen);
        return chosen;
    }

    /** Lines met in more than one folder and counted once (the extra copies). */
    long duplicates() {
        return duplicates;
    }

    /** Torn last lines skipped. */
    int torn() {
        return torn;
    }

    /** Reads every file added, merged by time, into {@code sink}. */
    void run(Sink sink) throws IOException {
        TreeMap<LocalDate, List<Cursor>> byDay = new TreeMap<>();
        for (int s = 0; s < sources.size(); s++) {
            for (Path f : sources.get(s)) {
                byDay.computeIfAbsent(DecisionLog.dayOf(f.getFileName().toString()), k -> new ArrayList<>())
                        .add(new Cursor(f, s));
            }
        }
        Dedup dedup = new Dedup(sources.size());
        for (List<Cursor> day : byDay.values()) {
            PriorityQueue<Cursor> heads = new PriorityQueue<>((a, b) -> {
                int c = a.instant.compareTo(b.instant);
                return c != 0 ? c : Integer.compare(a.source, b.source);
            });
            try {
                for (Cursor c : day) {
                    if (c.advance(sink)) {
                        heads.add(c);
                    }
                }
                while (!heads.isEmpty()) {
                    Cursor c = heads.poll();
                    if (dedup.first(c.raw, c.source, c.instant)) {
                        sink.line(c.fields, c.time);
                    } else {
                        duplicates++;
                    }
                    if (c.advance(sink)) {
                        heads.add(c);
                    }
                }
            } finally {
                for (Cursor c : day) {
                    c.close();
                }
            }
        }
    }

    /** One file, read a line ahead. */
    private final class Cursor {
        private final Path file;
        private final int source;
        private BufferedReader in;
        private boolean done;
        String raw;
        Map<String, Object> fields;
        OffsetDateTime time;
        Instant instant;

        Cursor(Path file, int source) {
            this.file = file;
            this.source = source;
        }

        /** Moves to the next readable line; false at the end. Unreadable and torn lines are reported and skipped. */
        @SuppressWarnings("unchecked")
        boolean advance(Sink sink) throws IOException {
            if (in == null && !done) {
                in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            }
            while (!done) {
                StringBuilder sb = new StringBuilder(512);
                boolean ended = false;
                int ch;
                while ((ch = in.read()) >= 0) {
                    if (ch == '\n') {
                        ended = true;
                        break;
                    }
                    sb.append((char) ch);
                }
                if (!ended) {
                    done = true;
                    close();
                    if (sb.toString().trim().isEmpty()) {
                        return false;
                    }
                }
                String line = sb.toString().trim();
                if (line.isEmpty()) {
                    continue;
                }
                try {
                    Object o = JsonLine.parse(line);
                    if (o instanceof Map) {
                        Object t = ((Map<String, Object>) o).get("time");
                        if (t instanceof String) {
                            raw = line;
                            fields = (Map<String, Object>) o;
                            time = OffsetDateTime.parse((String) t);
                            instant = time.toInstant();
                            return true;
                        }
                    }
                    sink.unreadable();
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    if (ended) {
                        sink.unreadable();
                    } else {
                        torn++;
                    }
                }
            }
            return false;
        }

        void close() throws IOException {
            if (in != null) {
                in.close();
                in = null;
            }
        }
    }

    /** Recent lines and how often each folder gave them, forgotten {@link #WINDOW} after their time. */
    private static final class Dedup {
        private final int sources;
        private final Map<String, int[]> counts = new HashMap<>();
        private final Deque<Object[]> order = new ArrayDeque<>();
        private Instant latest = Instant.MIN;

        Dedup(int sources) {
            this.sources = sources;
        }

        /** Whether this copy of {@code line} from {@code source} counts (is not a copy of another folder's). */
        boolean first(String line, int source, Instant t) {
            if (sources == 1) {
                return true;
            }
            if (t.isAfter(latest)) {
                latest = t;
                Instant cutoff = latest.minus(WINDOW);
                while (!order.isEmpty() && ((Instant) order.peekFirst()[0]).isBefore(cutoff)) {
                    Object[] old = order.pollFirst();
                    counts.remove((String) old[1], old[2]);
                }
            }
            int[] c = counts.get(line);
            if (c == null) {
                c = new int[sources];
                counts.put(line, c);
                order.addLast(new Object[] {t, line, c});
            }
            c[source]++;
            for (int s = 0; s < sources; s++) {
                if (s != source && c[s] >= c[source]) {
                    return false;
                }
            }
            return true;
        }
    }
}
