package io.portcullis.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * On whose behalf a question is asked, for the per-requester share of {@code dns.max-in-flight}
 * ({@code dns.max-in-flight-per-client}). A client is keyed by its network: the /24 of an IPv4 address, the /64
 * of an IPv6 address, so that one host, or one network an attacker controls, has one share. {@link #SYSTEM} is
 * Portcullis itself (list self-tests, the mail pipeline after the message was accepted, the command line): it
 * has no share of its own and is bounded only by the overall cap. Immutable; equal requesters share a share.
 */
public final class DnsRequester {
    /** Portcullis itself: self-tests, the mail pipeline, the command line. */
    public static final DnsRequester SYSTEM = new DnsRequester(null, 0);

    private final byte[] prefix;
    private final int bits;

    private DnsRequester(byte[] prefix, int bits) {
        this.prefix = prefix;
        this.bits = bits;
    }

    /** The requester of an SMTP client: its /24 (IPv4) or /64 (IPv6); {@link #SYSTEM} for a null address. */
    public static DnsRequester client(InetAddress address) {
        if (address == null) {
            return SYSTEM;
        }
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            return new DnsRequester(Arrays.copyOf(a, 3), 24);
        }
        if (isV4Mapped(a)) {
            // ::ffff:a.b.c.d is the IPv4 client a.b.c.d
            return new DnsRequester(Arrays.copyOfRange(a, 12, 15), 24);
        }
        return new DnsRequester(Arrays.copyOf(a, 8), 64);
    }

    private static boolean isV4Mapped(byte[] a) {
        if (a.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    /** True for {@link #SYSTEM}. */
    public boolean isSystem() {
        return prefix == null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DnsRequester)) {
            return false;
        }
        DnsRequester r = (DnsRequester) o;
        return bits == r.bits && Arrays.equals(prefix, r.prefix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bits, Arrays.hashCode(prefix));
    }

    /** {@code system}, or the network: {@code 192.0.2.0/24}, {@code 2001:db8:0:1:0:0:0:0/64}. */
    @Override
    public String toString() {
        if (prefix == null) {
            return "system";
        }
        byte[] full = Arrays.copyOf(prefix, bits == 24 ? 4 : 16);
        try {
            return InetAddress.getByAddress(full).getHostAddress() + "/" + bits;
        } catch (java.net.UnknownHostException e) {
            return Arrays.toString(prefix) + "/" + bits; // cannot happen: the length is right
        }
    }
}
