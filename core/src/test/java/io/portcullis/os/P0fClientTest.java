package io.portcullis.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.P0fDaemon;
import io.portcullis.verdict.Finding;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The p0f client against a real p0f 3.09b daemon capturing on {@code lo} (root): a SYN crafted with scapy carrying
 * a Windows 7/8 signature (TTL 128 - 3 hops, {@code mss,nop,ws,nop,nop,sok}, window 8192, MSS 1452 = DSL) is
 * reported as Windows 7 or 8 by the stock database; a default Linux client as Linux; a Linux client with an 8192-byte
 * receive buffer is relabelled as Windows XP by the test's own fingerprint file. Raw answers are decoded field by
 * field; p0f killed and restarted; an API server that never answers (timeout, in-flight cap).
 */
class P0fClientTest {
    static final AtomicInteger NEXT = new AtomicInteger(40);
    static P0fDaemon p0f;
    static ServerSocket server;
    static Path fingerprints;

    @BeforeAll
    static void startP0f(@TempDir Path dir) throws Exception {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 200);
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    server.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        }, "p0f-test-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        fingerprints = P0fDaemon.relabelled(dir, Map.of("*:64:0:*:8192,0:mss,sok,ts,nop,ws:df,id+:0",
                "s:win:Windows:XP"));
        p0f = P0fDaemon.startOrSkip("tcp dst port " + server.getLocalPort(), fingerprints);
    }

    @AfterAll
    static void stop() throws IOException {
        if (p0f != null) {
            p0f.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A fresh loopback client address (p0f keys its records by address). */
    static InetAddress nextClient() throws IOException {
        return InetAddress.getByName("127.0.0." + NEXT.getAndIncrement());
    }

    /** A real TCP connection from {@code client} (receive buffer set before the SYN when positive). */
    static void connect(InetAddress client, int receiveBuffer) throws IOException {
        try (Socket s = new Socket()) {
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.bind(new InetSocketAddress(client, 0));
            s.connect(server.getLocalSocketAddress(), 5000);
        }
    }

    static P0fClient client(Path socket, long timeoutMs, int maxInFlight) {
        return new P0fClient(socket, Duration.ofMillis(timeoutMs), Duration.ofMillis(timeoutMs), maxInFlight, null);
    }

    @Test
    void craftedWindowsSynIsWindows7Or8AndEveryFieldDecoded() throws Exception {
        InetAddress c = nextClient();
        long before = System.currentTimeMillis() / 1000;
        P0fDaemon.sendWindowsSyn(c.getHostAddress(), "127.0.0.1", server.getLocalPort(), 125, 8192, 1452, 8);
        try (P0fClient p = client(p0f.socket(), 2000, 10)) {
            OsReport r = p.lookup(c).get(5, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.toString()).isEqualTo(OsReport.Status.FOUND);
            P0fAnswer a = r.answer();
            assertThat(a.status()).isEqualTo(P0fAnswer.Status.OK);
            assertThat(a.osName()).isEqualTo("Windows");
            assertThat(a.osFlavor()).isEqualTo("7 or 8");
            assertThat(a.matchQuality()).as("an exact match of a specific signature").isZero();
            assertThat(a.distance()).as("TTL 125 from an initial 128").isEqualTo(3);
            assertThat(a.linkType()).as("MSS 1452 = MTU 1492").isEqualTo("DSL");
            assertThat(a.totalConnections()).isEqualTo(1);
            assertThat(a.firstSeen()).isBetween(before - 1, before + 60);
            assertThat(a.lastSeen()).isEqualTo(a.firstSeen());
            assertThat(a.uptimeMinutes()).as("no TCP timestamps in the SYN").isZero();
            assertThat(a.uptimeModuloDays()).isZero();
            assertThat(a.lastNat()).isZero();
            assertThat(a.lastChange()).isZero();
            assertThat(a.badSoftware()).isZero();
            assertThat(a.httpName()).isEmpty();
            assertThat(a.httpFlavor()).isEmpty();
            assertThat(a.language()).isEmpty();
            OsRules rules = new OsRules(List.of(new OsRules.Glob("win", "Windows*", 12)),
                    List.of(new OsRules.Glob("dsl", "DSL", 2)), 3, 1, false);
            assertThat(rules.findings(r)).extracting(Finding::rule, Finding::score).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("OS", 12.0), org.assertj.core.groups.Tuple.tuple("LINK", 2.0),
                    org.assertj.core.groups.Tuple.tuple("DISTANCE", 1.0));
            assertThat(rules.findings(r).get(0).detail()).startsWith("Windows 7 or 8 (exact), distance 3, link DSL: "
                    + "client-ip " + c.getHostAddress());
        }
    }

    @Test
    void defaultLinuxClientIsLinux() throws Exception {
        InetAddress c = nextClient();
        try (P0fClient p = client(p0f.socket(), 2000, 10)) {
            connect(c, 0);
            OsReport r = p.lookup(c).get(5, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.toString()).isEqualTo(OsReport.Status.FOUND);
            P0fAnswer a = r.answer();
            assertThat(a.osName()).isEqualTo("Linux");
            assertThat(a.osFlavor()).isEqualTo("2.2.x-3.x");
            assertThat(a.generic()).as("the loopback SYN matches the generic Linux signature").isTrue();
            assertThat(a.distance()).isZero();
            assertThat(a.linkType()).as("MTU 65535 is not in the stock database").isEmpty();
            assertThat(a.totalConnections()).isEqualTo(1);
            assertThat(a.uptimeMinutes()).as("Linux sends TCP timestamps, but one SYN gives no uptime").isZero();
            OsRules rules = new OsRules(List.of(new OsRules.Glob("win", "Windows*", 12)), List.of(), -1, 1, false);
            assertThat(rules.findings(r)).isEmpty();
        }
    }

    @Test
    void relabelledLinuxSynIsWindowsXp() throws Exception {
        InetAddress c = nextClient();
        try (P0fClient p = client(p0f.socket(), 2000, 10)) {
            connect(c, 8192);
            OsReport r = p.lookup(c).get(5, TimeUnit.SECONDS);
            assertThat(r.answer().os()).as(r.toString()).isEqualTo("Windows XP");
            // p0f writes its log through stdio buffering: wait for the line rather than read it at once
            String log = p0f.logText();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log.contains("cli=" + c.getHostAddress()) && System.nanoTime() < until) {
                Thread.sleep(50);
                log = p0f.logText();
            }
            assertThat(log).contains("cli=" + c.getHostAddress()).contains(":8192,0:mss,sok,ts,nop,ws:");
        }
    }

    @Test
    void unseenAddressIsNoMatchAfterRetries() throws Exception {
        try (P0fClient p = new P0fClient(p0f.socket(), Duration.ofMillis(1000), Duration.ofMillis(60), 10, null)) {
            OsReport r = p.lookup(InetAddress.getByName("127.0.0.250")).get(5, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(OsReport.Status.NO_MATCH);
            assertThat(r.answer().status()).isEqualTo(P0fAnswer.Status.NO_MATCH);
            assertThat(r.queries()).as("asked again while within the retry window").isGreaterThan(1);
        }
    }

    @Test
    void pipelinedQueriesAreMatchedToTheirAddresses() throws Exception {
        InetAddress linux = nextClient();
        InetAddress xp = nextClient();
        connect(linux, 0);
        connect(xp, 8192);
        try (P0fClient p = client(p0f.socket(), 3000, 1000)) {
            assertThat(p.lookup(xp).get(5, TimeUnit.SECONDS).answer().os()).isEqualTo("Windows XP");
            assertThat(p.lookup(linux).get(5, TimeUnit.SECONDS).answer().osName()).isEqualTo("Linux");
            List<CompletableFuture<OsReport>> all = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                all.add(p.lookup(i % 2 == 0 ? linux : xp));
            }
            for (int i = 0; i < all.size(); i++) {
                OsReport r = all.get(i).get(10, TimeUnit.SECONDS);
                assertThat(r.address()).isEqualTo(i % 2 == 0 ? linux : xp);
                assertThat(r.answer().osName() + " " + r.answer().osFlavor()).isEqualTo(i % 2 == 0
                        ? "Linux 2.2.x-3.x" : "Windows XP");
            }
            assertThat(p.connections()).as("one connection, pipelined").isEqualTo(1);
        }
    }

    @Test
    void p0fKilledAnswersUnknownAtOnceAndARestartedP0fIsFoundAgain() throws Exception {
        InetAddress c = nextClient();
        connect(c, 0);
        try (P0fClient p = client(p0f.socket(), 2000, 10)) {
            assertThat(p.lookup(c).get(5, TimeUnit.SECONDS).found()).isTrue();
            p0f.kill();
            long start = System.nanoTime();
            OsReport down = p.lookup(c).get(5, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(down.status()).isEqualTo(OsReport.Status.UNKNOWN);
            assertThat(down.reason()).containsAnyOf("closed the connection", "cannot connect", "unreachable");
            assertThat(ms).as("a dead p0f is not waited for").isLessThan(1000);
            OsReport again = p.lookup(c).get(5, TimeUnit.SECONDS);
            assertThat(again.status()).isEqualTo(OsReport.Status.UNKNOWN);
            p0f.startProcess();
            connect(c, 0);
            OsReport back = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                back = p.lookup(c).get(5, TimeUnit.SECONDS);
                if (back.found()) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(back.found()).as(String.valueOf(back)).isTrue();
            assertThat(back.answer().osName()).isEqualTo("Linux");
            assertThat(p.connections()).as("connected again after the restart").isEqualTo(2);
        } finally {
            p0f.startProcess();
        }
    }

    @Test
    void silentServerTimesOutAndTheInFlightCapAnswersAtOnce(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("silent.sock");
        Process py = new ProcessBuilder(P0fDaemon.PYTHON.toString(), "-c", "import socket,sys,time\n"
                + "s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(5)\n"
                + "c=s.accept()\nprint('accepted', flush=True)\ntime.sleep(60)\n", sock.toString())
                .redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(sock) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            try (P0fClient p = client(sock, 300, 1)) {
                CompletableFuture<OsReport> first = p.lookup(InetAddress.getByName("127.0.0.2"));
                OsReport second = p.lookup(InetAddress.getByName("127.0.0.3")).get(1, TimeUnit.SECONDS);
                assertThat(second.status()).isEqualTo(OsReport.Status.UNKNOWN);
                assertThat(second.reason()).contains("in-flight cap");
                OsReport r = first.get(5, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(OsReport.Status.UNKNOWN);
                assertThat(r.reason()).contains("no answer from p0f within 300 ms");
                assertThat(p.inFlight()).isZero();
            }
        } finally {
            py.destroyForcibly();
        }
    }
}
