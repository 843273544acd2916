package io.portcullis.reputation;

import com.google.common.net.InetAddresses;
import io.portcullis.dnsbl.QueryNames;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The entities of a transaction, keyed so that forged names cannot spoil a domain. Pure; one builder per
 * transaction (or per stage: the SMTP side builds the connection's part at connect, the rest at MAIL FROM).
 *
 * <h2>Keys</h2>
 * <ul>
 *   <li>{@code ip}: the address ({@code 192.0.2.1}, IPv6 in canonical form); {@code net}: its /24 or /64
 *   ({@code 192.0.2.0/24}); {@code asn}: {@code AS64496}.</li>
 *   <li>{@code helo}, {@code mail-from}, {@code from}: the name's registered domain ({@code example.com}) when it
 *   is <em>verified for this client</em>, else the domain and the client's network ({@code example.com@192.0.2.0/24}),
 *   so spam that merely names a big provider spoils only that provider's record for the spammer's network.
 *   Verified: the client's forward-confirmed reverse name is in the domain, or (envelope sender) SPF passed, or
 *   (From) the From domain is the envelope sender's and that is verified.</li>
 *   <li>{@code ns}: the nameserver hosts of the envelope sender's domain, only when that domain is verified (a
 *   forged sender's nameservers are not the spammer's).</li>
 * </ul>
 */
public final class Entities {
    private InetAddress client;
    private Long asn;
    private String helo;
    private String confirmedName;
    private String mailFrom;
    private boolean spfPass;
    private String from;
    private final Set<String> nameservers = new LinkedHashSet<>();

    private Entities() {
    }

    public static Entities builder() {
        return new Entities();
    }

    public Entities client(InetAddress a) {
        client = a;
        return this;
    }

    public Entities asn(Long a) {
        asn = a;
        return this;
    }

    public Entities helo(String h) {
        helo = h;
        return this;
    }

    /** The client's reverse DNS name, only when forward-confirmed (else leave unset). */
    public Entities confirmedName(String n) {
        confirmedName = n;
        return this;
    }

    /** The envelope sender's domain, and whether SPF passed for it and this client. */
    public Entities mailFrom(String domain, boolean spfPassed) {
        mailFrom = domain;
        spfPass = spfPassed;
        return this;
    }

    /** The From header's domain. */
    public Entities from(String domain) {
        from = domain;
        return this;
    }

    public Entities nameservers(Collection<String> hosts) {
        if (hosts != null) {
            for (String h : hosts) {
                String n = name(h);
                if (n != null) {
                    nameservers.add(n);
                }
            }
        }
        return this;
    }

    /** The entities, in kind order; nothing for what is unknown. */
    public List<Entity> build() {
        List<Entity> out = new ArrayList<>();
        String net = client == null ? null : network(client);
        if (client != null) {
            out.add(new Entity(EntityKind.IP, address(client)));
            out.add(new Entity(EntityKind.NET, net));
        }
        if (asn != null && asn > 0) {
            out.add(new Entity(EntityKind.ASN, "AS" + asn));
        }
        Optional<String> fcrdns = QueryNames.registeredDomain(confirmedName);
        Optional<String> heloDomain = registered(helo);
        heloDomain.ifPresent(d -> out.add(domainEntity(EntityKind.HELO, d, fcrdns.isPresent() && fcrdns.get().equals(d),
                net)));
        Optional<String> mf = registered(mailFrom);
        boolean mfVerified = mf.isPresent() && (spfPass || fcrdns.equals(mf));
        mf.ifPresent(d -> out.add(domainEntity(EntityKind.MAIL_FROM, d, mfVerified, net)));
        Optional<String> fr = registered(from);
        fr.ifPresent(d -> out.add(domainEntity(EntityKind.FROM, d, fcrdns.equals(fr) || (mfVerified && mf.equals(fr)),
                net)));
        if (mfVerified) {
            for (String ns : nameservers) {
                out.add(new Entity(EntityKind.NS, ns));
            }
        }
        return out;
    }

    private static Entity domainEntity(EntityKind kind, String domain, boolean verified, String net) {
        return new Entity(kind, verified || net == null ? domain : domain + "@" + net);
    }

    private static Optional<String> registered(String name) {
        String n = name(name);
        return n == null ? Optional.empty() : QueryNames.registeredDomain(n);
    }

    private static String name(String s) {
        if (s == null) {
            return null;
        }
        String n = s.trim().toLowerCase(Locale.ROOT);
        while (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.isEmpty() || n.length() > 253 || !n.matches("[a-z0-9._-]+") ? null : n;
    }

    /** An IP address literal (no DNS), or null. */
    public static InetAddress parseAddress(String literal) {
        try {
            return literal == null ? null : InetAddresses.forString(literal.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The address in canonical text form. */
    public static String address(InetAddress a) {
        return InetAddresses.toAddrString(a);
    }

    /** {@code 192.0.2.0/24} or {@code 2001:db8::/64}. */
    public static String network(InetAddress a) {
        int prefix = a instanceof Inet4Address ? 24 : 64;
        byte[] b = a.getAddress();
        for (int i = prefix / 8; i < b.length; i++) {
            b[i] = 0;
        }
        try {
            return InetAddresses.toAddrString(InetAddress.getByAddress(b)) + "/" + prefix;
        } catch (UnknownHostException e) {
            return address(a) + "/" + prefix;
        }
    }
}
