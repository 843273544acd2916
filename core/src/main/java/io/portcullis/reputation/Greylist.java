package io.portcullis.reputation;

import io.portcullis.store.Counters;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The greylist state of the SMTP decision's greylist band. Pure: the handler reads the two records at MAIL FROM
 * (one batch with the reputation records), asks {@link #status} at each RCPT and writes what {@link #firstAttempt}
 * / {@link #passed} say.
 *
 * <ul>
 *   <li>{@code grey:t:NET:SENDER} (NET the client's /24 or /64, SENDER the envelope sender or {@code <>}): one field
 *   per attempt, {@code RECIPIENT|EPOCH_SECONDS}; the record expires a window after its last attempt. Reading all
 *   the sender's triplets at MAIL FROM keeps RCPT free of store round trips.</li>
 *   <li>{@code grey:ok:NET}: a client network that retried properly; expires {@code remember} after its last pass.
 *   Such a network is never greylisted while remembered.</li>
 * </ul>
 */
public final class Greylist {
    /** What a triplet's attempt is. */
    public enum Status {
        /** The client's network passed the greylist recently: never greylisted. */
        PASSED_BEFORE,
        /** No attempt of the triplet in the window: greylist it (and remember the attempt). */
        FIRST,
        /** The first attempt was less than the delay ago: greylist again. */
        EARLY,
        /** A retry after the delay and within the window: let it through (and remember the network). */
        RETRY_OK,
        /** The store did not answer: never greylist. */
        UNKNOWN;

        /** Whether the attempt gets {@code 451} (when its score is in the greylist band). */
        public boolean waits() {
            return this == FIRST || this == EARLY;
        }
    }

    private final Duration delay;
    private final Duration window;
    private final Duration remember;

    public Greylist(Duration delay, Duration window, Duration remember) {
        if (delay.isNegative() || window.compareTo(delay) <= 0 || remember.isNegative() || remember.isZero()) {
            throw new IllegalArgumentException("need 0 <= delay < window and a positive remember period");
        }
        this.delay = delay;
        this.window = window;
        this.remember = remember;
    }

    public Duration delay() {
        return delay;
    }

    public Duration window() {
        return window;
    }

    public Duration remember() {
        return remember;
    }

    public static String tripletKey(String network, String sender) {
        return "grey:t:" + network + ":" + normalise(sender);
    }

    public static String passedKey(String network) {
        return "grey:ok:" + network;
    }

    private static String normalise(String sender) {
        return sender == null || sender.isEmpty() ? "<>" : sender.toLowerCase(Locale.ROOT);
    }

    /**
     * The status of an attempt for {@code recipient} now, from the sender's triplet record and the network's pass
     * record (either may be null: none).
     */
    public Status status(Counters triplets, Counters passed, String recipient, Instant now) {
        if (passed != null && !passed.last().plus(remember).isBefore(now)) {
            return Status.PASSED_BEFORE;
        }
        Instant first = firstAttempt(triplets, recipient, now);
        if (first == null) {
            return Status.FIRST;
        }
        return Duration.between(first, now).compareTo(delay) < 0 ? Status.EARLY : Status.RETRY_OK;
    }

    /** The earliest attempt of the triplet still within the window, or null. */
    Instant firstAttempt(Counters triplets, String recipient, Instant now) {
        if (triplets == null) {
            return null;
        }
        String prefix = normalise(recipient) + "|";
        Instant best = null;
        Instant oldest = now.minus(window);
        for (Map.Entry<String, Long> f : triplets.fields().entrySet()) {
            if (!f.getKey().startsWith(prefix)) {
                continue;
            }
            try {
                Instant t = Instant.ofEpochSecond(Long.parseLong(f.getKey().substring(prefix.length())));
                if (!t.isBefore(oldest) && (best == null || t.isBefore(best))) {
                    best = t;
                }
            } catch (NumberFormatException ignored) {
                // foreign field
            }
        }
        return best;
    }

    /** The field recording a first attempt of {@code recipient} at {@code now} (in the triplet record). */
    public static String attemptField(String recipient, Instant now) {
        return normalise(Objects.requireNonNull(recipient)) + "|" + now.getEpochSecond();
    }
}
