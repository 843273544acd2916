package io.portcullis.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * An immutable set of IPv4/IPv6 networks in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32},
 * or a bare address). IPv4-mapped IPv6 addresses match IPv4 networks.
 */
public final class Networks {
    /** The empty set. */
    public static final Networks NONE = new Networks(List.of(), "");

    private final List<byte[]> prefixes;
    private final List<Integer> lengths;
    private final String text;

    private Networks(List<String> specs, String text) {
        this.prefixes = new ArrayList<>();
        this.lengths = new ArrayList<>();
        this.text = text;
        for (String s : specs) {
            add(s);
        }
    }

    /**
     * Parses a comma or space separated list.
     *
     * @throws IllegalArgumentException naming the bad item
     */
    public static Networks parse(String list) {
        List<String> items = new ArrayList<>();
        for (String s : list.split("[,\\s]+")) {
            if (!s.isEmpty()) {
                items.add(s);
            }
        }
        return new Networks(items, String.join(", ", items));
    }

    private void add(String spec) {
        int slash = spec.indexOf('/');
        String addr = slash < 0 ? spec : spec.substring(0, slash);
        InetAddress address = Hosts.address(addr);
        if (address == null) {
            throw new IllegalArgumentException("'" + spec + "' is not an IP address or CIDR network");
        }
        byte[] bytes = address.getAddress();
        int max = bytes.length * 8;
        int len = max;
        if (slash >= 0) {
            try {
                len = Integer.parseInt(spec.substring(slash + 1));
            } catch (NumberFormatException e) {
                len = -1;
            }
            if (len < 0 || len > max) {
                throw new IllegalArgumentException("'" + spec + "': prefix length must be 0.." + max);
            }
        }
        prefixes.add(bytes);
        lengths.add(len);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && isV4Mapped(a)) {
            a = new byte[] {a[12], a[13], a[14], a[15]};
        }
        for (int i = 0; i < prefixes.size(); i++) {
            byte[] p = prefixes.get(i);
            if (p.length == a.length && matches(p, a, lengths.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static boolean matches(byte[] prefix, byte[] a, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (prefix[i] != a[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (prefix[full] & mask) == (a[full] & mask);
    }

    public boolean isEmpty() {
        return prefixes.isEmpty();
    }

    @Override
    public String toString() {
        return text;
    }
}
