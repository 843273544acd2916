package io.portcullis.store;

import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * The embedded, persistent {@link StateStore}: all state in memory (bounded), every change appended to a
 * journal file, and the journal folded into a snapshot from time to time. Plain Java, no thread of its
 * own. Survives a restart: {@link #open} reads the snapshot, then replays the journal.
 *
 * <h2>Files (in one directory)</h2>
 * <ul>
 *   <li>{@code state.journal}: one line per recorded member, {@code EPOCH_SECONDS SET MEMBER CRC}, set and
 *   member percent-encoded (bytes outside {@code !..~} and {@code %} itself), CRC the CRC-32 of the text before
 *   it (8 lowercase hex digits). Appended with one {@code write} per record.</li>
 *   <li>Counter records ({@link #add}) have lines of their own in the journal: {@code C EPOCH EXPIRES KEY
 *   (FIELD DELTA)* ~CRC} (an addition) and {@code X KEY FIELD* ~CRC} (fields removed); in the snapshot,
 *   {@code R FIRST LAST EXPIRES KEY (FIELD VALUE)* ~CRC} (the record's absolute values); a counter line without its
 *   matching CRC is skipped. Expired records are dropped at compaction and never answered; at most
 *   {@link Options#maxSets} records are kept (the least recently updated go first). Unlike recording a member,
 *   adding is not idempotent: a crash between the snapshot's rename and the journal's truncation counts that
 *   journal's additions twice (a window of one rename).</li>
 *   <li>{@code state.snapshot}: the live entries in the same line format after a header line; written to
 *   {@code state.snapshot.tmp}, forced to disk, then renamed atomically over the old one; only then is the
 *   journal truncated. A crash at any point leaves a snapshot plus a journal whose replay is harmless,
 *   because recording is idempotent (the latest time wins). A leftover {@code state.snapshot.tmp} is never
 *   read (the next compaction overwrites it).</li>
 * </ul>
 * Reading is strict, so a crash or a damaged file never adds state: a last line without its newline (a torn
 * write) is skipped, and so is every line whose CRC does not match or that does not parse; they are counted
 * ({@link #skippedLines()}). Files written before checksums ({@code EPOCH SET MEMBER}, snapshot header
 * {@code v1}) are still read; in a {@code v2} snapshot, and in a file after its first checksummed line, a line
 * without a CRC is skipped.
 * <ul>
 *   <li>{@code state.lock}: an exclusive OS file lock; a second store (another process or another instance
 *   in this JVM) on the same directory is refused.</li>
 * </ul>
 *
 * <h2>Durability (fsync policy)</h2>
 * Each record reaches the operating system before {@link #record} returns, so a crash of the JVM loses
 * nothing. The journal is forced to the disk at most once per {@link Options#syncInterval} (default 1 s)
 * on the recording thread, and on {@link #close()}: a power failure may lose the records of the last
 * interval. An interval of zero forces on every record.
 *
 * <h2>Bounds (defaults)</h2>
 * Members older than the retention (default 30 days) are dropped at compaction and never counted. At most
 * {@link Options#maxMembersPerSet} members per set (default 10,000; the oldest go first) and
 * {@link Options#maxSets} sets (default 200,000; those with the oldest newest member go first), and at
 * most {@link Options#maxEntries} members in all (default 500,000, about 75 MB of heap; the oldest go
 * first). Compaction
 * runs when the journal exceeds {@link Options#compactAfterBytes} (default 8 MiB) and when the store is
 * opened.
 *
 * <p>Thread-safe: writes are serialised by one lock, counts read concurrent maps without locking. All
 * methods return completed futures (the work is done on the caller's thread).
 */
public final class JournalStateStore implements StateStore {
    static final String JOURNAL = "state.journal";
    static final String SNAPSHOT = "state.snapshot";
    static final String LOCK = "state.lock";
    /** Snapshot header; v2: every line carries a CRC. */
    private static final String HEADER = "# portcullis state snapshot v2";
    private static final String HEADER_V1 = "# portcullis state snapshot v1";
    /** Lines longer than this are damage (a member is a name or an address): skipped without being buffered. */
    static final int MAX_LINE = 1 << 20;

    /** Tunables; immutable. */
    public static final class Options {
        /**
         * Defaults: 30 days, 10,000 members per set, 200,000 sets, 500,000 members in all, 8 MiB journal,
         * fsync every second.
         */
        public static final Options DEFAULTS = new Options(Duration.ofDays(30), 10_000, 200_000, 500_000, 8L << 20,
                Duration.ofSeconds(1), Clock.systemUTC());

        private final Duration retention;
        private final int maxMembersPerSet;
        private final int maxSets;
        private final int maxEntries;
        private final long compactAfterBytes;
        private final Duration syncInterval;
        private final Clock clock;

        private Options(Duration retention, int maxMembersPerSet, int maxSets, int maxEntries, long compactAfterBytes,
                Duration syncInterval, Clock clock) {
            if (retention.isNegative() || retention.isZero() || maxMembersPerSet < 1 || maxSets < 1 || maxEntries < 1
                    || compactAfterBytes < 1 || syncInterval.isNegative()) {
                throw new IllegalArgumentException("invalid store options");
            }
            this.retention = retention;
            this.maxMembersPerSet = maxMembersPerSet;
            this.maxSets = maxSets;
            this.maxEntries = maxEntries;
            this.compactAfterBytes = compactAfterBytes;
            this.syncInterval = syncInterval;
            this.clock = Objects.requireNonNull(clock);
        }

        public Options withRetention(Duration d) {
            return new Options(d, maxMembersPerSet, maxSets, maxEntries, compactAfterBytes, syncInterval, clock);
        }

        public Options withMaxMembersPerSet(int n) {
            return new Options(retention, n, maxSets, maxEntries, compactAfterBytes, syncInterval, clock);
        }

        public Options withMaxSets(int n) {
            return new Options(retention, maxMembersPerSet, n, maxEntries, compactAfterBytes, syncInterval, clock);
        }

        /** Members in all sets together (about 150 bytes of heap each); the oldest go first. */
        public Options withMaxEntries(int n) {
            return new Options(retention, maxMembersPerSet, maxSets, n, compactAfterBytes, syncInterval, clock);
        }

        public Options withCompactAfterBytes(long n) {
            return new Options(retention, maxMembersPerSet, maxSets, maxEntries, n, syncInterval, clock);
        }

        public Options withSyncInterval(Duration d) {
            return new Options(retention, maxMembersPerSet, maxSets, maxEntries, compactAfterBytes, d, clock);
        }

        /** The clock that decides what is older than the retention (tests). */
        public Options withClock(Clock c) {
            return new Options(retention, maxMembersPerSet, maxSets, maxEntries, compactAfterBytes, syncInterval, c);
        }

        public Duration retention() {
            return retention;
        }

        public int maxMembersPerSet() {
            return maxMembersPerSet;
        }

        public int maxSets() {
            return maxSets;
        }

        public int maxEntries() {
            return maxEntries;
        }

        public long compactAfterBytes() {
            return compactAfterBytes;
        }

        public Duration syncInterval() {
            return syncInterval;
        }
    }

    private final Path dir;
    private final Options options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<String, Map<String, Long>> sets = new ConcurrentHashMap<>();
    /** Counter records ({@link #add}); mutated under the write lock, read without it. */
    private final Map<String, CounterRecord> counters = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    private final AtomicLong skippedLines = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();
    private FileChannel journal;
    private long lastForceNanos = System.nanoTime();
    private boolean dirty;
    private volatile boolean closed;

    private JournalStateStore(Path dir, Options options, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.options = options;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (or creates) the store in {@code directory}: locks it, loads the snapshot and the journal, and
     * compacts.
     *
     * @throws StoreException when the directory cannot be created, read or locked (in use elsewhere)
     */
    public static JournalStateStore open(Path directory, Options options) {
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreException("state directory " + directory + " is in use by another store");
            }
            JournalStateStore store = new JournalStateStore(directory, options, lockChannel, lock);
            store.load();
            return store;
        } catch (IOException | RuntimeException e) {
            if (lockChannel != null) {
                try {
                    lockChannel.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            if (e instanceof StoreException) {
                throw (StoreException) e;
            }
            throw new StoreException("cannot open state directory " + directory + ": " + e, e);
        }
    }

    /**
     * A read-only view of the store in {@code directory} as its files are now, without its lock (for tools while
     * James holds the store): the snapshot, then the journal. Writing to it fails; nothing is written, nothing is
     * created. A compaction by the owner at the same moment may show the journal's last additions twice or not at
     * all (the view is a look, not a transaction).
     *
     * @throws StoreException when the directory does not exist or cannot be read
     */
    public static JournalStateStore openReadOnly(Path directory, Options options) {
        if (!Files.isDirectory(directory)) {
            throw new StoreException("no state directory " + directory);
        }
        JournalStateStore store = new JournalStateStore(directory, options, null, null);
        try {
            store.replayFiles();
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot read state directory " + directory + ": " + e, e);
        }
        return store;
    }

    private void replayFiles() throws IOException {
        Path snap = dir.resolve(SNAPSHOT);
        Path jnl = dir.resolve(JOURNAL);
        if (Files.exists(snap)) {
            replay(snap);
        }
        if (Files.exists(jnl)) {
            replay(jnl);
        }
    }

    private void load() throws IOException {
        Path jnl = dir.resolve(JOURNAL);
        replayFiles();
        synchronized (writeLock) {
            journal = FileChannel.open(jnl, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            compactLocked();
        }
    }

    private void replay(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            Lines lines = new Lines(in);
            boolean first = true;
            boolean checked = false; // from here on, lines must carry a CRC
            String line;
            while ((line = lines.next()) != null) {
                if (!lines.terminated) {
                    // a torn write: the record never completed, whatever its prefix looks like
                    skippedLines.incrementAndGet();
                    break;
                }
                if (first) {
                    first = false;
                    if (line.equals(HEADER)) {
                        checked = true;
                        continue;
                    }
                }
                if (line.equals(HEADER) || line.equals(HEADER_V1) || line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("C ") || line.startsWith("R ") || line.startsWith("X ")) {
                    int mark = line.lastIndexOf(" ~");
                    if (mark < 0 || !line.substring(mark + 2).equals(crc(line.substring(0, mark)))
                            || !replayCounterLine(line.substring(0, mark))) {
                        skippedLines.incrementAndGet();
                    }
                    continue;
                }
                String[] f = line.split(" ", -1);
                if (f.length == 4) {
                    checked = true;
                } else if (checked || f.length != 3) {
                    skippedLines.incrementAndGet();
                    continue;
                }
                long t;
                try {
                    t = Long.parseLong(f[0]);
                } catch (NumberFormatException e) {
                    t = Long.MIN_VALUE;
                }
                String set = decode(f[1]);
                String member = decode(f[2]);
                if (t == Long.MIN_VALUE || set == null || member == null || set.isEmpty() || member.isEmpty()
                        || f.length == 4 && !f[3].equals(crc(line.substring(0, line.length() - f[3].length() - 1)))) {
                    skippedLines.incrementAndGet();
                    continue;
                }
                apply(set, member, t);
            }
        }
    }

    /**
     * A counter line ({@code C}, {@code X}, {@code R}) with its CRC after {@code " ~"} (its last field is a number,
     * so the mark tells the CRC apart) and its newline; replay skips a counter line without a matching CRC.
     */
    static String counterLine(String text) {
        return text + " ~" + crc(text) + '\n';
    }

    /** The CRC-32 of a line's text, as written after it: 8 lowercase hex digits. */
    static String crc(String text) {
        CRC32 c = new CRC32();
        c.update(text.getBytes(StandardCharsets.ISO_8859_1));
        String hex = Long.toHexString(c.getValue());
        return "00000000".substring(hex.length()) + hex;
    }

    /** One line of a state file in encoded form, with its CRC and newline. */
    static String line(long t, String encodedSet, String encodedMember) {
        String text = t + " " + encodedSet + " " + encodedMember;
        return text + ' ' + crc(text) + '\n';
    }

    /**
     * Lines of a state file, octet by octet (the format is printable ASCII): tells whether the last line ended with
     * its newline, and skips over lines longer than {@link #MAX_LINE} without buffering them (returned as "").
     */
    private static final class Lines {
        private final InputStream in;
        private final StringBuilder sb = new StringBuilder(128);
        boolean terminated;

        Lines(InputStream in) {
            this.in = in;
        }

        String next() throws IOException {
            sb.setLength(0);
            boolean tooLong = false;
            boolean any = false;
            int b;
            while ((b = in.read()) >= 0) {
                any = true;
                if (b == '\n') {
                    terminated = true;
                    return tooLong ? "" : sb.toString();
                }
                if (sb.length() >= MAX_LINE) {
                    tooLong = true;
                    sb.setLength(0);
                }
                if (!tooLong) {
                    sb.append((char) b);
                }
            }
            terminated = false;
            return any ? sb.toString() : null;
        }
    }

    @Override
    public CompletableFuture<Void> record(Collection<String> setNames, String member, Instant seen) {
        if (lock == null) {
            return CompletableFuture.failedFuture(new StoreException("read-only view of " + dir));
        }
        if (closed) {
            return CompletableFuture.failedFuture(new StoreException("store closed"));
        }
        if (setNames == null || member == null || member.isEmpty() || seen == null) {
            return CompletableFuture.completedFuture(null);
        }
        long t = seen.getEpochSecond();
        StringBuilder lines = new StringBuilder();
        String m = encode(member);
        List<String> names = new ArrayList<>();
        for (String s : new LinkedHashSet<>(setNames)) {
            if (s != null && !s.isEmpty()) {
                names.add(s);
                lines.append(line(t, encode(s), m));
            }
        }
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (writeLock) {
            if (closed) {
                return CompletableFuture.failedFuture(new StoreException("store closed"));
            }
            for (String s : names) {
                apply(s, member, t);
            }
            return appendLocked(lines);
        }
    }

    /** Appends journal lines (write lock held): forced per the sync interval, compacted when large. */
    private CompletableFuture<Void> appendLocked(CharSequence lines) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
            while (buf.hasRemaining()) {
                journal.write(buf);
            }
            dirty = true;
            long now = System.nanoTime();
            if (now - lastForceNanos >= options.syncInterval.toNanos()) {
                journal.force(false);
                lastForceNanos = now;
                dirty = false;
            }
            if (journal.size() > options.compactAfterBytes) {
                compactLocked();
            }
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new StoreException("cannot write journal in " + dir + ": " + e, e));
        }
        return CompletableFuture.completedFuture(null);
    }

    // ------------------------------------------------------------------ counter records

    /** A counter record in memory: times in epoch seconds; fields mutated under the write lock. */
    private static final class CounterRecord {
        volatile long first;
        volatile long last;
        volatile long expires;
        final Map<String, Long> fields = new ConcurrentHashMap<>();

        CounterRecord(long first) {
            this.first = first;
            this.last = first;
        }
    }

    @Override
    public CompletableFuture<Void> add(Collection<String> keys, Map<String, Long> deltas, Collection<String> drop,
            Instant at, Duration ttl) {
        if (lock == null) {
            return CompletableFuture.failedFuture(new StoreException("read-only view of " + dir));
        }
        if (closed) {
            return CompletableFuture.failedFuture(new StoreException("store closed"));
        }
        if (keys == null || at == null || ttl == null) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, Long> d = deltas == null ? Map.of() : deltas;
        Collection<String> x = drop == null ? List.of() : drop;
        long t = at.getEpochSecond();
        long expires = t + Math.max(1, ttl.getSeconds());
        StringBuilder lines = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (String k : new LinkedHashSet<>(keys)) {
            if (k == null || k.isEmpty()) {
                continue;
            }
            names.add(k);
            StringBuilder add = new StringBuilder("C ").append(t).append(' ').append(expires).append(' ')
                    .append(encode(k));
            for (Map.Entry<String, Long> e : d.entrySet()) {
                if (e.getKey() != null && !e.getKey().isEmpty() && e.getValue() != null) {
                    add.append(' ').append(encode(e.getKey())).append(' ').append(e.getValue());
                }
            }
            lines.append(counterLine(add.toString()));
        }
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (writeLock) {
            if (closed) {
                return CompletableFuture.failedFuture(new StoreException("store closed"));
            }
            for (String k : names) {
                applyAdd(k, d, t, expires);
                // Only the fields that were there are journalled as dropped: callers (reputation) ask to drop a
                // whole week of possible buckets on every update, and most of them never existed.
                List<String> removed = applyDrop(k, x);
                if (!removed.isEmpty()) {
                    StringBuilder dropLine = new StringBuilder("X ").append(encode(k));
                    for (String f : removed) {
                        dropLine.append(' ').append(encode(f));
                    }
                    lines.append(counterLine(dropLine.toString()));
                }
            }
            return appendLocked(lines);
        }
    }

    private void applyAdd(String key, Map<String, Long> deltas, long t, long expires) {
        CounterRecord r = counters.get(key);
        if (r == null || r.expires < t) {
            r = new CounterRecord(t);
            counters.put(key, r);
        }
        r.first = Math.min(r.first, t);
        r.last = Math.max(r.last, t);
        r.expires = Math.max(r.expires, expires);
        for (Map.Entry<String, Long> e : deltas.entrySet()) {
            if (e.getKey() != null && !e.getKey().isEmpty() && e.getValue() != null) {
                r.fields.merge(e.getKey(), e.getValue(), Long::sum);
            }
        }
        if (counters.size() > options.maxSets + Math.max(1, options.maxSets / 10)) {
            trimCounters(options.maxSets);
        }
    }

    /** Removes {@code drop}'s fields from the record of {@code key}; returns those that were there. */
    private List<String> applyDrop(String key, Collection<String> drop) {
        CounterRecord r = drop.isEmpty() ? null : counters.get(key);
        if (r == null) {
            return List.of();
        }
        List<String> removed = new ArrayList<>(0);
        for (String f : drop) {
            if (f != null && !f.isEmpty() && r.fields.remove(f) != null) {
                removed.add(f);
            }
        }
        return removed;
    }

    /** Keeps the {@code keep} records updated most recently. */
    private void trimCounters(int keep) {
        List<Map.Entry<String, CounterRecord>> list = new ArrayList<>(counters.entrySet());
        list.sort(Comparator.comparingLong((Map.Entry<String, CounterRecord> e) -> e.getValue().last).reversed());
        for (int i = keep; i < list.size(); i++) {
            counters.remove(list.get(i).getKey(), list.get(i).getValue());
        }
    }

    /** {@code C t expires key (field delta)*}, {@code R first last expires key (field value)*}, {@code X key field*}. */
    private boolean replayCounterLine(String line) {
        String[] f = line.split(" ", -1);
        try {
            if (f[0].equals("X") && f.length >= 2) {
                String key = decode(f[1]);
                List<String> drop = new ArrayList<>();
                for (int i = 2; i < f.length; i++) {
                    drop.add(decode(f[i]));
                }
                if (key == null || drop.contains(null)) {
                    return false;
                }
                applyDrop(key, drop);
                return true;
            }
            boolean absolute = f[0].equals("R");
            int keyAt = absolute ? 4 : 3;
            if (f.length < keyAt + 1 || (f.length - keyAt - 1) % 2 != 0) {
                return false;
            }
            String key = decode(f[keyAt]);
            if (key == null || key.isEmpty()) {
                return false;
            }
            Map<String, Long> fields = new LinkedHashMap<>();
            for (int i = keyAt + 1; i < f.length; i += 2) {
                String name = decode(f[i]);
                if (name == null || name.isEmpty()) {
                    return false;
                }
                fields.put(name, Long.parseLong(f[i + 1]));
            }
            if (absolute) {
                CounterRecord r = new CounterRecord(Long.parseLong(f[1]));
                r.last = Long.parseLong(f[2]);
                r.expires = Long.parseLong(f[3]);
                r.fields.putAll(fields);
                counters.put(key, r);
            } else {
                applyAdd(key, fields, Long.parseLong(f[1]), Long.parseLong(f[2]));
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public CompletableFuture<Map<String, Counters>> counters(Collection<String> keys) {
        if (closed) {
            return CompletableFuture.failedFuture(new StoreException("store closed"));
        }
        Map<String, Counters> out = new LinkedHashMap<>();
        if (keys == null) {
            return CompletableFuture.completedFuture(out);
        }
        long now = options.clock.instant().getEpochSecond();
        for (String k : keys) {
            CounterRecord r = k == null ? null : counters.get(k);
            if (r == null || r.expires < now || out.containsKey(k)) {
                continue;
            }
            out.put(k, new Counters(new LinkedHashMap<>(r.fields), Instant.ofEpochSecond(r.first),
                    Instant.ofEpochSecond(r.last)));
        }
        return CompletableFuture.completedFuture(Collections.unmodifiableMap(out));
    }

    /** Number of counter records held in memory. */
    public int counterCount() {
        return counters.size();
    }

    /** Called with the write lock held (or during loading, before the store is shared). */
    private void apply(String set, String member, long t) {
        Map<String, Long> members = sets.computeIfAbsent(set, k -> new ConcurrentHashMap<>());
        Long before = members.get(member);
        if (before == null) {
            members.put(member, t);
            entries.incrementAndGet();
        } else if (t > before) {
            members.put(member, t);
        }
        if (members.size() > options.maxMembersPerSet) {
            entries.addAndGet(-trimOldest(members, options.maxMembersPerSet * 9 / 10));
        }
        if (sets.size() > options.maxSets + Math.max(1, options.maxSets / 10)) {
            trimSets(options.maxSets);
        }
        if (entries.get() > options.maxEntries) {
            trimEntries(options.maxEntries * 9L / 10);
        }
    }

    private static int trimOldest(Map<String, Long> members, int keep) {
        List<Map.Entry<String, Long>> list = new ArrayList<>(members.entrySet());
        list.sort(Map.Entry.comparingByValue());
        int removed = 0;
        for (int i = 0; i < list.size() - keep; i++) {
            if (members.remove(list.get(i).getKey(), list.get(i).getValue())) {
                removed++;
            }
        }
        return removed;
    }

    /** Drops the oldest members across all sets until at most {@code keep} remain (ties may keep a few more). */
    private void trimEntries(long keep) {
        long[] times = new long[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, entries.get() + 16))];
        int n = 0;
        for (Map<String, Long> m : sets.values()) {
            for (long t : m.values()) {
                if (n == times.length) {
                    times = Arrays.copyOf(times, times.length * 2);
                }
                times[n++] = t;
            }
        }
        if (n <= keep) {
            entries.set(n);
            return;
        }
        Arrays.sort(times, 0, n);
        long cutoff = times[(int) (n - keep)];
        sets.values().forEach(m -> m.values().removeIf(t -> t < cutoff));
        sets.values().removeIf(Map::isEmpty);
        recount();
    }

    private void recount() {
        long n = 0;
        for (Map<String, Long> m : sets.values()) {
            n += m.size();
        }
        entries.set(n);
    }

    private void trimSets(int keep) {
        List<Map.Entry<String, Long>> newest = new ArrayList<>();
        for (Map.Entry<String, Map<String, Long>> e : sets.entrySet()) {
            long max = Long.MIN_VALUE;
            for (long v : e.getValue().values()) {
                max = Math.max(max, v);
            }
            newest.add(Map.entry(e.getKey(), max));
        }
        newest.sort(Map.Entry.comparingByValue(Comparator.reverseOrder()));
        for (int i = keep; i < newest.size(); i++) {
            sets.remove(newest.get(i).getKey());
        }
        recount();
    }

    @Override
    public CompletableFuture<Map<String, Long>> count(Collection<String> setNames, Instant since) {
        if (closed) {
            return CompletableFuture.failedFuture(new StoreException("store closed"));
        }
        Map<String, Long> out = new LinkedHashMap<>();
        if (setNames == null) {
            return CompletableFuture.completedFuture(out);
        }
        long from = since == null ? Long.MIN_VALUE : since.getEpochSecond();
        long cutoff = cutoff();
        for (String s : setNames) {
            if (s == null || out.containsKey(s)) {
                continue;
            }
            long n = 0;
            Map<String, Long> members = sets.get(s);
            if (members != null) {
                for (long t : members.values()) {
                    if (t >= from && t >= cutoff) {
                        n++;
                    }
                }
            }
            out.put(s, n);
        }
        return CompletableFuture.completedFuture(Collections.unmodifiableMap(out));
    }

    private long cutoff() {
        return options.clock.instant().minus(options.retention).getEpochSecond();
    }

    /** Forces a compaction now (tests, administration). */
    public void compact() {
        synchronized (writeLock) {
            if (lock == null) {
                throw new StoreException("read-only view of " + dir);
            }
            if (closed) {
                throw new StoreException("store closed");
            }
            try {
                compactLocked();
            } catch (IOException e) {
                throw new StoreException("cannot compact " + dir + ": " + e, e);
            }
        }
    }

    private void compactLocked() throws IOException {
        long cutoff = cutoff();
        sets.values().forEach(m -> m.values().removeIf(t -> t < cutoff));
        sets.values().removeIf(Map::isEmpty);
        recount();
        long now = options.clock.instant().getEpochSecond();
        counters.values().removeIf(r -> r.expires < now);
        Path tmp = dir.resolve(SNAPSHOT + ".tmp");
        try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
                Writer w = new BufferedWriter(new OutputStreamWriter(fos, StandardCharsets.US_ASCII), 1 << 16)) {
            w.write(HEADER);
            w.write('\n');
            for (Map.Entry<String, Map<String, Long>> e : sets.entrySet()) {
                String s = encode(e.getKey());
                for (Map.Entry<String, Long> m : e.getValue().entrySet()) {
                    w.write(line(m.getValue(), s, encode(m.getKey())));
                }
            }
            for (Map.Entry<String, CounterRecord> e : counters.entrySet()) {
                CounterRecord r = e.getValue();
                StringBuilder rec = new StringBuilder("R ").append(r.first).append(' ').append(r.last).append(' ')
                        .append(r.expires).append(' ').append(encode(e.getKey()));
                for (Map.Entry<String, Long> fv : r.fields.entrySet()) {
                    rec.append(' ').append(encode(fv.getKey())).append(' ').append(fv.getValue());
                }
                w.write(counterLine(rec.toString()));
            }
            w.flush();
            fos.getFD().sync();
        }
        Files.move(tmp, dir.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            // Directories cannot be opened for sync on every platform; the rename is still atomic.
        }
        journal.truncate(0);
        journal.force(false);
        lastForceNanos = System.nanoTime();
        dirty = false;
    }

    @Override
    public Duration retention() {
        return options.retention;
    }

    /** Lines skipped while loading (torn or foreign lines). */
    public long skippedLines() {
        return skippedLines.get();
    }

    /** Number of members held in memory, all sets together. */
    public long entryCount() {
        return entries.get();
    }

    /** Number of sets held in memory. */
    public int setCount() {
        return sets.size();
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (journal != null) {
                    if (dirty) {
                        journal.force(false);
                    }
                    journal.close();
                }
            } catch (IOException ignored) {
                // nothing more can be done
            }
            try {
                if (lock != null) {
                    lock.release();
                    lockChannel.close();
                }
            } catch (IOException ignored) {
                // released by the OS on exit anyway
            }
        }
    }

    static String encode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = null;
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            boolean plain = c >= 0x21 && c <= 0x7e && c != '%';
            if (plain && sb == null) {
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(b.length + 8);
                for (int j = 0; j < i; j++) {
                    sb.append((char) b[j]);
                }
            }
            if (plain) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** The decoded text, or null when malformed. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }
}
