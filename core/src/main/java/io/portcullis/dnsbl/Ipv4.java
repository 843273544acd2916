package io.portcullis.dnsbl;

/** Strict dotted-quad parsing without DNS or allocation of InetAddress. */
final class Ipv4 {
    private Ipv4() {
    }

    /** The four octets, or null if {@code s} is not exactly a dotted quad of 0..255. */
    static int[] parse(String s) {
        if (s == null) {
            return null;
        }
        int[] out = new int[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else if (c == '.' && value >= 0 && part < 3) {
                out[part++] = value;
                value = -1;
            } else {
                return null;
            }
        }
        if (part != 3 || value < 0) {
            return null;
        }
        out[3] = value;
        return out;
    }
}
