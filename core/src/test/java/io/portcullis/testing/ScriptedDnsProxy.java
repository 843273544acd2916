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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * A DNS relay in front of a real server (Knot) that a test scripts per name: answers for names under a suffix can
 * be delayed, dropped (never answered) or refused (REFUSED from the relay); everything else is relayed at once.
 * Rules can change while it runs. Counts the questions per suffix rule and in all.
 */
public final class ScriptedDnsProxy implements AutoCloseable {
    /** What happens to questions under a suffix. */
    public static final class Rule {
        final long delayMs;
        final boolean drop;
        final boolean refuse;
        final AtomicInteger seen = new AtomicInteger();

        private Rule(long delayMs, boolean drop, boolean refuse) {
            this.delayMs = delayMs;
            this.drop = drop;
            this.refuse = refuse;
        }

        public static Rule delay(long ms) {
            return new Rule(ms, false, false);
        }

        public static Rule drop() {
            return new Rule(0, true, false);
        }

        public static Rule refuse() {
            return new Rule(0, false, true);
        }

        /** Questions that matched this rule so far. */
        public int seen() {
            return seen.get();
        }
    }

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress upstream;
    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<Integer, SocketAddress> pending = new ConcurrentHashMap<>();
    private final AtomicInteger questions = new AtomicInteger();
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scripted-dns-delay");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;

    public ScriptedDnsProxy(InetSocketAddress upstream) throws SocketException {
        this.upstream = upstream;
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread fwd = new Thread(this::forwardLoop, "scripted-dns-fwd");
        Thread bwd = new Thread(this::backwardLoop, "scripted-dns-back");
        fwd.setDaemon(true);
        bwd.setDaemon(true);
        fwd.start();
        bwd.start();
    }

    /** Applies {@code rule} to questions for {@code suffix} and the names under it (replacing an earlier rule). */
    public Rule script(String suffix, Rule rule) {
        rules.put(normal(suffix), rule);
        return rule;
    }

    public String hostPort() {
        return "127.0.0.1:" + front.getLocalPort();
    }

    /** Questions received in all. */
    public int questions() {
        return questions.get();
    }

    private static String normal(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    private Rule ruleFor(String qname) {
        Rule best = null;
        int bestLength = -1;
        for (Map.Entry<String, Rule> e : rules.entrySet()) {
            String s = e.getKey();
            if ((qname.equals(s) || qname.endsWith("." + s)) && s.length() > bestLength) {
                best = e.getValue();
                bestLength = s.length();
            }
        }
        return best;
    }

    private void forwardLoop() {
        byte[] buf = new byte[4096];
        while (running) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                front.receive(p);
                questions.incrementAndGet();
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                SocketAddress client = p.getSocketAddress();
                Message q = new Message(data);
                String qname = q.getQuestion() == null ? "" : normal(q.getQuestion().getName().toString());
                Rule rule = ruleFor(qname);
                if (rule != null) {
                    rule.seen.incrementAndGet();
                }
                if (rule != null && rule.drop) {
                    continue;
                }
                if (rule != null && rule.refuse) {
                    Message r = new Message(q.getHeader().getID());
                    r.getHeader().setFlag(Flags.QR);
                    r.getHeader().setRcode(Rcode.REFUSED);
                    r.addRecord(q.getQuestion(), org.xbill.DNS.Section.QUESTION);
                    byte[] wire = r.toWire();
                    front.send(new DatagramPacket(wire, wire.length, client));
                    continue;
                }
                pending.put(q.getHeader().getID(), client);
                Runnable send = () -> {
                    try {
                        back.send(new DatagramPacket(data, data.length, upstream));
                    } catch (IOException e) {
                        // the test sees a timeout
                    }
                };
                if (rule != null && rule.delayMs > 0) {
                    delayer.schedule(send, rule.delayMs, TimeUnit.MILLISECONDS);
                } else {
                    send.run();
                }
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException e) {
                // a malformed question: ignored
            }
        }
    }

    private void backwardLoop() {
        byte[] buf = new byte[65535];
        while (running) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                back.receive(p);
                if (p.getLength() < 2) {
                    continue;
                }
                int id = ((buf[0] & 0xff) << 8) | (buf[1] & 0xff);
                SocketAddress client = pending.remove(id);
                if (client != null) {
                    front.send(new DatagramPacket(p.getData(), p.getLength(), client));
                }
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        front.close();
        back.close();
        delayer.shutdownNow();
    }
}
