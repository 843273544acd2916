package io.portcullis.config;

import io.portcullis.dns.DnsSettings;
import io.portcullis.dnsbl.DnsblSettings;
import io.portcullis.net.AllowList;
import io.portcullis.net.Networks;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code dns.*} keys ({@link DnsSettings}) and the {@code dnsbl.*} keys ({@link DnsblSettings}). */
public final class DnsConfig {
    private DnsConfig() {
    }

    static DnsSettings dns(ConfigValues v) {
        DnsSettings.Builder b = DnsSettings.builder();
        String servers = v.text(Keys.DNS_SERVERS);
        if (!servers.equalsIgnoreCase("system")) {
            b.servers(parseServers(v.source(), Keys.DNS_SERVERS.name(), servers));
        }
        b.queryTimeout(Duration.ofMillis(v.positiveInt(Keys.DNS_TIMEOUT)));
        b.maxInFlight(v.positiveInt(Keys.DNS_MAX_IN_FLIGHT));
        b.maxInFlightPerClient(v.positiveInt(Keys.DNS_MAX_IN_FLIGHT_PER_CLIENT, 0)); // 0: the derived default
        int percent = v.nonNegativeInt(Keys.DNS_RESERVED_FOR_LISTS);
        if (percent > 99) {
            throw v.fail(Keys.DNS_RESERVED_FOR_LISTS, "expected a percentage 0..99");
        }
        b.reservedForLists(percent);
        b.budget(Duration.ofMillis(v.positiveInt(Keys.DNS_BUDGET)));
        b.cacheSize(v.nonNegativeInt(Keys.DNS_CACHE_SIZE));
        return b.build();
    }

    static DnsblSettings dnsbl(ConfigValues v) {
        Networks trusted = v.parsed(Keys.DNSBL_TRUSTED, Networks::parse);
        AllowList allow = v.parsed(Keys.DNSBL_ALLOW, AllowList::parse);
        return new DnsblSettings(v.bool(Keys.DNSBL_ENABLED), ListKeys.DNSBL.parse(v), v.bool(Keys.DNSBL_SELF_TEST),
                Duration.ofMinutes(v.positiveInt(Keys.DNSBL_SELF_TEST_INTERVAL)),
                trusted == null ? Networks.NONE : trusted, allow == null ? AllowList.NONE : allow);
    }

    /**
     * Parses a comma-separated list of {@code IP[:PORT]} / {@code [IPv6]:PORT} resolvers; addresses must be
     * literals and are never looked up.
     */
    public static List<InetSocketAddress> parseServers(String source, String key, String value) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(DnsSettings.parseServer(part));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, key, value, e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(source, key, value, "no DNS server given (use 'system' for resolv.conf)");
        }
        return out;
    }
}
