package io.portcullis.nameservers;

import io.portcullis.dnsbl.Identity;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the NS records of one identity's name were found: the name itself or the closest parent up to
 * its registered domain (Postfix {@code check_sender_ns_access} semantics, stopping at the registered
 * domain rather than the public suffix). Immutable.
 */
public final class NsDelegation {
    /** Outcome of the NS walk. */
    public enum Status {
        /** NS records found at {@link #zone()}. */
        FOUND,
        /** No NS records up to the registered domain (or no usable NS host names): "unknown", never a hit. */
        NONE,
        /** A DNS failure (timeout, SERVFAIL, error) stopped the walk: "unknown". */
        UNKNOWN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Identity identity;
    private final String name;
    private final Status status;
    private final String zone;
    private final List<String> hosts;
    private final String reason;

    public NsDelegation(Identity identity, String name, Status status, String zone, List<String> hosts, String reason) {
        this.identity = Objects.requireNonNull(identity);
        this.name = Objects.requireNonNull(name);
        this.status = Objects.requireNonNull(status);
        this.zone = zone == null ? "" : zone;
        this.hosts = List.copyOf(hosts);
        this.reason = reason == null ? "" : reason;
    }

    public Identity identity() {
        return identity;
    }

    /** The identity's name as given (normalised). */
    public String name() {
        return name;
    }

    public Status status() {
        return status;
    }

    /** The name that owns the NS records (FOUND), else empty. */
    public String zone() {
        return zone;
    }

    /** NS host names (FOUND; valid names only, lower case, in answer order), else empty. */
    public List<String> hosts() {
        return hosts;
    }

    /** Why the walk stopped (NONE/UNKNOWN), sanitised; empty for FOUND. */
    public String reason() {
        return reason;
    }

    /** A copy for another identity with the same name (identities sharing a name share the walk). */
    NsDelegation forIdentity(Identity other) {
        return new NsDelegation(other, name, status, zone, hosts, reason);
    }

    @Override
    public String toString() {
        return identity.id() + " " + name + ": " + status.id() + (zone.isEmpty() ? "" : " at " + zone + " " + hosts)
                + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
