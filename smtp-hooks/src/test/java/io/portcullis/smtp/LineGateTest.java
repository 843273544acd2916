package io.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The line gate in a real Netty pipeline (EmbeddedChannel: framer → gate → a fake core handler that answers each
 * command at once, as James's does, and records what it saw).
 */
class LineGateTest {
    /** Records each line it receives and answers it (354 to DATA, 250 otherwise; nothing for body lines). */
    static final class FakeCore extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();
        boolean inData;
        Runnable afterEachReply = () -> { };

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            String line = b.toString(StandardCharsets.US_ASCII).trim();
            b.release();
            seen.add(line);
            if (inData) {
                if (line.equals(".")) {
                    inData = false;
                    ctx.writeAndFlush(Unpooled.copiedBuffer("250 queued\r\n", StandardCharsets.US_ASCII));
                    afterEachReply.run();
                }
                return;
            }
            if (line.equalsIgnoreCase("DATA")) {
                inData = true;
                ctx.writeAndFlush(Unpooled.copiedBuffer("354 go\r\n", StandardCharsets.US_ASCII));
            } else {
                ctx.writeAndFlush(Unpooled.copiedBuffer("250 ok\r\n", StandardCharsets.US_ASCII));
            }
            afterEachReply.run();
        }
    }

    /** Holds RCPT and the end of the message on a future, with a deadline far away unless set. */
    static final class Evidence implements LineGate.Holds {
        CompletableFuture<?> rcpt;
        CompletableFuture<?> end;
        final List<String> headerSections = new ArrayList<>();

        @Override
        public void headersEnded(String section) {
            headerSections.add(section);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);

        @Override
        public CompletableFuture<?> evidenceFor(LineGate.Kind kind) {
            return kind == LineGate.Kind.RCPT ? rcpt : kind == LineGate.Kind.END_OF_DATA ? end : null;
        }

        @Override
        public long deadlineNanos(LineGate.Kind kind) {
            return deadline;
        }
    }

    private final FakeCore core = new FakeCore();
    private final Evidence evidence = new Evidence();
    private final LineGate gate = new LineGate(evidence);
    private final EmbeddedChannel channel = new EmbeddedChannel(new LineBasedFrameDecoder(8192), gate, core);

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private List<String> replies() {
        List<String> out = new ArrayList<>();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            out.add(b.toString(StandardCharsets.US_ASCII).trim());
            b.release();
        }
        return out;
    }

    @Test
    void aPipelinedTransactionStopsAtRcptUntilTheEvidenceIsIn() {
        CompletableFuture<Void> lists = new CompletableFuture<>();
        evidence.rcpt = lists;
        send("EHLO bot\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@local.test>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n"
                + "QUIT\r\n");
        assertThat(core.seen).containsExactly("EHLO bot", "MAIL FROM:<a@b.example>");
        assertThat(replies()).containsExactly("250 ok", "250 ok");
        assertThat(gate.pending()).isTrue();
        assertThat(channel.config().isAutoRead()).isFalse();

        lists.complete(null);
        channel.runPendingTasks();
        assertThat(core.seen).containsExactly("EHLO bot", "MAIL FROM:<a@b.example>", "RCPT TO:<u@local.test>", "DATA",
                "Subject: x", "", "body", ".", "QUIT");
        assertThat(replies()).containsExactly("250 ok", "354 go", "250 queued", "250 ok");
        assertThat(gate.pending()).isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void theDeadlineReleasesALineWhoseEvidenceNeverComes() throws Exception {
        evidence.rcpt = new CompletableFuture<>();
        evidence.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        send("MAIL FROM:<a@b.example>\r\nRCPT TO:<u@local.test>\r\n");
        assertThat(core.seen).containsExactly("MAIL FROM:<a@b.example>");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (core.seen.size() < 2 && System.nanoTime() < until) {
            Thread.sleep(10);
            channel.runScheduledPendingTasks();
        }
        assertThat(core.seen).containsExactly("MAIL FROM:<a@b.example>", "RCPT TO:<u@local.test>");
    }

    @Test
    void theEndOfTheMessageWaitsButBodyLinesDoNot() {
        CompletableFuture<Void> all = new CompletableFuture<>();
        evidence.end = all;
        send("DATA\r\nline 1\r\n.line starting with a dot\r\n.\r\nQUIT\r\n");
        assertThat(core.seen).containsExactly("DATA", "line 1", ".line starting with a dot");
        all.complete(null);
        channel.runPendingTasks();
        assertThat(core.seen).endsWith(".", "QUIT");
    }

    @Test
    void theHeaderSectionIsHandedOverAtItsEndBeforeTheBodyIsIn() {
        evidence.end = new CompletableFuture<>();
        send("DATA\r\nFrom: a@b.example\r\nReceived: from x\r\n  by y\r\n\r\nbody\r\n");
        assertThat(evidence.headerSections).containsExactly("From: a@b.example\r\nReceived: from x\r\n  by y\r\n");
        CompletableFuture<Void> first = new CompletableFuture<>();
        evidence.end = first;
        send(".\r\n");
        first.complete(null);
        channel.runPendingTasks();
        evidence.end = new CompletableFuture<>();
        send("DATA\r\nSubject: no body\r\n.\r\n");
        // A message without a body: its header section ends with the final dot, handed over before the dot waits.
        assertThat(evidence.headerSections).hasSize(2).last().isEqualTo("Subject: no body\r\n");
        assertThat(core.seen).last().isEqualTo("Subject: no body");
    }

    @Test
    void aDotOutsideAMessageIsJustACommand() {
        evidence.end = new CompletableFuture<>();
        send(".\r\nNOOP\r\n");
        assertThat(core.seen).containsExactly(".", "NOOP");
    }

    @Test
    void aPartialLineStaysInTheFramerUntilItsEnd() {
        CompletableFuture<Void> lists = new CompletableFuture<>();
        evidence.rcpt = lists;
        send("MAIL FROM:<a@b.example>\r\nRC");
        assertThat(core.seen).containsExactly("MAIL FROM:<a@b.example>");
        lists.complete(null);
        send("PT TO:<u@local.test>\r\n");
        assertThat(core.seen).containsExactly("MAIL FROM:<a@b.example>", "RCPT TO:<u@local.test>");
    }

    @Test
    void quitWhileHeldIsAnsweredInItsTurn() {
        CompletableFuture<Void> lists = new CompletableFuture<>();
        evidence.rcpt = lists;
        send("RCPT TO:<u@local.test>\r\nQUIT\r\n");
        assertThat(core.seen).isEmpty();
        assertThat(replies()).isEmpty();
        lists.complete(null);
        channel.runPendingTasks();
        assertThat(core.seen).containsExactly("RCPT TO:<u@local.test>", "QUIT");
        assertThat(replies()).containsExactly("250 ok", "250 ok");
    }

    @Test
    void aConnectionClosedWhileHeldDropsItsLinesAndNeverPassesThemOn() {
        CompletableFuture<Void> lists = new CompletableFuture<>();
        evidence.rcpt = lists;
        send("RCPT TO:<u@local.test>\r\nDATA\r\n");
        channel.close();
        lists.complete(null);
        channel.runPendingTasks();
        assertThat(core.seen).isEmpty();
        assertThat(gate.pending()).isFalse();
    }

    @Test
    void theTarpitDelaysEachReplyOfAPipelinedBatchAsForALockstepClient() throws Exception {
        core.afterEachReply = () -> gate.delay(40);
        long start = System.nanoTime();
        send("EHLO a\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@local.test>\r\nQUIT\r\n");
        assertThat(core.seen).containsExactly("EHLO a");
        List<Long> at = new ArrayList<>();
        at.add(System.nanoTime());
        int seen = 1;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (core.seen.size() < 4 && System.nanoTime() < until) {
            Thread.sleep(2);
            channel.runScheduledPendingTasks();
            if (core.seen.size() > seen) {
                seen = core.seen.size();
                at.add(System.nanoTime());
            }
        }
        assertThat(core.seen).containsExactly("EHLO a", "MAIL FROM:<a@b.example>", "RCPT TO:<u@local.test>", "QUIT");
        // Each line waited for the delay after the previous reply: three delays in all, not one per batch.
        assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(at.size() - 1) - start)).isGreaterThanOrEqualTo(120);
        for (int i = 1; i < at.size(); i++) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(i) - at.get(i - 1))).isGreaterThanOrEqualTo(39);
        }
    }

    @Test
    void theFirstBodyLineAfterATarpitted354WaitsTheOthersDoNot() {
        send("DATA\r\n");
        gate.delay(60_000);
        send("line 1\r\nline 2\r\n");
        assertThat(core.seen).containsExactly("DATA");
        assertThat(gate.pending()).isTrue();
    }

    @Test
    void lineKindsAreRecognisedWhateverTheCase() {
        CompletableFuture<Void> lists = new CompletableFuture<>();
        evidence.rcpt = lists;
        send("rcpt to:<u@local.test>\r\n");
        assertThat(core.seen).isEmpty();
        assertThat(LineGate.isDot(Unpooled.copiedBuffer(".\r\n", StandardCharsets.US_ASCII))).isTrue();
        assertThat(LineGate.isDot(Unpooled.copiedBuffer("..\r\n", StandardCharsets.US_ASCII))).isFalse();
        assertThat(LineGate.isDot(Unpooled.copiedBuffer(".", StandardCharsets.US_ASCII))).isTrue();
    }
}
