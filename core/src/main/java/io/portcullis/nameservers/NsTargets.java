package io.portcullis.nameservers;

import io.portcullis.dnsbl.Identity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The names of one message whose nameservers are checked: MAIL FROM domain, From header domain, HELO
 * name and the client's rDNS name (only when forward-confirmed). Names are normalised (lower case, no
 * trailing dot; for an address, the part after the last {@code @}); null, blank, bracketed literals and
 * over-long names are ignored, so adapters can pass what they have. Iteration order is the check order:
 * MAIL FROM, From header, HELO, rDNS. Immutable; build with {@link #builder()}.
 */
public final class NsTargets {
    /** The identities the nameserver check accepts, in check order. */
    public static final List<Identity> ORDER = List.of(Identity.MAIL_FROM, Identity.FROM_HEADER, Identity.HELO,
            Identity.RDNS);

    private final Map<Identity, String> names;

    private NsTargets(Map<Identity, String> names) {
        this.names = Collections.unmodifiableMap(names);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Identity to normalised name, in check order. */
    public Map<Identity, String> names() {
        return names;
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    @Override
    public String toString() {
        return names.toString();
    }

    /** The normalised form of a domain or address, or null when there is nothing usable. */
    static String normalise(String value) {
        if (value == null) {
            return null;
        }
        String s = value.trim();
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            s = s.substring(at + 1);
        }
        if (s.endsWith(">")) {
            s = s.substring(0, s.length() - 1);
        }
        s = s.toLowerCase(Locale.ROOT);
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.length() > 253 || s.startsWith("[") || s.indexOf(':') >= 0 || !HostNames.isHostName(s)) {
            return null;
        }
        return s;
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private final Map<Identity, String> names = new LinkedHashMap<>();

        /** Sets the name of an identity (HELO, RDNS, MAIL_FROM or FROM_HEADER); unusable values are ignored. */
        public Builder name(Identity identity, String name) {
            if (!ORDER.contains(identity)) {
                throw new IllegalArgumentException(identity + " has no nameservers (use HELO, RDNS, MAIL_FROM or FROM_HEADER)");
            }
            String n = normalise(name);
            if (n != null) {
                names.put(identity, n);
            } else {
                names.remove(identity);
            }
            return this;
        }

        /** The envelope sender's domain (or the whole address). */
        public Builder mailFrom(String domainOrAddress) {
            return name(Identity.MAIL_FROM, domainOrAddress);
        }

        /** The From header's domain (or address). */
        public Builder fromHeader(String domainOrAddress) {
            return name(Identity.FROM_HEADER, domainOrAddress);
        }

        public Builder helo(String name) {
            return name(Identity.HELO, name);
        }

        /** The client's reverse DNS name; used only when {@code forwardConfirmed} (its A/AAAA lead back to the client). */
        public Builder rdns(String name, boolean forwardConfirmed) {
            return forwardConfirmed ? name(Identity.RDNS, name) : this;
        }

        public NsTargets build() {
            Map<Identity, String> ordered = new LinkedHashMap<>();
            for (Identity i : ORDER) {
                if (names.containsKey(i)) {
                    ordered.put(i, names.get(i));
                }
            }
            return new NsTargets(ordered);
        }
    }
}
