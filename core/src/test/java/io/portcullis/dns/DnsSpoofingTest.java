package io.portcullis.dns;

import static io.portcullis.testing.ScriptedDnsResponder.a;
import static io.portcullis.testing.ScriptedDnsResponder.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.ScriptedDnsResponder;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Answer validation of the shared DNS client against a scripted responder on loopback that forges replies before
 * (or instead of) the real one: only a reply from the server's address and port, on the socket of the try, with
 * QR set, opcode QUERY, the try's ID and our question is taken, and only records owned by the question name (or
 * its CNAME chain) are used.
 */
class DnsSpoofingTest {
    private static final String REAL = "127.0.0.2";
    private static final String FORGED = "127.0.0.66";

    private static DnsjavaClient client(InetSocketAddress... servers) {
        return client(Duration.ofMillis(800), servers);
    }

    private static DnsjavaClient client(Duration timeout, InetSocketAddress... servers) {
        return new DnsjavaClient(DnsSettings.builder().servers(List.of(servers)).queryTimeout(timeout)
                .cacheSize(0).build());
    }

    /** Every kind of forged reply to {@code q}, each of which carries {@link #FORGED} where it carries an address. */
    private static void sendForgeries(ScriptedDnsResponder.Query q) throws Exception {
        Message wrongId = q.replyA(FORGED);
        wrongId.getHeader().setID(q.id() ^ 0x5a5a);
        q.send(wrongId);

        Message wrongName = new Message(q.id());
        wrongName.getHeader().setFlag(Flags.QR);
        wrongName.addRecord(Record.newRecord(name("other.test"), Type.A, DClass.IN), Section.QUESTION);
        wrongName.addRecord(a(name("other.test"), FORGED), Section.ANSWER);
        q.send(wrongName);

        Message wrongType = new Message(q.id());
        wrongType.getHeader().setFlag(Flags.QR);
        wrongType.addRecord(Record.newRecord(q.name(), Type.AAAA, DClass.IN), Section.QUESTION);
        wrongType.addRecord(a(q.name(), FORGED), Section.ANSWER);
        q.send(wrongType);

        Message wrongClass = new Message(q.id());
        wrongClass.getHeader().setFlag(Flags.QR);
        wrongClass.addRecord(Record.newRecord(q.name(), Type.A, DClass.CH), Section.QUESTION);
        wrongClass.addRecord(a(q.name(), FORGED), Section.ANSWER);
        q.send(wrongClass);

        q.sendFromOtherPort(q.replyA(FORGED));

        Message qrClear = q.replyA(FORGED);
        qrClear.getHeader().unsetFlag(Flags.QR);
        q.send(qrClear);

        Message otherOpcode = q.replyA(FORGED);
        otherOpcode.getHeader().setOpcode(org.xbill.DNS.Opcode.NOTIFY);
        q.send(otherOpcode);

        Message otherOwner = q.reply();
        otherOwner.addRecord(a(name("evil.test"), FORGED), Section.ANSWER);
        q.send(otherOwner);

        Message noQuestion = new Message(q.id());
        noQuestion.getHeader().setFlag(Flags.QR);
        noQuestion.addRecord(a(q.name(), FORGED), Section.ANSWER);
        q.send(noQuestion);

        q.sendBytes(new byte[] {(byte) (q.id() >> 8), (byte) q.id(), (byte) 0x81, 0, 0, 1}); // truncated garbage
    }

