package io.portcullis.james;

import io.portcullis.headers.HeaderInput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Enumeration;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link HeaderInput} of a James {@link Mail}: the raw bytes of the header block (up to and including
 * the empty line that ends it, capped at {@link #MAX_HEADER_BYTES}), the arrival time, and the SMTPUTF8 flag.
 *
 * <p>For mail received over SMTP, James holds a {@link MimeMessageWrapper} over the bytes as received; its
 * {@link MimeMessageWrapper#getMessageInputStream()} streams those original bytes while the message is unmodified,
 * and we stop reading at the header/body separator, so large bodies are never loaded. Other {@code MimeMessage}s
 * (built by mailets or tests) are rendered from their parsed header lines, which does not modify them (unlike
 * {@code MimeMessage.writeTo}, which may call {@code saveChanges()} and add a Message-ID).
 *
 * <p>Never throws: an unreadable message yields an empty input (which the checker treats as "no headers"),
 * and the failure is logged.
 */
public final class MailHeaderInputs {
    /**
     * Header blocks longer than this are cut (the checker sees a prefix): one octet more than the checker examines
     * ({@link HeaderInput#MAX_HEADER_BYTES}), so a header over the limit reaches it as too large, not as complete.
     */
    public static final int MAX_HEADER_BYTES = HeaderInput.READ_LIMIT;

    private static final Logger LOGGER = LoggerFactory.getLogger(MailHeaderInputs.class);

    private MailHeaderInputs() {
    }

    public static HeaderInput from(Mail mail) {
        Instant arrival = arrival(mail);
        byte[] raw;
        try {
            raw = rawHeaderBlock(mail.getMessage());
        } catch (MessagingException | IOException | RuntimeException e) {
            LOGGER.warn("Portcullis: cannot read the headers of mail {}: {}", PortcullisRuntime.safeName(mail),
                    e.toString());
            raw = new byte[0];
        }
        // James 3.8.1 does not record SMTPUTF8 on the mail, so raw UTF-8 in headers is judged as not allowed.
        return HeaderInput.of(raw, arrival, false);
    }

    private static Instant arrival(Mail mail) {
        try {
            Date d = mail.getLastUpdated();
            return d == null ? null : d.toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The raw header block of the message, separator included when present, at most {@link #MAX_HEADER_BYTES}. */
    public static byte[] rawHeaderBlock(MimeMessage message) throws MessagingException, IOException {
        if (message == null) {
            return new byte[0];
        }
        if (message instanceof MimeMessageWrapper) {
            try (InputStream in = ((MimeMessageWrapper) message).getMessageInputStream()) {
                return readHeaderBlock(in, MAX_HEADER_BYTES);
            }
        }
        StringBuilder sb = new StringBuilder(1024);
        Enumeration<String> lines = message.getAllHeaderLines();
        while (lines.hasMoreElements() && sb.length() < MAX_HEADER_BYTES) {
            sb.append(lines.nextElement()).append("\r\n");
        }
        sb.append("\r\n");
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_HEADER_BYTES) {
            byte[] cut = new byte[MAX_HEADER_BYTES];
            System.arraycopy(b, 0, cut, 0, MAX_HEADER_BYTES);
            return cut;
        }
        return b;
    }

    /**
     * Reads from {@code in} up to and including the first empty line (CRLF CRLF, or LF LF for bare-LF input), or
     * {@code max} bytes, or the end of the stream, whichever comes first.
     */
    public static byte[] readHeaderBlock(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        byte[] buf = new byte[8192];
        // The start of the stream counts as a line start, so a message opening with an empty line has no headers.
        int prev1 = '\n'; // last byte
        int prev2 = -1; // byte before
        int total = 0;
        while (total < max) {
            int n = in.read(buf, 0, Math.min(buf.length, max - total));
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                int b = buf[i] & 0xff;
                boolean end = b == '\n' && (prev1 == '\n' || (prev1 == '\r' && prev2 == '\n'));
                if (end) {
                    out.write(buf, 0, i + 1);
                    return out.toByteArray();
                }
                prev2 = prev1;
                prev1 = b;
            }
            out.write(buf, 0, n);
            total += n;
        }
        return out.toByteArray();
    }
}
