package io.portcullis.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds the client's lines, one at a time and in order, until the evidence the line's decision needs is in (or
 * its budget is spent) and until the tarpit delay after the previous reply has passed — however the lines arrive.
 *
 * <p>Why: pausing socket reads does not stop lines that Netty has already read and split; a client that sends
 * {@code EHLO}, {@code MAIL}, {@code RCPT}, {@code DATA}, the body and {@code QUIT} in one write would have every
 * command answered before its DNS list answers arrive, and would pay one tarpit delay per write instead of one
 * per reply. This gate sits in the channel pipeline between James's line framer and its SMTP core handler, so each
 * command reaches James's hooks only when it may be decided: a held line is not answered (RFC 2920 keeps the
 * replies in order; nothing after it is processed either). While lines are held, socket reads are paused, so what
 * the client sends meanwhile waits in the kernel.
 *
 * <p>What holds a line ({@link Holds}, asked before each line): for {@code RCPT TO} and the end of the message
 * ({@code .} in the body) the SMTP handler's pending lookups with their deadline; for any line, the tarpit: after
 * {@link #delay} the next line waits that long. Body lines are never held except the first one after {@code 354}
 * (the reply to {@code DATA} may be tarpitted like any reply).
 *
 * <p>Runs on the channel's event loop (added without an executor, like James's core handler): every method is
 * called on that thread, except {@link #delay}, {@link #pending} and {@link #close}, which hooks call on that same
 * thread too. DNS completions and deadlines are handed to the event loop; no thread is held per connection.
 */
final class LineGate extends ChannelDuplexHandler {
    /** The pipeline name of the gate. */
    static final String NAME = "portcullisLineGate";
    /** James's SMTP core handler's pipeline name ({@code HandlerConstants.CORE_HANDLER}). */
    static final String CORE_HANDLER = "coreHandler";
    /** Lines waiting beyond this close the connection (reads are paused while lines wait, so only a flood gets here). */
    static final int MAX_QUEUED_LINES = 10_000;

    static final AtomicLong HELD = new AtomicLong();
    private static final AtomicInteger HOLDING_NOW = new AtomicInteger();

    /** What a line is, for deciding whether it must wait. */
    enum Kind {
        /** {@code RCPT TO:}: decided with the connection's and the sender's evidence. */
        RCPT,
        /** {@code MAIL FROM:}: waits for the connection's evidence (the tarpit and exemptions are settled first). */
        MAIL,
        /** The {@code .} that ends a message: decided with all the evidence. */
        END_OF_DATA,
        /** A line of the message. */
        BODY,
        /** Any other command. */
        OTHER
    }

    /** Supplies what a line must wait for; asked on the event loop just before the line would be passed on. */
    interface Holds {
        /** The evidence this line waits for, or null; {@link #deadlineNanos} bounds the wait. */
        CompletableFuture<?> evidenceFor(Kind kind);

        /** The {@code System.nanoTime()} after which the line goes on without the evidence. */
        long deadlineNanos(Kind kind);

        /**
         * The header section of the message being received has ended (its first empty line, or
         * {@link #MAX_HEADER_BYTES}): lookups that only the headers reveal can start while the body streams in.
         */
        default void headersEnded(String headerSection) {
        }
    }

    /** The most of a message's header section kept for {@link Holds#headersEnded} (the rest is not looked at). */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private final Holds holds;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean dataMode;
    private boolean firstBodyLine;
    /** The header section of the message being received, until its end; null when not collecting. */
    private java.io.ByteArrayOutputStream headers;
    private long notBeforeNanos;
    private ScheduledFuture<?> wakeUp;
    private CompletableFuture<?> waitingOn;
    private boolean holding;
    private boolean closed;
    private boolean draining;

    LineGate(Holds holds) {
        this.holds = holds;
    }

    /**
     * Puts a gate in front of James's SMTP core handler of {@code channel}. Called on the event loop from the
     * connect handler, i.e. inside the core handler's {@code channelActive}: lines already split by the framer
     * reach the core handler through the handlers in between, evaluated as they travel, so none bypasses the gate.
     */
    static LineGate install(Channel channel, Holds holds) {
        LineGate gate = new LineGate(holds);
        channel.pipeline().addBefore(CORE_HANDLER, NAME, gate);
        return gate;
    }

    /**
     * Installs a gate on the session's channel. James 3.8.1 does not expose the channel of a session: it is the
     * one {@link Channel} field of its Netty transport, read once by reflection. Empty (and logged once) when that
     * is not possible: the handler then decides on what has arrived, without holding lines.
     */
    static java.util.Optional<LineGate> installOn(org.apache.james.protocols.api.ProtocolSession session,
            Holds holds) {
        try {
            if (!(session instanceof org.apache.james.protocols.api.ProtocolSessionImpl)) {
                return java.util.Optional.empty();
            }
            Object transport = ((org.apache.james.protocols.api.ProtocolSessionImpl) session).getProtocolTransport();
            java.lang.reflect.Field f = channelField(transport.getClass());
            if (f == null) {
                return unavailable("no channel in " + transport.getClass().getName());
            }
            Channel channel = (Channel) f.get(transport);
            if (channel == null || channel.pipeline().get(CORE_HANDLER) == null) {
                return unavailable("no SMTP core handler in the channel pipeline");
            }
            return java.util.Optional.of(install(channel, holds));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return unavailable(e.toString());
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<Class<?>, java.util.Optional<java.lang.reflect.Field>>
            CHANNEL_FIELDS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private static java.lang.reflect.Field channelField(Class<?> type) {
        return CHANNEL_FIELDS.computeIfAbsent(type, t -> {
            for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    if (Channel.class.isAssignableFrom(f.getType())) {
                        f.setAccessible(true);
                        return java.util.Optional.of(f);
                    }
                }
            }
            return java.util.Optional.empty();
        }).orElse(null);
    }

    private static java.util.Optional<LineGate> unavailable(String why) {
        if (WARNED.compareAndSet(false, true)) {
            org.slf4j.LoggerFactory.getLogger(LineGate.class).warn("Portcullis: cannot hold SMTP lines until their "
                    + "evidence is in ({}); pipelining clients are decided on what has arrived", why);
        }
        return java.util.Optional.empty();
    }

    /** Connections holding lines right now (evidence or tarpit), every gate of the JVM. */
    static int holdingNow() {
        return HOLDING_NOW.get();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The next line waits {@code delayMs} from now (the tarpit: called after a reply). */
    void delay(long delayMs) {
        if (delayMs > 0) {
            notBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        }
    }

    /** True while lines are waiting. */
    boolean pending() {
        return !queue.isEmpty();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!queue.isEmpty() || draining) {
            enqueue(msg);
            return;
        }
        if (mustWait(msg)) {
            enqueue(msg);
            waitFor(msg);
            return;
        }
        pass(msg);
    }

    private void enqueue(Object msg) {
        if (queue.size() >= MAX_QUEUED_LINES) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        queue.add(msg);
        if (!holding) {
            holding = true;
            HELD.incrementAndGet();
            HOLDING_NOW.incrementAndGet();
        }
        ctx.channel().config().setAutoRead(false);
    }

    /** Passes a line to the core handler (which answers it at once, on this thread). */
    private void pass(Object msg) {
        Kind kind = kind(msg);
        if (kind == Kind.BODY && headers != null) {
            collectHeader((ByteBuf) msg);
        }
        if (kind == Kind.END_OF_DATA) {
            endHeaders();
            dataMode = false;
        }
        firstBodyLine = false;
        ctx.fireChannelRead(msg);
    }

    /** Whether the line must wait now; false once its hold has ended (deadline passed or evidence in). */
    private boolean mustWait(Object msg) {
        Kind kind = kind(msg);
        if (kind == Kind.END_OF_DATA) {
            endHeaders(); // a message without a body: its headers end here, and their lookups are waited for
        }
        long now = System.nanoTime();
        if (notBeforeNanos - now > 0 && (kind != Kind.BODY || firstBodyLine)) {
            return true;
        }
        CompletableFuture<?> evidence = holds.evidenceFor(kind);
        return evidence != null && !evidence.isDone() && holds.deadlineNanos(kind) - now > 0;
    }

    /** Schedules the next look at the head line: when its evidence completes, or at its deadline or tarpit end. */
    private void waitFor(Object head) {
        long now = System.nanoTime();
        Kind kind = kind(head);
        long wakeAt;
        if (notBeforeNanos - now > 0 && (kind != Kind.BODY || firstBodyLine)) {
            wakeAt = notBeforeNanos;
        } else {
            wakeAt = holds.deadlineNanos(kind);
            CompletableFuture<?> evidence = holds.evidenceFor(kind);
            if (evidence != null && evidence != waitingOn) {
                waitingOn = evidence;
                evidence.whenComplete((v, e) -> ctx.executor().execute(this::drain));
            }
        }
        if (wakeUp != null) {
            wakeUp.cancel(false);
        }
        wakeUp = ctx.executor().schedule(this::drain, Math.max(0, wakeAt - now), TimeUnit.NANOSECONDS);
    }

    /** Passes on the waiting lines that may go now, in order; stops at the first that must still wait. */
    private void drain() {
        if (closed || draining) {
            return;
        }
        draining = true;
        try {
            while (!queue.isEmpty() && !closed) {
                Object head = queue.peek();
                if (mustWait(head)) {
                    waitFor(head);
                    return;
                }
                queue.poll();
                pass(head);
            }
        } finally {
            draining = false;
        }
        if (queue.isEmpty() && !closed) {
            release();
            ctx.fireChannelReadComplete();
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void collectHeader(ByteBuf line) {
        int len = line.readableBytes();
        int end = line.writerIndex();
        while (end > line.readerIndex() && (line.getByte(end - 1) == '\n' || line.getByte(end - 1) == '\r')) {
            end--;
        }
        if (end == line.readerIndex()) {
            endHeaders();
            return;
        }
        if (headers.size() + len > MAX_HEADER_BYTES) {
            endHeaders();
            return;
        }
        byte[] bytes = new byte[end - line.readerIndex()];
        line.getBytes(line.readerIndex(), bytes);
        headers.write(bytes, 0, bytes.length);
        headers.write('\r');
        headers.write('\n');
    }

    private void endHeaders() {
        if (headers == null) {
            return;
        }
        String section = new String(headers.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
        headers = null;
        try {
            holds.headersEnded(section);
        } catch (RuntimeException e) {
            // lookups that could not start are done by the end-of-DATA decision and the pipeline
        }
    }

    private void release() {
        if (holding) {
            holding = false;
            HOLDING_NOW.decrementAndGet();
        }
        waitingOn = null;
        if (wakeUp != null) {
            wakeUp.cancel(false);
            wakeUp = null;
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf && startsWithIgnoreCase((ByteBuf) msg, "354")) {
            dataMode = true;
            firstBodyLine = true;
            headers = new java.io.ByteArrayOutputStream(1024);
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        close();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        close();
    }

    /** The connection is gone: waiting lines are dropped (nobody would read their replies). */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        Object m;
        while ((m = queue.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    private Kind kind(Object msg) {
        if (!(msg instanceof ByteBuf)) {
            return Kind.OTHER;
        }
        ByteBuf b = (ByteBuf) msg;
        if (dataMode) {
            return isDot(b) ? Kind.END_OF_DATA : Kind.BODY;
        }
        if (startsWithIgnoreCase(b, "RCPT")) {
            return Kind.RCPT;
        }
        if (startsWithIgnoreCase(b, "MAIL")) {
            return Kind.MAIL;
        }
        return Kind.OTHER;
    }

    /** The line is {@code .} (with or without its CRLF). */
    static boolean isDot(ByteBuf b) {
        int i = b.readerIndex();
        int end = b.writerIndex();
        while (end > i && (b.getByte(end - 1) == '\n' || b.getByte(end - 1) == '\r')) {
            end--;
        }
        return end - i == 1 && b.getByte(i) == '.';
    }

    private static boolean startsWithIgnoreCase(ByteBuf b, String prefix) {
        int i = b.readerIndex();
        if (b.writerIndex() - i < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (Character.toUpperCase((char) b.getByte(i + k)) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
