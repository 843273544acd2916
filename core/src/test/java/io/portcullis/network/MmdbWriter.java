package io.portcullis.network;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small MaxMind DB (format 2.0) files for tests, from the public format description: a search tree (24-,
 * 28- or 32-bit records) over the inserted prefixes, a data section (repeated strings written once and referred
 * to by pointers, so the reader's pointer decoding is exercised), the marker and the metadata map. Insert less
 * specific prefixes before more specific ones.
 */
final class MmdbWriter {
    private static final class Node {
        Object left;
        Object right;
    }

    private static final class Data {
        final int offset;

        Data(int offset) {
            this.offset = offset;
        }
    }

    private final int ipVersion;
    private final int recordSize;
    private final Node root = new Node();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final Map<String, Integer> strings = new HashMap<>();

    MmdbWriter(int ipVersion, int recordSize) {
        this.ipVersion = ipVersion;
        this.recordSize = recordSize;
    }

    /** Adds {@code value} (Map, List, String, Long/Integer, Double, Boolean) for {@code cidr}, e.g. 192.0.2.0/24. */
    MmdbWriter insert(String cidr, Object value) throws Exception {
        String[] p = cidr.split("/");
        byte[] a = InetAddress.getByName(p[0]).getAddress();
        int len = Integer.parseInt(p[1]);
        if (ipVersion == 6 && a.length == 4) { // IPv4 in an IPv6 tree: ::a.b.c.d/(96 + len)
            byte[] b = new byte[16];
            System.arraycopy(a, 0, b, 12, 4);
            a = b;
            len += 96;
        }
        Data d = new Data(data.size());
        encode(value);
        Node n = root;
        for (int i = 0; i < len; i++) {
            int bit = (a[i >> 3] >> (7 - (i & 7))) & 1;
            Object child = bit == 0 ? n.left : n.right;
            if (i == len - 1) {
                if (bit == 0) {
                    n.left = d;
                } else {
                    n.right = d;
                }
                break;
            }
            if (!(child instanceof Node)) {
                Node next = new Node();
                next.left = child; // a less specific prefix's data is pushed down both ways
                next.right = child;
                if (bit == 0) {
                    n.left = next;
                } else {
                    n.right = next;
                }
                child = next;
            }
            n = (Node) child;
        }
        return this;
    }

    byte[] build() {
        List<Node> nodes = new ArrayList<>();
        Map<Node, Integer> index = new LinkedHashMap<>();
        List<Node> queue = new ArrayList<>();
        queue.add(root);
        for (int q = 0; q < queue.size(); q++) {
            Node n = queue.get(q);
            index.put(n, nodes.size());
            nodes.add(n);
            if (n.left instanceof Node) {
                queue.add((Node) n.left);
            }
            if (n.right instanceof Node) {
                queue.add((Node) n.right);
            }
        }
        long count = nodes.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node n : nodes) {
            long l = value(n.left, index, count);
            long r = value(n.right, index, count);
            switch (recordSize) {
                case 24:
                    put(out, l, 3);
                    put(out, r, 3);
                    break;
                case 28:
                    put(out, l & 0xFFFFFF, 3);
                    out.write((int) (((l >> 24) & 0x0F) << 4 | ((r >> 24) & 0x0F)));
                    put(out, r & 0xFFFFFF, 3);
                    break;
                default:
                    put(out, l, 4);
                    put(out, r, 4);
            }
        }
        out.writeBytes(new byte[16]);
        out.writeBytes(data.toByteArray());
        out.writeBytes(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
        out.writeBytes("MaxMind.com".getBytes(StandardCharsets.US_ASCII));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("node_count", count);
        meta.put("record_size", (long) recordSize);
        meta.put("ip_version", (long) ipVersion);
        meta.put("database_type", "Portcullis-Test-ASN");
        meta.put("languages", List.of("en"));
        meta.put("binary_format_major_version", 2L);
        meta.put("binary_format_minor_version", 0L);
        meta.put("build_epoch", 1_700_000_000L);
        meta.put("description", Map.of("en", "test database"));
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        new MmdbWriter(ipVersion, recordSize).encodeInto(m, meta, false);
        out.writeBytes(m.toByteArray());
        return out.toByteArray();
    }

    private static long value(Object child, Map<Node, Integer> index, long count) {
        if (child instanceof Node) {
            return index.get(child);
        }
        if (child instanceof Data) {
            return count + 16 + ((Data) child).offset;
        }
        return count; // empty
    }

    private static void put(ByteArrayOutputStream out, long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            out.write((int) (v >> (8 * i)) & 0xff);
        }
    }

    private void encode(Object v) {
        encodeInto(data, v, true);
    }

    private void encodeInto(ByteArrayOutputStream out, Object v, boolean pointers) {
        if (v instanceof String) {
            String s = (String) v;
            Integer at = pointers ? strings.get(s) : null;
            if (at != null) {
                pointer(out, at);
                return;
            }
            if (pointers) {
                strings.put(s, out.size());
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            control(out, 2, b.length);
            out.writeBytes(b);
        } else if (v instanceof Double) {
            control(out, 3, 8);
            put(out, Double.doubleToLongBits((Double) v), 8);
        } else if (v instanceof Integer || v instanceof Long) {
            long n = ((Number) v).longValue();
            int size = 0;
            for (long x = n; x != 0; x >>>= 8) {
                size++;
            }
            control(out, size <= 2 ? 5 : size <= 4 ? 6 : 9, size);
            put(out, n, size);
        } else if (v instanceof Boolean) {
            control(out, 14, (Boolean) v ? 1 : 0);
        } else if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            control(out, 7, m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                encodeInto(out, e.getKey(), pointers);
                encodeInto(out, e.getValue(), pointers);
            }
        } else if (v instanceof List) {
            List<?> l = (List<?>) v;
            control(out, 11, l.size());
            for (Object o : l) {
                encodeInto(out, o, pointers);
            }
        } else {
            throw new IllegalArgumentException("cannot encode " + v);
        }
    }

    private static void pointer(ByteArrayOutputStream out, int target) {
        if (target < 2048) {
            out.write(0x20 | (target >> 8));
            out.write(target & 0xff);
        } else {
            int t = target - 2048;
            out.write(0x20 | 0x08 | (t >> 16));
            out.write((t >> 8) & 0xff);
            out.write(t & 0xff);
        }
    }

    private static void control(ByteArrayOutputStream out, int type, int size) {
        int sizeBits;
        byte[] extra;
        if (size < 29) {
            sizeBits = size;
            extra = new byte[0];
        } else if (size < 285) {
            sizeBits = 29;
            extra = new byte[] {(byte) (size - 29)};
        } else {
            sizeBits = 30;
            extra = new byte[] {(byte) ((size - 285) >> 8), (byte) (size - 285)};
        }
        if (type <= 7) {
            out.write((type << 5) | sizeBits);
        } else {
            out.write(sizeBits);
            out.write(type - 7);
        }
        out.writeBytes(extra);
    }
}
