package io.portcullis.dns;

/**
 * Why a question is asked, for the share of {@code dns.max-in-flight} it may use: questions to DNS lists (the
 * A and TXT questions of DNSBL and nameserver lists) may use the whole cap, every other question (PTR, NS, host
 * A/AAAA) only the part not kept for lists ({@code dns.reserved-for-lists}).
 */
public enum DnsPurpose {
    /** A question to a DNS list: may use the capacity kept for lists. */
    LIST,
    /** Any other question (reverse names, NS walks, addresses of hosts). */
    OTHER
}
