package io.portcullis.dnsbl;

import io.portcullis.net.Hosts;
import io.portcullis.net.Networks;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the first untrusted hop of a message: the SMTP client if it is not in the trusted networks,
 * otherwise the sending address recorded by the nearest Received header whose address is not trusted
 * (SpamAssassin's {@code trusted_networks} idea). Received headers are read top-down (newest first);
 * a header without a readable address ends the walk, since the chain below it cannot be trusted.
 */
public final class ReceivedHops {
    /** The address in the "from" clause: {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}. */
    private static final Pattern BRACKETED = Pattern.compile("\\[(?:ipv6:)?([0-9a-f.:]{2,45})\\]");

    private ReceivedHops() {
    }

    /**
     * @param client   the SMTP client address
     * @param received raw Received header values, top (newest) first
     * @param trusted  networks whose relays are trusted to record the truth
     * @return the first untrusted address other than the client itself, or empty when the client is
     *     untrusted (it is the hop) or no untrusted hop can be read
     */
    public static Optional<InetAddress> firstUntrustedBeyond(InetAddress client, List<String> received, Networks trusted) {
        if (trusted.isEmpty() || client == null || !trusted.contains(client)) {
            return Optional.empty();
        }
        for (String value : received) {
            Optional<InetAddress> from = fromAddress(value);
            if (from.isEmpty()) {
                return Optional.empty();
            }
            if (!trusted.contains(from.get())) {
                return from;
            }
        }
        return Optional.empty();
    }

    /** The bracketed address of the "from" clause of one Received value (before " by "). */
    static Optional<InetAddress> fromAddress(String value) {
        String v = value.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        int by = v.indexOf(" by ");
        String from = by < 0 ? v : v.substring(0, by);
        Matcher m = BRACKETED.matcher(from);
        while (m.find()) {
            String ip = m.group(1);
            InetAddress a = Hosts.address(ip);
            if (a != null) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
