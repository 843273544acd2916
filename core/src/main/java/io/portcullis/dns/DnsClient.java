package io.portcullis.dns;

import java.util.concurrent.CompletableFuture;

/**
 * The one asynchronous DNS client shared by every check. Implementations never block the caller and
 * never complete exceptionally: failures come back as {@link DnsAnswer} statuses.
 */
public interface DnsClient {
    /**
     * Asks for records of {@code type} at {@code name} (absolute; a trailing dot is optional, no search
     * path is ever applied).
     */
    CompletableFuture<DnsAnswer> lookup(String name, DnsType type);

    /** Counters since start. */
    DnsStats stats();
}
