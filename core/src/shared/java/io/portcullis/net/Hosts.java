package io.portcullis.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The one place that decides whether text is an IP literal or a host name. Never asks DNS: {@link InetAddress} is
 * only built from a literal already checked here.
 * <ul>
 *   <li>IPv4 literal: four decimal octets 0..255 of one to three digits ({@code 192.0.2.1}); nothing shorter
 *       ({@code 1.2.3}), no octal or hexadecimal forms.</li>
 *   <li>IPv6 literal: hexadecimal digits, colons and dots with at least one colon ({@code 2001:db8::1},
 *       {@code ::ffff:192.0.2.1}, which gives the IPv4 address), as {@link InetAddress} reads it; no zone id.</li>
 *   <li>In mail ({@link #ipLiteral}) also in brackets and with the {@code IPv6:} tag of RFC 5321 address
 *       literals ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}).</li>
 *   <li>Host name (RFC 1123): labels of letters, digits and {@code -} (not first or last), 1..63 characters each,
 *       253 at most in all, any case, one trailing dot allowed. A DNS name ({@link #isDnsName}) may also have
 *       {@code _} ({@code _dmarc.example.org}). Dotted quads pass too: ask {@link #address} first.</li>
 * </ul>
 * Compiled into core and into the launcher, so it uses the JDK only.
 */
public final class Hosts {
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern HOST_NAME = name("A-Za-z0-9");
    private static final Pattern DNS_NAME = name("A-Za-z0-9_");

    private Hosts() {
    }

    /** The four octets of an IPv4 literal, or null. Allocates nothing else. */
    public static int[] ipv4(String s) {
        if (s == null) {
            return null;
        }
        int[] out = new int[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
            } else if (c == '.' && digits > 0 && part < 3 && value <= 255) {
                out[part++] = value;
                value = 0;
                digits = 0;
            } else {
                return null;
            }
        }
        if (part != 3 || digits == 0 || value > 255) {
            return null;
        }
        out[3] = value;
        return out;
    }

    /** The address of a bare IPv4 or IPv6 literal (see the class), or null for anything else. */
    public static InetAddress address(String s) {
        if (s == null) {
            return null;
        }
        try {
            if (s.indexOf(':') >= 0) {
                // with a colon and only these characters InetAddress parses an IPv6 literal and never asks DNS
                return V6.matcher(s).matches() ? InetAddress.getByName(s) : null;
            }
            int[] o = ipv4(s);
            return o == null ? null
                    : InetAddress.getByAddress(new byte[] {(byte) o[0], (byte) o[1], (byte) o[2], (byte) o[3]});
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** True for a bare IPv4 or IPv6 literal. */
    public static boolean isAddress(String s) {
        return address(s) != null;
    }

    /**
     * The address of an IP literal as mail carries it (trimmed; bare, in brackets, with or without the
     * {@code IPv6:} tag), or null for host names and garbage.
     */
    public static InetAddress ipLiteral(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.regionMatches(true, 0, "IPv6:", 0, 5)) {
            t = t.substring(5);
        }
        return address(t);
    }

    /** True for a syntactically usable host name (see the class); one label ({@code localhost}) is enough. */
    public static boolean isHostName(String s) {
        return matches(HOST_NAME, s);
    }

    /** {@link #isHostName} that also allows {@code _} in labels, as names in DNS data may have it. */
    public static boolean isDnsName(String s) {
        return matches(DNS_NAME, s);
    }

    private static boolean matches(Pattern name, String s) {
        return s != null && s.length() <= 254 && name.matcher(s).matches() && (s.length() <= 253 || s.endsWith("."));
    }

    private static Pattern name(String chars) {
        String label = "[" + chars + "]([" + chars + "-]{0,61}[" + chars + "])?";
        return Pattern.compile(label + "(\\." + label + ")*\\.?");
    }
}
