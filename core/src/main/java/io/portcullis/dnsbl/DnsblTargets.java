package io.portcullis.dnsbl;

import io.portcullis.dns.DnsRequester;
import java.net.InetAddress;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What to look up for one connection or message: addresses for IP lists, host or domain names for name
 * lists, each tagged with where it came from. Immutable; build with {@link #builder()}.
 */
public final class DnsblTargets {
    private final Map<Identity, InetAddress> addresses;
    private final Map<Identity, String> names;
    private final DnsRequester requester;

    private DnsblTargets(Map<Identity, InetAddress> addresses, Map<Identity, String> names, DnsRequester requester) {
        this.addresses = Collections.unmodifiableMap(addresses);
        this.names = Collections.unmodifiableMap(names);
        this.requester = requester;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<Identity, InetAddress> addresses() {
        return addresses;
    }

    public Map<Identity, String> names() {
        return names;
    }

    /**
     * On whose behalf the lists are asked: the SMTP client's network for lookups made while it is connected
     * ({@link DnsRequester#client}), {@link DnsRequester#SYSTEM} by default.
     */
    public DnsRequester requester() {
        return requester;
    }

    public boolean isEmpty() {
        return addresses.isEmpty() && names.isEmpty();
    }

    /** Builder; null or blank values are ignored so adapters can pass what they have. */
    public static final class Builder {
        private final Map<Identity, InetAddress> addresses = new EnumMap<>(Identity.class);
        private final Map<Identity, String> names = new EnumMap<>(Identity.class);
        private DnsRequester requester = DnsRequester.SYSTEM;

        /**
         * The requester the list questions are asked for (its share of the DNS in-flight cap); null means
         * {@link DnsRequester#SYSTEM}, the default.
         */
        public Builder requester(DnsRequester requester) {
            this.requester = requester == null ? DnsRequester.SYSTEM : requester;
            return this;
        }

        public Builder address(Identity identity, InetAddress address) {
            if (identity.kind() != ListKind.IP) {
                throw new IllegalArgumentException(identity + " is not an address identity");
            }
            if (address != null) {
                addresses.put(identity, address);
            }
            return this;
        }

        public Builder name(Identity identity, String name) {
            if (identity.kind() != ListKind.NAME) {
                throw new IllegalArgumentException(identity + " is not a name identity");
            }
            Optional.ofNullable(name).map(String::trim).filter(s -> !s.isEmpty()).ifPresent(s -> names.put(identity, s));
            return this;
        }

        public DnsblTargets build() {
            return new DnsblTargets(new EnumMap<>(addresses), new EnumMap<>(names), requester);
        }
    }
}
