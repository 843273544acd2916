package io.portcullis.mailets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages a user forwarded as attachments ({@code message/rfc822} parts, in nested multiparts too): what the
 * learning mailets read from a user's spam (or ham) report. Unreadable parts are skipped; never throws.
 */
final class AttachedMessages {
    private static final Logger LOGGER = LoggerFactory.getLogger(AttachedMessages.class);
    /** At most this many attached messages are read per report. */
    static final int MAX = 20;
    /** Multiparts nested deeper than this are not looked into. */
    private static final int MAX_DEPTH = 4;

    private AttachedMessages() {
    }

    /** The {@code message/rfc822} parts of {@code message}, nested multiparts too; at most {@value #MAX}. */
    static List<MimeMessage> of(Part message) {
        List<MimeMessage> out = new ArrayList<>();
        collect(message, out, 0);
        return out;
    }

    private static void collect(Part part, List<MimeMessage> out, int depth) {
        if (out.size() >= MAX || depth > MAX_DEPTH) {
            return;
        }
        try {
            if (depth > 0 && part.isMimeType("message/rfc822")) {
                Object content = part.getContent();
                if (content instanceof MimeMessage) {
                    out.add((MimeMessage) content);
                }
                return;
            }
            if (part.isMimeType("multipart/*")) {
                Object content = part.getContent();
                if (content instanceof Multipart) {
                    Multipart mp = (Multipart) content;
                    for (int i = 0; i < mp.getCount() && out.size() < MAX; i++) {
                        collect(mp.getBodyPart(i), out, depth + 1);
                    }
                }
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            LOGGER.debug("Portcullis: an unreadable part of a report is skipped", e);
        }
    }

    /** The domain of the first address of a header value, if any. */
    static Optional<String> domainOf(String header) {
        if (header == null) {
            return Optional.empty();
        }
        try {
            InternetAddress[] a = InternetAddress.parseHeader(header, false);
            if (a.length == 0 || a[0].getAddress() == null) {
                return Optional.empty();
            }
            String address = a[0].getAddress();
            int at = address.lastIndexOf('@');
            return at > 0 && at < address.length() - 1 ? Optional.of(address.substring(at + 1)) : Optional.empty();
        } catch (AddressException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
