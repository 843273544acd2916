package io.portcullis.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.xbill.DNS.ResolverConfig;

/**
 * Resolver settings of the shared DNS client. Immutable; build with {@link #builder()}.
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr><td>servers</td><td>the system's resolvers (resolv.conf)</td><td>recursive resolvers, with ports</td></tr>
 * <tr><td>queryTimeout</td><td>1500 ms</td><td>time allowed for one question (retries included)</td></tr>
 * <tr><td>maxInFlight</td><td>500</td><td>questions outstanding at once; beyond, answer OVER_CAP at once</td></tr>
 * <tr><td>maxInFlightPerClient</td><td>max(4, maxInFlight / 8)</td><td>questions outstanding at once on behalf of
 * one client network (/24, /64); {@link DnsRequester#SYSTEM} has no share of its own</td></tr>
 * <tr><td>reservedForLists</td><td>25 %</td><td>part of maxInFlight that only DNS list questions may use</td></tr>
 * <tr><td>cacheSize</td><td>20000</td><td>answers kept (positive and negative)</td></tr>
 * <tr><td>maxTtl</td><td>1 h</td><td>cap on the TTL of cached positive answers</td></tr>
 * <tr><td>maxNegativeTtl</td><td>15 min</td><td>cap on the TTL of cached NXDOMAIN/NODATA answers</td></tr>
 * <tr><td>budget</td><td>3500 ms</td><td>longest wait for all the answers of one message or connection</td></tr>
 * </table>
 */
public final class DnsSettings {
    /** Well-known public resolvers: DNSBLs refuse queries from them (Spamhaus answers 127.255.255.254). */
    static final Set<String> PUBLIC_RESOLVERS = Set.of(
            "8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "1.1.1.2", "1.0.0.2", "9.9.9.9", "149.112.112.112",
            "9.9.9.10", "149.112.112.10", "208.67.222.222", "208.67.220.220", "64.6.64.6", "64.6.65.6",
            "8.26.56.26", "8.20.247.20", "94.140.14.14", "94.140.15.15", "76.76.2.0", "76.76.10.0",
            "185.228.168.9", "185.228.169.9", "77.88.8.8", "77.88.8.1", "4.2.2.1", "4.2.2.2",
            "2001:4860:4860:0:0:0:0:8888", "2001:4860:4860:0:0:0:0:8844", "2606:4700:4700:0:0:0:0:1111",
            "2606:4700:4700:0:0:0:0:1001", "2620:fe:0:0:0:0:0:fe", "2620:fe:0:0:0:0:0:9",
            "2620:119:35:0:0:0:0:35", "2620:119:53:0:0:0:0:53");

    private final List<InetSocketAddress> servers;
    private final Duration queryTimeout;
    private final int maxInFlight;
    private final int maxInFlightPerClient;
    private final int reservedForLists;
    private final int cacheSize;
    private final Duration maxTtl;
    private final Duration maxNegativeTtl;
    private final Duration budget;

    private DnsSettings(Builder b) {
        this.servers = b.servers == null ? null : Collections.unmodifiableList(new ArrayList<>(b.servers));
        this.queryTimeout = b.queryTimeout;
        this.maxInFlight = b.maxInFlight;
        this.maxInFlightPerClient = b.maxInFlightPerClient;
        this.reservedForLists = b.reservedForLists;
        this.cacheSize = b.cacheSize;
        this.maxTtl = b.maxTtl;
        this.maxNegativeTtl = b.maxNegativeTtl;
        this.budget = b.budget;
    }

