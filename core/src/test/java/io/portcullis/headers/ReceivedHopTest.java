package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One Received field (RFC 5321 4.4) read case by case: HELO, peer address, reverse name, by, id. */
class ReceivedHopTest {
    /** helo|peer|rdns|by|id|heloIp, "-" for null. */
    private static String describe(ReceivedHop h) {
        return d(h.helo) + "|" + d(h.peerIp) + "|" + d(h.rdns) + "|" + d(h.by) + "|" + d(h.id) + "|" + d(h.heloIp());
    }

    private static String d(String s) {
        return s == null ? "-" : s;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '#', quoteCharacter = '`', value = {
        // Postfix / sendmail: from HELO (rdns [ip]) by HOST ... id ID
        "from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.net (Postfix) with ESMTPS id 4ABC123; "
                + "Thu, 22 Aug 2002 12:00:00 +0000"
                + "#mail.example.com|192.0.2.1|mail.example.com|mx.example.net|4ABC123|-",
        "from helo.example (unknown [198.51.100.7]) by mx.example.net with SMTP id <x1@mx>; Thu, 22 Aug 2002"
                + "#helo.example|198.51.100.7|unknown|mx.example.net|x1@mx|-",
        "from [192.0.2.9] (Rdns.Example.ORG [203.0.113.5]) by mx.example id Q1"
                + "#[192.0.2.9]|203.0.113.5|rdns.example.org|mx.example|Q1|192.0.2.9",
        "from 192.0.2.9 (rdns.example.org [203.0.113.5]) by mx.example id Q1"
                + "#192.0.2.9|203.0.113.5|rdns.example.org|mx.example|Q1|192.0.2.9",
        "from helo.example (192.0.2.1) by mx id A#helo.example|192.0.2.1|-|mx|A|-",
        "from helo.example ([192.0.2.1]) by mx id A#helo.example|192.0.2.1|-|mx|A|-",
        "from helo.example (user@host.example.com [192.0.2.1]) by mx#helo.example|192.0.2.1|host.example.com|mx|-|-",
        "from helo.example (user@[192.0.2.1]) by mx#helo.example|192.0.2.1|-|mx|-|-",
        "from helo.example (user@ [192.0.2.1]) by mx#helo.example|192.0.2.1|-|mx|-|-",
        "from helo.example (  ) by mx#helo.example|-|-|mx|-|-",
        "from helo.example (@host.example [192.0.2.1]) by mx#helo.example|192.0.2.1|host.example|mx|-|-",
        "from (x.example [192.0.2.1]) by mx#-|192.0.2.1|x.example|mx|-|-",
        "from helo.example by mx#helo.example|-|-|mx|-|-",
        "from helo.example#helo.example|-|-|-|-|-",
        "from a.example (nearby.example [192.0.2.1])#a.example|192.0.2.1|nearby.example|-|-|-",
        "from a.example (b.example 192.0.2.1) by mx#a.example|-|b.example|mx|-|-",
        "from a.example (b.example [192.0.2.256]) by mx#a.example|-|b.example|mx|-|-",
        // Exim: from rdns ([ip] helo=HELO) by HOST ... id ID
        "from host.Example.org ([192.0.2.3] helo=HELO.example) by mx.example.net with esmtp (Exim 4.96) "
                + "id 1abcDE-000123-AB; Thu, 22 Aug 2002"
                + "#HELO.example|192.0.2.3|host.example.org|mx.example.net|1abcDE-000123-AB|-",
        "from [192.0.2.3] (helo=x.example) by mx id I#x.example|192.0.2.3|-|mx|I|-",
        "from 192.0.2.3 (helo=x.example) by mx id I#x.example|-|-|mx|I|-",
        "from host.example ([192.0.2.3] helo=[192.0.2.3]) by mx#[192.0.2.3]|192.0.2.3|host.example|mx|-|192.0.2.3",
        // a helo= after "by" is no part of the from-clause
        "from a.example (b.example [192.0.2.1]) by mx (helo=zzz) id x#a.example|192.0.2.1|b.example|mx|x|-",
        // keywords: any case, only as whole words between white space
        "FROM a BY b ID <c>#a|-|-|b|c|-",
        "  from a by b#a|-|-|b|-|-",
        "by mx.example.net id ABC#-|-|-|mx.example.net|ABC|-",
        "by mx.example.net#-|-|-|mx.example.net|-|-",
        "fromage a by b#-|-|-|b|-|-",
        "from a standby b#a|-|-|-|-|-",
        "from a by#a|-|-|-|-|-",
        "from a\tby\tb\tid\tc#a|-|-|b|c|-",
        "by mx id <>#-|-|-|mx|-|-",
        "by mx id ;#-|-|-|mx|-|-",
        "by mx id <abc>;#-|-|-|mx|abc|-",
        "by mx id abc>>;;#-|-|-|mx|abc|-",
        "by mx idle x#-|-|-|mx|-|-",
        "``#-|-|-|-|-|-",
    })
    void parsedExactly(String value, String expected) {
        assertThat(describe(ReceivedHop.parse(value))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '#', quoteCharacter = '`', value = {
        "1.2.3.4#1.2.3.4", "255.255.255.255#255.255.255.255", "01.002.3.4#01.002.3.4", "1.2.3.4.5#1.2.3.4",
        "1.2.3.4x#1.2.3.4", "256.1.1.1#-", "1.2.3.256#-", "1.2.3#-", "1.2.3.#-", "1..2.3#-", "1234.1.1.1#-",
        "1.2.3.4567#-", "0255.1.1.1#-", "1.2.3.1230#-", "1.2.3.1239#-", "a.b.c.d#-", "``#-", "9.9.9.9#9.9.9.9",
    })
    void dottedQuads(String text, String expected) {
        assertThat(d(ReceivedHop.quadAt(text, 0))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '#', value = {
        "8.8.8.8#true", "11.0.0.1#true", "0.1.2.3#false", "10.1.2.3#false", "9.255.255.255#true",
        "127.0.0.1#false", "126.0.0.1#true", "128.0.0.1#true", "223.255.255.255#true", "224.0.0.1#false",
        "255.255.255.255#false", "172.15.0.1#true", "172.16.0.1#false", "172.31.255.255#false", "172.32.0.1#true",
        "171.16.0.1#true", "173.16.0.1#true", "192.168.1.1#false", "192.169.1.1#true", "192.167.1.1#true",
        "191.168.1.1#true", "193.168.1.1#true", "169.254.1.1#false", "169.253.1.1#true", "169.255.1.1#true",
        "168.254.1.1#true", "170.254.1.1#true", "100.63.0.1#true", "100.64.0.1#false", "100.127.255.255#false",
        "100.128.0.1#true", "99.64.0.1#true", "101.64.0.1#true", "1.2.3.4.5#true",
    })
    void publicAddresses(String quad, boolean expected) {
        assertThat(ReceivedHop.isPublic(quad)).isEqualTo(expected);
    }
}
