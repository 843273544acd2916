package io.portcullis.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * Sends DNS questions over UDP with one selector thread of its own, using dnsjava's {@link Message} for
 * the wire format. Written because dnsjava 3.5.2's asynchronous UDP client (the version James 3.8.1
 * ships) can leave a question unsent until its selector's one-second tick, adding a full second to
 * some lookups, and opens a socket per question; here a question goes out from the caller's thread at
 * once, on one of a few long-lived sockets per server, and its answer is read as soon as it arrives.
 *
 * <p>An answer is accepted only from the socket's server, with the question's random 16-bit ID and the
 * same question (name and type). The sockets' source ports are chosen by the OS and fixed for the life
 * of the client: point Portcullis at a resolver you run (DNS lists require that anyway), not across the
 * Internet. The time budget is split over attempts, every server twice in order, so a lost datagram
 * or a dead first server costs part of the budget, not all of it. A truncated answer (TC) is asked
 * again over TCP through dnsjava. Thread-safe.
 */
final class DnsTransport implements AutoCloseable {
    /** Sockets per server: enough to spread IDs, few enough to stay cheap. */
    static final int SOCKETS_PER_SERVER = 4;
    /** Longest the I/O thread sleeps before looking at deadlines and new attempts. */
    private static final long TICK_MS = 20;

    private final List<InetSocketAddress> servers;
    private final Duration budget;
    private final ExecutorService callbacks;
    private final Selector selector;
    private final List<Socket[]> sockets = new ArrayList<>();
    private final Queue<Attempt> started = new ConcurrentLinkedQueue<>();
    private final List<Attempt> waiting = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final Thread loop;
    private volatile boolean running = true;

    DnsTransport(List<InetSocketAddress> servers, Duration budget, ExecutorService callbacks) throws IOException {
        this.servers = List.copyOf(servers);
        this.budget = budget;
        this.callbacks = callbacks;
        this.selector = Selector.open();
        try {
            for (InetSocketAddress server : servers) {
                Socket[] pool = new Socket[SOCKETS_PER_SERVER];
                for (int i = 0; i < pool.length; i++) {
                    pool[i] = new Socket(server);
                }
                sockets.add(pool);
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        this.loop = new Thread(this::run, "portcullis-dns-io");
        loop.setDaemon(true);
        loop.start();
    }

    /** Completes with the answer, or exceptionally with {@link SocketTimeoutException} or an IOException. */
    CompletableFuture<Message> send(Message query) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        int attempts = servers.size() * 2;
        long slice = Math.max(budget.toNanos() / attempts, 1);
        start(new Query(query, result, attempts, slice), 0);
        return result;
    }

    private void start(Query q, int attempt) {
        if (q.result.isDone()) {
            return;
        }
        Socket[] pool = sockets.get(attempt % servers.size());
        Socket socket = pool[random.nextInt(pool.length)];
        int id = q.message.getHeader().getID();
        Attempt a = new Attempt(q, attempt, socket, id, System.nanoTime() + q.slice);
        if (socket.inflight.putIfAbsent(id, a) != null) {
            // the ID is in use on that socket: take another socket, or give this attempt up
            for (Socket other : pool) {
                if (other.inflight.putIfAbsent(id, a) == null) {
                    a = new Attempt(q, attempt, other, id, a.deadline);
                    other.inflight.put(id, a);
                    socket = other;
                    break;
                }
            }
            if (socket.inflight.get(id) != a) {
                next(a, new IOException("DNS ID collision on every socket"));
                return;
            }
        }
        started.add(a);
        try {
            socket.channel.write(ByteBuffer.wrap(q.wire));
        } catch (IOException | RuntimeException e) {
            socket.inflight.remove(id, a);
            next(a, e);
        }
    }

    private void next(Attempt a, Exception cause) {
        if (a.attempt + 1 < a.query.attempts) {
            start(a.query, a.attempt + 1);
        } else {
            callbacks.execute(() -> a.query.result.completeExceptionally(cause));
        }
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(65535);
        while (running) {
            try {
                selector.select(TICK_MS);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    drain((Socket) key.attachment(), buf);
                }
                Attempt a;
                while ((a = started.poll()) != null) {
                    waiting.add(a);
                }
                expire(System.nanoTime());
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // keep the loop alive: one bad datagram must not stop DNS
            }
        }
    }

