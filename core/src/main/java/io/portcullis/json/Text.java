package io.portcullis.json;

/** Sanitising of untrusted text (message content, DNS TXT answers) before it goes into a header or an SMTP reply. */
public final class Text {
    private Text() {
    }

    /**
     * Printable US-ASCII only: control characters (CR, LF, NUL, DEL...) and non-ASCII become {@code ?},
     * runs of whitespace collapse to one space, and the result is cut to {@code maxLength} characters
     * (with a trailing {@code ...} when cut). Safe inside an unfolded header value or an SMTP reply line.
     */
    public static String headerSafe(String s, int maxLength) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), maxLength));
        boolean lastSpace = false;
        for (int i = 0; i < s.length() && sb.length() < maxLength; i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (!lastSpace && sb.length() > 0) {
                    sb.append(' ');
                }
                lastSpace = true;
                continue;
            }
            lastSpace = false;
            sb.append(c >= 0x21 && c <= 0x7e ? c : '?');
        }
        String out = sb.toString().trim();
        if (out.length() >= maxLength && s.length() > maxLength) {
            out = out.substring(0, Math.max(0, maxLength - 3)) + "...";
        }
        return out;
    }
}
