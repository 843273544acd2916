package io.portcullis.nameservers;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** One nameserver host and its addresses (A and AAAA) as resolved for a message. Immutable. */
public final class NsHost {
    /** Outcome of the address lookups. */
    public enum AddressStatus {
        /** At least one address. */
        RESOLVED,
        /** Neither A nor AAAA exists: a lame (or missing) nameserver; "unknown", never a hit by itself. */
        NONE,
        /** The lookups failed (timeout, SERVFAIL, error). */
        UNKNOWN,
        /** Not resolved: the per-message address budget was spent. */
        SKIPPED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String name;
    private final List<String> addresses;
    private final AddressStatus addressStatus;
    private final String reason;

    public NsHost(String name, List<String> addresses, AddressStatus addressStatus, String reason) {
        this.name = Objects.requireNonNull(name);
        this.addresses = List.copyOf(addresses);
        this.addressStatus = Objects.requireNonNull(addressStatus);
        this.reason = reason == null ? "" : reason;
    }

    /** Lower-case host name without the trailing dot. */
    public String name() {
        return name;
    }

    /** Canonical address literals (IPv4 dotted, IPv6 compressed), within the per-message cap. */
    public List<String> addresses() {
        return addresses;
    }

    public AddressStatus addressStatus() {
        return addressStatus;
    }

    /** For NONE/UNKNOWN/SKIPPED, why (sanitised). */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return name + addresses + (addressStatus == AddressStatus.RESOLVED ? "" : " " + addressStatus.id())
                + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
