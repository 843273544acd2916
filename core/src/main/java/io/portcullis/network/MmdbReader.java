package io.portcullis.network;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of MaxMind DB files ({@code .mmdb}, format version 2: a binary search tree over address bits with 24-,
 * 28- or 32-bit records, a data section of typed values, metadata after the {@code \xAB\xCD\xEFMaxMind.com}
 * marker), written from the public format description for Java 11. The whole file is read into memory once;
 * every read is bounds-checked, so a damaged file gives {@link IOException} when opened or null for a lookup,
 * never anything worse. Immutable and thread-safe.
 */
public final class MmdbReader {
    private static final byte[] MARKER = {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd',
        '.', 'c', 'o', 'm'};
    /** Largest file accepted. */
    static final long MAX_FILE = 1L << 30;
    private static final int MAX_DEPTH = 32;

    /** A value found for an address, with the length of the network it was found for. */
    public static final class Result {
        public final Object data;
        public final int prefixLength;

        Result(Object data, int prefixLength) {
            this.data = data;
            this.prefixLength = prefixLength;
        }
    }

    private final byte[] buf;
    private final long nodeCount;
    private final int recordSize;
    private final int ipVersion;
    private final int nodeBytes;
    private final int dataStart;
    private final int dataEnd;
    private final String databaseType;
    private final long buildEpoch;
    /** Node where IPv4 addresses start in an IPv6 tree (after 96 zero bits), or -1 when they have no data. */
    private final long ipv4Start;

    private MmdbReader(byte[] buf) throws IOException {
        this.buf = buf;
        int marker = lastIndexOf(buf, MARKER);
        if (marker < 0) {
            throw new IOException("not a MaxMind DB file (no metadata marker)");
        }
        int metaStart = marker + MARKER.length;
        Object meta;
        try {
            meta = new Decoder(metaStart, buf.length).decode(metaStart, 0)[0];
        } catch (RuntimeException e) {
            throw new IOException("unreadable metadata: " + e.getMessage());
        }
        if (!(meta instanceof Map)) {
            throw new IOException("metadata is not a map");
        }
        Map<?, ?> m = (Map<?, ?>) meta;
        this.nodeCount = number(m, "node_count");
        this.recordSize = (int) number(m, "record_size");
        this.ipVersion = (int) number(m, "ip_version");
        long major = number(m, "binary_format_major_version");
        Object type = m.get("database_type");
        this.databaseType = type instanceof String ? (String) type : "";
        Object epoch = m.get("build_epoch");
        this.buildEpoch = epoch instanceof Number ? ((Number) epoch).longValue() : 0;
        if (major != 2) {
            throw new IOException("unsupported format version " + major);
        }
        if (recordSize != 24 && recordSize != 28 && recordSize != 32) {
            throw new IOException("unsupported record size " + recordSize);
        }
        if (ipVersion != 4 && ipVersion != 6) {
            throw new IOException("unsupported ip_version " + ipVersion);
        }
        this.nodeBytes = recordSize / 4;
        long treeSize = nodeCount * nodeBytes;
        if (nodeCount <= 0 || treeSize + 16 > marker) {
            throw new IOException("search tree (" + nodeCount + " nodes) larger than the file");
        }
        this.dataStart = (int) treeSize + 16;
        this.dataEnd = marker;
        long node = 0;
        if (ipVersion == 6) {
            for (int i = 0; i < 96 && node < nodeCount; i++) {
                node = record(node, 0);
            }
        }
        this.ipv4Start = node < nodeCount ? node : -1;
    }

