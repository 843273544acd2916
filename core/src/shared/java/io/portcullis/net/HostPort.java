package io.portcullis.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@code HOST:PORT} value of the configuration or the command line: {@code 127.0.0.1:2525}, {@code [::1]:2525},
 * {@code localhost:2525}, and, where the port is optional, {@code 192.0.2.53} or a bare {@code 2001:db8::53}. The
 * one parser of such values (listen addresses, resolvers, the metrics endpoint). Never asks DNS: the host is an IP
 * literal or a host name as {@link Hosts} defines them.
 *
 * <p>Immutable. {@link #toString()} gives {@code HOST:PORT} back, an IPv6 host in brackets.
 */
public final class HostPort {
    private final String host;
    private final int port;
    private final InetAddress literal;

    private HostPort(String host, int port, InetAddress literal) {
        this.host = host;
        this.port = port;
        this.literal = literal;
    }

    /**
     * Parses {@code HOST:PORT}, {@code [IPV6]:PORT}, and, when {@code defaultPort >= 0}, also {@code HOST},
     * {@code [IPV6]} and a bare IPv6 address (port {@code defaultPort}). The port may be 0..65535.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static HostPort parse(String spec, int defaultPort) {
        String s = spec == null ? "" : spec.trim();
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw bad(spec, defaultPort, "missing ]");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else if (!rest.isEmpty()) {
                throw bad(spec, defaultPort, "unexpected '" + rest + "' after ]");
            }
            if (host.indexOf(':') < 0) {
                throw bad(spec, defaultPort, "only an IPv6 address goes in brackets");
            }
        } else {
            int first = s.indexOf(':');
            if (first >= 0 && first == s.lastIndexOf(':')) {
                host = s.substring(0, first);
                port = s.substring(first + 1);
            } else if (first >= 0) {
                host = s; // several colons: a bare IPv6 address, no port
                if (defaultPort >= 0 && literal(host) == null) {
                    throw bad(spec, defaultPort, "not an IPv6 address (write [ADDRESS]:PORT)");
                }
            } else {
                host = s;
            }
        }
        int p;
        if (port == null) {
            if (defaultPort < 0) {
                throw bad(spec, defaultPort, host.indexOf(':') >= 0 ? "an IPv6 address needs brackets: [ADDRESS]:PORT"
                        : "no port");
            }
            p = defaultPort;
        } else {
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
                throw bad(spec, defaultPort, "port must be 0..65535");
            }
            p = Integer.parseInt(port);
        }
        if (host.isEmpty()) {
            throw bad(spec, defaultPort, "no host");
        }
        InetAddress a = literal(host);
        if (a == null) {
            if (host.indexOf(':') >= 0) {
                throw bad(spec, defaultPort, "'" + host + "' is not an IPv6 address");
            }
            if (host.matches("[0-9.]+")) {
                throw bad(spec, defaultPort, "'" + host + "' is not an IPv4 address");
            }
            if (!Hosts.isHostName(host)) {
                throw bad(spec, defaultPort, "'" + host + "' is neither an address nor a host name");
            }
        }
        return new HostPort(a instanceof Inet6Address ? host.toLowerCase(Locale.ROOT) : host, p, a);
    }

    private static IllegalArgumentException bad(String spec, int defaultPort, String why) {
        return new IllegalArgumentException("expected " + (defaultPort >= 0 ? "HOST[:PORT]" : "HOST:PORT")
                + " (e.g. 127.0.0.1:2525 or [::1]:2525), got '" + spec + "': " + why);
    }

    /**
     * The address written in {@code host}, without any DNS: an IPv4 dotted quad (octets 0..255) or an IPv6 address
     * (with a colon); null for anything else, such as a host name or {@code 999.1.1.1}.
     */
    public static InetAddress literal(String host) {
        return Hosts.address(Objects.requireNonNull(host, "host"));
    }

    /** The host: a name, or an address as written (IPv6 without brackets, lower case). */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The address when the host is an IP literal, else null (a name: never resolved here). */
    public InetAddress address() {
        return literal;
    }

    public boolean isIpLiteral() {
        return literal != null;
    }

    public boolean isIpv6() {
        return literal instanceof Inet6Address;
    }

    /** True for a loopback literal (127.0.0.0/8, ::1) or the name {@code localhost}. */
    public boolean isLoopback() {
        return literal != null ? literal.isLoopbackAddress() : host.toLowerCase(Locale.ROOT).equals("localhost");
    }

    /** The socket address of a literal (no DNS); null for a host name. */
    public InetSocketAddress socketAddress() {
        return literal == null ? null : new InetSocketAddress(literal, port);
    }

    /** {@code HOST:PORT}; an IPv6 host in brackets. */
    @Override
    public String toString() {
        return (isIpv6() ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostPort && ((HostPort) o).host.equals(host) && ((HostPort) o).port == port;
    }

    @Override
    public int hashCode() {
        return host.hashCode() * 31 + port;
    }
}
