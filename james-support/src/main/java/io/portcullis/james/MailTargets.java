package io.portcullis.james;

import io.portcullis.dnsbl.DnsblSettings;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ReceivedHops;
import io.portcullis.net.Hosts;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

/**
 * What the DNS-based checks look up for a mail in the pipeline: the SMTP client address (and, when it is
 * a trusted relay, the first untrusted Received hop), the HELO name, the client's host name, the
 * envelope sender's domain and the From header's domain. Mail that was authenticated (SMTP AUTH),
 * came from an authorised network, or was created by a mailet has no client address to judge: its
 * address identities are left out. Never throws; a value that cannot be read is left out.
 */
public final class MailTargets {
    static final AttributeName HELO = Mail.SMTP_HELO;
    static final AttributeName AUTH_USER = Mail.SMTP_AUTH_USER;
    /** Set by James's AddDefaultAttributesMessageHook for clients in smtpserver.xml's authorizedAddresses. */
    static final AttributeName AUTH_NETWORK = AttributeName.of("org.apache.james.SMTPIsAuthNetwork");
    static final AttributeName SENT_BY_MAILET = Mail.SENT_BY_MAILET_ATTRIBUTE.getName();
    // Compiled once: String.matches/replaceAll compiled these per message (visible in the SMTP benchmark's profile).
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern ADDRESS_DOMAIN = Pattern.compile("@([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)\\s*>?\\s*$");

    private MailTargets() {
    }

    public static DnsblTargets of(Mail mail, DnsblSettings settings) {
        String host = mail.getRemoteHost();
        return of(relayAllowed(mail) ? null : ipLiteral(mail.getRemoteAddr()).orElse(null),
                host != null && ipLiteral(host).isEmpty() && !host.equalsIgnoreCase("localhost") ? host : null,
                attributeString(mail, HELO).orElse(null), relayAllowed(mail), mail, settings);
    }

    /**
     * The targets of a mail still in the SMTP dialog (end of DATA), where James has not yet copied the client
     * address, host name and HELO into the mail: the SMTP handler passes what it knows of the session.
     *
     * @param client       the client address, or null
     * @param rdns         the client's host name (reverse DNS), or null
     * @param helo         the HELO/EHLO argument, or null
     * @param relayAllowed authenticated or from an authorised network: address identities are left out
     */
    public static DnsblTargets of(InetAddress client, String rdns, String helo, boolean relayAllowed, Mail mail,
            DnsblSettings settings) {
        DnsblTargets.Builder b = DnsblTargets.builder();
        if (!relayAllowed) {
            if (client != null) {
                b.address(Identity.CLIENT_IP, client);
                ReceivedHops.firstUntrustedBeyond(client, received(mail), settings.trustedNetworks())
                        .ifPresent(hop -> b.address(Identity.RECEIVED_IP, hop));
            }
            b.name(Identity.RDNS, rdns);
            b.name(Identity.HELO, helo);
        }
        try {
            mail.getMaybeSender().asOptional().map(MailAddress::getDomain).map(d -> d.asString())
                    .ifPresent(d -> b.name(Identity.MAIL_FROM, d));
        } catch (RuntimeException e) {
            // no usable sender
        }
        fromDomain(mail).ifPresent(d -> b.name(Identity.FROM_HEADER, d));
        return b.build();
    }

    /** Authenticated, from an authorised network, or generated inside James. */
    static boolean relayAllowed(Mail mail) {
        return mail.getAttribute(AUTH_USER).isPresent() || isTrue(mail.getAttribute(AUTH_NETWORK))
                || mail.getAttribute(SENT_BY_MAILET).isPresent();
    }

    private static boolean isTrue(Optional<Attribute> a) {
        return a.map(x -> x.getValue().value()).map(v -> Boolean.TRUE.equals(v) || "true".equals(v)).orElse(false);
    }

    private static Optional<String> attributeString(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(a -> a.getValue().value()).filter(String.class::isInstance)
                .map(String.class::cast);
    }

    /** An IP literal as mail carries it ({@link Hosts#ipLiteral}: no DNS); empty for host names and garbage. */
    static Optional<InetAddress> ipLiteral(String s) {
        return Optional.ofNullable(Hosts.ipLiteral(s));
    }

    private static List<String> received(Mail mail) {
        try {
            MimeMessage m = mail.getMessage();
            String[] values = m == null ? null : m.getHeader("Received");
            return values == null ? List.of() : List.of(values);
        } catch (MessagingException | RuntimeException e) {
            return List.of();
        }
    }

    /** The domain of the (first) From address, read leniently. */
    static Optional<String> fromDomain(Mail mail) {
        try {
            MimeMessage m = mail.getMessage();
            String[] from = m == null ? null : m.getHeader("From");
            if (from == null || from.length == 0) {
                return Optional.empty();
            }
            return fromDomain(from[0]);
        } catch (MessagingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The domain of the first address of a From header's value (unfolded or not), read leniently. */
    public static Optional<String> fromDomain(String fromValue) {
        if (fromValue == null) {
            return Optional.empty();
        }
        for (String p : WHITESPACE.matcher(fromValue).replaceAll(" ").split(",")) {
            Matcher mt = ADDRESS_DOMAIN.matcher(p.trim());
            if (mt.find()) {
                return Optional.of(mt.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return Optional.empty();
    }
}
