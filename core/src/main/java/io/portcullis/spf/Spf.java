package io.portcullis.spf;

import java.util.Objects;

/**
 * The outcome of one SPF check: its {@link SpfResult}, why (the matching mechanism, the limit exceeded, the DNS
 * failure), and how many DNS-querying terms it evaluated. Immutable.
 */
public final class Spf {
    private final SpfResult result;
    private final String reason;
    private final int lookups;

    public Spf(SpfResult result, String reason, int lookups) {
        this.result = Objects.requireNonNull(result);
        this.reason = reason == null ? "" : reason;
        this.lookups = lookups;
    }

    public SpfResult result() {
        return result;
    }

    public boolean pass() {
        return result == SpfResult.PASS;
    }

    /** Why: {@code "ip4:192.0.2.0/24 matched"}, {@code "more than 10 DNS-querying terms"}, ... (ASCII, sanitised). */
    public String reason() {
        return reason;
    }

    /** DNS-querying terms evaluated (include, a, mx, ptr, exists, redirect). */
    public int lookups() {
        return lookups;
    }

    @Override
    public String toString() {
        return result.id() + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