    @Test
    void forgedRepliesAreIgnoredAndTheRealAnswerWins() throws Exception {
        try (ScriptedDnsResponder dns = new ScriptedDnsResponder(q -> {
            sendForgeries(q);
            q.later(50, r -> r.send(r.replyA(REAL)));
        }); DnsjavaClient c = client(dns.address())) {
            DnsAnswer answer = c.lookup("spoof.test", DnsType.A).get(5, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(DnsAnswer.Status.ANSWER);
            assertThat(answer.values()).containsExactly(REAL);
            assertThat(dns.seen()).hasSize(1);
            awaitNoSockets(c);
        }
    }

    @Test
    void onlyForgedRepliesEndInATimeout() throws Exception {
        try (ScriptedDnsResponder dns = new ScriptedDnsResponder(DnsSpoofingTest::sendForgeries);
                DnsjavaClient c = client(Duration.ofMillis(400), dns.address())) {
            DnsAnswer answer = c.lookup("spoof.test", DnsType.A).get(5, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(DnsAnswer.Status.TIMEOUT);
            assertThat(dns.seen()).hasSize(2); // two tries, each forged at
            awaitNoSockets(c);
        }
    }

    @Test
    void recordsOwnedByOtherNamesAreDroppedAndNeverAListing() throws Exception {
        try (ScriptedDnsResponder dns = new ScriptedDnsResponder(q -> {
            Message m = q.replyA(REAL);
            m.addRecord(a(name("evil.test"), FORGED), Section.ANSWER);
            if (q.name().toString().startsWith("cname")) {
                m = q.reply();
                m.addRecord(new CNAMERecord(q.name(), DClass.IN, 60, name("target.test")), Section.ANSWER);
                m.addRecord(a(name("target.test"), REAL), Section.ANSWER);
                m.addRecord(a(name("evil.test"), FORGED), Section.ANSWER);
            } else if (q.name().toString().startsWith("dangling")) {
                m = q.reply();
                m.addRecord(new CNAMERecord(q.name(), DClass.IN, 60, name("target.test")), Section.ANSWER);
                m.addRecord(a(name("evil.test"), FORGED), Section.ANSWER);
            }
            q.send(m);
        }); DnsjavaClient c = client(dns.address())) {
            assertThat(c.lookup("mixed.test", DnsType.A).get().values()).containsExactly(REAL);
            // owner names compare case-insensitively
            assertThat(c.lookup("MiXeD2.TeSt", DnsType.A).get().values()).containsExactly(REAL);
            assertThat(c.lookup("cname.test", DnsType.A).get().values()).containsExactly(REAL);
            DnsAnswer dangling = c.lookup("dangling.test", DnsType.A).get();
            assertThat(dangling.status()).isEqualTo(DnsAnswer.Status.NODATA);
            assertThat(dangling.values()).isEmpty();
        }
    }

    @Test
    void duplicateAndCollidingRepliesDoNotMixQuestionsUp() throws Exception {
        List<ScriptedDnsResponder.Query> asked = new ArrayList<>();
        try (ScriptedDnsResponder dns = new ScriptedDnsResponder(q -> {
            synchronized (asked) {
                asked.add(q);
                if (asked.size() < 2) {
                    return;
                }
            }
            ScriptedDnsResponder.Query first = asked.get(0);
            ScriptedDnsResponder.Query second = asked.get(1);
            // each asker first gets the other's reply (its ID, question and address), then a reply with its own ID
            // but the other's question (an ID collision), then its real answer twice, then a different one
            for (ScriptedDnsResponder.Query mine : List.of(first, second)) {
                ScriptedDnsResponder.Query theirs = mine == first ? second : first;
                byte[] theirReply = theirs.replyA(FORGED).toWire();
                mine.sendBytes(theirReply);
                Message collision = theirs.replyA(FORGED);
                collision.getHeader().setID(mine.id());
                mine.send(collision);
            }
            for (ScriptedDnsResponder.Query mine : List.of(first, second)) {
                String real = mine.name().toString().startsWith("one") ? "127.0.0.1" : "127.0.0.2";
                mine.send(mine.replyA(real));
                mine.send(mine.replyA(real));
                mine.send(mine.replyA("127.0.0.99"));
            }
        }); DnsjavaClient c = client(Duration.ofMillis(3000), dns.address())) {
            CompletableFuture<DnsAnswer> one = c.lookup("one.test", DnsType.A);
            CompletableFuture<DnsAnswer> two = c.lookup("two.test", DnsType.A);
            assertThat(one.get(5, TimeUnit.SECONDS).values()).containsExactly("127.0.0.1");
            assertThat(two.get(5, TimeUnit.SECONDS).values()).containsExactly("127.0.0.2");
            assertThat(dns.seen()).hasSize(2);
            awaitNoSockets(c);
        }
    }

    @Test
    void aSilentFirstServerCostsOneTryAndTheSecondAnswers() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ScriptedDnsResponder dns = new ScriptedDnsResponder(q -> q.send(q.replyA(REAL)));
                DnsjavaClient c = client(Duration.ofMillis(1200),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), dns.address())) {
            DnsAnswer answer = c.lookup("dead-first.test", DnsType.A).get(5, TimeUnit.SECONDS);
            assertThat(answer.values()).containsExactly(REAL);
            assertThat(dns.seen()).hasSize(1);
        }
    }

    @Test
    void aClosedFirstServerIsSkippedAtOnce() throws Exception {
        int closedPort;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closedPort = s.getLocalPort();
        }
        // a long budget: if the refused try were not given up at once (ICMP port unreachable), the second server
        // would only be asked after 4 s / 4 tries = 1 s; the answer is asserted, not the time
        try (ScriptedDnsResponder dns = new ScriptedDnsResponder(q -> q.send(q.replyA(REAL)));
                DnsjavaClient c = client(Duration.ofMillis(4000),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort), dns.address())) {
            assertThat(c.lookup("closed-first.test", DnsType.A).get(5, TimeUnit.SECONDS).values())
                    .containsExactly(REAL);
        }
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcpAndValidatedThere() throws Exception {
        String longText = "x".repeat(200);
        try (ScriptedDnsResponder dns = new ScriptedDnsResponder(q -> {
            Message tc = q.reply();
            tc.getHeader().setFlag(Flags.TC);
            q.send(tc);
        }, q -> {
            Message forged = q.reply();
            forged.getHeader().setID(q.id() ^ 1);
            if (q.name().toString().startsWith("forged")) {
                q.send(forged);
                return;
            }
            Message m = q.reply();
            for (int i = 0; i < 4; i++) {
                m.addRecord(new TXTRecord(q.name(), DClass.IN, 60, longText + i), Section.ANSWER);
            }
            q.send(m);
        }); DnsjavaClient c = client(Duration.ofMillis(1500), dns.address())) {
            DnsAnswer answer = c.lookup("big.test", DnsType.TXT).get(5, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(DnsAnswer.Status.ANSWER);
            assertThat(answer.values()).hasSize(4).allSatisfy(v -> assertThat(v).startsWith(longText));
            assertThat(dns.tcpQuestions()).isEqualTo(1);
            DnsAnswer forged = c.lookup("forged.test", DnsType.TXT).get(5, TimeUnit.SECONDS);
            assertThat(forged.status().isDefinite()).isFalse();
        }
    }

    @Test
    void anAnswerToTheFirstTryIsTakenAfterTheSecondTryWasSent() throws Exception {
        // dns.timeout-ms = 800 with one server: two tries of 400 ms. The first try's answer comes at 700 ms.
        try (ScriptedDnsResponder dns = new ScriptedDnsResponder(q -> {
            if (q.seenCount == 1) {
                q.later(700, r -> r.send(r.replyA(REAL)));
            }
        }); DnsjavaClient c = client(Duration.ofMillis(800), dns.address())) {
            DnsAnswer answer = c.lookup("late.test", DnsType.A).get(5, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(DnsAnswer.Status.ANSWER);
            assertThat(answer.values()).containsExactly(REAL);
            List<ScriptedDnsResponder.Seen> seen = dns.seen();
            assertThat(seen).hasSize(2);
            // the second try went out with a new ID from a new source port
            assertThat(seen.get(1).id).isNotEqualTo(seen.get(0).id);
            assertThat(seen.get(1).port).isNotEqualTo(seen.get(0).port);
            awaitNoSockets(c);
        }
    }

    @Test
    void sourcePortsAndIdsAreFreshForEveryQuestion() throws Exception {
        int n = 1000;
        try (ScriptedDnsResponder dns = new ScriptedDnsResponder(q -> q.send(q.replyA(REAL)));
                DnsjavaClient c = new DnsjavaClient(DnsSettings.builder().servers(List.of(dns.address()))
                        .queryTimeout(Duration.ofMillis(3000)).cacheSize(0).build())) {
            List<CompletableFuture<DnsAnswer>> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(c.lookup("q" + i + ".ports.test", DnsType.A));
                if (batch.size() == 50) {
                    for (CompletableFuture<DnsAnswer> f : batch) {
                        assertThat(f.get(10, TimeUnit.SECONDS).values()).containsExactly(REAL);
                    }
                    batch.clear();
                }
            }
            List<ScriptedDnsResponder.Seen> seen = dns.seen();
            Set<Integer> ports = new HashSet<>();
            Set<Integer> ids = new HashSet<>();
            for (ScriptedDnsResponder.Seen s : seen) {
                ports.add(s.port);
                ids.add(s.id);
            }
            System.out.printf("DNS source randomness: %d questions, %d distinct source ports, %d distinct IDs%n",
                    seen.size(), ports.size(), ids.size());
            assertThat(seen).hasSize(n);
            // Random choices among ~28,000 ports and 65,536 IDs: about 983 and 992 distinct values are expected
            // out of 1,000; a fixed pool of sockets or a counter would give far fewer (or a telltale sequence).
            assertThat(ports).hasSizeGreaterThanOrEqualTo(900);
            assertThat(ids).hasSizeGreaterThanOrEqualTo(900);
            awaitNoSockets(c);
        }
    }

    /** Sockets are closed when a question ends (on the I/O thread, at most one tick later). */
    private static void awaitNoSockets(DnsjavaClient c) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (c.openSockets() != 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(c.openSockets()).isZero();
    }
}
