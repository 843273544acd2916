package io.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.junit.jupiter.api.Test;

class ReadGateTest {
    /** Records setReadable calls with the time since creation. */
    static final class FakeTransport implements ProtocolTransport {
        final long t0 = System.nanoTime();
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile boolean readable = true;
        volatile long lastResumeMs = -1;

        @Override
        public void setReadable(boolean r) {
            readable = r;
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (r) {
                lastResumeMs = ms;
            }
            events.add(r ? "resume" : "pause");
        }

        @Override
        public boolean isReadable() {
            return readable;
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return null;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return null;
        }

        @Override
        public String getId() {
            return "fake";
        }

        @Override
        public boolean isTLSStarted() {
            return false;
        }

        @Override
        public boolean isStartTLSSupported() {
            return false;
        }

        @Override
        public Optional<SSLSession> getSSLSession() {
            return Optional.empty();
        }

        @Override
        public boolean isProxyRequired() {
            return false;
        }

        @Override
        public void writeResponse(Response response, ProtocolSession session) {
        }

        @Override
        public void popLineHandler() {
        }

        @Override
        public void pushLineHandler(LineHandler<? extends ProtocolSession> overrideCommandHandler,
                ProtocolSession session) {
        }
    }

    private static void awaitReadable(FakeTransport t, long maxMs) throws InterruptedException {
        long end = System.currentTimeMillis() + maxMs;
        while (!t.readable && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
    }

    @Test
    void delayPausesReadsAndResumesFromTheTimer() throws Exception {
        FakeTransport t = new FakeTransport();
        ReadGate g = new ReadGate(t);
        g.delay(200);
        assertThat(t.readable).isFalse();
        assertThat(g.isPaused()).isTrue();
        awaitReadable(t, 2000);
        assertThat(t.readable).isTrue();
        assertThat(t.lastResumeMs).isBetween(190L, 1000L);
        assertThat(t.events).containsExactly("pause", "resume");
        assertThat(g.isPaused()).isFalse();
    }

    @Test
    void delaysRequestedDuringAPauseAddUp() throws Exception {
        FakeTransport t = new FakeTransport();
        ReadGate g = new ReadGate(t);
        g.delay(150);
        g.delay(150);
        g.delay(150);
        awaitReadable(t, 3000);
        assertThat(t.lastResumeMs).isGreaterThanOrEqualTo(440L);
        assertThat(t.events).containsExactly("pause", "resume"); // one pause, one resume
    }

    @Test
    void evidenceReleasesAsSoonAsItCompletes() throws Exception {
        FakeTransport t = new FakeTransport();
        ReadGate g = new ReadGate(t);
        CompletableFuture<Void> lookup = new CompletableFuture<>();
        g.awaitEvidence(lookup, 5000);
        assertThat(t.readable).isFalse();
        Thread.sleep(100);
        lookup.complete(null);
        awaitReadable(t, 2000);
        assertThat(t.readable).isTrue();
        assertThat(t.lastResumeMs).isLessThan(2000L);
    }

    @Test
    void evidenceThatNeverComesIsGivenUpAtTheBudget() throws Exception {
        FakeTransport t = new FakeTransport();
        ReadGate g = new ReadGate(t);
        g.awaitEvidence(new CompletableFuture<Void>(), 200);
        awaitReadable(t, 3000);
        assertThat(t.readable).isTrue();
        assertThat(t.lastResumeMs).isBetween(190L, 1500L);
    }

    @Test
    void finishedEvidenceOrNoBudgetDoesNotPause() {
        FakeTransport t = new FakeTransport();
        ReadGate g = new ReadGate(t);
        g.awaitEvidence(CompletableFuture.completedFuture(null), 1000);
        g.awaitEvidence(new CompletableFuture<Void>(), 0);
        g.delay(0);
        assertThat(t.events).isEmpty();
    }

    @Test
    void aFixedDelayOutlastsEarlierEvidence() throws Exception {
        FakeTransport t = new FakeTransport();
        ReadGate g = new ReadGate(t);
        CompletableFuture<Void> lookup = new CompletableFuture<>();
        g.awaitEvidence(lookup, 5000);
        g.delay(300);
        lookup.complete(null);
        Thread.sleep(100);
        assertThat(t.readable).as("still held by the delay").isFalse();
        awaitReadable(t, 3000);
        assertThat(t.lastResumeMs).isGreaterThanOrEqualTo(290L);
    }

    @Test
    void closeCancelsTheResume() throws Exception {
        FakeTransport t = new FakeTransport();
        ReadGate g = new ReadGate(t);
        g.delay(100);
        g.close();
        Thread.sleep(300);
        assertThat(t.events).containsExactly("pause");
        g.delay(100); // after close: ignored
        assertThat(t.events).containsExactly("pause");
    }

    @Test
    void pausedConnectionsAreCountedUntilResumedOrClosed() throws Exception {
        int before = ReadGate.pausedNow();
        FakeTransport held = new FakeTransport();
        ReadGate closedWhileHeld = new ReadGate(held);
        closedWhileHeld.delay(5000);
        closedWhileHeld.delay(5000); // still one paused connection
        FakeTransport waiting = new FakeTransport();
        ReadGate resumed = new ReadGate(waiting);
        CompletableFuture<Void> lookup = new CompletableFuture<>();
        resumed.awaitEvidence(lookup, 5000);
        assertThat(ReadGate.pausedNow()).isEqualTo(before + 2);
        closedWhileHeld.close();
        closedWhileHeld.close();
        assertThat(ReadGate.pausedNow()).isEqualTo(before + 1);
        lookup.complete(null);
        awaitReadable(waiting, 2000);
        assertThat(ReadGate.pausedNow()).isEqualTo(before);
        resumed.close();
        assertThat(ReadGate.pausedNow()).isEqualTo(before);
    }
}
