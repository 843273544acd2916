package io.portcullis.dnsbl;

import io.portcullis.net.AllowList;
import io.portcullis.net.Networks;
import java.time.Duration;
import java.util.List;

/** The DNSBL section of the configuration. Immutable. */
public final class DnsblSettings {
    /** No lists, self-test every 10 minutes. */
    public static final DnsblSettings NONE = new DnsblSettings(true, List.of(), true, Duration.ofMinutes(10),
            Networks.NONE, AllowList.NONE);

    private final boolean enabled;
    private final List<ListSpec> lists;
    private final boolean selfTest;
    private final Duration selfTestInterval;
    private final Networks trustedNetworks;
    private final AllowList allow;

    public DnsblSettings(boolean enabled, List<ListSpec> lists, boolean selfTest, Duration selfTestInterval,
            Networks trustedNetworks, AllowList allow) {
        this.enabled = enabled;
        this.lists = List.copyOf(lists);
        this.selfTest = selfTest;
        this.selfTestInterval = selfTestInterval;
        this.trustedNetworks = trustedNetworks;
        this.allow = allow;
    }

    /**
     * Relays trusted to record the truth in Received headers: when the SMTP client is one of them, IP
     * lists are also checked for the first untrusted Received hop.
     */
    public Networks trustedNetworks() {
        return trustedNetworks;
    }

    /** Addresses and domains never looked up (reported clean). */
    public AllowList allow() {
        return allow;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Lists in configuration order. */
    public List<ListSpec> lists() {
        return lists;
    }

    public boolean selfTest() {
        return selfTest;
    }

    public Duration selfTestInterval() {
        return selfTestInterval;
    }

    /** A copy with other lists (e.g. the ad-hoc lists of {@code lookup --list}). */
    public DnsblSettings withLists(List<ListSpec> other) {
        return new DnsblSettings(enabled, other, selfTest, selfTestInterval, trustedNetworks, allow);
    }

    @Override
    public String toString() {
        return "DnsblSettings{enabled=" + enabled + ", lists=" + lists + ", selfTest=" + selfTest + "/"
                + selfTestInterval + "}";
    }
}
