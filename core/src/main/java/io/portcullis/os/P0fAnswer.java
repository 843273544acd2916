package io.portcullis.os;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One answer of the p0f 3 API (the daemon's {@code -s} Unix socket), decoded field by field, and the query that asks
 * for it. The protocol is p0f's binary structures in the host's native byte order:
 *
 * <pre>
 * query  (21 bytes):  u32 magic 0x50304601, u8 address type (4 or 6), u8[16] address (IPv4: first 4 bytes)
 * answer (232 bytes): u32 magic 0x50304602, u32 status (0x00 bad query, 0x10 OK, 0x20 no match),
 *                     u32 first_seen, u32 last_seen, u32 total_conn, u32 uptime_min, u32 up_mod_days,
 *                     u32 last_nat, u32 last_chg, s16 distance, u8 bad_sw, u8 os_match_q,
 *                     char[32] os_name, os_flavor, http_name, http_flavor, link_type, language
 * </pre>
 *
 * Strings are NUL-terminated within their 32 bytes; they are kept as printable ASCII only (anything else becomes
 * {@code ?}), so they are safe in replies, headers and logs. Immutable.
 */
public final class P0fAnswer {
    public static final int QUERY_MAGIC = 0x50304601;
    public static final int ANSWER_MAGIC = 0x50304602;
    public static final int QUERY_SIZE = 21;
    public static final int ANSWER_SIZE = 232;
    public static final int STATUS_BAD_QUERY = 0x00;
    public static final int STATUS_OK = 0x10;
    public static final int STATUS_NO_MATCH = 0x20;
    /** {@link #matchQuality()} bit: the signature matched only fuzzily (TTL or other details differ). */
    public static final int MATCH_FUZZY = 0x01;
    /** {@link #matchQuality()} bit: a generic signature matched (the OS family only). */
    public static final int MATCH_GENERIC = 0x02;
    private static final int STR = 32;

    /** The answer's status. */
    public enum Status {
        BAD_QUERY, OK, NO_MATCH;

        static Status of(long code) {
            if (code == STATUS_OK) {
                return OK;
            }
            if (code == STATUS_NO_MATCH) {
                return NO_MATCH;
            }
            if (code == STATUS_BAD_QUERY) {
                return BAD_QUERY;
            }
            throw new IllegalArgumentException("unknown p0f status 0x" + Long.toHexString(code));
        }
    }

    private final Status status;
    private final long firstSeen;
    private final long lastSeen;
    private final long totalConnections;
    private final long uptimeMinutes;
    private final long uptimeModuloDays;
    private final long lastNat;
    private final long lastChange;
    private final int distance;
    private final int badSoftware;
    private final int matchQuality;
    private final String osName;
    private final String osFlavor;
    private final String httpName;
    private final String httpFlavor;
    private final String linkType;
    private final String language;

    private P0fAnswer(ByteBuffer b) {
        this.status = Status.of(Integer.toUnsignedLong(b.getInt()));
        this.firstSeen = Integer.toUnsignedLong(b.getInt());
        this.lastSeen = Integer.toUnsignedLong(b.getInt());
        this.totalConnections = Integer.toUnsignedLong(b.getInt());
        this.uptimeMinutes = Integer.toUnsignedLong(b.getInt());
        this.uptimeModuloDays = Integer.toUnsignedLong(b.getInt());
        this.lastNat = Integer.toUnsignedLong(b.getInt());
        this.lastChange = Integer.toUnsignedLong(b.getInt());
        this.distance = b.getShort();
        this.badSoftware = Byte.toUnsignedInt(b.get());
        this.matchQuality = Byte.toUnsignedInt(b.get());
        this.osName = string(b);
        this.osFlavor = string(b);
        this.httpName = string(b);
        this.httpFlavor = string(b);
        this.linkType = string(b);
        this.language = string(b);
    }

    /** The 21-byte query for {@code address} in the host's byte order. */
    public static byte[] query(InetAddress address) {
        return query(address, ByteOrder.nativeOrder());
    }

    /** The 21-byte query for {@code address} in {@code order} (p0f expects its host's native order). */
    public static byte[] query(InetAddress address, ByteOrder order) {
        Objects.requireNonNull(address, "address");
        byte[] raw = address.getAddress();
        ByteBuffer b = ByteBuffer.allocate(QUERY_SIZE).order(order);
        b.putInt(QUERY_MAGIC);
        b.put((byte) (address instanceof Inet6Address ? 6 : 4));
        b.put(raw);
        return b.array();
    }

    /** True for addresses p0f can be asked about (IPv4 and IPv6). */
    public static boolean askable(InetAddress a) {
        return a instanceof Inet4Address || a instanceof Inet6Address;
    }

    /** Decodes a 232-byte answer in the host's byte order. */
    public static P0fAnswer decode(byte[] raw) {
        return decode(raw, ByteOrder.nativeOrder());
    }

    /**
     * Decodes a 232-byte answer in {@code order}.
     *
     * @throws IllegalArgumentException on a wrong length, a wrong magic number or an unknown status
     */
    public static P0fAnswer decode(byte[] raw, ByteOrder order) {
        if (raw == null || raw.length != ANSWER_SIZE) {
            throw new IllegalArgumentException("a p0f answer has " + ANSWER_SIZE + " bytes, got "
                    + (raw == null ? "none" : raw.length));
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(order);
        int magic = b.getInt();
        if (magic != ANSWER_MAGIC) {
            throw new IllegalArgumentException("not a p0f answer: magic 0x" + Integer.toHexString(magic));
        }
        return new P0fAnswer(b);
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[STR];
        b.get(s);
        StringBuilder out = new StringBuilder(STR);
        for (byte c : s) {
            if (c == 0) {
                break;
            }
            out.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return out.toString().trim();
    }

    public Status status() {
        return status;
    }

    /** Unix time p0f first saw the host. */
    public long firstSeen() {
        return firstSeen;
    }

    /** Unix time p0f last saw the host. */
    public long lastSeen() {
        return lastSeen;
    }

    /** Connections p0f saw from the host. */
    public long totalConnections() {
        return totalConnections;
    }

    /** The host's uptime in minutes (from TCP timestamps), 0 when unknown. */
    public long uptimeMinutes() {
        return uptimeMinutes;
    }

    /** The modulo of the uptime clock in days, 0 when unknown. */
    public long uptimeModuloDays() {
        return uptimeModuloDays;
    }

    /** Unix time of the last sign of NAT or load balancing (several systems behind the address), 0 if none. */
    public long lastNat() {
        return lastNat;
    }

    /** Unix time of the last change of the OS seen on the address, 0 if none. */
    public long lastChange() {
        return lastChange;
    }

    /** Network hops from the client, guessed from its TTL; -1 when unknown. */
    public int distance() {
        return distance;
    }

    /** 0 none, 1 OS differs from the HTTP User-Agent's claim, 2 the User-Agent lies outright. */
    public int badSoftware() {
        return badSoftware;
    }

    /** 0 exact, bit {@link #MATCH_FUZZY}, bit {@link #MATCH_GENERIC}. */
    public int matchQuality() {
        return matchQuality;
    }

    public boolean fuzzy() {
        return (matchQuality & MATCH_FUZZY) != 0;
    }

    public boolean generic() {
        return (matchQuality & MATCH_GENERIC) != 0;
    }

    /** {@code exact}, {@code fuzzy}, {@code generic} or {@code fuzzy generic}. */
    public String matchDescription() {
        if (matchQuality == 0) {
            return "exact";
        }
        return (fuzzy() ? "fuzzy" : "") + (fuzzy() && generic() ? " " : "") + (generic() ? "generic" : "");
    }

    /** E.g. {@code Windows}, {@code Linux}; "" when the OS was not recognised. */
    public String osName() {
        return osName;
    }

    /** E.g. {@code 7 or 8}, {@code 2.2.x-3.x}; "" when none. */
    public String osFlavor() {
        return osFlavor;
    }

    /** The OS name and flavor ({@code Windows 7 or 8}); "" when the OS was not recognised. */
    public String os() {
        return osFlavor.isEmpty() ? osName : osName.isEmpty() ? "" : osName + " " + osFlavor;
    }

    public String httpName() {
        return httpName;
    }

    public String httpFlavor() {
        return httpFlavor;
    }

    /** The network link guessed from the MTU ({@code Ethernet or modem}, {@code DSL}, ...); "" when unknown. */
    public String linkType() {
        return linkType;
    }

    /** The system language (from HTTP only); "" when unknown. */
    public String language() {
        return language;
    }

    @Override
    public String toString() {
        return "P0fAnswer{" + status + ", os=" + os() + " (" + matchDescription() + "), distance=" + distance
                + ", link=" + linkType + ", conns=" + totalConnections + ", firstSeen=" + firstSeen + ", lastSeen="
                + lastSeen + ", uptimeMin=" + uptimeMinutes + ", upModDays=" + uptimeModuloDays + ", lastNat="
                + lastNat + ", lastChg=" + lastChange + ", badSw=" + badSoftware + ", http=" + httpName + " "
                + httpFlavor + ", language=" + language + "}";
    }
}
