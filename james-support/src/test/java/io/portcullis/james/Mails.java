package io.portcullis.james;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.mail.MessagingException;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.base.test.FakeMail;

/** Test mails backed by James's own MimeMessageWrapper over raw bytes, as for mail received over SMTP. */
public final class Mails {
    private Mails() {
    }

    public static MimeMessageWrapper wrapper(String raw) throws MessagingException {
        return wrapper(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static MimeMessageWrapper wrapper(byte[] raw) throws MessagingException {
        return new MimeMessageWrapper(MimeMessageInputStreamSource.create("test", new ByteArrayInputStream(raw)));
    }

    public static FakeMail mail(String raw) throws MessagingException {
        return FakeMail.builder().name("mail").sender("sender@example.com")
                .recipients("one@portcullis.test", "two@portcullis.test")
                .mimeMessage(wrapper(raw)).build();
    }
}
