package io.portcullis.smtp;

import io.portcullis.config.SmtpSettings;
import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsType;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.dnsbl.DnsblEngine;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListKind;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.dnsbl.QueryNames;
import io.portcullis.james.NameserverService;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.james.TarpitMemory;
import io.portcullis.net.AllowList;
import io.portcullis.net.ForwardConfirmation;
import java.net.Inet4Address;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Starts the SMTP handler's lookups as the dialog advances, each asynchronous on the shared DNS client, each stored
 * as a future in the connection's {@link Conn}: nothing here waits.
 */
final class SmtpLookups {
    private static final java.util.regex.Pattern DIGITS_AND_DOTS = java.util.regex.Pattern.compile("[0-9.]+");
    private final PortcullisRuntime runtime;
    private final TarpitMemory memory;
    final SmtpReputation reputation;

    SmtpLookups(PortcullisRuntime runtime, TarpitMemory memory) {
        this.runtime = runtime;
        this.memory = memory;
        this.reputation = new SmtpReputation(runtime);
    }

    /**
     * At connect: the allow list by address; unless exempt, the client address's lists, its reverse DNS name
     * (then the name's lists, and its forward confirmation when {@code smtp.allow} names hosts) and the tarpit
     * memory, the network owner and the OS fingerprint (p0f).
     */
    void atConnect(SMTPSession session, Conn conn, SmtpSettings s) {
        if (conn.client == null) {
            return;
        }
        AllowList allow = s.allow;
        conn.allowListed = allow.contains(conn.client);
        if (conn.allowListed || session.isRelayingAllowed()) {
            return;
        }
        DnsblEngine dnsbl = runtime.dnsbl();
        DnsjavaClient dns = runtime.dns();
        if (dnsbl != null) {
            conn.clientLists = dnsbl.check(DnsFairness.forClient(
                    DnsblTargets.builder().address(Identity.CLIENT_IP, conn.client), conn.client).build());
        }
        if (dns != null) {
            String ptr = QueryNames.reverse(conn.client)
                    + (conn.client instanceof Inet4Address ? ".in-addr.arpa" : ".ip6.arpa");
            CompletableFuture<DnsAnswer> ptrAnswer = DnsFairness.lookup(dns, ptr, DnsType.PTR, conn.client);
            conn.ptrOverCap = ptrAnswer.thenApply(a -> a.status() == DnsAnswer.Status.OVER_CAP)
                    .exceptionally(e -> false);
            conn.rdns = ptrAnswer.thenApply(SmtpLookups::firstName).exceptionally(e -> null);
            if (dnsbl != null && hasNameLists()) {
                conn.rdnsLists = conn.rdns.thenCompose(name -> name == null ? Conn.none()
                        : dnsbl.check(DnsFairness.forClient(DnsblTargets.builder().name(Identity.RDNS, name),
                                conn.client).build()));
            }
            if (allow.hasDomains()) {
                conn.allowedByName = conn.rdns.thenCompose(name -> name == null || !allow.containsDomain(name)
                        ? CompletableFuture.completedFuture(false)
                        : ForwardConfirmation.check(dns, name, conn.client, DnsFairness.of(conn.client)));
            }
        }
        if (s.tarpitRemembered || s.rejectRemembered) {
            conn.remembered = memory.isRemembered(conn.client);
        }
        conn.network = runtime.networkFindings(conn.client);
        conn.os = runtime.osFindings(conn.client);
        reputation.atConnect(conn);
    }

    /** At HELO: the HELO name's lists (a host name, not an address literal). */
    void atHelo(Conn conn) {
        DnsblEngine dnsbl = runtime.dnsbl();
        if (dnsbl != null && hasNameLists() && conn.helo != null && isName(conn.helo)) {
            conn.heloLists = dnsbl.check(DnsFairness.forClient(DnsblTargets.builder().name(Identity.HELO,
                    conn.helo), conn.client).build());
        }
    }

