package io.portcullis.log;

import io.portcullis.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The decision log: one JSON line per {@link Decision}, in daily files {@code decisions-YYYY-MM-DD.jsonl} (UTC
 * days) of one directory.
 *
 * <p>{@link #offer} never blocks and never does I/O: it stamps the time and puts the decision in a bounded queue
 * (an {@link ArrayBlockingQueue#offer}); when the queue is full the decision is dropped and counted
 * ({@link #dropped()}). One daemon writer thread ({@code portcullis-decision-log}) formats, appends, flushes when
 * the queue is empty, opens a new file when the UTC day changes, deletes files older than the retention, and
 * writes an overflow line ({@code {"type": "overflow", "dropped": N, "dropped_total": M}}) at most every
 * {@link #OVERFLOW_REPORT_INTERVAL} while decisions are being dropped (and at close). I/O errors are logged
 * (java.util.logging, bridged to James's log by SLF4J) and counted, never thrown to the deciding thread.
 */
public final class DecisionLog implements AutoCloseable {
    /** Where lines go: a file per day in production, anything in tests. Called by the writer thread only. */
    public interface Sink {
        void write(LocalDate day, String line) throws IOException;

        void flush() throws IOException;

        /** Removes the days before {@code oldestKept}. */
        void expire(LocalDate oldestKept) throws IOException;

        void close() throws IOException;
    }

    /** Told of every decision offered (on the offering thread: must be cheap and never block), e.g. metrics. */
    public interface Listener {
        void decided(Decision d);

        void dropped();
    }

    public static final String PREFIX = "decisions-";
    public static final String SUFFIX = ".jsonl";
    static final java.time.Duration OVERFLOW_REPORT_INTERVAL = java.time.Duration.ofSeconds(10);
    private static final Logger LOGGER = Logger.getLogger(DecisionLog.class.getName());

    /** A log that records nothing ({@code log.enabled = false}). */
    public static final DecisionLog DISABLED = new DecisionLog(null);

    private final BlockingQueue<Object> queue;
    private final Sink sink;
    private final String node;
    private final Clock clock;
    private final int retentionDays;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean closing;
    private long reportedDropped;
    private Instant lastOverflowLine = Instant.EPOCH;
    private LocalDate expiredFor;
    private static final Object STOP = new Object();
    private volatile Listener listener;

    private DecisionLog(Listener listener) {
        this.listener = listener;
        this.queue = null;
        this.sink = null;
        this.node = "";
        this.clock = Clock.systemUTC();
        this.retentionDays = 0;
        this.writer = null;
    }

    /**
     * A log writing to {@code sink}, started at once.
     *
     * @param retentionDays days kept (today included); 0 keeps everything
     */
    public DecisionLog(Sink sink, String node, int queueSize, int retentionDays, Clock clock) {
        if (queueSize < 1) {
            throw new IllegalArgumentException("queue size must be positive: " + queueSize);
        }
        this.queue = new ArrayBlockingQueue<>(queueSize + 1); // the last place is kept for the stop marker
        this.sink = sink;
        this.node = node;
        this.clock = clock;
        this.retentionDays = retentionDays;
        this.writer = new Thread(this::writeLoop, "portcullis-decision-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** A log of daily files in {@code directory} (created if missing). */
    public static DecisionLog open(Path directory, String node, int queueSize, int retentionDays, Clock clock) {
        return new DecisionLog(new DailyFiles(directory), node, queueSize, retentionDays, clock);
    }

    /** The file of a day in a log directory. */
    public static Path file(Path directory, LocalDate day) {
        return directory.resolve(PREFIX + day + SUFFIX);
    }

    /** The day of a log file name, or null if the name is not one. */
    public static LocalDate dayOf(String fileName) {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)) {
            return null;
        }
        try {
            return LocalDate.parse(fileName.substring(PREFIX.length(), fileName.length() - SUFFIX.length()));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A log that writes nothing but tells {@code listener} of every decision (metrics without a log). */
    public static DecisionLog disabled(Listener listener) {
        return new DecisionLog(listener);
    }

    /** Sets the listener (before decisions are offered). */
    public DecisionLog listener(Listener l) {
        if (this != DISABLED) {
            this.listener = l;
        }
        return this;
    }

    /** True when lines are written. */
    public boolean enabled() {
        return writer != null;
    }

    /** True when offering a decision has any effect (a log is written or a listener is set). */
    public boolean active() {
        return writer != null || listener != null;
    }

    /**
     * Queues a decision (its time is set now unless given). Never blocks: false when the log is disabled, closed or
     * its queue full (then the decision is counted in {@link #dropped()}).
     */
    public boolean offer(Decision d) {
        if (d == null) {
            return false;
        }
        Listener l = listener;
        if (l != null) {
            try {
                l.decided(d);
            } catch (RuntimeException e) {
                error("telling the listener", e);
            }
        }
        if (writer == null) {
            return false;
        }
        if (d.time == null) {
            d.time = clock.instant();
        }
        if (closing || queue.remainingCapacity() <= 1 || !queue.offer(d)) {
            dropped.incrementAndGet();
            if (l != null) {
                try {
                    l.dropped();
                } catch (RuntimeException e) {
                    error("telling the listener", e);
                }
            }
            return false;
        }
        return true;
    }

    /**
     * Queues an event line ({@code {"time", "node", "type", ...fields}}), e.g. {@code type = "dns"} with
     * {@code event} and {@code list} for DNS list health. Never blocks; dropped and counted like decisions.
     */
    public boolean offerEvent(String type, Map<String, Object> fields) {
        if (writer == null) {
            return false;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", clock.instant().toString());
        m.put("node", node);
        m.put("type", type);
        m.putAll(fields);
        if (closing || queue.remainingCapacity() <= 1 || !queue.offer(m)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Decisions dropped because the queue was full (or the log closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Lines written (decisions and overflow lines). */
    public long written() {
        return written.get();
    }

    /** Write errors (each logged). */
    public long errors() {
        return errors.get();
    }

    /** Decisions waiting for the writer. */
    public int pending() {
        return queue == null ? 0 : Math.max(0, queue.size());
    }

    public String node() {
        return node;
    }

    /**
     * Writes what is queued, then stops the writer (waits at most 5 s for it). Idempotent; decisions offered after
     * are dropped.
     */
    @Override
    public void close() {
        if (writer == null || closing) {
            return;
        }
        closing = true;
        while (!queue.offer(STOP)) {
            queue.poll(); // the queue is full: the writer is stuck; make room for the marker (counted as dropped)
            dropped.incrementAndGet();
        }
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>();
        boolean stop = false;
        expire();
        while (!stop) {
            try {
                Object first = queue.poll(1, TimeUnit.SECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, 1000);
                }
            } catch (InterruptedException e) {
                stop = true;
            }
            for (Object o : batch) {
                if (o == STOP) {
                    stop = true;
                    continue;
                }
                writeItem(o);
            }
            batch.clear();
            if (stop) {
                queue.drainTo(batch);
                for (Object o : batch) {
                    if (o != STOP) {
                        writeItem(o);
                    }
                }
            }
            reportOverflow(stop);
            expire();
            try {
                sink.flush();
            } catch (IOException | RuntimeException e) {
                error("flushing", e);
            }
        }
        try {
            sink.close();
        } catch (IOException | RuntimeException e) {
            error("closing", e);
        }
    }

    private void writeItem(Object o) {
        if (o instanceof Decision) {
            Decision d = (Decision) o;
            write(dayOf(d.time), d.toJson(node));
        } else {
            Map<?, ?> m = (Map<?, ?>) o;
            write(dayOf(Instant.parse(String.valueOf(m.get("time")))), Json.write(m));
        }
    }

    private static LocalDate dayOf(Instant t) {
        return t.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    private void write(LocalDate day, String line) {
        try {
            sink.write(day, line);
            written.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            error("writing", e);
        }
    }

    private void reportOverflow(boolean force) {
        long total = dropped.get();
        if (total == reportedDropped) {
            return;
        }
        Instant now = clock.instant();
        if (!force && now.isBefore(lastOverflowLine.plus(OVERFLOW_REPORT_INTERVAL))) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", now.toString());
        m.put("node", node);
        m.put("type", "overflow");
        m.put("dropped", total - reportedDropped);
        m.put("dropped_total", total);
        write(dayOf(now), Json.write(m));
        LOGGER.warning("Portcullis: decision log queue full: " + (total - reportedDropped)
                + " decision(s) not logged (" + total + " in all)");
        reportedDropped = total;
        lastOverflowLine = now;
    }

    private void expire() {
        if (retentionDays <= 0) {
            return;
        }
        LocalDate today = dayOf(clock.instant());
        if (today.equals(expiredFor)) {
            return;
        }
        expiredFor = today;
        try {
            sink.expire(today.minusDays(retentionDays - 1L));
        } catch (IOException | RuntimeException e) {
            error("deleting old files", e);
        }
    }

    private void error(String what, Exception e) {
        long n = errors.incrementAndGet();
        if (n <= 10 || Long.bitCount(n) == 1) {
            LOGGER.log(Level.WARNING, "Portcullis: decision log: " + what + " failed (" + n + " error(s))", e);
        }
    }

    /** Daily files in one directory; one open file at a time. */
    static final class DailyFiles implements Sink {
        private final Path directory;
        private LocalDate day;
        private BufferedWriter out;

        DailyFiles(Path directory) {
            this.directory = directory;
        }

        @Override
        public void write(LocalDate d, String line) throws IOException {
            if (out == null || !d.equals(day)) {
                close();
                Files.createDirectories(directory);
                out = Files.newBufferedWriter(file(directory, d), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                day = d;
            }
            out.write(line);
            out.write('\n');
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void expire(LocalDate oldestKept) throws IOException {
            if (!Files.isDirectory(directory)) {
                return;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
                for (Path f : files) {
                    LocalDate d = dayOf(f.getFileName().toString());
                    if (d != null && d.isBefore(oldestKept)) {
                        if (out != null && d.equals(day)) {
                            close();
                        }
                        Files.deleteIfExists(f);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                try {
                    out.close();
                } finally {
                    out = null;
                    day = null;
                }
            }
        }
    }
}
