package io.portcullis.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The p0f API's binary query and answer, decoded field by field in both byte orders; the policies' findings. */
class P0fAnswerTest {

    /** A raw answer as p0f lays it out, every field distinct. */
    static byte[] raw(ByteOrder order, int magic, int status, String os, String flavor, String link) {
        ByteBuffer b = ByteBuffer.allocate(P0fAnswer.ANSWER_SIZE).order(order);
        b.putInt(magic).putInt(status);
        b.putInt(1_700_000_001).putInt(1_700_000_002).putInt(3).putInt(0xFFFFFFF4) // seen, conns, uptime (u32)
                .putInt(5).putInt(1_700_000_006).putInt(1_700_000_007);
        b.putShort((short) 11).put((byte) 1).put((byte) 3);
        for (String s : new String[] {os, flavor, "curl", "7.x", link, "English"}) {
            byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
            b.put(t, 0, Math.min(31, t.length)).position(b.position() + 32 - Math.min(31, t.length));
        }
        assertThat(b.position()).isEqualTo(232);
        return b.array();
    }

    @Test
    void everyFieldDecodedInBothByteOrders() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            P0fAnswer a = P0fAnswer.decode(raw(order, P0fAnswer.ANSWER_MAGIC, 0x10, "Windows", "7 or 8", "DSL"),
                    order);
            assertThat(a.status()).isEqualTo(P0fAnswer.Status.OK);
            assertThat(a.firstSeen()).isEqualTo(1_700_000_001L);
            assertThat(a.lastSeen()).isEqualTo(1_700_000_002L);
            assertThat(a.totalConnections()).isEqualTo(3);
            assertThat(a.uptimeMinutes()).as("u32, not a negative int").isEqualTo(0xFFFFFFF4L);
            assertThat(a.uptimeModuloDays()).isEqualTo(5);
            assertThat(a.lastNat()).isEqualTo(1_700_000_006L);
            assertThat(a.lastChange()).isEqualTo(1_700_000_007L);
            assertThat(a.distance()).isEqualTo(11);
            assertThat(a.badSoftware()).isEqualTo(1);
            assertThat(a.matchQuality()).isEqualTo(3);
            assertThat(a.fuzzy()).isTrue();
            assertThat(a.generic()).isTrue();
            assertThat(a.matchDescription()).isEqualTo("fuzzy generic");
            assertThat(a.osName()).isEqualTo("Windows");
            assertThat(a.osFlavor()).isEqualTo("7 or 8");
            assertThat(a.os()).isEqualTo("Windows 7 or 8");
            assertThat(a.httpName()).isEqualTo("curl");
            assertThat(a.httpFlavor()).isEqualTo("7.x");
            assertThat(a.linkType()).isEqualTo("DSL");
            assertThat(a.language()).isEqualTo("English");
        }
    }

    @Test
    void negativeDistanceAndStatuses() {
        byte[] r = raw(ByteOrder.LITTLE_ENDIAN, P0fAnswer.ANSWER_MAGIC, 0x20, "", "", "");
        ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).putShort(36, (short) -1);
        P0fAnswer a = P0fAnswer.decode(r, ByteOrder.LITTLE_ENDIAN);
        assertThat(a.status()).isEqualTo(P0fAnswer.Status.NO_MATCH);
        assertThat(a.distance()).isEqualTo(-1);
        assertThat(a.os()).isEmpty();
        assertThat(P0fAnswer.decode(raw(ByteOrder.LITTLE_ENDIAN, P0fAnswer.ANSWER_MAGIC, 0, "", "", ""),
                ByteOrder.LITTLE_ENDIAN).status()).isEqualTo(P0fAnswer.Status.BAD_QUERY);
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> P0fAnswer.decode(new byte[231], ByteOrder.LITTLE_ENDIAN))
                .hasMessageContaining("232");
        assertThatThrownBy(() -> P0fAnswer.decode(raw(ByteOrder.LITTLE_ENDIAN, 0x50304601, 0x10, "", "", ""),
                ByteOrder.LITTLE_ENDIAN)).hasMessageContaining("magic");
        assertThatThrownBy(() -> P0fAnswer.decode(raw(ByteOrder.LITTLE_ENDIAN, P0fAnswer.ANSWER_MAGIC, 0x30, "", "",
                ""), ByteOrder.LITTLE_ENDIAN)).hasMessageContaining("status");
        // The other byte order's magic is not ours either.
        assertThatThrownBy(() -> P0fAnswer.decode(raw(ByteOrder.BIG_ENDIAN, P0fAnswer.ANSWER_MAGIC, 0x10, "", "", ""),
                ByteOrder.LITTLE_ENDIAN)).hasMessageContaining("magic");
    }

    @Test
    void stringsAreNulTerminatedAndPrintable() {
        byte[] r = raw(ByteOrder.LITTLE_ENDIAN, P0fAnswer.ANSWER_MAGIC, 0x10, "Lin\rux\u00e9", "x", "");
        P0fAnswer a = P0fAnswer.decode(r, ByteOrder.LITTLE_ENDIAN);
        assertThat(a.osName()).isEqualTo("Lin?ux?");
        // 32 bytes without a NUL: all 32 kept, nothing read from the next field.
        ByteBuffer b = ByteBuffer.wrap(r);
        for (int i = 0; i < 32; i++) {
            b.put(40 + i, (byte) 'A');
        }
        assertThat(P0fAnswer.decode(r, ByteOrder.LITTLE_ENDIAN).osName()).hasSize(32);
        assertThat(P0fAnswer.decode(r, ByteOrder.LITTLE_ENDIAN).osFlavor()).isEqualTo("x");
    }

    @Test
    void queries() throws Exception {
        byte[] q = P0fAnswer.query(InetAddress.getByName("192.0.2.7"), ByteOrder.LITTLE_ENDIAN);
        assertThat(q).hasSize(21);
        assertThat(q).startsWith(0x01, 0x46, 0x30, 0x50, 4, 192, 0, 2, 7);
        for (int i = 9; i < 21; i++) {
            assertThat(q[i]).isZero();
        }
        byte[] q6 = P0fAnswer.query(InetAddress.getByName("2001:db8::1"), ByteOrder.BIG_ENDIAN);
        assertThat(q6).startsWith(0x50, 0x30, 0x46, 0x01, 6, 0x20, 0x01, 0x0d, 0xb8);
        assertThat(q6[20]).isEqualTo((byte) 1);
        // An IPv4-mapped IPv6 address is asked about as IPv4 (Java maps it).
        assertThat(P0fAnswer.query(InetAddress.getByName("::ffff:192.0.2.7"), ByteOrder.LITTLE_ENDIAN)[4])
                .isEqualTo((byte) 4);
    }

    static OsReport found(String os, String flavor, String link, int distance, int quality) throws Exception {
        byte[] r = raw(ByteOrder.LITTLE_ENDIAN, P0fAnswer.ANSWER_MAGIC, 0x10, os, flavor, link);
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(36, (short) distance).put(38, (byte) 0).put(39, (byte) quality);
        return OsReport.of(InetAddress.getByName("192.0.2.7"), P0fAnswer.decode(r, ByteOrder.LITTLE_ENDIAN), 1);
    }

    @Test
    void policies() throws Exception {
        OsRules rules = new OsRules(List.of(new OsRules.Glob("win", "Windows*", 4),
                new OsRules.Glob("win7", "windows 7 or ?", 6), new OsRules.Glob("mac", "Mac OS X", 2)),
                List.of(new OsRules.Glob("dsl", "DSL", 2)), 3, 1.5, false);
        List<Finding> f = rules.findings(found("Windows", "7 or 8", "DSL", 3, 0));
        assertThat(f).extracting(Finding::rule).containsExactly("OS", "LINK", "DISTANCE");
        assertThat(f.get(0).score()).as("the highest weight of the matching patterns").isEqualTo(6);
        assertThat(f.get(0).detail()).isEqualTo("Windows 7 or 8 (exact), distance 3, link DSL: client-ip 192.0.2.7; "
                + "pattern win7 'windows 7 or ?'");
        assertThat(OsRules.osOfDetail(f.get(0).detail())).isEqualTo("Windows 7 or 8");
        assertThat(f.get(2).score()).isEqualTo(1.5);
        // The name alone matches too; under the distance, on another link: only OS.
        assertThat(rules.findings(found("Mac OS X", "10.x", "Ethernet or modem", 2, 0))).extracting(Finding::rule)
                .containsExactly("OS");
        assertThat(rules.findings(found("Linux", "3.x", "", 0, 2))).isEmpty();
        // Unrecognised OS: the link and distance still count; the report finds no OS in it.
        List<Finding> unknownOs = rules.findings(found("", "", "DSL", 7, 0));
        assertThat(unknownOs).extracting(Finding::rule).containsExactly("LINK", "DISTANCE");
        assertThat(OsRules.osOfDetail(unknownOs.get(0).detail())).isNull();
        // Fuzzy matches ignored on request.
        OsRules exact = new OsRules(rules.os(), List.of(), -1, 1, true);
        assertThat(exact.findings(found("Windows", "XP", "", 0, 1))).isEmpty();
        assertThat(exact.findings(found("Windows", "XP", "", 0, 2))).hasSize(1);
        // No answer, no finding.
        assertThat(rules.findings(OsReport.unknown(InetAddress.getByName("192.0.2.7"), "down", 0))).isEmpty();
    }

    @Test
    void globs() {
        assertThat(OsRules.Glob.compile("Windows*").matcher("windows 7 or 8").matches()).isTrue();
        assertThat(OsRules.Glob.compile("Windows").matcher("Windows 7").matches()).isFalse();
        assertThat(OsRules.Glob.compile("Linux 2.?.x*").matcher("Linux 2.2.x-3.x").matches()).isTrue();
        assertThat(OsRules.Glob.compile("a.b(c)").matcher("a.b(c)").matches()).isTrue();
        assertThat(OsRules.Glob.compile("a.b(c)").matcher("axb(c)").matches()).isFalse();
    }
}
