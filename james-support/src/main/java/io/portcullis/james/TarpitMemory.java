package io.portcullis.james;

import io.portcullis.config.SmtpSettings;
import io.portcullis.store.JournalStateStore;
import io.portcullis.store.RedisStateStore;
import io.portcullis.store.StateStore;
import java.io.File;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.apache.james.filesystem.api.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Addresses to tarpit, remembered across connections (and, with Redis, across James nodes): written by the
 * {@code io.portcullis.mailets.Tarpit} mailet after a spam decision, read by the SMTP handler at connect.
 *
 * <p>Stored in the Portcullis {@link StateStore}. By default ({@code smtp.tarpit.store = shared}) the shared
 * state store of {@code store.*}: the very store of the learned nameservers when that one is open (one journal, or
 * one Redis, for both), else a store opened from the same {@code store.*} settings (embedded: a journal in the
 * folder {@code tarpit} next to {@code store.directory}, since an embedded journal has one user; Redis: the same
 * server and key prefix). {@code smtp.tarpit.store = embedded} (a journal under James's
 * {@code var/portcullis/tarpit}) or a Redis URI ({@code redis://host:port}, {@code redis-sentinel://...#MASTER},
 * {@code redis-cluster://...}) keep a store of the tarpit's own. Each remembered key is a set
 * {@code tarpit:<key>} (key = the address, or its {@code /24} / {@code /64} network) holding one member whose
 * last-seen time is the <em>end</em> of the remembering period; "remembered now" is "a member seen at or after
 * now". Since a store never moves a time back, a shorter period never shortens a longer one.
 *
 * <p>The store opens at construction, i.e. when James builds the SMTP handler or the {@code Tarpit} mailet at
 * start, so the first connection never waits for it (a Redis connection is being made by then); if it cannot be
 * opened, nothing is remembered (logged once). Never throws: {@link #isRemembered} answers "not remembered" when
 * the store fails, {@link #remember} completes exceptionally, so its caller knows nothing was stored.
 */
@Singleton
public class TarpitMemory implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(TarpitMemory.class);
    static final String SET_PREFIX = "tarpit:";

    private final SmtpSettings settings;
    private final Path directory;
    private final Clock clock;
    /** For {@code shared}: the runtime whose {@code store.*} settings (and nameserver store) are used; may be null. */
    private final PortcullisRuntime runtime;
    private final Path baseDirectory;
    private volatile StateStore store;
    private volatile boolean ownsStore;
    private volatile String where = "";
    private volatile boolean failed;

    @Inject
    public TarpitMemory(PortcullisRuntime runtime, FileSystem fileSystem) {
        this(runtime.config().smtp(), journalDirectory(fileSystem), Clock.systemUTC(), runtime,
                baseDirectory(fileSystem));
    }

    /** For tests and tools: an explicit store location ({@code shared} then means this journal directory). */
    public TarpitMemory(SmtpSettings settings, Path directory, Clock clock) {
        this(settings, directory, clock, null, null);
    }

    private TarpitMemory(SmtpSettings settings, Path directory, Clock clock, PortcullisRuntime runtime,
            Path baseDirectory) {
        this.settings = settings;
        this.directory = directory;
        this.clock = clock;
        this.runtime = runtime;
        this.baseDirectory = baseDirectory;
        store(); // open now, not inside the first connect hook
    }

    /** Whether the store is open (false when it could not be opened). */
    public boolean isOpen() {
        return store != null;
    }

    private static Path baseDirectory(FileSystem fileSystem) {
        try {
            return fileSystem.getBasedir().toPath();
        } catch (Exception e) {
            return null;
        }
    }

    private static Path journalDirectory(FileSystem fileSystem) {
        try {
            File f = fileSystem.getFile("file://var/portcullis/tarpit");
            return f.toPath();
        } catch (Exception e) {
            return Path.of("var", "portcullis", "tarpit");
        }
    }

    private StateStore store() {
        StateStore s = store;
        if (s != null || failed) {
            return s;
        }
        synchronized (this) {
            if (store == null && !failed) {
                try {
                    openStore();
                    LOGGER.info("Portcullis: tarpit memory in {}", where);
                } catch (RuntimeException e) {
                    failed = true;
                    LOGGER.error("Portcullis: tarpit memory unavailable ({}): {}; nothing will be remembered",
                            io.portcullis.store.RedisUris.redact(settings.tarpitStore), e.toString());
                }
            }
            return store;
        }
    }

    /** Opens (or borrows) the store; sets {@link #store}, {@link #ownsStore} and {@link #where}. */
    private void openStore() {
        String kind = settings.tarpitStore;
        if (kind.equals("shared") && runtime != null) {
            NameserverService ns = runtime.nameservers();
            StateStore shared = ns == null ? null : ns.store();
            io.portcullis.config.StoreConfig sc = runtime.config().store();
            if (shared != null && !(shared instanceof io.portcullis.store.UnavailableStore)) {
                store = shared;
                ownsStore = false;
                where = "the shared state store (" + sc.describe(baseDirectory) + ", with the learned nameservers)";
                return;
            }
            if (sc.type() == io.portcullis.config.StoreConfig.Type.EMBEDDED) {
                Path dir = sc.directory().getParent() == null ? java.nio.file.Paths.get("tarpit")
                        : sc.directory().resolveSibling("tarpit");
                sc = sc.withDirectory(dir);
            }
            store = sc.open(baseDirectory);
            ownsStore = true;
            where = "the state store settings store.* (" + sc.describe(baseDirectory) + ")";
            return;
        }
        if (kind.equals("shared") || kind.equals("embedded")) {
            store = JournalStateStore.open(directory, JournalStateStore.Options.DEFAULTS);
            where = "embedded " + directory;
        } else {
            store = new RedisStateStore(kind, Duration.ofDays(30));
            where = kind.replaceAll("//[^@/]*@", "//***@");
        }
        ownsStore = true;
    }

    /**
     * Remembers {@code address} (and, when {@code v4Prefix} / {@code v6Prefix} are below 32 / 128, its network)
     * for {@code period}. Completes exceptionally (a {@link io.portcullis.store.StoreException}) when the store is
     * unavailable or the write failed; never throws.
     */
    public CompletableFuture<Void> remember(InetAddress address, int v4Prefix, int v6Prefix, Duration period) {
        StateStore s = store();
        if (address == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (s == null) {
            return CompletableFuture.failedFuture(new io.portcullis.store.StoreException(
                    "tarpit memory unavailable (" + io.portcullis.store.RedisUris.redact(settings.tarpitStore) + ")"));
        }
        List<String> sets = new ArrayList<>();
        sets.add(SET_PREFIX + key(address, address instanceof Inet4Address ? 32 : 128));
        int prefix = address instanceof Inet4Address ? v4Prefix : v6Prefix;
        if (prefix < (address instanceof Inet4Address ? 32 : 128)) {
            sets.add(SET_PREFIX + key(address, prefix));
        }
        Instant until = clock.instant().plus(period);
        try {
            return s.record(sets, "until", until);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether {@code address}, its /24 (IPv4) or its /64 (IPv6) is remembered now. Never fails. */
    public CompletableFuture<Boolean> isRemembered(InetAddress address) {
        StateStore s = store();
        if (s == null || address == null) {
            return CompletableFuture.completedFuture(false);
        }
        boolean v4 = address instanceof Inet4Address;
        List<String> sets = List.of(SET_PREFIX + key(address, v4 ? 32 : 128), SET_PREFIX + key(address, v4 ? 24 : 64));
        return s.count(sets, clock.instant()).handle((Map<String, Long> counts, Throwable e) -> {
            if (e != null) {
                return false;
            }
            for (Long c : counts.values()) {
                if (c != null && c > 0) {
                    return true;
                }
            }
            return false;
        });
    }

    /** {@code 192.0.2.1}, {@code 192.0.2.0/24}, {@code 2001:db8::/64}: the address masked to {@code prefix} bits. */
    static String key(InetAddress address, int prefix) {
        byte[] b = address.getAddress();
        int full = b.length * 8;
        int p = Math.max(0, Math.min(prefix, full));
        for (int i = 0; i < b.length; i++) {
            int bits = Math.max(0, Math.min(8, p - i * 8));
            b[i] = (byte) (b[i] & (0xff << (8 - bits)));
        }
        try {
            String a = InetAddress.getByAddress(b).getHostAddress();
            return p == full ? a : a + "/" + p;
        } catch (UnknownHostException e) {
            return address.getHostAddress();
        }
    }

    @Override
    public void close() {
        StateStore s = store;
        if (s != null && ownsStore) {
            s.close();
        }
    }
}
