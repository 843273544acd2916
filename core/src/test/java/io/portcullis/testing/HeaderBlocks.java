package io.portcullis.testing;

import java.nio.charset.StandardCharsets;

/** Messages whose header block (fields and the empty line that ends it) has an exact size, for limit tests. */
public final class HeaderBlocks {
    private HeaderBlocks() {
    }

    /**
     * A message whose header block, the CRLF CRLF separator included, is exactly {@code size} octets, followed by
     * a short body. Fields are {@code X-Filler-N: aaa...} lines under 998 octets; size must be at least 100.
     */
    public static byte[] messageWithHeaderBlockOf(int size) {
        StringBuilder sb = new StringBuilder(size + 64);
        sb.append("From: a@example.com\r\n");
        int n = 0;
        while (true) {
            int remaining = size - sb.length() - 2; // the separator
            String prefix = "X-Filler-" + (n++) + ": ";
            if (remaining <= 900 + 100) {
                sb.append(prefix).append("a".repeat(remaining - prefix.length() - 2)).append("\r\n");
                break;
            }
            sb.append(prefix).append("a".repeat(900 - prefix.length() - 2)).append("\r\n");
        }
        sb.append("\r\n");
        if (sb.length() != size) {
            throw new IllegalStateException("built " + sb.length() + " octets, wanted " + size);
        }
        sb.append("body\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
