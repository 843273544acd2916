package io.portcullis.headers;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What the header check reads: the raw bytes of a message (or at least of its header block and the
 * empty line that ends it), the SMTP arrival time when known, and whether the message came in with
 * SMTPUTF8 (RFC 6531), which makes raw UTF-8 in headers legal (RFC 6532).
 *
 * <p>Bytes past the header block are never inspected, so callers may pass a prefix of the message.
 * Immutable; the array is copied.
 */
public final class HeaderInput {
    /** At most this many octets of header (separator included) are examined (1 MiB); past it, HEADER_TOO_LARGE. */
    public static final int MAX_HEADER_BYTES = 1 << 20;
    /**
     * How many octets a caller reads to hand over a header block: one more than {@link #MAX_HEADER_BYTES}, so the
     * checker can tell a header of exactly the limit (complete) from one over it (too large).
     */
    public static final int READ_LIMIT = MAX_HEADER_BYTES + 1;

    private final byte[] raw;
    private final Instant arrivalTime;
    private final boolean smtpUtf8;

    private HeaderInput(byte[] raw, Instant arrivalTime, boolean smtpUtf8) {
        this.raw = raw;
        this.arrivalTime = arrivalTime;
        this.smtpUtf8 = smtpUtf8;
    }

    /** Input with unknown arrival time and no SMTPUTF8. */
    public static HeaderInput of(byte[] rawMessage) {
        return new HeaderInput(copy(rawMessage), null, false);
    }

    /** Input with the time the message was received over SMTP and the SMTPUTF8 flag. */
    public static HeaderInput of(byte[] rawMessage, Instant arrivalTime, boolean smtpUtf8) {
        return new HeaderInput(copy(rawMessage), arrivalTime, smtpUtf8);
    }

    private static byte[] copy(byte[] raw) {
        Objects.requireNonNull(raw, "rawMessage");
        return Arrays.copyOf(raw, raw.length);
    }

    /** The raw bytes; a copy, callers may modify it. */
    public byte[] raw() {
        return Arrays.copyOf(raw, raw.length);
    }

    /** Package-private access without copying, for the checker. */
    byte[] rawNoCopy() {
        return raw;
    }

    public Optional<Instant> arrivalTime() {
        return Optional.ofNullable(arrivalTime);
    }

    public boolean smtpUtf8() {
        return smtpUtf8;
    }
}