    private void drain(Socket socket, ByteBuffer buf) {
        while (true) {
            buf.clear();
            int n;
            try {
                n = socket.channel.read(buf);
            } catch (IOException e) {
                // e.g. ICMP port unreachable: every question on this socket's server is lost
                for (Attempt a : socket.inflight.values()) {
                    if (socket.inflight.remove(a.id, a)) {
                        next(a, e);
                    }
                }
                return;
            }
            if (n <= 0) {
                return;
            }
            buf.flip();
            byte[] data = new byte[n];
            buf.get(data);
            accept(socket, data);
        }
    }

    private void accept(Socket socket, byte[] data) {
        if (data.length < 12) {
            return;
        }
        int id = ((data[0] & 0xff) << 8) | (data[1] & 0xff);
        Attempt a = socket.inflight.get(id);
        if (a == null) {
            return; // late answer to an abandoned attempt, or spoofing
        }
        Message answer;
        try {
            answer = new Message(data);
        } catch (IOException | RuntimeException e) {
            return; // garbage: keep waiting for a real answer until the deadline
        }
        if (!sameQuestion(a.query.message, answer) || !socket.inflight.remove(id, a)) {
            return;
        }
        if (answer.getHeader().getFlag(Flags.TC)) {
            overTcp(a);
            return;
        }
        // Completed on this thread: what depends on it is non-blocking (answer interpretation, a
        // follow-up question), and a hand-off to another thread would cost more than the work itself.
        a.query.result.complete(answer);
    }

    private static boolean sameQuestion(Message q, Message a) {
        Record qq = q.getQuestion();
        Record aq = a.getQuestion();
        return aq != null && qq.getType() == aq.getType() && qq.getName().equals(aq.getName());
    }

    private void overTcp(Attempt a) {
        SimpleResolver tcp = new SimpleResolver(a.socket.server);
        tcp.setTCP(true);
        tcp.setTimeout(Duration.ofNanos(Math.max(a.query.slice, Duration.ofMillis(500).toNanos())));
        tcp.sendAsync(a.query.message, callbacks).whenComplete((m, e) -> {
            if (e != null) {
                a.query.result.completeExceptionally(e);
            } else {
                a.query.result.complete(m);
            }
        });
    }

    private void expire(long now) {
        for (Iterator<Attempt> it = waiting.iterator(); it.hasNext(); ) {
            Attempt a = it.next();
            if (a.socket.inflight.get(a.id) != a) {
                it.remove(); // answered or failed
            } else if (a.deadline - now <= 0) {
                it.remove();
                if (a.socket.inflight.remove(a.id, a)) {
                    next(a, new SocketTimeoutException("timed out"));
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            selector.close();
        } catch (IOException e) {
            // nothing to do
        }
        for (Socket[] pool : sockets) {
            for (Socket s : pool) {
                if (s != null) {
                    try {
                        s.channel.close();
                    } catch (IOException e) {
                        // nothing to do
                    }
                }
            }
        }
    }

    /** One long-lived socket connected to one server, with the questions waiting for an answer on it. */
    private final class Socket {
        final InetSocketAddress server;
        final DatagramChannel channel;
        final Map<Integer, Attempt> inflight = new ConcurrentHashMap<>();

        Socket(InetSocketAddress server) throws IOException {
            this.server = server;
            this.channel = DatagramChannel.open();
            channel.configureBlocking(false);
            channel.bind(null);
            channel.connect(server);
            channel.register(selector, SelectionKey.OP_READ, this);
        }
    }

    /** A question and its overall outcome. */
    private static final class Query {
        final Message message;
        final byte[] wire;
        final CompletableFuture<Message> result;
        final int attempts;
        final long slice;

        Query(Message message, CompletableFuture<Message> result, int attempts, long slice) {
            this.message = message;
            this.wire = message.toWire();
            this.result = result;
            this.attempts = attempts;
            this.slice = slice;
        }
    }

    /** One try of a question on one socket. */
    private static final class Attempt {
        final Query query;
        final int attempt;
        final Socket socket;
        final int id;
        final long deadline;

        Attempt(Query query, int attempt, Socket socket, int id, long deadline) {
            this.query = query;
            this.attempt = attempt;
            this.socket = socket;
            this.id = id;
            this.deadline = deadline;
        }
    }
}
