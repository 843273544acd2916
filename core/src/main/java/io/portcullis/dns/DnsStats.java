package io.portcullis.dns;

/** A snapshot of the DNS client's counters. */
public final class DnsStats {
    private final long queries;
    private final long cacheHits;
    private final long timeouts;
    private final long errors;
    private final long inFlight;
    private final long cacheSize;
    private final long overCap;

    public DnsStats(long queries, long cacheHits, long timeouts, long errors, long inFlight, long cacheSize) {
        this(queries, cacheHits, timeouts, errors, inFlight, cacheSize, 0);
    }

    public DnsStats(long queries, long cacheHits, long timeouts, long errors, long inFlight, long cacheSize,
            long overCap) {
        this.overCap = overCap;
        this.queries = queries;
        this.cacheHits = cacheHits;
        this.timeouts = timeouts;
        this.errors = errors;
        this.inFlight = inFlight;
        this.cacheSize = cacheSize;
    }

    /** Questions sent to a server (cache misses not joined to an identical in-flight question). */
    public long queries() {
        return queries;
    }

    /** Questions answered from the cache. */
    public long cacheHits() {
        return cacheHits;
    }

    public long timeouts() {
        return timeouts;
    }

    /** SERVFAIL, REFUSED, network errors, invalid names. */
    public long errors() {
        return errors;
    }

    /** Lookups refused for capacity ({@link DnsAnswer.Status#OVER_CAP}), never sent. */
    public long overCap() {
        return overCap;
    }

    public long inFlight() {
        return inFlight;
    }

    public long cacheSize() {
        return cacheSize;
    }

    @Override
    public String toString() {
        return "DnsStats{queries=" + queries + ", cacheHits=" + cacheHits + ", timeouts=" + timeouts + ", errors="
                + errors + ", inFlight=" + inFlight + ", cacheSize=" + cacheSize + ", overCap=" + overCap + "}";
    }
}
