package io.portcullis.dns;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Sends DNS questions over UDP with one selector thread of its own, using dnsjava's {@link Message} for the wire
 * format. Written because dnsjava 3.5.2's asynchronous UDP client (the version James 3.8.1 ships) can leave a
 * question unsent until its selector's one-second tick, adding a full second to some lookups; here a question goes
 * out from the caller's thread at once and its answer is read as soon as it arrives. No thread per question.
 *
 * <p>Against spoofed answers (RFC 5452), every try of a question has a socket of its own, bound to a source port
 * the operating system picks at random, connected to the try's server and closed when the question ends, and a
 * fresh random 16-bit ID; a forger must guess both (about 2^31 combinations on Linux's default port range). A
 * datagram is accepted only when it arrives on that try's socket from the try's server address and port, has the
 * QR bit set, opcode QUERY, the try's ID, exactly our question (name compared case-insensitively, type, class), and
 * either no answer records or at least one owned by the question name or its CNAME chain; anything else is ignored
 * and the try keeps waiting. {@link DnsjavaClient} then uses only the answer records with such an owner.
 *
 * <p>The time budget ({@code dns.timeout-ms}) is split over the tries, every server twice in order: when a try
 * has had its share without an answer, the next one is sent, so a lost datagram or a dead first server costs part
 * of the budget, not all of it. An earlier try's socket stays open, and its answer acceptable, until the whole
 * budget is spent. A try refused at once (ICMP port unreachable) moves on to the next try at once. A truncated
 * answer (TC) is asked again over TCP, to the same server, through dnsjava, and checked the same way.
 *
 * <p>Cost: one socket per try, about 50 µs of CPU more per question than a long-lived socket on loopback
 * ({@code ./portcullis bench-dns}); at most {@code dns.max-in-flight} × 2 × resolvers sockets are open at once
 * (file descriptors). Cached and joined lookups open none. Thread-safe.
 */
final class DnsTransport implements AutoCloseable {
    /** Longest the I/O thread sleeps before looking at deadlines and new tries. */
    private static final long TICK_MS = 20;

    private final List<InetSocketAddress> servers;
    private final Duration budget;
    private final ExecutorService callbacks;
    private final Selector selector;
    /** Tries whose datagram went out and whose socket is not registered yet (handed to the I/O thread). */
    private final Queue<Attempt> started = new ConcurrentLinkedQueue<>();
    /** Questions the I/O thread watches; owned by the I/O thread. */
    private final List<Query> active = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger openSockets = new AtomicInteger();
    private final Thread loop;
    private volatile boolean running = true;

    DnsTransport(List<InetSocketAddress> servers, Duration budget, ExecutorService callbacks) throws IOException {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS server");
        }
        this.servers = List.copyOf(servers);
        this.budget = budget;
        this.callbacks = callbacks;
        this.selector = Selector.open();
        this.loop = new Thread(this::run, "portcullis-dns-io");
        loop.setDaemon(true);
        loop.start();
    }

    /** UDP sockets open now (tries in flight); for tests and diagnostics. */
    int openSockets() {
        return openSockets.get();
    }

    /**
     * Asks {@code question} (class IN). Completes with a validated answer, or exceptionally with
     * {@link SocketTimeoutException} when the budget is spent, or another IOException when every try failed.
     */
    CompletableFuture<Message> send(Record question) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IOException("DNS client closed"));
            return result;
        }
        int attempts = servers.size() * 2;
        long now = System.nanoTime();
        Query q = new Query(question, result, attempts, Math.max(budget.toNanos() / attempts, 1),
                now + budget.toNanos());
        Attempt first = nextTry(q, now);
        if (first == null) {
            result.completeExceptionally(q.lastError);
            return result;
        }
        started.add(first);
        selector.wakeup();
        if (!running) {
            // closed while we were sending: the I/O thread may be gone, so clean up here
            drainStartedAfterClose();
        }
        return result;
    }

    /**
     * Opens the next try's socket and sends its datagram; on an immediate failure moves on to the try after.
     * Returns the try sent, or null when none could be (then {@link Query#lastError} says why). Runs on the
     * caller's thread for the first try, on the I/O thread after.
     */
    private Attempt nextTry(Query q, long now) {
        while (q.nextTry < q.attempts) {
            int index = q.nextTry++;
            InetSocketAddress server = servers.get(index % servers.size());
            int id = random.nextInt(0x10000);
            Message message = Message.newQuery(q.question);
            message.getHeader().setID(id);
            DatagramChannel channel = null;
            try {
                channel = DatagramChannel.open(server.getAddress() instanceof Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                openSockets.incrementAndGet();
                channel.configureBlocking(false);
                channel.bind(null); // port 0: the OS picks a random ephemeral port
                channel.connect(server);
                channel.write(ByteBuffer.wrap(message.toWire()));
                Attempt a = new Attempt(q, index, server, channel, message, id);
                q.live.add(a);
                q.tryDeadline = now + q.slice;
                return a;
            } catch (IOException | RuntimeException e) {
                q.lastError = e instanceof IOException ? (IOException) e : new IOException(e);
                closeChannel(channel);
            }
        }
        return null;
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(65535);
        while (running) {
            try {
                selector.select(selectTimeout(System.nanoTime()));
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    drain((Attempt) key.attachment(), buf);
                }
                Attempt a;
                while ((a = started.poll()) != null) {
                    register(a);
                }
                sweep(System.nanoTime());
            } catch (ClosedSelectorException e) {
                break;
            } catch (IOException | RuntimeException e) {
                // keep the loop alive: one bad datagram must not stop DNS
            }
        }
        shutDown();
    }

    /** Milliseconds until the nearest deadline, between 1 and {@link #TICK_MS}. */
    private long selectTimeout(long now) {
        long nearest = TimeUnit.MILLISECONDS.toNanos(TICK_MS);
        for (Query q : active) {
            long d = q.deadline - now;
            if (q.nextTry < q.attempts) {
                d = Math.min(d, q.tryDeadline - now);
            }
            nearest = Math.min(nearest, d);
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nearest) + 1);
    }

    private void register(Attempt a) {
        Query q = a.query;
        if (!q.watched) {
            q.watched = true;
            active.add(q);
        }
        if (q.finished || !q.live.contains(a)) {
            return; // ended before its socket was registered (closed then)
        }
        try {
            a.key = a.channel.register(selector, SelectionKey.OP_READ, a);
        } catch (IOException | RuntimeException e) {
            tryFailed(a, e instanceof IOException ? (IOException) e : new IOException(e));
        }
    }

    private void drain(Attempt a, ByteBuffer buf) {
        Query q = a.query;
        while (!q.finished && a.channel.isOpen()) {
            buf.clear();
            SocketAddress from;
            try {
                from = a.channel.receive(buf);
            } catch (IOException e) {
                // e.g. ICMP port unreachable: this try is lost
                tryFailed(a, e);
                return;
            }
            if (from == null) {
                return;
            }
            if (!a.server.equals(from)) {
                continue; // not from the try's server and port
            }
            buf.flip();
            byte[] data = new byte[buf.remaining()];
            buf.get(data);
            Message answer = validate(a, data);
            if (answer == null) {
                continue; // forged, stray or garbage: keep waiting until the deadline
            }
            finish(q);
            if (answer.getHeader().getFlag(Flags.TC)) {
                overTcp(a);
                return;
            }
            // Completed on this thread: what depends on it is non-blocking (answer interpretation, a
            // follow-up question), and a hand-off to another thread would cost more than the work itself.
            q.result.complete(answer);
            return;
        }
    }

    /**
     * The answer in {@code data} when it answers {@code a}: QR set, opcode QUERY, the try's ID, and exactly the
     * question asked; null otherwise.
     */
    static Message validate(Attempt a, byte[] data) {
        if (data.length < 12 || (((data[0] & 0xff) << 8) | (data[1] & 0xff)) != a.id) {
            return null;
        }
        Message answer;
        try {
            answer = new Message(data);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return isAnswerTo(a.query.question, a.id, answer) ? answer : null;
    }

    /**
     * QR set, opcode QUERY, ID {@code id}, one question equal to {@code question} (name case-insensitive), and an
     * answer section that is empty (a negative answer, a referral-free NODATA) or holds at least one record owned by
     * the question name or a name its CNAME chain leads to: a reply whose every answer record is about another name
     * answers some other question, and is ignored like any other forgery.
     */
    static boolean isAnswerTo(Record question, int id, Message answer) {
        Header h = answer.getHeader();
        if (h.getID() != id || !h.getFlag(Flags.QR) || h.getOpcode() != Opcode.QUERY) {
            return false;
        }
        List<Record> qs = answer.getSection(Section.QUESTION);
        if (qs.size() != 1) {
            return false;
        }
        Record aq = qs.get(0);
        if (aq.getType() != question.getType() || aq.getDClass() != question.getDClass()
                || !aq.getName().equals(question.getName())) {
            return false;
        }
        List<Record> records = answer.getSection(Section.ANSWER);
        if (records.isEmpty()) {
            return true;
        }
        Set<Name> owners = owners(question.getName(), records);
        for (Record r : records) {
            if (owners.contains(r.getName())) {
                return true;
            }
        }
        return false;
    }

    /** {@code qname} and every name reached from it through the CNAME records of {@code answer}. */
    static Set<Name> owners(Name qname, List<Record> answer) {
        Set<Name> owners = new HashSet<>();
        owners.add(qname);
        // Each pass follows at least one more link; a chain cannot be longer than the section.
        for (int pass = 0; pass < answer.size(); pass++) {
            boolean grew = false;
            for (Record r : answer) {
                if (r.getType() == Type.CNAME && owners.contains(r.getName())
                        && owners.add(((CNAMERecord) r).getTarget())) {
                    grew = true;
                }
            }
            if (!grew) {
                break;
            }
        }
        return owners;
    }

    private void overTcp(Attempt a) {
        Query q = a.query;
        long left = Math.max(q.deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100));
        SimpleResolver tcp = new SimpleResolver(a.server);
        tcp.setTCP(true);
        tcp.setTimeout(Duration.ofNanos(left));
        try {
            tcp.sendAsync(a.message, callbacks).whenComplete((m, e) -> {
                if (e != null) {
                    q.result.completeExceptionally(e);
                } else if (!isAnswerTo(q.question, a.id, m)) {
                    q.result.completeExceptionally(new IOException("TCP answer does not match the question"));
                } else {
                    q.result.complete(m);
                }
            });
        } catch (RuntimeException e) {
            fail(q, new IOException(e));
        }
    }

    /** A try that cannot be answered any more: closed; the next try goes out now if it was the latest. */
    private void tryFailed(Attempt a, IOException cause) {
        Query q = a.query;
        closeAttempt(a);
        q.live.remove(a);
        q.lastError = cause;
        if (q.finished) {
            return;
        }
        if (q.nextTry < q.attempts && a.index == q.nextTry - 1) {
            Attempt n = nextTry(q, System.nanoTime());
            if (n != null) {
                register(n);
                return;
            }
        }
        if (q.live.isEmpty() && q.nextTry >= q.attempts) {
            finish(q);
            fail(q, q.lastError);
        }
    }

    /** Deadlines: a try's share spent sends the next try, the whole budget spent ends the question. */
    private void sweep(long now) {
        for (Iterator<Query> it = active.iterator(); it.hasNext(); ) {
            Query q = it.next();
            if (q.result.isDone()) {
                finish(q);
                it.remove();
            } else if (q.deadline - now <= 0) {
                finish(q);
                it.remove();
                fail(q, new SocketTimeoutException("timed out"));
            } else if (!q.finished && q.nextTry < q.attempts && q.tryDeadline - now <= 0) {
                // q is watched already: register() does not touch the list being iterated
                Attempt n = nextTry(q, now);
                if (n != null) {
                    register(n);
                } else if (q.live.isEmpty()) {
                    finish(q);
                    it.remove();
                    fail(q, q.lastError);
                }
            }
            // else: waiting for an answer to one of the tries, or for a TCP answer (bounded by the deadline)
        }
    }

    /** Marks the question ended and closes the sockets of all its tries. */
    private void finish(Query q) {
        q.finished = true;
        for (Attempt a : q.live) {
            closeAttempt(a);
        }
        q.live.clear();
    }

    private void fail(Query q, IOException cause) {
        IOException e = cause == null ? new IOException("DNS question failed") : cause;
        try {
            callbacks.execute(() -> q.result.completeExceptionally(e));
        } catch (RejectedExecutionException r) {
            q.result.completeExceptionally(e);
        }
    }

    private void closeAttempt(Attempt a) {
        if (a.key != null) {
            a.key.cancel();
        }
        closeChannel(a.channel);
    }

    private void closeChannel(DatagramChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            if (channel.isOpen()) {
                channel.close();
                openSockets.decrementAndGet();
            }
        } catch (IOException e) {
            openSockets.decrementAndGet();
        }
    }

    /** On the I/O thread when it stops: every question still waiting fails, every socket is closed. */
    private void shutDown() {
        for (Query q : active) {
            if (!q.result.isDone()) {
                finish(q);
                q.result.completeExceptionally(new IOException("DNS client closed"));
            }
        }
        active.clear();
        drainStartedAfterClose();
    }

    private void drainStartedAfterClose() {
        Attempt a;
        while ((a = started.poll()) != null) {
            closeAttempt(a);
            a.query.result.completeExceptionally(new IOException("DNS client closed"));
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing to do
        }
        drainStartedAfterClose();
    }

    /** A question and its overall outcome; after hand-off, touched only by the I/O thread. */
    private static final class Query {
        final Record question;
        final CompletableFuture<Message> result;
        final int attempts;
        final long slice;
        final long deadline;
        final List<Attempt> live = new ArrayList<>(2);
        int nextTry;
        long tryDeadline;
        boolean finished;
        boolean watched;
        IOException lastError;

        Query(Record question, CompletableFuture<Message> result, int attempts, long slice, long deadline) {
            this.question = question;
            this.result = result;
            this.attempts = attempts;
            this.slice = slice;
            this.deadline = deadline;
        }
    }

    /** One try of a question: its own socket, server and ID. */
    static final class Attempt {
        final Query query;
        final int index;
        final InetSocketAddress server;
        final DatagramChannel channel;
        final Message message;
        final int id;
        SelectionKey key;

        Attempt(Query query, int index, InetSocketAddress server, DatagramChannel channel, Message message, int id) {
            this.query = query;
            this.index = index;
            this.server = server;
            this.channel = channel;
            this.message = message;
            this.id = id;
        }
    }
}