    /**
     * At MAIL FROM: the shared-spam-nameserver check (the sender domain; with {@code judge}, also the HELO name
     * and the forward-confirmed reverse name) and, with {@code judge}, the sender domain's lists.
     */
    void atMail(Conn conn, MaybeSender sender, boolean judge) {
        Optional<MailAddress> address = sender == null ? Optional.empty() : sender.asOptional();
        String domain = address.map(a -> a.getDomain().asString()).orElse(null);
        NameserverService ns = runtime.nameservers();
        if (ns != null) {
            String helo = conn.helo != null && isName(conn.helo) ? conn.helo : null;
            conn.nameservers = ns.engine().checkAtSmtp(domain, helo, conn.rdns, conn.client, judge,
                    DnsFairness.of(conn.client));
        }
        DnsblEngine dnsbl = runtime.dnsbl();
        if (judge) {
            reputation.atMail(conn, address.map(MailAddress::asString).orElse(null), domain);
        }
        if (judge && dnsbl != null && hasNameLists() && domain != null) {
            conn.senderDomain = domain;
            conn.senderLists = dnsbl.check(DnsFairness.forClient(DnsblTargets.builder().name(Identity.MAIL_FROM,
                    domain), conn.client).build());
        }
    }

    /**
     * When the header section of a message has arrived (the body still streaming in): the lists of the From
     * header's domain (unless it is the envelope sender's registered domain, already asked) and, when the client
     * is judged, of the first untrusted Received hop. The end-of-DATA decision finds them answered (the DNS
     * client's cache) instead of starting them then.
     */
    void atHeaders(Conn conn, String headerSection, boolean judge) {
        if (judge) {
            String from = null;
            for (String[] field : HeaderSection.fields(headerSection)) {
                if (field[0].equalsIgnoreCase("From")) {
                    from = field[1];
                    break;
                }
            }
            reputation.atHeaders(conn, io.portcullis.james.MailTargets.fromDomain(from).orElse(null));
        }
        DnsblEngine dnsbl = runtime.dnsbl();
        if (dnsbl == null) {
            return;
        }
        DnsblTargets.Builder b = DnsblTargets.builder();
        List<String> received = new java.util.ArrayList<>();
        String from = null;
        for (String[] field : HeaderSection.fields(headerSection)) {
            if (field[0].equalsIgnoreCase("Received")) {
                received.add(field[1]);
            } else if (from == null && field[0].equalsIgnoreCase("From")) {
                from = field[1];
            }
        }
        Optional<String> fromDomain = io.portcullis.james.MailTargets.fromDomain(from);
        if (hasNameLists() && fromDomain.isPresent() && !sameRegisteredDomain(fromDomain.get(), conn.senderDomain)) {
            b.name(Identity.FROM_HEADER, fromDomain.get());
        }
        if (judge && conn.client != null) {
            io.portcullis.dnsbl.ReceivedHops.firstUntrustedBeyond(conn.client, received,
                    runtime.config().dnsbl().trustedNetworks()).ifPresent(hop -> b.address(Identity.RECEIVED_IP, hop));
        }
        DnsblTargets targets = DnsFairness.forClient(b, conn.client).build();
        if (!targets.isEmpty()) {
            conn.headerLists = dnsbl.check(targets);
        }
    }

    private static boolean sameRegisteredDomain(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        Optional<String> ra = QueryNames.registeredDomain(a);
        return ra.isPresent() && ra.equals(QueryNames.registeredDomain(b));
    }

    boolean hasNameLists() {
        DnsblEngine dnsbl = runtime.dnsbl();
        if (dnsbl == null) {
            return false;
        }
        for (ListSpec l : dnsbl.settings().lists()) {
            if (l.kind() == ListKind.NAME) {
                return true;
            }
        }
        return false;
    }

    /** A host name worth asking name lists about (not an address literal). */
    static boolean isName(String helo) {
        String h = helo.trim();
        return !h.isEmpty() && !h.startsWith("[") && h.indexOf('.') > 0 && !DIGITS_AND_DOTS.matcher(h).matches()
                && h.indexOf(':') < 0;
    }

    private static String firstName(DnsAnswer a) {
        if (a.status() != DnsAnswer.Status.ANSWER || a.values().isEmpty()) {
            return null;
        }
        String n = a.values().get(0).trim().toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.isEmpty() ? null : n;
    }
}
