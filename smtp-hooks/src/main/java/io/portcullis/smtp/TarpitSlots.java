package io.portcullis.smtp;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM-wide count of tarpitted connections ({@code smtp.tarpit.max-connections} caps it) and the handler's
 * refusal counters, for the gauge, tests and benchmarks. A connection takes a slot when first tarpitted while under
 * the cap and gives it back when it closes.
 */
final class TarpitSlots {
    /** Tarpitted connections right now (all handler instances of the JVM). */
    static final AtomicInteger TARPITTED = new AtomicInteger();
    static final AtomicLong TARPIT_REFUSED = new AtomicLong();
    static final AtomicLong REJECTED = new AtomicLong();
    static final AtomicLong TEMPFAILED = new AtomicLong();

    private TarpitSlots() {
    }

    /** Marks the connection as tarpitted; it holds a slot ({@code counted}) only while under the cap. */
    static void mark(Conn conn, int maxConnections) {
        if (conn.tarpitted) {
            return;
        }
        conn.tarpitted = true;
        if (TARPITTED.incrementAndGet() <= maxConnections) {
            conn.counted = true;
        } else {
            TARPITTED.decrementAndGet();
        }
    }

    /** Gives the connection's slot back (at disconnect). */
    static void release(Conn conn) {
        if (conn.counted) {
            conn.counted = false;
            TARPITTED.decrementAndGet();
        }
    }

    static String stats() {
        return "tarpitted=" + TARPITTED.get() + " tarpitRefused=" + TARPIT_REFUSED.get() + " rejected="
                + REJECTED.get() + " tempfailed=" + TEMPFAILED.get() + " held=" + LineGate.HELD.get();
    }
}
