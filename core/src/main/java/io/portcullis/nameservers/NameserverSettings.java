package io.portcullis.nameservers;

import io.portcullis.dnsbl.ListSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the nameserver check. Immutable; build with {@link #builder()}. Defaults:
 * <table>
 *   <caption>defaults</caption>
 *   <tr><td>{@link #maxNames()}</td><td>4 distinct names walked per message</td></tr>
 *   <tr><td>{@link #maxHosts()}</td><td>8 NS hosts per message</td></tr>
 *   <tr><td>{@link #maxAddresses()}</td><td>16 NS addresses per message</td></tr>
 *   <tr><td>{@link #localListScore()}</td><td>4.0 (an operator's own list is trusted)</td></tr>
 *   <tr><td>{@link #learnedScore()}</td><td>3.0</td></tr>
 *   <tr><td>{@link #lists()}</td><td>none; {@code ns-name:} and {@code ns-ip:} lists score their
 *   {@link ListSpec#weight()} (default 1, e.g. {@code ns-ip:sbl.spamhaus.org=127.0.0.2*3})</td></tr>
 *   <tr><td>{@link #learnedMinSpamDomains()}</td><td>5 distinct spam sender domains</td></tr>
 *   <tr><td>{@link #learnedMinSpamRatio()}</td><td>0.9 = spam / (spam + ham) distinct domains</td></tr>
 *   <tr><td>{@link #learnedWindow()}</td><td>30 days</td></tr>
 *   <tr><td>{@link #allowList()}</td><td>{@link NsAllowList#DEFAULT}</td></tr>
 * </table>
 * Each source scores at most once per message (the highest of its hits), so a domain with four listed
 * nameservers weighs as much as one with a single listed nameserver.
 */
public final class NameserverSettings {
    /** All defaults, no DNS lists. */
    public static final NameserverSettings DEFAULTS = builder().build();

    private final int maxNames;
    private final int maxHosts;
    private final int maxAddresses;
    private final double localListScore;
    private final double learnedScore;
    private final List<ListSpec> lists;
    private final int learnedMinSpamDomains;
    private final double learnedMinSpamRatio;
    private final Duration learnedWindow;
    private final NsAllowList allowList;

    private NameserverSettings(Builder b) {
        this.maxNames = b.maxNames;
        this.maxHosts = b.maxHosts;
        this.maxAddresses = b.maxAddresses;
        this.localListScore = b.localListScore;
        this.learnedScore = b.learnedScore;
        this.lists = List.copyOf(b.lists);
        this.learnedMinSpamDomains = b.learnedMinSpamDomains;
        this.learnedMinSpamRatio = b.learnedMinSpamRatio;
        this.learnedWindow = b.learnedWindow;
        this.allowList = b.allowList;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxNames = maxNames;
        b.maxHosts = maxHosts;
        b.maxAddresses = maxAddresses;
        b.localListScore = localListScore;
        b.learnedScore = learnedScore;
        b.lists = lists;
        b.learnedMinSpamDomains = learnedMinSpamDomains;
        b.learnedMinSpamRatio = learnedMinSpamRatio;
        b.learnedWindow = learnedWindow;
        b.allowList = allowList;
        return b;
    }

    public int maxNames() {
        return maxNames;
    }

    public int maxHosts() {
        return maxHosts;
    }

    public int maxAddresses() {
        return maxAddresses;
    }

    public double localListScore() {
        return localListScore;
    }

    public double learnedScore() {
        return learnedScore;
    }

    /** The {@code ns-name:} and {@code ns-ip:} DNS lists. */
    public List<ListSpec> lists() {
        return lists;
    }

    public int learnedMinSpamDomains() {
        return learnedMinSpamDomains;
    }

    public double learnedMinSpamRatio() {
        return learnedMinSpamRatio;
    }

    public Duration learnedWindow() {
        return learnedWindow;
    }

    public NsAllowList allowList() {
        return allowList;
    }

    @Override
    public String toString() {
        return "NameserverSettings{maxNames=" + maxNames + ", maxHosts=" + maxHosts + ", maxAddresses=" + maxAddresses
                + ", localListScore=" + localListScore + ", learnedScore=" + learnedScore + ", lists=" + lists
                + ", learnedMinSpamDomains=" + learnedMinSpamDomains + ", learnedMinSpamRatio=" + learnedMinSpamRatio
                + ", learnedWindow=" + learnedWindow + "}";
    }

    /** Builder; validates on each call. Not thread-safe. */
    public static final class Builder {
        private int maxNames = 4;
        private int maxHosts = 8;
        private int maxAddresses = 16;
        private double localListScore = 4.0;
        private double learnedScore = 3.0;
        private List<ListSpec> lists = List.of();
        private int learnedMinSpamDomains = 5;
        private double learnedMinSpamRatio = 0.9;
        private Duration learnedWindow = Duration.ofDays(30);
        private NsAllowList allowList = NsAllowList.DEFAULT;

        public Builder maxNames(int n) {
            this.maxNames = positive("maxNames", n, 16);
            return this;
        }

        public Builder maxHosts(int n) {
            this.maxHosts = positive("maxHosts", n, 64);
            return this;
        }

        public Builder maxAddresses(int n) {
            this.maxAddresses = positive("maxAddresses", n, 256);
            return this;
        }

        public Builder localListScore(double s) {
            this.localListScore = finite("localListScore", s);
            return this;
        }

        public Builder learnedScore(double s) {
            this.learnedScore = finite("learnedScore", s);
            return this;
        }

        /** DNS lists; each must be of kind {@code ns-name} or {@code ns-ip}. */
        public Builder lists(List<ListSpec> specs) {
            for (ListSpec l : specs) {
                if (!l.kind().isNameserverKind()) {
                    throw new IllegalArgumentException("list " + l + " is not an ns-name: or ns-ip: list");
                }
            }
            this.lists = List.copyOf(specs);
            return this;
        }

        public Builder learnedMinSpamDomains(int k) {
            this.learnedMinSpamDomains = positive("learnedMinSpamDomains", k, 1_000_000);
            return this;
        }

        public Builder learnedMinSpamRatio(double r) {
            if (!(r >= 0 && r <= 1)) {
                throw new IllegalArgumentException("learnedMinSpamRatio must be within 0..1, got " + r);
            }
            this.learnedMinSpamRatio = r;
            return this;
        }

        public Builder learnedWindow(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("learnedWindow must be positive");
            }
            this.learnedWindow = d;
            return this;
        }

        public Builder allowList(NsAllowList a) {
            this.allowList = Objects.requireNonNull(a);
            return this;
        }

        public NameserverSettings build() {
            return new NameserverSettings(this);
        }

        private static int positive(String what, int n, int max) {
            if (n < 1 || n > max) {
                throw new IllegalArgumentException(what + " must be within 1.." + max + ", got " + n);
            }
            return n;
        }

        private static double finite(String what, double d) {
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(what + " must be a finite number");
            }
            return d;
        }
    }
}