    /**
     * The longest a message or connection waits for all its DNS answers together (they are asked at
     * once; a listing's TXT reason comes after its A answer). Past it, what has not arrived is "unknown".
     */
    public Duration budget() {
        return budget;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The system's resolvers as dnsjava reads them (resolv.conf), or 127.0.0.1:53 if none. */
    public static List<InetSocketAddress> systemServers() {
        List<InetSocketAddress> s = ResolverConfig.getCurrentConfig().servers();
        return s.isEmpty() ? List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53)) : s;
    }

    /**
     * Parses {@code ADDRESS[:PORT]}, {@code [IPv6]:PORT} or a bare IPv6 address. The address must be an IP
     * literal (a resolver cannot be found by name); it is parsed here, never looked up, so a host name or an
     * impossible address such as {@code 999.1.1.1} fails without any DNS traffic.
     *
     * @throws IllegalArgumentException naming the value
     */
    public static InetSocketAddress parseServer(String spec) {
        Objects.requireNonNull(spec, "server");
        io.portcullis.net.HostPort hp;
        try {
            hp = io.portcullis.net.HostPort.parse(spec, 53);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad DNS server '" + spec + "': " + e.getMessage(), e);
        }
        if (!hp.isIpLiteral()) {
            // a resolver cannot be found by name (and 999.1.1.1 must not become a host-name lookup)
            throw new IllegalArgumentException("bad DNS server '" + spec + "': expected an IP address");
        }
        if (hp.port() < 1) {
            throw new IllegalArgumentException("bad DNS server '" + spec + "': port must be 1..65535");
        }
        return hp.socketAddress();
    }

    /** Servers among {@link #servers()} that are well-known public resolvers. */
    public List<InetSocketAddress> publicResolvers() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress a : servers()) {
            if (a.getAddress() != null && PUBLIC_RESOLVERS.contains(a.getAddress().getHostAddress())) {
                out.add(a);
            }
        }
        return out;
    }

    /** The configured servers, or the system's resolvers (read now) when none were configured. */
    public List<InetSocketAddress> servers() {
        return servers == null ? systemServers() : servers;
    }

    /** True when no servers were configured and the system's resolvers are used. */
    public boolean usesSystemServers() {
        return servers == null;
    }

    /** A copy using other servers. */
    public DnsSettings withServers(List<InetSocketAddress> other) {
        Builder b = toBuilder();
        b.servers(other);
        return b.build();
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.servers = servers;
        b.queryTimeout = queryTimeout;
        b.maxInFlight = maxInFlight;
        b.maxInFlightPerClient = maxInFlightPerClient;
        b.reservedForLists = reservedForLists;
        b.cacheSize = cacheSize;
        b.maxTtl = maxTtl;
        b.maxNegativeTtl = maxNegativeTtl;
        b.budget = budget;
        return b;
    }

    public Duration queryTimeout() {
        return queryTimeout;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Questions outstanding at once on behalf of one client network ({@link DnsRequester#client}): the configured
     * value, or by default max(4, maxInFlight / 8); never more than {@link #maxInFlight()}.
     */
    public int maxInFlightPerClient() {
        int n = maxInFlightPerClient > 0 ? maxInFlightPerClient : Math.max(4, maxInFlight / 8);
        return Math.min(n, maxInFlight);
    }

    /** Percent of {@link #maxInFlight()} that only DNS list questions ({@link DnsPurpose#LIST}) may use. */
    public int reservedForLists() {
        return reservedForLists;
    }

    /**
     * Questions other than list questions outstanding at once: {@link #maxInFlight()} less the part kept for
     * lists (rounded up), at least 1.
     */
    public int maxInFlightOther() {
        int reserved = (int) ((maxInFlight * (long) reservedForLists + 99) / 100);
        return Math.max(1, maxInFlight - reserved);
    }

    public int cacheSize() {
        return cacheSize;
    }

    public Duration maxTtl() {
        return maxTtl;
    }

    public Duration maxNegativeTtl() {
        return maxNegativeTtl;
    }

    @Override
    public String toString() {
        return "DnsSettings{servers=" + (servers == null ? "system" : servers) + ", queryTimeout=" + queryTimeout.toMillis() + "ms, maxInFlight="
                + maxInFlight + ", maxInFlightPerClient=" + maxInFlightPerClient() + ", reservedForLists=" + reservedForLists
                + "%, cacheSize=" + cacheSize + ", maxTtl=" + maxTtl + ", maxNegativeTtl="
                + maxNegativeTtl + ", budget=" + budget.toMillis() + "ms}";
    }

    /** Builder with the documented defaults; servers default to {@link #systemServers()}, read when used. */
    public static final class Builder {
        private List<InetSocketAddress> servers;
        private Duration queryTimeout = Duration.ofMillis(1500);
        private int maxInFlight = 500;
        private int maxInFlightPerClient;
        private int reservedForLists = 25;
        private int cacheSize = 20_000;
        private Duration maxTtl = Duration.ofHours(1);
        private Duration maxNegativeTtl = Duration.ofMinutes(15);
        private Duration budget = Duration.ofMillis(3500);

        private Builder() {
        }

        public Builder budget(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("DNS budget must be positive, got " + d);
            }
            this.budget = d;
            return this;
        }

        public Builder servers(List<InetSocketAddress> servers) {
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("at least one DNS server is needed");
            }
            this.servers = List.copyOf(servers);
            return this;
        }

        public Builder queryTimeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("query timeout must be positive, got " + d);
            }
            this.queryTimeout = d;
            return this;
        }

        public Builder maxInFlight(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("max in-flight queries must be >= 1, got " + n);
            }
            this.maxInFlight = n;
            return this;
        }

        /** Questions in flight at once for one client network; 0 for the default, max(4, maxInFlight / 8). */
        public Builder maxInFlightPerClient(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("max in-flight queries per client must be >= 1 (0: the default), got " + n);
            }
            this.maxInFlightPerClient = n;
            return this;
        }

        /** Percent (0..99) of maxInFlight that only DNS list questions may use. */
        public Builder reservedForLists(int percent) {
            if (percent < 0 || percent > 99) {
                throw new IllegalArgumentException("the part reserved for lists must be 0..99 percent, got "
                        + percent);
            }
            this.reservedForLists = percent;
            return this;
        }

        public Builder cacheSize(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("cache size must be >= 0, got " + n);
            }
            this.cacheSize = n;
            return this;
        }

        public Builder maxTtl(Duration d) {
            this.maxTtl = d;
            return this;
        }

        public Builder maxNegativeTtl(Duration d) {
            this.maxNegativeTtl = d;
            return this;
        }

        public DnsSettings build() {
            return new DnsSettings(this);
        }
    }
}
