package io.portcullis.network;

import io.portcullis.json.Text;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Local MaxMind-format databases as a network owner source, answering from memory: an ASN database
 * ({@code autonomous_system_number}, {@code autonomous_system_organization}, as in GeoLite2-ASN; also {@code asn}
 * and {@code name}/{@code as_name}) and/or a country database ({@code registered_country.iso_code}, the country the
 * block is registered to, else {@code country.iso_code}). Several files are merged: AS number, name and prefix
 * from the first that has an AS number, the country from the first that has one. The files are re-read on a
 * daemon thread when their modification time or size changes (a file that fails to read keeps the previous
 * version, with a warning). The registry is not in these databases. Thread-safe.
 */
public final class MmdbSource implements NetworkEngine.LocalSource {
    private final List<Path> files;
    private final Consumer<String> warnings;
    private final Loaded[] loaded;
    private final ScheduledExecutorService watcher;

    private static final class Loaded {
        final MmdbReader reader;
        final FileTime modified;
        final long size;

        Loaded(MmdbReader reader, FileTime modified, long size) {
            this.reader = reader;
            this.modified = modified;
            this.size = size;
        }
    }

    private MmdbSource(List<Path> files, Consumer<String> warnings, Duration checkInterval) {
        this.files = List.copyOf(files);
        this.warnings = warnings;
        this.loaded = new Loaded[files.size()];
        for (int i = 0; i < files.size(); i++) {
            reload(i);
        }
        if (checkInterval != null && !checkInterval.isZero() && !checkInterval.isNegative()) {
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "portcullis-mmdb-watch");
                t.setDaemon(true);
                return t;
            });
            watcher.scheduleWithFixedDelay(this::check, checkInterval.toMillis(), checkInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        } else {
            watcher = null;
        }
    }

    /** The databases, watched every 5 s; null when {@code files} is empty. Unreadable files are warned about. */
    public static MmdbSource open(List<Path> files, Consumer<String> warnings) {
        return open(files, warnings, Duration.ofSeconds(5));
    }

    /** As {@link #open(List, Consumer)}, watched every {@code checkInterval} (zero: never re-read). */
    public static MmdbSource open(List<Path> files, Consumer<String> warnings, Duration checkInterval) {
        return files.isEmpty() ? null : new MmdbSource(files, warnings, checkInterval);
    }

    /** Re-reads the files whose modification time or size changed. */
    void check() {
        for (int i = 0; i < files.size(); i++) {
            try {
                Loaded l;
                synchronized (loaded) {
                    l = loaded[i];
                }
                Path f = files.get(i);
                if (l == null || !Files.getLastModifiedTime(f).equals(l.modified) || Files.size(f) != l.size) {
                    reload(i);
                }
            } catch (IOException | RuntimeException e) {
                // the file is being replaced or gone: keep what is loaded, try again later
            }
        }
    }

    private void reload(int i) {
        Path f = files.get(i);
        try {
            FileTime modified = Files.getLastModifiedTime(f);
            long size = Files.size(f);
            MmdbReader r = MmdbReader.open(f);
            synchronized (loaded) {
                loaded[i] = new Loaded(r, modified, size);
            }
        } catch (IOException | RuntimeException e) {
            warnings.accept("network.mmdb: cannot read " + f + ": " + e.getMessage()
                    + (loaded[i] != null ? " (the previous version stays in use)" : ""));
        }
    }

    /** The build times of the loaded files (for the lookup command and logs). */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Loaded l = loaded[i];
            out.add(files.get(i) + (l == null ? " (not loaded)" : " (" + l.reader.databaseType() + ", built "
                    + java.time.Instant.ofEpochSecond(l.reader.buildEpoch()) + ")"));
        }
        return out;
    }

    @Override
    public NetworkReport lookup(InetAddress address) {
        Long asn = null;
        String name = "";
        String prefix = "";
        String country = "";
        String source = "";
        for (int i = 0; i < files.size(); i++) {
            Loaded l = loaded[i];
            if (l == null) {
                continue;
            }
            MmdbReader.Result r = l.reader.lookup(address);
            if (r == null || !(r.data instanceof Map)) {
                continue;
            }
            Map<?, ?> m = (Map<?, ?>) r.data;
            String here = CymruFormat.Cidr.of(address, r.prefixLength).toString();
            Long a = asn(m);
            if (asn == null && a != null) {
                asn = a;
                name = Text.headerSafe(string(m, "autonomous_system_organization", "as_name", "name"),
                        CymruFormat.MAX_AS_NAME);
                prefix = here;
                source = "mmdb:" + files.get(i).getFileName();
            }
            if (country.isEmpty()) {
                String c = isoCode(m.get("registered_country"));
                if (c.isEmpty()) {
                    c = isoCode(m.get("country"));
                }
                if (c.isEmpty() && m.get("country") instanceof String) {
                    c = CymruFormat.country((String) m.get("country"));
                }
                if (!c.isEmpty()) {
                    country = c;
                    if (prefix.isEmpty()) {
                        prefix = here;
                    }
                    if (source.isEmpty()) {
                        source = "mmdb:" + files.get(i).getFileName();
                    }
                }
            }
        }
        if (asn == null && country.isEmpty()) {
            return null;
        }
        return NetworkReport.found(address, asn == null ? List.of() : List.of(asn), prefix, country, "", name,
                source);
    }

    private static Long asn(Map<?, ?> m) {
        Object o = m.get("autonomous_system_number");
        if (o == null) {
            o = m.get("asn");
        }
        if (o instanceof Number) {
            long n = ((Number) o).longValue();
            return n >= 1 && n <= 0xFFFF_FFFFL ? n : null;
        }
        return o instanceof String ? CymruFormat.asn((String) o) : null;
    }

    private static String string(Map<?, ?> m, String... keys) {
        for (String k : keys) {
            if (m.get(k) instanceof String) {
                return (String) m.get(k);
            }
        }
        return "";
    }

    private static String isoCode(Object o) {
        if (o instanceof Map && ((Map<?, ?>) o).get("iso_code") instanceof String) {
            return CymruFormat.country((String) ((Map<?, ?>) o).get("iso_code"));
        }
        return "";
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
