package io.portcullis.net;

import com.google.common.net.InetAddresses;
import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsPurpose;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsType;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Forward-confirmed reverse DNS: a client's host name (from its PTR record) counts as the client's only when the
 * name's A (or AAAA) records include the client's address. Anyone can make a PTR record say anything; only the
 * owner of the name can make its address records point back.
 */
public final class ForwardConfirmation {
    private ForwardConfirmation() {
    }

    /**
     * Completes with true when {@code host}'s address records include {@code client}; false on any failure (never
     * exceptionally).
     */
    public static CompletableFuture<Boolean> check(DnsClient dns, String host, InetAddress client) {
        return check(dns, host, client, DnsRequester.SYSTEM);
    }

    /** As {@link #check(DnsClient, String, InetAddress)}, asked on behalf of {@code requester}. */
    public static CompletableFuture<Boolean> check(DnsClient dns, String host, InetAddress client,
            DnsRequester requester) {
        if (dns == null || host == null || client == null || host.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        DnsType type = client instanceof Inet6Address ? DnsType.AAAA : DnsType.A;
        try {
            return dns.lookup(host, type, requester, DnsPurpose.OTHER).thenApply(a -> {
                if (a.status() != DnsAnswer.Status.ANSWER) {
                    return false;
                }
                for (String v : a.values()) {
                    if (InetAddresses.isInetAddress(v) && InetAddresses.forString(v).equals(client)) {
                        return true;
                    }
                }
                return false;
            }).exceptionally(e -> false);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(false);
        }
    }
}
