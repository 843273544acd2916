package io.portcullis.nameservers;

import io.portcullis.json.Text;
import io.portcullis.net.Networks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An operator's list of spam nameservers: one entry a line, the first word counts, {@code #} starts a
 * comment. An entry is an NS host name or NS domain (covering itself and every name under it, as Postfix
 * matches parent domains), an IP address, or a CIDR network ({@code 192.0.2.0/24}, {@code 2001:db8::/32}).
 * Lines that are none of these are skipped and reported in {@link #warnings()}.
 *
 * <p>A file-backed list is re-read when the file's modification time or size changes; the check happens on
 * the caller's thread, at most once per check interval (default 5 s), so there is no watcher thread. A
 * missing or unreadable file gives an empty list (and a warning); a file that later disappears keeps the
 * last good list. Thread-safe: readers see an immutable snapshot.
 */
public final class LocalNsList {
    /** The source id of local-list hits ({@code local-list}). */
    public static final String SOURCE = "local-list";
    /** Default interval between checks of the file's modification time. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final int MAX_WARNINGS = 20;

    private final Path file;
    private final long checkIntervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextCheck = new AtomicLong();
    private volatile Snapshot snapshot;

    private LocalNsList(Path file, Duration checkInterval, LongSupplier nanoClock, Snapshot initial) {
        this.file = file;
        this.checkIntervalNanos = checkInterval.toNanos();
        this.nanoClock = nanoClock;
        this.snapshot = initial;
        this.nextCheck.set(nanoClock.getAsLong() + checkIntervalNanos);
    }

    /** A list read from {@code file} now and re-read when it changes. Never throws on a bad or missing file. */
    public static LocalNsList watch(Path file, Duration checkInterval) {
        return watch(file, checkInterval, System::nanoTime);
    }

    static LocalNsList watch(Path file, Duration checkInterval, LongSupplier nanoClock) {
        Objects.requireNonNull(file, "file");
        Snapshot s = read(file, null);
        return new LocalNsList(file, checkInterval, nanoClock, s);
    }

    /** A fixed list from text (tests, the command line). */
    public static LocalNsList of(String text) {
        return new LocalNsList(null, Duration.ofDays(3650), System::nanoTime, parse(text, 0, -1));
    }

    /** The matching entry for an NS host name (the name or one of its parent domains), or empty. */
    public Optional<String> matchHost(String host) {
        Snapshot s = current();
        if (host == null || s.names.isEmpty()) {
            return Optional.empty();
        }
        for (String candidate : HostNames.selfAndParents(host)) {
            if (s.names.containsKey(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The matching entry (address or network) for an NS address literal, or empty. */
    public Optional<String> matchAddress(String address) {
        Snapshot s = current();
        String lit = HostNames.address(address);
        if (lit == null) {
            return Optional.empty();
        }
        if (s.addresses.containsKey(lit)) {
            return Optional.of(lit);
        }
        if (s.networks.isEmpty()) {
            return Optional.empty();
        }
        var inet = HostNames.inet(lit);
        for (int i = 0; i < s.networks.size(); i++) {
            if (s.networks.get(i).contains(inet)) {
                return Optional.of(s.networkText.get(i));
            }
        }
        return Optional.empty();
    }

    /** Number of entries in the current snapshot. */
    public int size() {
        Snapshot s = current();
        return s.names.size() + s.addresses.size() + s.networks.size();
    }

    /** Problems of the last read (skipped lines, unreadable file), at most 20. */
    public List<String> warnings() {
        return current().warnings;
    }

    /** The file, or empty for a fixed list. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (file == null) {
            return s;
        }
        long now = nanoClock.getAsLong();
        long next = nextCheck.get();
        if (now - next >= 0 && nextCheck.compareAndSet(next, now + checkIntervalNanos)) {
            Snapshot fresh = read(file, s);
            if (fresh != s) {
                snapshot = fresh;
                s = fresh;
            }
        }
        return s;
    }

    /** Reads the file if its stamp differs from {@code previous}'s; returns {@code previous} otherwise. */
    private static Snapshot read(Path file, Snapshot previous) {
        long mtime;
        long size;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            mtime = a.lastModifiedTime().toMillis();
            size = a.size();
        } catch (IOException | RuntimeException e) {
            if (previous != null) {
                return previous;
            }
            Snapshot empty = parse("", 0, -1);
            return empty.withWarning("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        if (previous != null && previous.mtime == mtime && previous.size == size) {
            return previous;
        }
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return parse(text, mtime, size);
        } catch (IOException | RuntimeException e) {
            return previous != null ? previous
                    : parse("", 0, -1).withWarning("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    static Snapshot parse(String text, long mtime, long size) {
        Map<String, String> names = new HashMap<>();
        Map<String, String> addresses = new HashMap<>();
        List<Networks> networks = new ArrayList<>();
        List<String> networkText = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String entry = line.split("\\s+", 2)[0];
            String lit = HostNames.address(entry);
            if (lit != null) {
                addresses.put(lit, entry);
                continue;
            }
            if (entry.indexOf('/') > 0) {
                try {
                    networks.add(Networks.parse(entry));
                    networkText.add(entry);
                    continue;
                } catch (IllegalArgumentException e) {
                    // reported below
                }
            }
            String host = entry.startsWith("*.") ? HostNames.hostName(entry.substring(2))
                    : entry.startsWith(".") ? HostNames.hostName(entry.substring(1)) : HostNames.hostName(entry);
            if (host != null) {
                names.put(host, host);
                continue;
            }
            if (warnings.size() < MAX_WARNINGS) {
                warnings.add("line " + (n + 1) + ": '" + Text.headerSafe(entry, 60)
                        + "' is not a host name, domain, address or network; skipped");
            }
        }
        return new Snapshot(names, addresses, networks, networkText, warnings, mtime, size);
    }

    /** One parsed version of the list. Immutable once built. */
    static final class Snapshot {
        final Map<String, String> names;
        final Map<String, String> addresses;
        final List<Networks> networks;
        final List<String> networkText;
        final List<String> warnings;
        final long mtime;
        final long size;

        Snapshot(Map<String, String> names, Map<String, String> addresses, List<Networks> networks,
                List<String> networkText, List<String> warnings, long mtime, long size) {
            this.names = Map.copyOf(names);
            this.addresses = Map.copyOf(addresses);
            this.networks = List.copyOf(networks);
            this.networkText = List.copyOf(networkText);
            this.warnings = List.copyOf(warnings);
            this.mtime = mtime;
            this.size = size;
        }

        Snapshot withWarning(String w) {
            List<String> ws = new ArrayList<>(warnings);
            ws.add(Text.headerSafe(w, 200));
            return new Snapshot(names, addresses, networks, networkText, ws, mtime, size);
        }
    }
}
