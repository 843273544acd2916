package io.portcullis.dnsbl;

import com.google.common.net.InternetDomainName;
import io.portcullis.net.Hosts;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/** Builds DNS list query names (RFC 5782) and registered domains. */
public final class QueryNames {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private QueryNames() {
    }

    /**
     * The reversed form of an address: {@code 2.0.0.127} for 127.0.0.2; 32 reversed nibbles for IPv6
     * (RFC 5782 section 2.4). IPv4-mapped IPv6 addresses are treated as IPv4.
     */
    public static String reverse(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[3] & 0xff) + "." + (b[2] & 0xff) + "." + (b[1] & 0xff) + "." + (b[0] & 0xff);
        }
        if (address instanceof Inet6Address && isV4Mapped(b)) {
            return (b[15] & 0xff) + "." + (b[14] & 0xff) + "." + (b[13] & 0xff) + "." + (b[12] & 0xff);
        }
        StringBuilder sb = new StringBuilder(64);
        for (int i = b.length - 1; i >= 0; i--) {
            sb.append(HEX[b[i] & 0x0f]).append('.').append(HEX[(b[i] >> 4) & 0x0f]);
            if (i > 0) {
                sb.append('.');
            }
        }
        return sb.toString();
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /**
     * The registered domain of a host name (Public Suffix List), e.g. {@code example.co.uk} for
     * {@code mail.example.co.uk}; empty for IP literals, single labels, public suffixes themselves and
     * invalid names.
     */
    public static Optional<String> registeredDomain(String host) {
        if (host == null) {
            return Optional.empty();
        }
        // The Public Suffix List walk (Guava's InternetDomainName: validation, splitting, map lookups per label)
        // is a measurable share of the SMTP handler's CPU, and the same few names (HELO, reverse name, sender and
        // From domains) come back mail after mail: remember the answers, bounded (cleared when full).
        if (host.length() > MEMO_MAX_KEY) {
            return compute(host);
        }
        Optional<String> known = MEMO.get(host);
        if (known != null) {
            return known;
        }
        Optional<String> r = compute(host);
        if (MEMO.size() >= MEMO_MAX_ENTRIES) {
            MEMO.clear();
        }
        MEMO.put(host, r);
        return r;
    }

    private static final int MEMO_MAX_ENTRIES = 4096;
    private static final int MEMO_MAX_KEY = 255;
    private static final java.util.concurrent.ConcurrentHashMap<String, Optional<String>> MEMO =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Optional<String> compute(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty() || h.length() > 253 || h.indexOf('.') < 0 || h.startsWith("[") || Hosts.ipv4(h) != null
                || h.indexOf(':') >= 0) {
            return Optional.empty();
        }
        try {
            InternetDomainName d = InternetDomainName.from(h);
            if (d.isUnderPublicSuffix()) {
                return Optional.of(d.topPrivateDomain().toString());
            }
            // Not under a known public suffix (e.g. test zones, private TLDs): fall back to the last two labels.
            if (!d.isPublicSuffix()) {
                int last = h.lastIndexOf('.');
                int prev = h.lastIndexOf('.', last - 1);
                return Optional.of(prev < 0 ? h : h.substring(prev + 1));
            }
            return Optional.empty();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Optional.empty();
        }
    }
}
