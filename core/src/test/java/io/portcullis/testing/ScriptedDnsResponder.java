package io.portcullis.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * A DNS server on loopback whose every reply is scripted by the test: for each question that arrives it calls a
 * {@link Script}, which may answer at once or later, answer several times, forge replies (wrong ID, question, QR
 * bit, owner names, or from a second socket with another source port), or never answer. Optionally it also listens
 * on TCP on the same port (for truncated answers). It records the source port and ID of every question received.
 */
public final class ScriptedDnsResponder implements AutoCloseable {
    /** What to do with one question. Runs on the responder's receive thread: schedule delays with {@link Query#later}. */
    public interface Script {
        void answer(Query q) throws Exception;
    }

    /** One question received over UDP or TCP. */
    public final class Query {
        public final Message message;
        public final InetSocketAddress from;
        public final boolean tcp;
        /** How many times this question (name and type, case-insensitive) was received so far, this one included. */
        public final int seenCount;
        private final DataOutputStream tcpOut;

        Query(Message message, InetSocketAddress from, boolean tcp, int seenCount, DataOutputStream tcpOut) {
            this.message = message;
            this.from = from;
            this.tcp = tcp;
            this.seenCount = seenCount;
            this.tcpOut = tcpOut;
        }

        public Name name() {
            return message.getQuestion().getName();
        }

        public int type() {
            return message.getQuestion().getType();
        }

        public int id() {
            return message.getHeader().getID();
        }

        /** An empty NOERROR reply to this question: same ID and question, QR, RD and RA set. */
        public Message reply() {
            Message r = new Message(id());
            r.getHeader().setFlag(Flags.QR);
            r.getHeader().setFlag(Flags.RD);
            r.getHeader().setFlag(Flags.RA);
            r.addRecord(message.getQuestion(), Section.QUESTION);
            return r;
        }

        /** A reply carrying A records at the question name. */
        public Message replyA(String... addresses) {
            Message r = reply();
            for (String a : addresses) {
                r.addRecord(a(name(), a), Section.ANSWER);
            }
            return r;
        }

        public Message nxdomain() {
            Message r = reply();
            r.getHeader().setRcode(Rcode.NXDOMAIN);
            return r;
        }

        /** Sends {@code m} to the asker now (over the connection for a TCP question). */
        public void send(Message m) throws IOException {
            sendBytes(m.toWire());
        }

        public void sendBytes(byte[] wire) throws IOException {
            if (tcp) {
                synchronized (tcpOut) {
                    tcpOut.writeShort(wire.length);
                    tcpOut.write(wire);
                    tcpOut.flush();
                }
            } else {
                udp.send(new DatagramPacket(wire, wire.length, from));
            }
        }

        /** Sends {@code m} to the asker from a second socket: right server address, wrong source port. */
        public void sendFromOtherPort(Message m) throws IOException {
            byte[] wire = m.toWire();
            other.send(new DatagramPacket(wire, wire.length, from));
        }

        /** Runs {@code action} after {@code millis}. */
        public void later(long millis, Script action) {
            timer.schedule(() -> {
                try {
                    action.answer(this);
                } catch (Exception e) {
                    // the asker may be gone
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Source port and ID of a question received over UDP. */
    public static final class Seen {
        public final int port;
        public final int id;
        public final String name;

        Seen(int port, int id, String name) {
            this.port = port;
            this.id = id;
            this.name = name;
        }
    }

    private final DatagramSocket udp;
    private final DatagramSocket other;
    private final ServerSocket tcpServer;
    private final Script script;
    private final Script tcpScript;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "scripted-dns-timer");
        t.setDaemon(true);
        return t;
    });
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger tcpQuestions = new AtomicInteger();

    /** A UDP-only responder. */
    public ScriptedDnsResponder(Script script) throws IOException {
        this(script, null);
    }

    /** A responder on UDP and, when {@code tcpScript} is not null, on TCP at the same port. */
    public ScriptedDnsResponder(Script script, Script tcpScript) throws IOException {
        this.script = script;
        this.tcpScript = tcpScript;
        InetAddress lo = InetAddress.getLoopbackAddress();
        DatagramSocket u = null;
        ServerSocket t = null;
        // find a port free on both UDP and TCP
        for (int i = 0; i < 50; i++) {
            u = new DatagramSocket(new InetSocketAddress(lo, 0));
            if (tcpScript == null) {
                break;
            }
            try {
                t = new ServerSocket(u.getLocalPort(), 50, lo);
                break;
            } catch (IOException e) {
                u.close();
                u = null;
            }
        }
        if (u == null) {
            throw new IOException("no port free on both UDP and TCP");
        }
        this.udp = u;
        this.udp.setReceiveBufferSize(1 << 20);
        this.tcpServer = t;
        this.other = new DatagramSocket(new InetSocketAddress(lo, 0));
        Thread rx = new Thread(this::udpLoop, "scripted-dns-udp");
        rx.setDaemon(true);
        rx.start();
        if (tcpServer != null) {
            Thread tx = new Thread(this::tcpLoop, "scripted-dns-tcp");
            tx.setDaemon(true);
            tx.start();
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** Every UDP question received, in order. */
    public List<Seen> seen() {
        return new ArrayList<>(seen);
    }

    /** Questions received over TCP. */
    public int tcpQuestions() {
        return tcpQuestions.get();
    }

    /** An A record. */
    public static Record a(Name owner, String address) {
        try {
            return new ARecord(owner, DClass.IN, 300, InetAddress.getByName(address));
        } catch (IOException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    public static Name name(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private int count(Message m) {
        String k = m.getQuestion().getName().toString().toLowerCase(java.util.Locale.ROOT) + "/"
                + m.getQuestion().getType();
        return counts.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
    }

    private void udpLoop() {
        byte[] buf = new byte[4096];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                Message m = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                seen.add(new Seen(from.getPort(), m.getHeader().getID(), m.getQuestion().getName().toString()));
                script.answer(new Query(m, from, false, count(m), null));
            } catch (Exception e) {
                if (udp.isClosed()) {
                    return;
                }
            }
        }
    }

    private void tcpLoop() {
        while (!tcpServer.isClosed()) {
            try {
                Socket s = tcpServer.accept();
                Thread h = new Thread(() -> serveTcp(s), "scripted-dns-tcp-conn");
                h.setDaemon(true);
                h.start();
            } catch (IOException e) {
                if (tcpServer.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serveTcp(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            while (true) {
                int len = in.readUnsignedShort();
                byte[] b = new byte[len];
                in.readFully(b);
                Message m = new Message(b);
                tcpQuestions.incrementAndGet();
                tcpScript.answer(new Query(m, (InetSocketAddress) s.getRemoteSocketAddress(), true, count(m), out));
            }
        } catch (Exception e) {
            // connection closed
        }
    }

    @Override
    public void close() {
        udp.close();
        other.close();
        if (tcpServer != null) {
            try {
                tcpServer.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
        timer.shutdownNow();
    }
}
