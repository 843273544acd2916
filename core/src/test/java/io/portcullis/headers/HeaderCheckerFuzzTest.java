package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test: the checker returns a non-null list and throws nothing on 100,000+ random and
 * mutated headers. Seeds are hand-made messages (never the corpus, so every machine runs the same inputs); mutations
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
    void neverThrowsAndNeverReturnsNull() {
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

    /**
     * Hand-made seeds only, so the inputs (and so the run) are the same on every machine, with or without the corpus:
     * a good message in both line endings, and messages shaped like the corpus's (Received chains, MIME parts,
     * encoded words, mail-client stamps, folded and long fields, 8-bit text).
     */
    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(Msg.good().bytes());
        seeds.add(Msg.good().eol("\n").bytes());
        seeds.add(Msg.good().add("X-Mailer: The Bat! (v1.61)").add("Cc: ").add("Subject: =?utf-8?B?SGVsbG8=?=").bytes());
        for (String m : HAND_MADE) {
            seeds.add(m.replace("\n", "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return seeds;
    }

    private static final String[] HAND_MADE = {
        "Return-Path: <list-admin@lists.example.org>\n"
            + "Received: from mx.example.org (mx.example.org [192.0.2.25])\n\tby mail.example.net (Postfix) with ESMTP id 4F2A1\n"
            + "\tfor <user@example.net>; Thu, 22 Aug 2002 12:36:18 +0100 (IST)\n"
            + "Received: from [10.0.0.7] (helo=laptop)\n\tby mx.example.org with esmtp (Exim 3.35 #1 (Debian))\n"
            + "\tid 17hsof-0003ax-00; Thu, 22 Aug 2002 04:35:06 -0700\n"
            + "Message-ID: <3D64CF3A.2000207@example.org>\nDate: Thu, 22 Aug 2002 13:31:38 +0200\n"
            + "From: Jane Doe <jane@example.org>\nTo: list@lists.example.org\nSubject: Re: [list] quota\n"
            + "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii; format=flowed\n"
            + "Content-Transfer-Encoding: 7bit\nList-Id: <list.lists.example.org>\n\nBody.\n",
        "Received: from 192.0.2.99 ([192.0.2.99]) by smtp.example.com\n"
            + "Message-ID: <000c01c24a4d$7d5ac4e0$0100a8c0@pc>\nFrom: \"Best Offers\" <offers@example.com>\n"
            + "To: <friend@example.net>\nSubject: =?iso-8859-1?Q?Gr=E9at_deal?= FREE!!!\n"
            + "Date: Sun, 25 Aug 2002 04:24:43 -1600\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/alternative;\n\tboundary=\"----=_NextPart_000_0009_01C24A2C.F0B4A2E0\"\n"
            + "X-Priority: 3\nX-MSMail-Priority: Normal\nX-Mailer: Microsoft Outlook Express 6.00.2600.0000\n"
            + "X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2600.0000\n\n"
            + "------=_NextPart_000_0009_01C24A2C.F0B4A2E0\nContent-Type: text/html\n\n<html></html>\n",
        "From: =?utf-8?B?w4lsaXNl?= <elise@example.fr>\nTo: =?utf-8?Q?J=C3=BCrgen?= <j@example.de>,\n"
            + " \"Doe, John\" <john@example.com>, undisclosed-recipients:;\nCc: (comment) a@b.example (x)\n"
            + "Date: 1 Sep 2002 00:00 GMT\nSubject: caf\u00e9 \u00fcber alles\nMessage-ID: <a.b.c@[192.0.2.1]>\n"
            + "In-Reply-To: <x@y> <z@w>\nReferences: <x@y>\n <z@w>\nUser-Agent: Mutt/1.4i\n\n",
        "Date: Mon, 2 Sep 2002 25:61:00 +1900\nFrom: winner\nFrom: also winner\nSubject: You won\n"
            + "Subject: You won again\nMessage-ID: garbage\nX-Mailer: Mass Mailer Pro 3.0\n"
            + "Content-Type: text/html; charset=\"big5\"\nContent-Transfer-Encoding: base64\n\nPGh0bWw+\n",
        "Received: from unknown (HELO [203.0.113.5]) (198.51.100.7)\n  by mail.example.com with SMTP; 3 Sep 2002 10:00:00 -0000\n"
            + "Received: from example.com (localhost [127.0.0.1])\n  by example.com (8.11.6/8.11.6) with ESMTP id g83A0O\n"
            + "  for <x@example.com>; Tue, 3 Sep 2002 11:00:24 +0100\nDate: Tue, 03 Sep 2002 11:00:24 +0100\n"
            + "From: Sender <sender@example.com>\nReply-To: other@example.net\nTo: x@example.com\n"
            + "Message-Id: <200209031000.g83A0O@example.com>\nSubject: " + "long ".repeat(200) + "\n"
            + "Content-Type: multipart/mixed; boundary=\"=_x\"\nMIME-Version: 1.0\n\n--=_x\n\n--=_x--\n",
    };

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
