package io.portcullis.james;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderInput;
import io.portcullis.headers.HeaderRule;
import io.portcullis.testing.HeaderBlocks;
import io.portcullis.verdict.Finding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailHeaderInputsTest {
    private static byte[] read(String s, int max) throws IOException {
        return MailHeaderInputs.readHeaderBlock(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)),
                max);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void stopsAfterTheCrlfSeparator() throws IOException {
        assertThat(str(read("A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore", 1000))).isEqualTo("A: 1\r\nB: 2\r\n\r\n");
    }

    @Test
    void stopsAfterABareLfSeparator() throws IOException {
        assertThat(str(read("A: 1\nB: 2\n\nbody", 1000))).isEqualTo("A: 1\nB: 2\n\n");
    }

    @Test
    void leadingEmptyLineMeansNoHeaders() throws IOException {
        assertThat(str(read("\r\nbody: not a header\r\n\r\n", 1000))).isEqualTo("\r\n");
    }

    @Test
    void withoutSeparatorReadsEverything() throws IOException {
        assertThat(str(read("A: 1\r\nB: 2", 1000))).isEqualTo("A: 1\r\nB: 2");
    }

    @Test
    void capsHugeHeaderBlocks() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            sb.append("X-Filler: 0123456789\r\n");
        }
        assertThat(read(sb.toString(), 4096)).hasSize(4096);
    }

    @Test
    void neverReadsTheBodyOfAWrappedMessage() throws Exception {
        String headers = "From: a@example.com\r\nSubject: hi\r\n\r\n";
        byte[] raw = (headers + "x".repeat(5_000_000)).getBytes(StandardCharsets.US_ASCII);
        CountingStream counting = new CountingStream(new ByteArrayInputStream(raw));
        assertThat(str(MailHeaderInputs.readHeaderBlock(counting, MailHeaderInputs.MAX_HEADER_BYTES)))
                .isEqualTo(headers);
        assertThat(counting.count).isLessThan(100_000);
    }

    @Test
    void fromMailUsesTheOriginalBytesOfJamesMessages() throws Exception {
        // Bare LF, odd spacing, 8-bit: exactly as received, not as re-serialised by javax.mail.
        String raw = "From:  a@example.com\nSubject: caf\u00e9\nX-Odd :value\n\nbody\n";
        FakeMail mail = Mails.mail(raw);
        assertThat(str(MailHeaderInputs.from(mail).raw()))
                .isEqualTo("From:  a@example.com\nSubject: caf\u00e9\nX-Odd :value\n\n");
    }

    @Test
    void fromMailRendersOtherMessagesWithoutModifyingThem() throws Exception {
        MimeMessage message = new MimeMessage(null, new ByteArrayInputStream(
                "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).lastUpdated(new Date(1000L)).build();
        assertThat(str(MailHeaderInputs.from(mail).raw())).isEqualTo("From: a@example.com\r\nSubject: hi\r\n\r\n");
        assertThat(MailHeaderInputs.from(mail).arrivalTime()).hasValueSatisfying(t -> assertThat(t.toEpochMilli())
                .isEqualTo(1000L));
        assertThat(message.getMessageID()).isNull();
    }

    private static final class CountingStream extends InputStream {
        private final InputStream in;
        long count;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /**
     * A header block of exactly the checker's limit (separator included) is complete; one octet more is too large.
     * Reading exactly the limit made both look the same, so HEADER_TOO_LARGE's size limit never fired.
     */
    @ParameterizedTest
    @CsvSource({"-1, false", "0, false", "1, true", "1000, true"})
    void headerBlockOverTheLimitReachesTheCheckerAsTooLarge(int overLimit, boolean tooLarge) throws Exception {
        byte[] raw = HeaderBlocks.messageWithHeaderBlockOf(HeaderInput.MAX_HEADER_BYTES + overLimit);
        for (javax.mail.internet.MimeMessage m : new javax.mail.internet.MimeMessage[] {Mails.wrapper(raw),
                new MimeMessage(null, new ByteArrayInputStream(raw))}) {
            FakeMail mail = FakeMail.builder().name("m").mimeMessage(m).build();
            boolean flagged = new HeaderChecker(null).check(MailHeaderInputs.from(mail)).stream().map(Finding::rule)
                    .anyMatch(HeaderRule.HEADER_TOO_LARGE.name()::equals);
            assertThat(flagged).as("HEADER_TOO_LARGE at limit%+d (%s)", overLimit, m.getClass().getSimpleName())
                    .isEqualTo(tooLarge);
        }
    }
}
