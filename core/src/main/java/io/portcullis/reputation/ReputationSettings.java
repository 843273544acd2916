package io.portcullis.reputation;

import java.util.EnumMap;
import java.util.Map;

/**
 * The {@code reputation.*} settings (parsed by {@code io.portcullis.config.ReputationConfig}). Immutable.
 *
 * <pre>
 * reputation.enabled            = true  # false: no reputation is read, scored or learned
 * reputation.&lt;kind&gt;.weight      = ip 4, net 2, asn 1, helo 1, mail-from 2, from 2, ns 1  # score of a record that
 *                                       # is all bad (a good one scores -weight * good-factor, for ip, helo,
 *                                       # mail-from and from only)
 * reputation.min-observations   = 5     # an entity with fewer outcomes in the window gives no finding
 * reputation.half-life-days     = 7     # an outcome's weight halves every so many days
 * reputation.window-days        = 30    # outcomes older than this are forgotten (day buckets)
 * reputation.expire-days        = 60    # a record nobody updates for so long disappears
 * reputation.good-factor        = 0.5   # how much a clean history lowers the score, relative to the weight
 * reputation.spf                = true  # SPF pass verifies the envelope sender's domain for the client
 * reputation.spf.timeout-ms     = 800   # an SPF evaluation not done by then is a temperror (not verified)
 * reputation.spam-folder        = Spam  # users moving mail into / out of this mailbox report spam / not spam
 * </pre>
 */
public final class ReputationSettings {
    /** Defaults: conservative weights (a maximal bad history of all kinds together scores 13). */
    public static final ReputationSettings DEFAULTS = builder().build();

    private final boolean enabled;
    private final Map<EntityKind, Double> weights;
    private final int minObservations;
    private final double halfLifeDays;
    private final int windowDays;
    private final int expireDays;
    private final double goodFactor;
    private final boolean spf;
    private final long spfTimeoutMs;
    private final String spamFolder;

    private ReputationSettings(Builder b) {
        this.enabled = b.enabled;
        this.weights = Map.copyOf(b.weights);
        this.minObservations = b.minObservations;
        this.halfLifeDays = b.halfLifeDays;
        this.windowDays = b.windowDays;
        this.expireDays = b.expireDays;
        this.goodFactor = b.goodFactor;
        this.spf = b.spf;
        this.spfTimeoutMs = b.spfTimeoutMs;
        this.spamFolder = b.spamFolder;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean enabled() {
        return enabled;
    }

    public double weight(EntityKind k) {
        return weights.getOrDefault(k, 0.0);
    }

    public int minObservations() {
        return minObservations;
    }

    public double halfLifeDays() {
        return halfLifeDays;
    }

    public int windowDays() {
        return windowDays;
    }

    public int expireDays() {
        return expireDays;
    }

    public double goodFactor() {
        return goodFactor;
    }

    /** Whether an SPF pass verifies the envelope sender's domain for the client ({@code reputation.spf}). */
    public boolean spf() {
        return spf;
    }

    /** {@code reputation.spf.timeout-ms}: an SPF evaluation still running then counts as a temperror. */
    public long spfTimeoutMs() {
        return spfTimeoutMs;
    }

    /** {@code reputation.spam-folder}: the mailbox name whose moves are users' reports (empty: none). */
    public String spamFolder() {
        return spamFolder;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.weights.putAll(weights);
        b.minObservations = minObservations;
        b.halfLifeDays = halfLifeDays;
        b.windowDays = windowDays;
        b.expireDays = expireDays;
        b.goodFactor = goodFactor;
        b.spf = spf;
        b.spfTimeoutMs = spfTimeoutMs;
        b.spamFolder = spamFolder;
        return b;
    }

    @Override
    public String toString() {
        return "ReputationSettings{" + (enabled ? "on" : "off") + ", weights=" + weights + ", min=" + minObservations
                + ", half-life=" + halfLifeDays + "d, window=" + windowDays + "d, expire=" + expireDays
                + "d, good-factor=" + goodFactor + ", spf=" + (spf ? spfTimeoutMs + "ms" : "off") + ", spam-folder="
                + spamFolder + "}";
    }

    public static final class Builder {
        private boolean enabled = true;
        private final Map<EntityKind, Double> weights = new EnumMap<>(EntityKind.class);
        private int minObservations = 5;
        private double halfLifeDays = 7;
        private int windowDays = 30;
        private int expireDays = 60;
        private double goodFactor = 0.5;
        private boolean spf = true;
        private long spfTimeoutMs = 800;
        private String spamFolder = "Spam";

        Builder() {
            weights.put(EntityKind.IP, 4.0);
            weights.put(EntityKind.NET, 2.0);
            weights.put(EntityKind.ASN, 1.0);
            weights.put(EntityKind.HELO, 1.0);
            weights.put(EntityKind.MAIL_FROM, 2.0);
            weights.put(EntityKind.FROM, 2.0);
            weights.put(EntityKind.NS, 1.0);
        }

        public Builder enabled(boolean v) {
            enabled = v;
            return this;
        }

        public Builder weight(EntityKind k, double w) {
            if (w < 0 || Double.isNaN(w) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weight must be a finite number >= 0");
            }
            weights.put(k, w);
            return this;
        }

        public Builder minObservations(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("must be at least 1");
            }
            minObservations = n;
            return this;
        }

        public Builder halfLifeDays(double d) {
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("must be positive");
            }
            halfLifeDays = d;
            return this;
        }

        public Builder windowDays(int d) {
            if (d < 1 || d > 365) {
                throw new IllegalArgumentException("must be between 1 and 365");
            }
            windowDays = d;
            return this;
        }

        public Builder expireDays(int d) {
            if (d < 1) {
                throw new IllegalArgumentException("must be positive");
            }
            expireDays = d;
            return this;
        }

        public Builder goodFactor(double f) {
            if (f < 0 || f > 1 || Double.isNaN(f)) {
                throw new IllegalArgumentException("must be between 0 and 1");
            }
            goodFactor = f;
            return this;
        }

        public Builder spf(boolean on) {
            spf = on;
            return this;
        }

        public Builder spfTimeoutMs(long ms) {
            if (ms < 1 || ms > 60_000) {
                throw new IllegalArgumentException("must be between 1 and 60000");
            }
            spfTimeoutMs = ms;
            return this;
        }

        public Builder spamFolder(String name) {
            String n = name == null ? "" : name.trim();
            if (n.length() > 200 || n.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("must be a mailbox name (at most 200 characters, no control "
                        + "characters)");
            }
            spamFolder = n;
            return this;
        }

        public ReputationSettings build() {
            if (expireDays < windowDays) {
                throw new IllegalArgumentException("expire-days must be at least window-days");
            }
            return new ReputationSettings(this);
        }
    }
}
