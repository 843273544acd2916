package io.portcullis.dns;

/**
 * What a {@link DnsjavaClient} tells an observer (metrics) about its questions, so that a host such as James can
 * count and time them without the DNS code depending on it. Every method is called on the thread of the event
 * (the caller of {@code lookup}, or the DNS I/O and callback threads): implementations must be quick, must not
 * block and must not throw (an exception is caught and ignored by the client).
 */
public interface DnsEvents {
    /** Observes nothing. */
    DnsEvents NONE = new DnsEvents() { };

    /**
     * A question goes out to the network (not answered from the cache, not joined to an identical question in
     * flight). The returned object is told how it ended; called on the thread calling {@code lookup}.
     */
    default Question sent(DnsType type) {
        return Question.NONE;
    }

    /** A lookup was answered from the cache, or joined an identical question already in flight. */
    default void cacheHit() {
    }

    /** A lookup failed before any question went out because the name is not a valid DNS name. */
    default void refused() {
    }

    /**
     * A lookup was refused for capacity ({@link DnsAnswer.Status#OVER_CAP}): the overall cap
     * ({@code dns.max-in-flight}), the requester's share ({@code dns.max-in-flight-per-client}) or, for a non-list
     * question, the part of the cap not kept for lists. By default counted as {@link #refused()}.
     */
    default void overCap(DnsRequester requester, DnsPurpose purpose) {
        refused();
    }

    /** The end of one question sent to the network. */
    interface Question {
        /** Forgets the outcome. */
        Question NONE = (status, response, nanos) -> { };

        /**
         * The question ended with {@code status} after {@code nanos} from {@link DnsEvents#sent}. {@code response}
         * is true when a server answered ({@link DnsAnswer.Status#ANSWER}, {@code NXDOMAIN}, {@code NODATA},
         * {@code SERVFAIL}, or {@code ERROR} for another response code such as REFUSED), false when none did
         * ({@code TIMEOUT}, or {@code ERROR} for a transport failure).
         */
        void ended(DnsAnswer.Status status, boolean response, long nanos);
    }
}
