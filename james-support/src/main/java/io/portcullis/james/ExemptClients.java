package io.portcullis.james;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when every client James receives mail from is exempt because it is in James's authorised networks
 * ({@code authorizedAddresses} of {@code smtpserver.xml}; James marks such mail {@code SMTPIsAuthNetwork}). Such
 * clients may relay, and Portcullis judges neither them nor their envelope by address (the SMTP handler,
 * {@code InBlocklist}): only the header check applies. That is right for a site's own users, and wrong when
 * Internet mail reaches James through a proxy or content filter on an authorised address — e.g. the stock
 * {@code 127.0.0.0/8} with a filter on the same host, or a test client on loopback.
 *
 * <p>After {@value #STREAK} mails in a row that James received over SMTP from authorised networks (not
 * authenticated), with no mail from a judged client since start, one WARN names the client addresses and what to
 * change. At start, {@link #startupNote} says which networks {@code smtpserver.xml} exempts (a WARN when they
 * cover everyone). Cheap (a counter and a small set), never throws.
 */
final class ExemptClients {
    static final int STREAK = 5;
    private static final Logger LOGGER = LoggerFactory.getLogger(ExemptClients.class);

    private final AtomicInteger streak = new AtomicInteger();
    private final Set<String> addresses = new TreeSet<>();
    private volatile boolean warned;
    private volatile boolean judgedSeen;

    /** One mail seen by the pipeline (may be called more than once per mail: only a count moves). */
    void seen(Mail mail) {
        try {
            if (mail.getAttribute(MailTargets.SENT_BY_MAILET).isPresent()
                    || mail.getAttribute(MailTargets.AUTH_USER).isPresent()) {
                return; // created inside James, or an authenticated user: exempt for a good reason
            }
            if (!MailTargets.relayAllowed(mail)) {
                judgedSeen = true;
                return;
            }
            if (warned || judgedSeen) {
                return;
            }
            synchronized (addresses) {
                if (addresses.size() < 5 && mail.getRemoteAddr() != null) {
                    addresses.add(mail.getRemoteAddr());
                }
            }
            if (streak.incrementAndGet() >= STREAK && !warned) {
                warned = true;
                String from;
                synchronized (addresses) {
                    from = String.join(", ", addresses);
                }
                LOGGER.warn("Portcullis: the last {} messages all came from clients in James's authorised networks "
                        + "({}: authorizedAddresses in smtpserver.xml). James lets them relay and Portcullis does not "
                        + "judge them by address: no SMTP-time refusal, no InBlocklist, only the header check. If "
                        + "Internet mail reaches James through a proxy or content filter on such an address, list "
                        + "only your own users' networks in authorizedAddresses (e.g. 127.0.0.1/32 instead of "
                        + "127.0.0.0/8, and let the filter connect from another loopback address)", STREAK, from);
            }
        } catch (RuntimeException e) {
            // observation never fails a mail
        }
    }

    private static final java.util.regex.Pattern AUTHORIZED = java.util.regex.Pattern.compile(
            "<authorizedAddresses>([^<]*)</authorizedAddresses>");

    /**
     * At start: the networks {@code smtpserver.xml} authorises (comments skipped), logged at INFO as exempt from the
     * address checks; a WARN when one of them covers every client ({@code 0.0.0.0/0}, {@code ::/0}, {@code *}, or an
     * IPv4 prefix shorter than /8 outside loopback). Returns the networks found.
     */
    static Set<String> startupNote(String smtpServerXml) {
        Set<String> nets = new TreeSet<>();
        if (smtpServerXml == null) {
            return nets;
        }
        java.util.regex.Matcher m = AUTHORIZED.matcher(smtpServerXml.replaceAll("(?s)<!--.*?-->", ""));
        while (m.find()) {
            for (String n : m.group(1).split("[,\\s]+")) {
                if (!n.trim().isEmpty()) {
                    nets.add(n.trim());
                }
            }
        }
        if (nets.isEmpty()) {
            return nets;
        }
        Set<String> everyone = new TreeSet<>();
        for (String n : nets) {
            int slash = n.indexOf('/');
            int prefix = -1;
            try {
                prefix = slash < 0 ? -1 : Integer.parseInt(n.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                // not CIDR: judged by the other tests
            }
            if (n.equals("*") || n.startsWith("0.0.0.0") || n.startsWith("::/")
                    || (prefix >= 0 && prefix < 8 && n.indexOf(':') < 0 && !n.startsWith("127."))) {
                everyone.add(n);
            }
        }
        if (!everyone.isEmpty()) {
            LOGGER.warn("Portcullis: smtpserver.xml authorises {} (authorizedAddresses): every client may relay "
                    + "and none is judged by address (no SMTP-time refusal, no InBlocklist). List only your own "
                    + "users' networks there", everyone);
        } else {
            LOGGER.info("Portcullis: clients in James's authorised networks {} (authorizedAddresses in "
                    + "smtpserver.xml) may relay and are not judged by address; the header check still applies",
                    nets);
        }
        return nets;
    }

    /** Whether the warning was given (tests). */
    boolean warned() {
        return warned;
    }
}