    /** Reads and checks a database file. */
    public static MmdbReader open(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE) {
            throw new IOException(file + " is larger than " + MAX_FILE + " bytes");
        }
        return new MmdbReader(Files.readAllBytes(file));
    }

    /** A database from bytes (tests). */
    public static MmdbReader of(byte[] bytes) throws IOException {
        return new MmdbReader(bytes.clone());
    }

    public String databaseType() {
        return databaseType;
    }

    /** Seconds since the epoch when the database was built (0 when not given). */
    public long buildEpoch() {
        return buildEpoch;
    }

    public int ipVersion() {
        return ipVersion;
    }

    /**
     * The data for {@code address} (maps, lists, strings, numbers, booleans, byte arrays), or null when the
     * database has none, or when the address does not fit the database, or when the file is damaged there.
     */
    public Result lookup(InetAddress address) {
        try {
            byte[] a = CymruFormat.Cidr.normalise(address).getAddress();
            long node;
            int bits = a.length * 8;
            if (a.length == 4 && ipVersion == 6) {
                node = ipv4Start;
                if (node < 0) {
                    return null;
                }
            } else if (a.length == 16 && ipVersion == 4) {
                return null;
            } else {
                node = 0;
            }
            int depth = 0;
            while (depth < bits && node < nodeCount) {
                int bit = (a[depth >> 3] >> (7 - (depth & 7))) & 1;
                node = record(node, bit);
                depth++;
            }
            if (node == nodeCount || node < nodeCount) {
                return null;
            }
            long offset = node - nodeCount - 16;
            if (offset < 0 || dataStart + offset >= dataEnd) {
                return null;
            }
            Object data = new Decoder(dataStart, dataEnd).decode(dataStart + (int) offset, 0)[0];
            return new Result(data, depth);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private long record(long node, int bit) {
        long base = node * nodeBytes;
        if (base + nodeBytes > dataStart - 16) {
            throw new IllegalStateException("node outside the tree");
        }
        int p = (int) base;
        switch (recordSize) {
            case 24:
                return bit == 0 ? u(p, 3) : u(p + 3, 3);
            case 28:
                if (bit == 0) {
                    return ((long) (buf[p + 3] & 0xF0) << 20) | u(p, 3);
                }
                return ((long) (buf[p + 3] & 0x0F) << 24) | u(p + 4, 3);
            default:
                return bit == 0 ? u(p, 4) : u(p + 4, 4);
        }
    }

    private long u(int p, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (buf[p + i] & 0xff);
        }
        return v;
    }

    private static long number(Map<?, ?> m, String key) throws IOException {
        Object o = m.get(key);
        if (!(o instanceof Number)) {
            throw new IOException("metadata lacks " + key);
        }
        return ((Number) o).longValue();
    }

    private static int lastIndexOf(byte[] b, byte[] needle) {
        int stop = Math.max(0, b.length - 128 * 1024 - needle.length);
        outer:
        for (int i = b.length - needle.length; i >= stop; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Decodes values of a section starting at {@code base} (pointers are relative to it), ending at {@code end}. */
    private final class Decoder {
        private final int base;
        private final int end;

        Decoder(int base, int end) {
            this.base = base;
            this.end = end;
        }

        private int b(int p) {
            if (p < base || p >= end) {
                throw new IllegalStateException("read outside the section at " + p);
            }
            return buf[p] & 0xff;
        }

        /** Returns {value, next offset}. */
        Object[] decode(int p, int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalStateException("data nested too deep");
            }
            int ctrl = b(p++);
            int type = ctrl >>> 5;
            if (type == 1) { // pointer: follow it, continue after the pointer itself
                int ss = (ctrl >>> 3) & 3;
                int vvv = ctrl & 7;
                long target;
                switch (ss) {
                    case 0:
                        target = ((long) vvv << 8) | b(p);
                        p += 1;
                        break;
                    case 1:
                        target = (((long) vvv << 16) | ((long) b(p) << 8) | b(p + 1)) + 2048;
                        p += 2;
                        break;
                    case 2:
                        target = (((long) vvv << 24) | ((long) b(p) << 16) | ((long) b(p + 1) << 8) | b(p + 2)) + 526336;
                        p += 3;
                        break;
                    default:
                        target = ((long) b(p) << 24) | ((long) b(p + 1) << 16) | ((long) b(p + 2) << 8) | b(p + 3);
                        p += 4;
                        break;
                }
                if (target < 0 || base + target >= end) {
                    throw new IllegalStateException("pointer outside the section");
                }
                Object v = decode(base + (int) target, depth + 1)[0];
                return new Object[] {v, p};
            }
            if (type == 0) {
                type = 7 + b(p++);
            }
            int size = ctrl & 0x1f;
            if (size == 29) {
                size = 29 + b(p++);
            } else if (size == 30) {
                size = 285 + ((b(p) << 8) | b(p + 1));
                p += 2;
            } else if (size == 31) {
                size = 65821 + ((b(p) << 16) | (b(p + 1) << 8) | b(p + 2));
                p += 3;
            }
            switch (type) {
                case 2: { // UTF-8 string
                    check(p, size);
                    return new Object[] {new String(buf, p, size, StandardCharsets.UTF_8), p + size};
                }
                case 3: // double
                    if (size != 8) {
                        throw new IllegalStateException("double of size " + size);
                    }
                    check(p, 8);
                    return new Object[] {Double.longBitsToDouble(u(p, 8)), p + 8};
                case 4: { // bytes
                    check(p, size);
                    byte[] out = new byte[size];
                    System.arraycopy(buf, p, out, 0, size);
                    return new Object[] {out, p + size};
                }
                case 5: // uint16
                case 6: // uint32
                case 9: // uint64
                case 8: { // int32
                    int max = type == 5 ? 2 : type == 9 ? 8 : 4;
                    if (size > max) {
                        throw new IllegalStateException("integer of size " + size);
                    }
                    check(p, size);
                    long v = size == 0 ? 0 : u(p, size);
                    if (type == 8 && size == 4) {
                        v = (int) v;
                    }
                    return new Object[] {v, p + size};
                }
                case 10: { // uint128
                    if (size > 16) {
                        throw new IllegalStateException("uint128 of size " + size);
                    }
                    check(p, size);
                    byte[] mag = new byte[size + 1];
                    System.arraycopy(buf, p, mag, 1, size);
                    return new Object[] {new java.math.BigInteger(mag), p + size};
                }
                case 7: { // map
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (int i = 0; i < size; i++) {
                        Object[] k = decode(p, depth + 1);
                        if (!(k[0] instanceof String)) {
                            throw new IllegalStateException("map key is not a string");
                        }
                        Object[] v = decode((Integer) k[1], depth + 1);
                        out.put((String) k[0], v[0]);
                        p = (Integer) v[1];
                    }
                    return new Object[] {Collections.unmodifiableMap(out), p};
                }
                case 11: { // array
                    if (size > end - p) {
                        throw new IllegalStateException("array larger than the section");
                    }
                    List<Object> out = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        Object[] v = decode(p, depth + 1);
                        out.add(v[0]);
                        p = (Integer) v[1];
                    }
                    return new Object[] {Collections.unmodifiableList(out), p};
                }
                case 14: // boolean: the size is the value
                    return new Object[] {size != 0, p};
                case 15: // float
                    if (size != 4) {
                        throw new IllegalStateException("float of size " + size);
                    }
                    check(p, 4);
                    return new Object[] {(double) Float.intBitsToFloat((int) u(p, 4)), p + 4};
                default: // 12 data cache container, 13 end marker: not valid as values
                    throw new IllegalStateException("unexpected data type " + type);
            }
        }

        private void check(int p, int size) {
            if (size < 0 || p < base || (long) p + size > end) {
                throw new IllegalStateException("value outside the section");
            }
        }
    }

    /** True for an IPv4 address (after unmapping). */
    static boolean isV4(InetAddress a) {
        return CymruFormat.Cidr.normalise(a) instanceof Inet4Address;
    }
}
