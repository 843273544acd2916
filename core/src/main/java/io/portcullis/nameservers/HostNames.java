package io.portcullis.nameservers;

import com.google.common.net.InetAddresses;
import io.portcullis.net.Hosts;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Names and addresses that come from DNS or configuration, normalised for the nameserver check: lower-case host
 * names of two labels or more, canonical address text ({@link Hosts} decides what is a literal or a name).
 */
final class HostNames {
    private HostNames() {
    }

    /** True for a lower-case host name of at least two labels (no trailing dot). */
    static boolean isHostName(String s) {
        return s != null && Hosts.isDnsName(s) && s.indexOf('.') > 0 && !s.endsWith(".")
                && s.equals(s.toLowerCase(Locale.ROOT));
    }

    /** Lower case without trailing dots, or null when not a valid host name of two labels or more. */
    static String hostName(String s) {
        if (s == null) {
            return null;
        }
        String h = s.trim().toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return isHostName(h) ? h : null;
    }

    /** The canonical text of an IP literal (IPv6 compressed), or null when not an IP literal. Never resolves. */
    static String address(String s) {
        InetAddress a = Hosts.address(s);
        return a == null ? null : InetAddresses.toAddrString(a);
    }

    /** The address object of a canonical literal (no DNS). */
    static InetAddress inet(String literal) {
        return Hosts.address(literal);
    }

    /** {@code a.b.c.d} → {@code [a.b.c.d, b.c.d, c.d, d]}. */
    static List<String> selfAndParents(String host) {
        List<String> out = new ArrayList<>();
        String h = host;
        while (true) {
            out.add(h);
            int dot = h.indexOf('.');
            if (dot < 0) {
                return out;
            }
            h = h.substring(dot + 1);
        }
    }
}
