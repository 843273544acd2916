package io.portcullis.smtp;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The tarpitted connections of one James server, at most {@code smtp.tarpit.max-connections}: one instance per
 * Guice injector (the handler gets it injected), so two servers in one JVM (tests, benchmarks) never share a count.
 * Thread-safe.
 */
@Singleton
public final class TarpitSlots {
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    @Inject
    public TarpitSlots() {
    }

    /** Takes a slot if fewer than {@code cap} are held; false (and nothing taken) when full. */
    boolean take(int cap) {
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

    /** Gives back a slot taken by {@link #take}. */
    void release() {
        held.decrementAndGet();
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
}
