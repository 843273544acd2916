package io.portcullis.smtp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.james.protocols.api.ProtocolTransport;

/**
 * Holds back the next command of one SMTP connection without holding a thread: reads are paused on the
 * transport ({@code ProtocolTransport.setReadable(false)}, i.e. Netty's autoRead off; bytes the client sends
 * meanwhile wait in the kernel) and resumed from one shared timer thread.
 *
 * <p>A connection is released when both hold back reasons have ended:
 * <ul>
 *   <li>a <b>fixed delay</b> (tarpit): delays requested while a pause is running are <em>added</em>, so a
 *       client that pipelines N delayed commands in one write pays the N delays before its next command is
 *       read, as a lockstep client does;</li>
 *   <li>pending <b>evidence</b> (DNS lookups): released as soon as the future completes, or at its deadline
 *       (the budget), whichever comes first.</li>
 * </ul>
 *
 * <p>Thread-safety: every state change is under the gate's lock; the timer thread and DNS callbacks only touch
 * the gate and the transport (whose {@code setReadable} Netty hands to the event loop), never the SMTP session.
 */
final class ReadGate {
    private static final ScheduledThreadPoolExecutor TIMER = timer();
    static final AtomicLong PAUSES = new AtomicLong();
    static final AtomicLong RESUMES = new AtomicLong();
    /** Connections whose reads are paused right now (tarpit delay or pending lookups), all gates of the JVM. */
    private static final java.util.concurrent.atomic.AtomicInteger PAUSED_NOW =
            new java.util.concurrent.atomic.AtomicInteger();

    private final ProtocolTransport transport;
    private boolean paused;
    private boolean closed;
    private long fixedEndNanos;
    private CompletableFuture<?> evidence;
    private long evidenceDeadlineNanos;
    private ScheduledFuture<?> task;

    ReadGate(ProtocolTransport transport) {
        this.transport = transport;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "portcullis-smtp-timer");
            t.setDaemon(true);
            return t;
        };
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, f);
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** Runs {@code r} on the shared timer thread after {@code delayMs}. */
    static ScheduledFuture<?> schedule(Runnable r, long delayMs) {
        return TIMER.schedule(r, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    /** Adds a fixed delay (tarpit) before the next read. */
    void delay(long delayMs) {
        if (delayMs <= 0) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            long base = paused && fixedEndNanos - now > 0 ? fixedEndNanos : now;
            fixedEndNanos = base + TimeUnit.MILLISECONDS.toNanos(delayMs);
            pauseLocked();
            rescheduleLocked(now);
        }
    }

    /** Holds reads until {@code pending} completes or {@code budgetMs} has passed (whichever comes first). */
    void awaitEvidence(CompletableFuture<?> pending, long budgetMs) {
        if (pending == null || pending.isDone() || budgetMs <= 0) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            long deadline = now + TimeUnit.MILLISECONDS.toNanos(budgetMs);
            if (evidence != null && !evidence.isDone() && evidenceDeadlineNanos - now > 0) {
                evidence = CompletableFuture.allOf(evidence, pending);
                evidenceDeadlineNanos = Math.max(evidenceDeadlineNanos, deadline);
            } else {
                evidence = pending;
                evidenceDeadlineNanos = deadline;
            }
            pauseLocked();
            rescheduleLocked(now);
        }
        pending.whenComplete((v, e) -> check());
    }

    /** Connections whose reads are paused right now: held by the tarpit or waiting for lookups. */
    static int pausedNow() {
        return PAUSED_NOW.get();
    }

    /** The connection is gone: cancel the timer task (the channel is closed; nothing to resume). */
    void close() {
        synchronized (this) {
            if (!closed && paused) {
                PAUSED_NOW.decrementAndGet();
            }
            closed = true;
            if (task != null) {
                task.cancel(false);
                task = null;
            }
        }
    }

    synchronized boolean isPaused() {
        return paused;
    }

    private void pauseLocked() {
        if (!paused) {
            paused = true;
            PAUSES.incrementAndGet();
            PAUSED_NOW.incrementAndGet();
            transport.setReadable(false);
        }
    }

    private void check() {
        synchronized (this) {
            if (!closed && paused) {
                rescheduleLocked(System.nanoTime());
            }
        }
    }

    /** Resumes now if nothing holds the connection any more, else schedules the next check. */
    private void rescheduleLocked(long now) {
        long wait = 0;
        if (fixedEndNanos - now > 0) {
            wait = fixedEndNanos - now;
        } else if (evidence != null && !evidence.isDone() && evidenceDeadlineNanos - now > 0) {
            wait = evidenceDeadlineNanos - now;
        }
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        if (wait > 0) {
            task = TIMER.schedule(this::check, wait, TimeUnit.NANOSECONDS);
            return;
        }
        evidence = null;
        if (paused && !closed) {
            PAUSED_NOW.decrementAndGet();
        }
        paused = false;
        RESUMES.incrementAndGet();
        transport.setReadable(true);
    }
}
