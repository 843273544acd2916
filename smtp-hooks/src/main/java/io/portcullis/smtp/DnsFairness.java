package io.portcullis.smtp;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsPurpose;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsType;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.ListResult;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Asks DNS on behalf of an SMTP client ({@link DnsRequester}, keyed by its /24 or /64), so that one client cannot
 * spend everybody's share of {@code dns.max-in-flight}; and reads the client's own refusals for the cap back, which
 * the decision turns into a {@code 451} (never a silent accept).
 */
final class DnsFairness {
    private DnsFairness() {
    }

    static DnsRequester of(InetAddress client) {
        return client == null ? DnsRequester.SYSTEM : DnsRequester.client(client);
    }

    /** The targets' list lookups are made on behalf of {@code client}. */
    static DnsblTargets.Builder forClient(DnsblTargets.Builder targets, InetAddress client) {
        return targets.requester(of(client));
    }

    /** A non-list lookup (PTR) on behalf of {@code client}. */
    static CompletableFuture<DnsAnswer> lookup(DnsClient dns, String name, DnsType type, InetAddress client) {
        return dns.lookup(name, type, of(client), DnsPurpose.OTHER);
    }

    /** The lookup behind this result was refused because the client's share of the DNS in-flight cap was spent. */
    static boolean refusedForCap(ListResult r) {
        return r.overCap();
    }
}
