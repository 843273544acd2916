package io.portcullis.decision;

import io.portcullis.json.Text;
import java.util.Locale;

/**
 * One SMTP refusal: reply code, enhanced status code (RFC 3463), reason text (header-safe, at most 400
 * characters: DNS text never reaches a reply raw) and why. Immutable.
 */
public final class Refusal {
    /** Why the reply refuses; {@link #id()} is the {@code reason} of the decision log line. */
    public enum Kind {
        /** The score reached the reject or temp-fail threshold. */
        SCORE,
        /** The tarpit memory remembers the client and {@code smtp.tarpit.reject-remembered} is on. */
        REMEMBERED,
        /** The score is in the greylist band and the (network, sender, recipient) triplet has not retried yet. */
        GREYLISTED,
        /** The client's lists gave no opinion in time and {@code smtp.tempfail-on-unknown} is on. */
        DNS_UNKNOWN,
        /** The client's own lookups were refused for the DNS in-flight cap: judged later, never accepted blind. */
        DNS_OVER_CAP,
        /** Too many connections are tarpitted already ({@code smtp.tarpit.max-connections}). */
        TARPIT_FULL,
        /** Recipients that are exempt (postmaster, abuse) and others must come in separate transactions. */
        SPLIT_RECIPIENTS;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final String code;
    private final String status;
    private final String text;
    private final Kind kind;

    Refusal(String code, String status, String text, Kind kind) {
        this.code = code;
        this.status = status;
        this.text = Text.headerSafe(text, 400);
        this.kind = kind;
    }

    /** {@code 550}, {@code 451}, {@code 452} or {@code 421}. */
    public String code() {
        return code;
    }

    /** The enhanced status code, e.g. {@code 5.7.1}. */
    public String status() {
        return status;
    }

    /** The sanitised reason text after the enhanced status code. */
    public String text() {
        return text;
    }

    public Kind kind() {
        return kind;
    }

    /** A 4xx reply: the client should try again later. */
    public boolean soft() {
        return code.startsWith("4");
    }

    /** Closes the connection after the reply ({@code 421}). */
    public boolean closes() {
        return code.equals("421");
    }

    /** The description that follows the code: {@code 5.7.1 Rejected: ...}. */
    public String description() {
        return status + " " + text;
    }

    /** The whole reply line: {@code 550 5.7.1 Rejected: ...}. */
    public String reply() {
        return code + " " + description();
    }

    @Override
    public String toString() {
        return reply() + " (" + kind.id() + ")";
    }
}
