package io.portcullis.nameservers;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Validation and normalisation of names and addresses that come from DNS or configuration. */
final class HostNames {
    private static final Pattern HOST = Pattern.compile(
            "[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)+");

    private HostNames() {
    }

    /** True for a lower-case host name of at least two labels (no trailing dot). */
    static boolean isHostName(String s) {
        return s != null && s.length() <= 253 && HOST.matcher(s).matches();
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
        if (s == null || s.isEmpty() || s.length() > 45 || !InetAddresses.isInetAddress(s)) {
            return null;
        }
        return InetAddresses.toAddrString(InetAddresses.forString(s));
    }

    /** The address object of a canonical literal (no DNS). */
    static InetAddress inet(String literal) {
        return InetAddresses.forString(literal);
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
