package io.portcullis.smtp;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** One shared daemon timer thread for the greeting test (never a sleeping thread per connection). */
final class SmtpTimer {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private SmtpTimer() {
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "portcullis-smtp-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** Runs {@code r} on the shared timer thread after {@code delayMs}. */
    static ScheduledFuture<?> schedule(Runnable r, long delayMs) {
        return TIMER.schedule(r, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }
}
