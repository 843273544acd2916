package io.portcullis.nameservers;

import io.portcullis.dnsbl.QueryNames;
import io.portcullis.store.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Nameservers learned from spam: per NS host and per NS address, the distinct sender domains (registered
 * domains) seen in mail judged spam, and in mail judged ham, over a sliding window (default 30 days). A
 * nameserver or address is listed when it served at least k distinct spam domains (default 5) and the
 * share spam / (spam + ham) is at least the ratio (default 0.9), unless the NS host is covered by the
 * {@link NsAllowList} (shared hosting and registrar nameservers, which are never recorded either).
 *
 * <p>Store sets (see {@link StateStore}): {@code ns:spam:host:NAME}, {@code ns:ham:host:NAME},
 * {@code ns:spam:ip:ADDRESS}, {@code ns:ham:ip:ADDRESS}; members are sender registered domains.
 *
 * <p>Thread-safe; futures never complete exceptionally except those of {@link #learn}, which fail with the
 * store's {@link io.portcullis.store.StoreException}.
 */
public final class LearnedNameservers {
    /** The source id of learned hits ({@code learned}). */
    public static final String SOURCE = "learned";

    /** What the mail was judged to be. */
    public enum Verdict {
        SPAM,
        HAM;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The learned standing of one nameserver or address. Immutable. */
    public static final class Reputation {
        private final String subject;
        private final long spamDomains;
        private final long hamDomains;
        private final boolean listed;
        private final String allowedBy;

        Reputation(String subject, long spamDomains, long hamDomains, boolean listed, String allowedBy) {
            this.subject = subject;
            this.spamDomains = spamDomains;
            this.hamDomains = hamDomains;
            this.listed = listed;
            this.allowedBy = allowedBy;
        }

        /** The NS host name or address. */
        public String subject() {
            return subject;
        }

        public long spamDomains() {
            return spamDomains;
        }

        public long hamDomains() {
            return hamDomains;
        }

        public boolean listed() {
            return listed;
        }

        /** The allow list entry that keeps it from being listed, if any. */
        public Optional<String> allowedBy() {
            return Optional.ofNullable(allowedBy);
        }

        @Override
        public String toString() {
            return subject + " spam=" + spamDomains + " ham=" + hamDomains + (listed ? " listed" : "")
                    + (allowedBy == null ? "" : " allowed by " + allowedBy);
        }
    }

    private final StateStore store;
    private final NameserverSettings settings;
    private final Clock clock;

    public LearnedNameservers(StateStore store, NameserverSettings settings) {
        this(store, settings, Clock.systemUTC());
    }

    public LearnedNameservers(StateStore store, NameserverSettings settings, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Records the sender domains of {@code view} (the registered domain of each identity whose NS were
     * found) against each NS host and each of its addresses, skipping allow-listed hosts. The learning
     * mailet passes the MAIL FROM and From header identities only.
     */
    public CompletableFuture<Void> learn(NameserverView view, Verdict verdict) {
        Instant now = clock.instant();
        Map<String, Set<String>> setsByDomain = new LinkedHashMap<>();
        Map<String, NsHost> hosts = new LinkedHashMap<>();
        for (NsHost h : view.hosts()) {
            hosts.put(h.name(), h);
        }
        for (NsDelegation d : view.delegations()) {
            if (d.status() != NsDelegation.Status.FOUND) {
                continue;
            }
            Optional<String> domain = QueryNames.registeredDomain(d.name());
            if (domain.isEmpty()) {
                continue;
            }
            Set<String> sets = setsByDomain.computeIfAbsent(domain.get(), k -> new LinkedHashSet<>());
            for (String host : d.hosts()) {
                NsHost h = hosts.get(host);
                if (h == null || settings.allowList().allows(host)) {
                    continue;
                }
                sets.add(hostSet(verdict, host));
                for (String a : h.addresses()) {
                    sets.add(addressSet(verdict, a));
                }
            }
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : setsByDomain.entrySet()) {
            if (!e.getValue().isEmpty()) {
                all.add(store.record(e.getValue(), e.getKey(), now));
            }
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * The standing of NS hosts and addresses, keyed by host name or address literal. Completes
     * exceptionally (with the store's exception) when the store fails; callers read that as "unknown".
     */
    public CompletableFuture<Map<String, Reputation>> reputations(Collection<String> hostNames,
            Map<String, String> addressToHost) {
        List<String> sets = new ArrayList<>();
        for (String h : hostNames) {
            sets.add(hostSet(Verdict.SPAM, h));
            sets.add(hostSet(Verdict.HAM, h));
        }
        for (String a : addressToHost.keySet()) {
            sets.add(addressSet(Verdict.SPAM, a));
            sets.add(addressSet(Verdict.HAM, a));
        }
        Instant since = clock.instant().minus(settings.learnedWindow());
        return store.count(sets, since).thenApply(counts -> {
            Map<String, Reputation> out = new LinkedHashMap<>();
            for (String h : hostNames) {
                out.put(h, judge(h, counts.getOrDefault(hostSet(Verdict.SPAM, h), 0L),
                        counts.getOrDefault(hostSet(Verdict.HAM, h), 0L), settings.allowList().match(h)));
            }
            for (Map.Entry<String, String> e : addressToHost.entrySet()) {
                String a = e.getKey();
                out.put(a, judge(a, counts.getOrDefault(addressSet(Verdict.SPAM, a), 0L),
                        counts.getOrDefault(addressSet(Verdict.HAM, a), 0L), settings.allowList().match(e.getValue())));
            }
            return out;
        });
    }

    private Reputation judge(String subject, long spam, long ham, String allowedBy) {
        boolean listed = allowedBy == null && spam >= settings.learnedMinSpamDomains()
                && (double) spam / (spam + ham) >= settings.learnedMinSpamRatio();
        return new Reputation(subject, spam, ham, listed, allowedBy);
    }

    /** The window as words: "30 days", "12 hours". */
    String windowText() {
        Duration w = settings.learnedWindow();
        if (w.toDays() >= 1 && w.equals(Duration.ofDays(w.toDays()))) {
            return w.toDays() == 1 ? "day" : w.toDays() + " days";
        }
        if (w.toHours() >= 1 && w.equals(Duration.ofHours(w.toHours()))) {
            return w.toHours() == 1 ? "hour" : w.toHours() + " hours";
        }
        return w.toMinutes() + " minutes";
    }

    public NameserverSettings settings() {
        return settings;
    }

    static String hostSet(Verdict v, String host) {
        return "ns:" + v.id() + ":host:" + host;
    }

    static String addressSet(Verdict v, String address) {
        return "ns:" + v.id() + ":ip:" + address;
    }
}
