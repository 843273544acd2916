package io.portcullis.os;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An asynchronous client of the p0f 3 API socket (a Unix-domain stream socket), on Java 11 through netty's native
 * epoll transport (which James 3.8.1 ships). One event-loop thread of its own and one connection, on which queries
 * are pipelined: p0f answers the queries of a connection one after the other, in order, so the answers are matched
 * to the queries first-in first-out.
 *
 * <p>A {@link #lookup} never blocks the caller and never fails: it completes with an {@link OsReport} within the
 * timeout. While p0f has no record of the address (status no-match: its capture may not have handed it the client's
 * SYN yet), the query is repeated every {@link #RETRY_INTERVAL_MS} ms for at most the retry window. Over the in-flight
 * cap, or while p0f is unreachable, a lookup answers "unknown" at once; after a failed connection attempt the next
 * one waits {@link #RECONNECT_MS} ms, so a dead p0f costs nothing but a quick refusal. When p0f restarts (or closes
 * the connection), the next lookup connects again. A connection on which p0f stops answering is closed when its
 * oldest query is {@code 4 x timeout} old (at least one second), so later queries are not stuck behind it.
 *
 * <p>Thread-safe.
 */
public final class P0fClient implements AutoCloseable {
    /** Pause between two queries of a lookup while p0f has no record of the address. */
    public static final long RETRY_INTERVAL_MS = 10;
    /** Least pause between two connection attempts after one failed. */
    static final long RECONNECT_MS = 1000;

    /** Told of every finished lookup (metrics). Must be cheap and never throw. */
    public interface Listener {
        void looked(OsReport report, long nanos);

        Listener NONE = (r, n) -> { };
    }

    private final Path socket;
    private final long timeoutNanos;
    private final long retryNanos;
    private final int maxInFlight;
    private final Listener listener;
    private final String unavailable;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    // --- confined to the event loop ---
    private Channel channel;
    private boolean connecting;
    private final ArrayDeque<Attempt> waitingForConnection = new ArrayDeque<>();
    private final ArrayDeque<Attempt> sent = new ArrayDeque<>();
    private long nextConnectNanos;
    private String lastError = "";
    private volatile long connections;

    /**
     * @param socket p0f's API socket ({@code p0f -s PATH})
     * @param timeout longest time of a lookup, retries included
     * @param retry how long a "no match" is asked again (at most the timeout)
     * @param maxInFlight lookups running at once; beyond, "unknown" at once
     */
    public P0fClient(Path socket, Duration timeout, Duration retry, int maxInFlight, Listener listener) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.timeoutNanos = timeout.toNanos();
        this.retryNanos = Math.min(retry.toNanos(), timeoutNanos);
        if (timeoutNanos <= 0 || maxInFlight <= 0) {
            throw new IllegalArgumentException("the timeout and the in-flight cap must be positive");
        }
        this.maxInFlight = maxInFlight;
        this.listener = listener == null ? Listener.NONE : listener;
        String why = transportUnavailability();
        this.unavailable = why;
        if (why != null) {
            this.group = null;
            this.loop = null;
            this.bootstrap = null;
            return;
        }
        this.group = new EpollEventLoopGroup(1, new DefaultThreadFactory("portcullis-p0f", true));
        this.loop = group.next();
        this.bootstrap = new Bootstrap().group(loop).channel(EpollDomainSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(
                        timeoutNanos)))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Answers());
                    }
                });
    }

    /** Why Unix-domain sockets cannot be used here (no native epoll transport), or null when they can. */
    public static String transportUnavailability() {
        try {
            if (Epoll.isAvailable()) {
                return null;
            }
            Throwable t = Epoll.unavailabilityCause();
            return "netty's native epoll transport is not available: " + (t == null ? "?" : t.toString());
        } catch (LinkageError e) {
            return "netty's native epoll transport is not on the class path: " + e;
        }
    }

    public Path socket() {
        return socket;
    }

    /** Lookups running now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Connections made to p0f so far (a restart of p0f shows as one more). */
    public long connections() {
        return connections;
    }

    /**
     * What p0f knows about {@code address}. Never blocks, never completes exceptionally; completes within the
     * timeout (on this client's thread: do not block in what is chained to it).
     */
    public CompletableFuture<OsReport> lookup(InetAddress address) {
        long start = System.nanoTime();
        if (address == null || !P0fAnswer.askable(address)) {
            return done(OsReport.unknown(address, "no address to ask about", 0), start, false);
        }
        if (unavailable != null) {
            return done(OsReport.unknown(address, unavailable, 0), start, false);
        }
        if (closed.get()) {
            return done(OsReport.unknown(address, "the p0f client is closed", 0), start, false);
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            return done(OsReport.unknown(address, "over the in-flight cap (" + maxInFlight + ")", 0), start, true);
        }
        Lookup l = new Lookup(address, start);
        try {
            loop.execute(() -> begin(l));
        } catch (RuntimeException e) { // rejected: shutting down
            l.finish(OsReport.unknown(address, "the p0f client is closed", 0));
        }
        return l.result;
    }

    private CompletableFuture<OsReport> done(OsReport r, long start, boolean counted) {
        if (counted) {
            inFlight.decrementAndGet();
        }
        tell(r, System.nanoTime() - start);
        return CompletableFuture.completedFuture(r);
    }

    private void tell(OsReport r, long nanos) {
        try {
            listener.looked(r, nanos);
        } catch (RuntimeException e) {
            // a listener must not break lookups
        }
    }

    // ------------------------------------------------------------------ on the event loop

    private void begin(Lookup l) {
        l.timer = loop.schedule(() -> l.finish(OsReport.unknown(l.address, "no answer from p0f within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", l.queries)), timeoutNanos, TimeUnit.NANOSECONDS);
        send(new Attempt(l));
    }

    private void send(Attempt a) {
        if (a.lookup.result.isDone()) {
            return;
        }
        Channel c = channel;
        if (c != null && c.isActive()) {
            write(c, a);
            return;
        }
        if (connecting) {
            waitingForConnection.add(a);
            return;
        }
        long now = System.nanoTime();
        if (nextConnectNanos - now > 0) {
            a.lookup.finish(OsReport.unknown(a.lookup.address, "p0f unreachable at " + socket + " (" + lastError
                    + "); next try in " + TimeUnit.NANOSECONDS.toMillis(nextConnectNanos - now) + " ms",
                    a.lookup.queries));
            return;
        }
        connecting = true;
        waitingForConnection.add(a);
        ChannelFuture f;
        try {
            f = bootstrap.connect(new DomainSocketAddress(socket.toString()));
        } catch (RuntimeException e) {
            connectFailed(e);
            return;
        }
        f.addListener(done -> {
            connecting = false;
            if (done.isSuccess()) {
                channel = f.channel();
                connections++;
                List<Attempt> ready = new ArrayList<>(waitingForConnection);
                waitingForConnection.clear();
                for (Attempt w : ready) {
                    if (!w.lookup.result.isDone()) {
                        write(channel, w);
                    }
                }
            } else {
                connectFailed(done.cause());
            }
        });
    }

    private void connectFailed(Throwable cause) {
        connecting = false;
        lastError = cause == null ? "?" : cause.getMessage() == null ? cause.toString() : cause.getMessage();
        nextConnectNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_MS);
        List<Attempt> failed = new ArrayList<>(waitingForConnection);
        waitingForConnection.clear();
        for (Attempt w : failed) {
            w.lookup.finish(OsReport.unknown(w.lookup.address, "cannot connect to p0f at " + socket + ": " + lastError,
                    w.lookup.queries));
        }
    }

    private void write(Channel c, Attempt a) {
        a.sentNanos = System.nanoTime();
        a.lookup.queries++;
        sent.add(a);
        c.writeAndFlush(Unpooled.wrappedBuffer(P0fAnswer.query(a.lookup.address))).addListener(w -> {
            if (!w.isSuccess()) {
                c.close();
            }
        });
        closeIfStuck();
    }

    /** p0f stopped answering on this connection: close it (its queries fail; later ones connect anew). */
    private void closeIfStuck() {
        Attempt head = sent.peek();
        long stuckNanos = Math.max(TimeUnit.SECONDS.toNanos(1), 4 * timeoutNanos);
        if (head != null && System.nanoTime() - head.sentNanos > stuckNanos && channel != null) {
            lastError = "p0f stopped answering";
            channel.close();
        }
    }

    private void answered(P0fAnswer answer) {
        Attempt a = sent.poll();
        if (a == null) {
            return; // an answer nobody asked for: ignored
        }
        Lookup l = a.lookup;
        if (l.result.isDone()) {
            return; // timed out meanwhile
        }
        OsReport r = OsReport.of(l.address, answer, l.queries);
        long now = System.nanoTime();
        long next = now + TimeUnit.MILLISECONDS.toNanos(RETRY_INTERVAL_MS);
        if (r.status() == OsReport.Status.NO_MATCH && next - (l.startNanos + retryNanos) < 0) {
            loop.schedule(() -> send(new Attempt(l)), RETRY_INTERVAL_MS, TimeUnit.MILLISECONDS);
            return;
        }
        l.finish(r);
    }

    private void connectionLost(Channel c, String why) {
        if (c != channel) {
            return;
        }
        channel = null;
        List<Attempt> lost = new ArrayList<>(sent);
        sent.clear();
        for (Attempt a : lost) {
            a.lookup.finish(OsReport.unknown(a.lookup.address, why, a.lookup.queries));
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || group == null) {
            return;
        }
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ state

    /** One lookup: its result, timer and the number of queries sent. */
    private final class Lookup {
        final InetAddress address;
        final long startNanos;
        final CompletableFuture<OsReport> result = new CompletableFuture<>();
        io.netty.util.concurrent.ScheduledFuture<?> timer;
        int queries;

        Lookup(InetAddress address, long startNanos) {
            this.address = address;
            this.startNanos = startNanos;
        }

        void finish(OsReport r) {
            if (result.isDone()) {
                return;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            inFlight.decrementAndGet();
            tell(r, System.nanoTime() - startNanos);
            result.complete(r);
        }
    }

    /** One query on the wire (a lookup may send several while p0f has no record). */
    private static final class Attempt {
        final Lookup lookup;
        long sentNanos;

        Attempt(Lookup lookup) {
            this.lookup = lookup;
        }
    }

    /** Reads 232-byte answers and hands them out in order. */
    private final class Answers extends ChannelInboundHandlerAdapter {
        private final byte[] partial = new byte[P0fAnswer.ANSWER_SIZE];
        private int have;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                while (in.isReadable()) {
                    int n = Math.min(in.readableBytes(), partial.length - have);
                    in.readBytes(partial, have, n);
                    have += n;
                    if (have == partial.length) {
                        have = 0;
                        P0fAnswer a;
                        try {
                            a = P0fAnswer.decode(partial);
                        } catch (IllegalArgumentException e) {
                            lastError = "garbled answer: " + e.getMessage();
                            connectionLost(ctx.channel(), "p0f sent a garbled answer: " + e.getMessage());
                            ctx.close();
                            return;
                        }
                        answered(a);
                    }
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            have = 0;
            connectionLost(ctx.channel(), "p0f closed the connection");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lastError = String.valueOf(cause.getMessage());
            ctx.close();
        }
    }
}
