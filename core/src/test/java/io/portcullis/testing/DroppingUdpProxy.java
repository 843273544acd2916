package io.portcullis.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;

/**
 * Network loss for one zone: a UDP relay in front of a real DNS server that forwards every question
 * except those under a given suffix, which it silently drops, so that names there never get an answer
 * (a timeout) while the rest of the server keeps answering. Counts the questions it saw.
 */
public final class DroppingUdpProxy implements AutoCloseable {
    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress upstream;
    private final String droppedSuffix;
    private final Map<Integer, SocketAddress> pending = new ConcurrentHashMap<>();
    private final AtomicInteger seen = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final long delayNanos;
    private final java.util.concurrent.ScheduledExecutorService delayer;
    private final Thread forward;
    private final Thread backward;

    public DroppingUdpProxy(InetSocketAddress upstream, String droppedSuffix) throws SocketException {
        this(upstream, droppedSuffix, java.time.Duration.ZERO);
    }

    /**
     * A relay that also holds every answer for {@code delay} before passing it on, to give loopback the
     * round-trip time of a real network (benchmarks).
     */
    public DroppingUdpProxy(InetSocketAddress upstream, String droppedSuffix, java.time.Duration delay)
            throws SocketException {
        this(upstream, droppedSuffix, delay, InetAddress.getLoopbackAddress());
    }

    /** A relay whose front (where questions arrive) listens on {@code front}, e.g. {@code ::1}. */
    public DroppingUdpProxy(InetSocketAddress upstream, String droppedSuffix, java.time.Duration delay,
            InetAddress frontAddress) throws SocketException {
        this.delayNanos = delay.toNanos();
        this.delayer = delayNanos > 0 ? java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dropping-proxy-delay");
            t.setDaemon(true);
            return t;
        }) : null;
        this.upstream = upstream;
        this.droppedSuffix = "." + droppedSuffix.toLowerCase(Locale.ROOT).replaceAll("\\.$", "") + ".";
        this.front = new DatagramSocket(new InetSocketAddress(frontAddress, 0));
        this.back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.forward = new Thread(this::forwardLoop, "dropping-proxy-fwd");
        this.backward = new Thread(this::backwardLoop, "dropping-proxy-back");
        forward.setDaemon(true);
        backward.setDaemon(true);
        forward.start();
        backward.start();
    }

    private void forwardLoop() {
        byte[] buf = new byte[4096];
        while (!front.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                front.receive(p);
                seen.incrementAndGet();
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                Message m = new Message(data);
                String qname = m.getQuestion().getName().toString().toLowerCase(Locale.ROOT);
                if (("." + qname).endsWith(droppedSuffix)) { // the suffix itself, or any name under it
                    dropped.incrementAndGet();
                    continue;
                }
                pending.put(m.getHeader().getID(), p.getSocketAddress());
                back.send(new DatagramPacket(data, data.length, upstream));
            } catch (IOException | RuntimeException e) {
                if (front.isClosed()) {
                    return;
                }
            }
        }
    }

    private void backwardLoop() {
        byte[] buf = new byte[65535];
        while (!back.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                back.receive(p);
                int id = ((buf[0] & 0xff) << 8) | (buf[1] & 0xff);
                SocketAddress client = pending.remove(id);
                if (client != null) {
                    byte[] answer = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    if (delayer == null) {
                        front.send(new DatagramPacket(answer, answer.length, client));
                    } else {
                        delayer.schedule(() -> {
                            try {
                                front.send(new DatagramPacket(answer, answer.length, client));
                            } catch (IOException e) {
                                // closed
                            }
                        }, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (back.isClosed()) {
                    return;
                }
            }
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(front.getLocalAddress(), front.getLocalPort());
    }

    /** {@code 127.0.0.1:PORT}, or {@code [::1]:PORT} for a front on IPv6 loopback. */
    public String hostPort() {
        InetAddress a = front.getLocalAddress();
        return (a instanceof java.net.Inet6Address ? "[" + a.getHostAddress().replaceFirst("%.*$", "") + "]"
                : a.getHostAddress()) + ":" + front.getLocalPort();
    }

    /** Questions received (forwarded or dropped). */
    public int questionsSeen() {
        return seen.get();
    }

    public int questionsDropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        if (delayer != null) {
            delayer.shutdownNow();
        }
        front.close();
        back.close();
    }
}
