package io.portcullis.dns;

import java.util.concurrent.CompletableFuture;

/**
 * The one asynchronous DNS client shared by every check. Implementations never block the caller and
 * never complete exceptionally: failures come back as {@link DnsAnswer} statuses.
 */
public interface DnsClient {
    /**
     * Asks for records of {@code type} at {@code name} (absolute; a trailing dot is optional, no search
     * path is ever applied) on behalf of Portcullis itself ({@link DnsRequester#SYSTEM}, {@link DnsPurpose#OTHER}).
     */
    default CompletableFuture<DnsAnswer> lookup(String name, DnsType type) {
        return lookup(name, type, DnsRequester.SYSTEM, DnsPurpose.OTHER);
    }

    /**
     * Asks for records of {@code type} at {@code name} on behalf of {@code requester} for {@code purpose}. A
     * question that would take the requester over its share of the in-flight cap, a non-list question beyond the
     * part of the cap not kept for lists, or any question beyond the cap is not sent: it completes at once with
     * {@link DnsAnswer.Status#OVER_CAP}. A question joined to an identical one already in flight, or answered from
     * the cache, costs nothing.
     */
    CompletableFuture<DnsAnswer> lookup(String name, DnsType type, DnsRequester requester, DnsPurpose purpose);

    /** Counters since start. */
    DnsStats stats();
}
