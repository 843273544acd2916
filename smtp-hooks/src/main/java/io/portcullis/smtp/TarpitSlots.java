package io.portcullis.smtp;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The tarpitted connections of one James server, at most {@code smtp.tarpit.max-connections}, and its refusal
 * counts: one instance per Guice injector (the handler gets it injected), so two servers in one JVM (tests,
 * benchmarks) never share a count. Thread-safe.
 */
@Singleton
public final class TarpitSlots {
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong tempfailed = new AtomicLong();

    @Inject
    public TarpitSlots() {
    }

    /** Takes a slot if fewer than {@code cap} are held; false (and nothing taken) when full. */
    private boolean take(int cap) {
        while (true) {
            int now = held.get();
            if (now >= cap) {
                return false;
            }
            if (held.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Marks the connection as tarpitted; it holds a slot ({@code counted}) only while under {@code cap}. */
    void mark(Conn conn, int cap) {
        if (!conn.tarpitted) {
            conn.tarpitted = true;
            conn.counted = take(cap);
        }
    }

    /** Gives the connection's slot back, if it holds one (at disconnect). */
    void release(Conn conn) {
        if (conn.counted) {
            conn.counted = false;
            held.decrementAndGet();
        }
    }

    /** Counts a client refused because the slots were full. */
    void refusedOne() {
        refused.incrementAndGet();
    }

    /** Connections tarpitted now. */
    public int held() {
        return held.get();
    }

    /** Clients refused ({@code 421}) so far because the slots were full. */
    public long refused() {
        return refused.get();
    }

    /** Counts a refusal the handler answered: a 4xx ({@code soft}) or a 5xx. */
    void refused(boolean soft) {
        (soft ? tempfailed : rejected).incrementAndGet();
    }

    /** The counters as one line (tests, benchmarks); "held" counts lines held by line gates in the JVM. */
    String stats() {
        return "tarpitted=" + held.get() + " tarpitRefused=" + refused.get() + " rejected=" + rejected.get()
                + " tempfailed=" + tempfailed.get() + " held=" + LineGate.HELD.get();
    }
}
