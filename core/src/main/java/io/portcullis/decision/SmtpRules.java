package io.portcullis.decision;

/**
 * The thresholds and switches of the SMTP decision, as configured ({@code smtp.*} keys; built by
 * {@code SmtpSettings.rules()}). Immutable.
 */
public final class SmtpRules {
    private final double rejectThreshold;
    private final double tempfailThreshold;
    private final double tarpitThreshold;
    private final boolean tempfailOnUnknown;
    private final boolean tarpitRemembered;
    private final boolean rejectRemembered;
    private final boolean observeAll;
    private final double greylistThreshold;

    private SmtpRules(Builder b) {
        this.greylistThreshold = b.greylistThreshold;
        this.rejectThreshold = b.rejectThreshold;
        this.tempfailThreshold = b.tempfailThreshold;
        this.tarpitThreshold = b.tarpitThreshold;
        this.tempfailOnUnknown = b.tempfailOnUnknown;
        this.tarpitRemembered = b.tarpitRemembered;
        this.rejectRemembered = b.rejectRemembered;
        this.observeAll = b.observeAll;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** At or above: {@code 550 5.7.1} at RCPT or end of DATA. */
    public double rejectThreshold() {
        return rejectThreshold;
    }

    /** At or above (and below the reject threshold): {@code 451 4.7.1}. */
    public double tempfailThreshold() {
        return tempfailThreshold;
    }

    /** At or above: every later reply of the connection is delayed (also above the reject threshold). */
    public double tarpitThreshold() {
        return tarpitThreshold;
    }

    /** The client address's lists gave no opinion in time: {@code 451 4.4.3} instead of accepting. */
    public boolean tempfailOnUnknown() {
        return tempfailOnUnknown;
    }

    /** Clients remembered by the {@code Tarpit} mailet are tarpitted. */
    public boolean tarpitRemembered() {
        return tarpitRemembered;
    }

    /** Clients remembered by the {@code Tarpit} mailet are refused at RCPT. */
    public boolean rejectRemembered() {
        return rejectRemembered;
    }

    /**
     * At or above (and below the temp-fail and reject thresholds), at RCPT: a (client network, sender, recipient)
     * triplet that has not retried properly gets {@code 451 4.7.1}; {@link Double#POSITIVE_INFINITY} when off.
     */
    public double greylistThreshold() {
        return greylistThreshold;
    }

    /** {@code smtp.mode = observe}: decide as usual, but only log; the client is always accepted. */
    public boolean observeAll() {
        return observeAll;
    }

    @Override
    public String toString() {
        return "SmtpRules{reject=" + rejectThreshold + ", tempfail=" + tempfailThreshold + ", tarpit="
                + tarpitThreshold + ", greylist=" + greylistThreshold + ", tempfailOnUnknown=" + tempfailOnUnknown + ", tarpitRemembered="
                + tarpitRemembered + ", rejectRemembered=" + rejectRemembered + ", observeAll=" + observeAll + "}";
    }

    /** Defaults: reject 15, temp-fail 15 (no band), tarpit 10, no greylist band, nothing else. */
    public static final class Builder {
        private double rejectThreshold = 15;
        private double tempfailThreshold = 15;
        private double tarpitThreshold = 10;
        private boolean tempfailOnUnknown;
        private boolean tarpitRemembered;
        private boolean rejectRemembered;
        private boolean observeAll;
        private double greylistThreshold = Double.POSITIVE_INFINITY;

        public Builder greylist(double v) {
            greylistThreshold = v;
            return this;
        }

        public Builder reject(double v) {
            rejectThreshold = v;
            return this;
        }

        public Builder tempfail(double v) {
            tempfailThreshold = v;
            return this;
        }

        public Builder tarpit(double v) {
            tarpitThreshold = v;
            return this;
        }

        public Builder tempfailOnUnknown(boolean v) {
            tempfailOnUnknown = v;
            return this;
        }

        public Builder tarpitRemembered(boolean v) {
            tarpitRemembered = v;
            return this;
        }

        public Builder rejectRemembered(boolean v) {
            rejectRemembered = v;
            return this;
        }

        public Builder observeAll(boolean v) {
            observeAll = v;
            return this;
        }

        public SmtpRules build() {
            return new SmtpRules(this);
        }
    }
}
