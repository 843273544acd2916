package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Property test: the checker returns a non-null list and throws nothing on 100,000+ random and
 * mutated headers. Seeds come from the corpus (when present) and from hand-made messages; mutations
 * are byte flips, truncation, insertion of CR/LF/NUL/8-bit octets, duplicated and huge lines,
 * encoded-word and date fragments, plus fully random bytes. Fixed seed: reproducible.
 */
class HeaderCheckerFuzzTest {
    private static final long SEED = 0x5EED_CAFEL;
    private static final int CASES = 100_000;
    private static final String[] FRAGMENTS = {
        "=?", "?=", "=?utf-8?B?", "=?x?Q?=E", "(", ")", "\\", "\"", "<", ">", "@", ":", ";", ",", "[", "]",
        "Date: ", "From: ", "Received: ", "Message-ID: ", "To: ", "Content-Type: ", "\r\n ", "\r\n\t", "\r\n\r\n",
        "Thu, 31 Feb 0102 25:61:61 +9999", "; Aug, 22 2002 4:00:00 AM", "[999.1.2.3]", "(0.0.0.0)", "\u00ff\u00fe",
        "X-Mailer: Microsoft Outlook Express 6.0", "User-Agent: Mozilla/5.0", "$0000", "\0",
    };

    @Test
    void neverThrowsAndNeverReturnsNull() throws IOException {
        List<byte[]> seeds = seeds();
        SplittableRandom rnd = new SplittableRandom(SEED);
        HeaderChecker checker = new HeaderChecker(HeaderRuleSettings.defaults());
        HeaderChecker partial = new HeaderChecker(
                HeaderRuleSettings.defaults().withDisabled(HeaderRule.FORGED_MUA).withScore(HeaderRule.MISSING_DATE, -1));
        long findings = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] input = i % 10 == 0 ? randomBytes(rnd) : mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            HeaderChecker c = i % 7 == 0 ? partial : checker;
            List<Finding> fs;
            try {
                fs = c.check(HeaderInput.of(input, null, rnd.nextInt(4) == 0));
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " threw on input " + preview(input), t);
            }
            assertThat(fs).isNotNull();
            findings += fs.size();
            if (fs.stream().map(Finding::rule).distinct().count() != fs.size()) {
                throw new AssertionError("case " + i + ": more than one finding for a rule " + fs);
            }
        }
        assertThat(findings).isPositive();
    }

    private static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(Msg.good().bytes());
        seeds.add(Msg.good().eol("\n").bytes());
        seeds.add(Msg.good().add("X-Mailer: The Bat! (v1.61)").add("Cc: ").add("Subject: =?utf-8?B?SGVsbG8=?=").bytes());
        Path root = HeaderCorpusAccuracyTest.corpus();
        if (root != null) {
            for (String dir : new String[] {"ham", "spam"}) {
                try (Stream<Path> s = Files.list(root.resolve(dir))) {
                    List<Path> files = s.sorted().collect(Collectors.toList());
                    for (int i = 0; i < files.size(); i += 10) {
                        byte[] all = Files.readAllBytes(files.get(i));
                        seeds.add(Arrays.copyOf(all, Math.min(all.length, 16_384)));
                    }
                }
            }
        }
        return seeds;
    }

    private static byte[] randomBytes(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(2_000)];
        for (int i = 0; i < b.length; i++) {
            int k = rnd.nextInt(10);
            b[i] = (byte) (k < 3 ? "\r\n :;<>@()\"=?".charAt(rnd.nextInt(13)) : rnd.nextInt(256));
        }
        return b;
    }

    private static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        ByteBuf b = new ByteBuf(seed);
        int n = 1 + rnd.nextInt(6);
        for (int k = 0; k < n; k++) {
            int len = b.len;
            int pos = len == 0 ? 0 : rnd.nextInt(len + 1);
            switch (rnd.nextInt(9)) {
                case 0: // byte flips
                    for (int j = 0, m = 1 + rnd.nextInt(8); j < m && len > 0; j++) {
                        b.data[rnd.nextInt(len)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                    break;
                case 1: // truncation
                    b.len = pos;
                    break;
                case 2: // control / 8-bit insertion
                    b.insert(pos, new byte[] {(byte) "\r\n\0\u0080\u00ff\t".charAt(rnd.nextInt(6))});
                    break;
                case 3: { // duplicate a line
                    int s = b.lineStart(pos);
                    int e = b.lineEnd(pos);
                    b.insert(s, Arrays.copyOfRange(b.data, s, e));
                    break;
                }
                case 4: { // huge line
                    byte[] big = new byte[rnd.nextInt(5) == 0 ? 200_000 : 1_500];
                    Arrays.fill(big, (byte) "a =;".charAt(rnd.nextInt(4)));
                    b.insert(pos, big);
                    break;
                }
                case 5: // syntax fragment
                    b.insert(pos, FRAGMENTS[rnd.nextInt(FRAGMENTS.length)].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    break;
                case 6: // delete a range
                    if (len > 0) {
                        int e = Math.min(len, pos + rnd.nextInt(64));
                        b.delete(pos, e);
                    }
                    break;
                case 7: // many short fields
                    if (rnd.nextInt(20) == 0) {
                        StringBuilder sb = new StringBuilder();
                        for (int j = 0; j < 2_100; j++) {
                            sb.append("X-").append(j).append(": v\r\n");
                        }
                        b.insert(0, sb.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                    break;
                default: // random bytes
                    byte[] r = new byte[1 + rnd.nextInt(16)];
                    for (int j = 0; j < r.length; j++) {
                        r[j] = (byte) rnd.nextInt(256);
                    }
                    b.insert(pos, r);
                    break;
            }
        }
        return Arrays.copyOf(b.data, b.len);
    }

    private static String preview(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 300); i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }

    /** Minimal growable byte buffer. */
    private static final class ByteBuf {
        byte[] data;
        int len;

        ByteBuf(byte[] seed) {
            data = Arrays.copyOf(seed, seed.length + 64);
            len = seed.length;
        }

        void insert(int pos, byte[] ins) {
            pos = Math.min(pos, len);
            if (len + ins.length > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, len + ins.length));
            }
            System.arraycopy(data, pos, data, pos + ins.length, len - pos);
            System.arraycopy(ins, 0, data, pos, ins.length);
            len += ins.length;
        }

        void delete(int from, int to) {
            System.arraycopy(data, to, data, from, len - to);
            len -= to - from;
        }

        int lineStart(int pos) {
            int p = Math.min(pos, len);
            while (p > 0 && data[p - 1] != '\n') {
                p--;
            }
            return p;
        }

        int lineEnd(int pos) {
            int p = Math.min(pos, len);
            while (p < len && data[p] != '\n') {
                p++;
            }
            return Math.min(len, p + 1);
        }
    }
}
