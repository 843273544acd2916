package io.portcullis.nameservers;

import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListHealth;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.net.ForwardConfirmation;
import io.portcullis.net.Hosts;
import io.portcullis.store.StateStore;
import io.portcullis.store.UnavailableStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The shared-spam-nameserver check put together, as {@code DnsblEngine} is for the DNS lists: the
 * {@link NameserverChecker} on the shared DNS client, the operator's local list (re-read when the file changes), the
 * {@code ns-name:}/{@code ns-ip:} lists with their self-test, and the state store behind the learned source. One per
 * James server; {@link #close()} stops the self-test and closes the store (not the DNS client, which it does not own).
 *
 * <p>Identities judged: the MAIL FROM and From header domains, and, for a client that is judged (not authenticated,
 * not from an authorised network, not made by a mailet), the HELO name and the client's host name (rDNS) once
 * forward-confirmed: its A (IPv4 client) or AAAA (IPv6 client) records, asked on the shared DNS client, include the
 * client address. Every failure (DNS, store, internal) is "unknown": no finding, a log line, never an exception.
 * Thread-safe.
 */
public final class NameserverEngine implements AutoCloseable {
    /** Where the engine's few lines go (the adapter's logger); core has no logging library. */
    public interface Log {
        void info(String message);

        void warn(String message);

        void error(String message);

        /** Does nothing. */
        Log NONE = new Log() {
            @Override
            public void info(String message) {
            }

            @Override
            public void warn(String message) {
            }

            @Override
            public void error(String message) {
            }
        };
    }

    /** What the engine is built from (the {@code nameservers.*}, {@code store.*}, {@code dnsbl.self-test*} keys). */
    public static final class Setup {
        final NameserverSettings settings;
        Path localList;
        Duration localListCheckInterval = Duration.ofSeconds(60);
        Supplier<StateStore> store;
        String storeDescription = "none";
        Duration storeRetention = Duration.ofDays(30);
        Duration selfTestInterval;
        Duration dnsBudget = Duration.ofMillis(500);

        public Setup(NameserverSettings settings) {
            this.settings = settings;
        }

        /** The operator's local list, re-read at most this often when the file changes. */
        public Setup localList(Path file, Duration checkInterval) {
            this.localList = file;
            this.localListCheckInterval = checkInterval;
            return this;
        }

        /** The learned source on the store {@code open} opens (described as {@code description} in messages). */
        public Setup learned(Supplier<StateStore> open, String description, Duration retention) {
            this.store = open;
            this.storeDescription = description;
            this.storeRetention = retention;
            return this;
        }

        /** The lists' self-test, run now and then every {@code interval}. */
        public Setup selfTest(Duration interval) {
            this.selfTestInterval = interval;
            return this;
        }

        /** The DNS budget of one question set; a blocked caller waits at most twice this (at least 1 s). */
        public Setup dnsBudget(Duration budget) {
            this.dnsBudget = budget;
            return this;
        }
    }

    private final DnsClient dns;
    private final NameserverSettings settings;
    private final NameserverChecker checker;
    private final LearnedNameservers learned;
    private final StateStore store;
    private final ListHealth health;
    private final long budgetMs;
    private final String storeDescription;
    private final Log log;

    private NameserverEngine(DnsClient dns, NameserverSettings settings, NameserverChecker checker,
            LearnedNameservers learned, StateStore store, ListHealth health, long budgetMs, String storeDescription,
            Log log) {
        this.dns = dns;
        this.settings = settings;
        this.checker = checker;
        this.learned = learned;
        this.store = store;
        this.health = health;
        this.budgetMs = budgetMs;
        this.storeDescription = storeDescription;
        this.log = log;
    }

    /**
     * Builds the check on {@code dns}: reads the local list (its warnings logged), opens the store (a store that
     * cannot be opened is logged as an error and makes the learned source "unknown"; the caller still starts) and
     * starts the lists' self-test when asked.
     */
    public static NameserverEngine start(Setup setup, DnsClient dns, ListHealth.Listener listener, Log log) {
        LocalNsList local = null;
        if (setup.localList != null) {
            local = LocalNsList.watch(setup.localList, setup.localListCheckInterval);
            for (String w : local.warnings()) {
                log.warn("Portcullis: nameserver local list " + setup.localList + ": " + w);
            }
        }
        StateStore store = null;
        LearnedNameservers learned = null;
        if (setup.store != null) {
            try {
                store = setup.store.get();
            } catch (RuntimeException e) {
                log.error("Portcullis: cannot open the state store (" + setup.storeDescription + "): "
                        + e.getMessage() + ". Learned nameservers are 'unknown' until James restarts with a usable "
                        + "store.");
                store = new UnavailableStore(e.getMessage(), setup.storeRetention);
            }
            learned = new LearnedNameservers(store, setup.settings);
        }
        List<ListSpec> lists = setup.settings.lists();
        ListHealth health = null;
        if (!lists.isEmpty() && setup.selfTestInterval != null) {
            health = new ListHealth(dns, lists, listener);
            health.start(setup.selfTestInterval);
        }
        NameserverChecker checker = new NameserverChecker(dns, setup.settings, local, learned, health);
        long budget = Math.max(1000, setup.dnsBudget.toMillis() * 2);
        log.info("Portcullis: shared spam nameservers check on (local list "
                + (setup.localList == null ? "none" : setup.localList) + ", lists " + lists + ", learned "
                + (setup.store != null ? "on" : "off") + "; store "
                + (setup.store != null ? setup.storeDescription : "none") + ")");
        return new NameserverEngine(dns, setup.settings, checker, learned, store, health, budget,
                setup.store != null ? setup.storeDescription : "none", log);
    }

    public NameserverChecker checker() {
        return checker;
    }

    public NameserverSettings settings() {
        return settings;
    }

    /** The learned source, or null when learning is off. */
    public LearnedNameservers learned() {
        return learned;
    }

    /** The state store (an {@link UnavailableStore} when it could not be opened), or null when learning is off. */
    public StateStore store() {
        return store;
    }

    /** Longest a blocked caller (a spooler thread) waits for the check of one mail. */
    public long budgetMs() {
        return budgetMs;
    }

    /**
     * The check at SMTP time (started at MAIL FROM): the envelope sender's domain and, when {@code judgeClient}, the
     * HELO name and the client's host name once forward-confirmed (its A/AAAA records include {@code client}). Every
     * question is asked on behalf of {@code requester} (normally the client's network): it counts against that
     * network's share of the in-flight cap, and a question refused for capacity makes the report
     * {@link NameserverReport#overCap()}. Asynchronous; never completes exceptionally (failures give a null report,
     * i.e. "unknown").
     *
     * @param rdns the client's host name from its PTR lookup (may complete with null); ignored unless judgeClient
     */
    public CompletableFuture<NameserverReport> checkAtSmtp(String mailFromDomain, String helo,
            CompletableFuture<String> rdns, InetAddress client, boolean judgeClient, DnsRequester requester) {
        try {
            NsTargets.Builder b = NsTargets.builder();
            if (mailFromDomain != null) {
                b.mailFrom(mailFromDomain);
            }
            if (!judgeClient) {
                return check(b.build(), requester);
            }
            if (helo != null) {
                b.helo(helo);
            }
            if (rdns == null || client == null) {
                return check(b.build(), requester);
            }
            return rdns.handle((host, err) -> host)
                    .thenCompose(host -> withClientName(b, host, client, requester))
                    .thenCompose(t -> check(t, requester)).exceptionally(e -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * The targets of {@code b} plus the client's host name {@code host} when it is a name (not an IP literal, not
     * {@code localhost}): judged as the rDNS identity only once forward-confirmed. Never completes exceptionally.
     */
    public CompletableFuture<NsTargets> withClientName(NsTargets.Builder b, String host, InetAddress client,
            DnsRequester requester) {
        if (host == null || client == null || host.equalsIgnoreCase("localhost") || Hosts.ipLiteral(host) != null) {
            return CompletableFuture.completedFuture(b.build());
        }
        return forwardConfirmed(host, client, requester).handle((ok, err) -> {
            b.rdns(host, Boolean.TRUE.equals(ok));
            return b.build();
        });
    }

    /** True when {@code host}'s A (IPv4) or AAAA (IPv6) records include {@code client}; false on any failure. */
    public CompletableFuture<Boolean> forwardConfirmed(String host, InetAddress client, DnsRequester requester) {
        return ForwardConfirmation.check(dns, host, client, requester);
    }

    /** The report for the targets; null (unknown) when there is nothing to judge or on failure. */
    public CompletableFuture<NameserverReport> check(NsTargets t, DnsRequester requester) {
        if (t.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return checker.check(t, requester).exceptionally(e -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * Waits for {@code f} within {@link #budgetMs()}; empty (and a log line naming {@code mail}) past it or on
     * failure. For callers on threads that may block (the mail pipeline).
     */
    public <T> Optional<T> await(CompletableFuture<T> f, String mail, String what) {
        try {
            return Optional.ofNullable(f.get(budgetMs, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("Portcullis: nameserver " + what + " gave no answer for mail " + mail + " within " + budgetMs
                    + " ms; treating it as unknown");
            return Optional.empty();
        }
    }

    /**
     * Records the sender domains of {@code view} (MAIL FROM and From header delegations that were found) against
     * their nameservers as spam or ham, blocking within {@link #budgetMs()}. Domains for which {@code skipDomain}
     * holds (the server's own) are not recorded. Returns the number of sender domains recorded; never throws (a
     * store failure is logged, naming {@code mail}, and gives 0).
     */
    public int learn(NameserverView view, LearnedNameservers.Verdict verdict, Predicate<String> skipDomain,
            String mail) {
        if (learned == null) {
            return 0;
        }
        List<NsDelegation> senders = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (NsDelegation d : view.delegations()) {
            if ((d.identity() == Identity.MAIL_FROM || d.identity() == Identity.FROM_HEADER)
                    && d.status() == NsDelegation.Status.FOUND && !skipDomain.test(d.name())) {
                senders.add(d);
                if (!domains.contains(d.name())) {
                    domains.add(d.name());
                }
            }
        }
        if (senders.isEmpty()) {
            return 0;
        }
        NameserverView senderView = new NameserverView(senders, view.hosts(), view.truncated());
        try {
            learned.learn(senderView, verdict).get(budgetMs, TimeUnit.MILLISECONDS);
            return domains.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            log.warn("Portcullis: could not record the nameservers of mail " + mail + " as "
                    + verdict.name().toLowerCase(Locale.ROOT) + " in the state store (" + storeDescription + "): "
                    + c.getMessage());
            return 0;
        }
    }

    /** Stops the lists' self-test and closes the store (the DNS client belongs to the caller). Never throws. */
    @Override
    public void close() {
        if (health != null) {
            try {
                health.close();
            } catch (RuntimeException e) {
                // stopping a timer: nothing to report
            }
        }
        if (store != null) {
            try {
                store.close();
                log.info("Portcullis: state store closed (" + storeDescription + ")");
            } catch (RuntimeException e) {
                log.warn("Portcullis: closing the state store (" + storeDescription + "): " + e.getMessage());
            }
        }
    }
}
