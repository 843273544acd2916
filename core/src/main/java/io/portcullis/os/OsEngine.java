package io.portcullis.os;

import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The OS fingerprint check: a {@link P0fClient} on {@code os.socket} and the {@code os.*} policies. Thread-safe;
 * close it to stop the client's thread.
 */
public final class OsEngine implements AutoCloseable {
    /** {@link Finding#check()} of its findings. */
    public static final String CHECK = OsRules.CHECK;

    private final OsSettings settings;
    /** Null when netty's native transport cannot be loaded at all (then every lookup is unknown). */
    private final P0fClient client;
    private final String unavailable;
    private final P0fClient.Listener listener;

    public OsEngine(OsSettings settings, P0fClient.Listener listener) {
        this.settings = settings;
        this.listener = listener == null ? P0fClient.Listener.NONE : listener;
        P0fClient c = null;
        String why = null;
        try {
            c = new P0fClient(settings.socket(), settings.timeout(), settings.retry(), settings.maxInFlight(),
                    listener);
        } catch (LinkageError e) {
            why = "netty's native epoll transport cannot be loaded: " + e;
        }
        this.client = c;
        this.unavailable = why;
    }

    public OsSettings settings() {
        return settings;
    }

    /** The client, or null when Unix sockets cannot be used here. */
    public P0fClient client() {
        return client;
    }

    /** What p0f knows about {@code address} (never fails; within {@code os.timeout-ms}). */
    public CompletableFuture<OsReport> lookup(InetAddress address) {
        if (client == null) {
            OsReport r = OsReport.unknown(address, unavailable, 0);
            listener.looked(r, 0);
            return CompletableFuture.completedFuture(r);
        }
        return client.lookup(address);
    }

    /** The policies' findings for a report (none unless found). */
    public List<Finding> findings(OsReport r) {
        return settings.rules().findings(r);
    }

    /**
     * The SMTP connect-time call: the findings for a client address. Completes with an empty list when the check
     * scores nothing or p0f does not know; never completes exceptionally.
     */
    public CompletableFuture<List<Finding>> clientFindings(InetAddress client) {
        if (client == null || !settings.scoresAnything()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return lookup(client).thenApply(this::findings).exceptionally(e -> List.of());
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
