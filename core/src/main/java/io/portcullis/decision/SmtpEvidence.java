package io.portcullis.decision;

import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * What is known about a client and its transaction at one point of the dialog: the findings that have arrived
 * (list listings, greeting test, nameservers, header rules at end of DATA; observed checks included, the decider
 * sets them apart) and what is missing. Lookups that have not completed are "unknown" here, never a listing.
 * Immutable.
 */
public final class SmtpEvidence {
    private final List<Finding> findings;
    private final Exemption exemption;
    private final String client;
    private final boolean clientUnknown;
    private final boolean overCap;
    private final boolean remembered;
    private final boolean pending;
    private final boolean greylistWait;

    private SmtpEvidence(Builder b) {
        this.greylistWait = b.greylistWait;
        this.findings = List.copyOf(b.findings);
        this.exemption = b.exemption;
        this.client = b.client;
        this.clientUnknown = b.clientUnknown;
        this.overCap = b.overCap;
        this.remembered = b.remembered;
        this.pending = b.pending;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Finding> findings() {
        return findings;
    }

    public Exemption exemption() {
        return exemption;
    }

    /** The client address as text (for reply texts), or empty. */
    public String client() {
        return client;
    }

    /** The client address's lists gave no opinion (timeout, SERVFAIL, suspended) or had not answered. */
    public boolean clientUnknown() {
        return clientUnknown;
    }

    /** Some of this client's own lookups were refused because its share of the DNS in-flight cap was spent. */
    public boolean overCap() {
        return overCap;
    }

    /** The tarpit memory remembers the client (it recently sent spam here). */
    public boolean remembered() {
        return remembered;
    }

    /** A lookup this stage needs was still running when the decision was made (its budget was spent). */
    public boolean pending() {
        return pending;
    }

    /**
     * The transaction's (client network, sender, recipient) triplet has not retried properly yet (first attempt, or
     * a retry before the greylist delay) and the client's network has not passed the greylist recently. False when
     * unknown (the store did not answer): greylisting never holds mail up on a store failure.
     */
    public boolean greylistWait() {
        return greylistWait;
    }

    @Override
    public String toString() {
        return "SmtpEvidence{" + (greylistWait ? "greylist wait, " : "") + findings + (exemption == Exemption.NONE ? "" : ", exempt " + exemption.id())
                + (clientUnknown ? ", client unknown" : "") + (overCap ? ", over cap" : "")
                + (remembered ? ", remembered" : "") + (pending ? ", pending" : "") + "}";
    }

    public static final class Builder {
        private final List<Finding> findings = new ArrayList<>();
        private Exemption exemption = Exemption.NONE;
        private String client = "";
        private boolean clientUnknown;
        private boolean overCap;
        private boolean remembered;
        private boolean pending;
        private boolean greylistWait;

        public Builder greylistWait(boolean v) {
            greylistWait = v;
            return this;
        }

        public Builder finding(Finding f) {
            findings.add(f);
            return this;
        }

        public Builder findings(List<Finding> fs) {
            findings.addAll(fs);
            return this;
        }

        public Builder exemption(Exemption e) {
            exemption = e;
            return this;
        }

        public Builder client(String c) {
            client = c == null ? "" : c;
            return this;
        }

        public Builder clientUnknown(boolean v) {
            clientUnknown |= v;
            return this;
        }

        public Builder overCap(boolean v) {
            overCap |= v;
            return this;
        }

        public Builder remembered(boolean v) {
            remembered = v;
            return this;
        }

        public Builder pending(boolean v) {
            pending |= v;
            return this;
        }

        public SmtpEvidence build() {
            return new SmtpEvidence(this);
        }
    }
}
