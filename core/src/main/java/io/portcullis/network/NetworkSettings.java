package io.portcullis.network;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code network.*} section: where the network owner of an address is looked up (Team Cymru-format DNS zones,
 * optionally local MaxMind-format {@code .mmdb} files), the self-test, the prefix cache and the policies
 * ({@link NetworkRules}). Immutable; build with {@link #builder()}.
 */
public final class NetworkSettings {
    public static final String CYMRU_ORIGIN = "origin.asn.cymru.com";
    public static final String CYMRU_ORIGIN6 = "origin6.asn.cymru.com";
    public static final String CYMRU_ASN = "asn.cymru.com";

    /** Enabled, Team Cymru's public zones, no policy. */
    public static final NetworkSettings DEFAULTS = builder().build();

    private final boolean enabled;
    private final String originZone;
    private final String origin6Zone;
    private final String asnZone;
    private final boolean selfTest;
    private final Duration selfTestInterval;
    private final InetAddress selfTestV4;
    private final InetAddress selfTestV6;
    private final int cacheSize;
    private final List<Path> mmdbFiles;
    private final Duration mmdbCheckInterval;
    private final NetworkRules rules;

    private NetworkSettings(Builder b) {
        this.enabled = b.enabled;
        this.originZone = b.originZone;
        this.origin6Zone = b.origin6Zone;
        this.asnZone = b.asnZone;
        this.selfTest = b.selfTest;
        this.selfTestInterval = b.selfTestInterval;
        this.selfTestV4 = b.selfTestV4;
        this.selfTestV6 = b.selfTestV6;
        this.cacheSize = b.cacheSize;
        this.mmdbFiles = List.copyOf(b.mmdbFiles);
        this.mmdbCheckInterval = b.mmdbCheckInterval;
        this.rules = b.rules;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.originZone = originZone;
        b.origin6Zone = origin6Zone;
        b.asnZone = asnZone;
        b.selfTest = selfTest;
        b.selfTestInterval = selfTestInterval;
        b.selfTestV4 = selfTestV4;
        b.selfTestV6 = selfTestV6;
        b.cacheSize = cacheSize;
        b.mmdbFiles = mmdbFiles;
        b.mmdbCheckInterval = mmdbCheckInterval;
        b.rules = rules;
        return b;
    }

    /** {@code network.enabled} (default true): look network owners up at all. */
    public boolean enabled() {
        return enabled;
    }

    /** IPv4 origin zone, "" when the DNS source is off for IPv4. */
    public String originZone() {
        return originZone;
    }

    /** IPv6 origin zone (nibbles), "" when off. */
    public String origin6Zone() {
        return origin6Zone;
    }

    /** AS record zone ({@code AS<n>.<zone>}: the AS name), "" when off. */
    public String asnZone() {
        return asnZone;
    }

    public boolean selfTest() {
        return selfTest;
    }

    public Duration selfTestInterval() {
        return selfTestInterval;
    }

    /** The IPv4 address the self-test asks about (its origin must answer in the Cymru format). */
    public InetAddress selfTestV4() {
        return selfTestV4;
    }

    public InetAddress selfTestV6() {
        return selfTestV6;
    }

    /** Prefixes kept in the cache (0: no cache). */
    public int cacheSize() {
        return cacheSize;
    }

    /** Local MaxMind-format databases (ASN and/or country), consulted before DNS. */
    public List<Path> mmdbFiles() {
        return mmdbFiles;
    }

    /** How often the databases' modification time is checked. */
    public Duration mmdbCheckInterval() {
        return mmdbCheckInterval;
    }

    public NetworkRules rules() {
        return rules;
    }

    /** True when lookups should run on mail: enabled and some policy can score. */
    public boolean scoresAnything() {
        return enabled && !rules.isEmpty();
    }

    @Override
    public String toString() {
        return "NetworkSettings{enabled=" + enabled + ", zones=" + originZone + "/" + origin6Zone + "/" + asnZone
                + ", selfTest=" + selfTest + "/" + selfTestInterval + ", cache=" + cacheSize + ", mmdb=" + mmdbFiles
                + ", " + rules + "}";
    }

    /** Builder. Not thread-safe. */
    public static final class Builder {
        private boolean enabled = true;
        private String originZone = CYMRU_ORIGIN;
        private String origin6Zone = CYMRU_ORIGIN6;
        private String asnZone = CYMRU_ASN;
        private boolean selfTest = true;
        private Duration selfTestInterval = Duration.ofMinutes(10);
        private InetAddress selfTestV4 = literal("8.8.8.8");
        private InetAddress selfTestV6 = literal("2001:4860:4860::8888");
        private int cacheSize = 10_000;
        private List<Path> mmdbFiles = List.of();
        private Duration mmdbCheckInterval = Duration.ofSeconds(5);
        private NetworkRules rules = NetworkRules.NONE;

        public Builder enabled(boolean on) {
            this.enabled = on;
            return this;
        }

        /** The three zones; "" (or "none") switches that part of the DNS source off. */
        public Builder zones(String origin, String origin6, String asn) {
            this.originZone = zone(origin);
            this.origin6Zone = zone(origin6);
            this.asnZone = zone(asn);
            return this;
        }

        public Builder selfTest(boolean on) {
            this.selfTest = on;
            return this;
        }

        public Builder selfTestInterval(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("the self-test interval must be positive");
            }
            this.selfTestInterval = d;
            return this;
        }

        public Builder selfTestAddresses(InetAddress v4, InetAddress v6) {
            this.selfTestV4 = Objects.requireNonNull(v4);
            this.selfTestV6 = Objects.requireNonNull(v6);
            return this;
        }

        public Builder cacheSize(int n) {
            if (n < 0 || n > 10_000_000) {
                throw new IllegalArgumentException("cache size must be within 0..10000000, got " + n);
            }
            this.cacheSize = n;
            return this;
        }

        public Builder mmdbFiles(List<Path> files) {
            this.mmdbFiles = List.copyOf(files);
            return this;
        }

        public Builder mmdbCheckInterval(Duration d) {
            this.mmdbCheckInterval = Objects.requireNonNull(d);
            return this;
        }

        public Builder rules(NetworkRules r) {
            this.rules = Objects.requireNonNull(r);
            return this;
        }

        public NetworkSettings build() {
            return new NetworkSettings(this);
        }

        /** A zone name: letters, digits, hyphens, underscores and dots; a trailing dot dropped; "none" = "". */
        static String zone(String z) {
            String t = z == null ? "" : z.trim();
            if (t.isEmpty() || t.equalsIgnoreCase("none")) {
                return "";
            }
            if (t.endsWith(".")) {
                t = t.substring(0, t.length() - 1);
            }
            if (!t.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*") || t.length() > 200) {
                throw new IllegalArgumentException("not a DNS zone name: '" + z + "'");
            }
            return t.toLowerCase(java.util.Locale.ROOT);
        }

        private static InetAddress literal(String s) {
            try {
                return InetAddress.getByName(s);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
