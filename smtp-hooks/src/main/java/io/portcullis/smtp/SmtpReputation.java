package io.portcullis.smtp;

import io.portcullis.decision.Refusal;
import io.portcullis.decision.SmtpDecider;
import io.portcullis.decision.SmtpDecision;
import io.portcullis.decision.SmtpRules;
import io.portcullis.dnsbl.Identity;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.james.ReputationService;
import io.portcullis.nameservers.NameserverReport;
import io.portcullis.nameservers.NsDelegation;
import io.portcullis.net.ForwardConfirmation;
import io.portcullis.reputation.Entities;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.EntityKind;
import io.portcullis.reputation.Greylist;
import io.portcullis.reputation.Outcome;
import io.portcullis.reputation.Reputation;
import io.portcullis.reputation.ReputationSettings;
import io.portcullis.spf.Spf;
import io.portcullis.spf.SpfCheck;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reputation and the greylist at SMTP time: one batched store read per stage (connect: address, network, AS; MAIL
 * FROM: HELO and sender domains and the sender's greylist records, then the sender's nameserver hosts; end of the
 * header section: the From domain), a domain verified by the client's forward-confirmed name or the sender's SPF pass,
 * each kept as a future in the {@link Conn} like the lists; the greylist status of each recipient; learning from
 * refusals. Nothing here waits.
 */
final class SmtpReputation {
    /** What one batched read gave: the entities asked about and their findings. */
    static final class Read {
        static final Read NONE = new Read(List.of(), List.of(), null);
        final List<Entity> entities;
        final List<Finding> findings;
        final io.portcullis.reputation.ReputationStore.Snapshot snapshot;

        Read(List<Entity> entities, List<Finding> findings, io.portcullis.reputation.ReputationStore.Snapshot snapshot) {
            this.entities = entities;
            this.findings = findings;
            this.snapshot = snapshot;
        }
    }

    private final PortcullisRuntime runtime;

    SmtpReputation(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    private ReputationService service() {
        return runtime.reputation();
    }

    private boolean active() {
        return service().enabled() || service().greylistOn();
    }

    /** At connect (judged clients): the forward-confirmed reverse name, and the address, network and AS records. */
    void atConnect(Conn conn) {
        if (!active() || conn.client == null) {
            return;
        }
        if (runtime.dns() != null) {
            conn.confirmedName = conn.rdns.thenCompose(name -> name == null ? CompletableFuture.completedFuture(null)
                    : ForwardConfirmation.check(runtime.dns(), name, conn.client, DnsFairness.of(conn.client))
                            .thenApply(ok -> Boolean.TRUE.equals(ok) ? name : null))
                    .exceptionally(e -> null);
        }
        if (!service().enabled()) {
            return;
        }
        conn.reputation = runtime.networkReport(conn.client).thenCompose(report -> {
            Long asn = report != null && report.found() && report.asn() > 0 ? report.asn() : null;
            List<Entity> entities = Entities.builder().client(conn.client).asn(asn).build();
            return read(entities, List.of());
        }).exceptionally(e -> Read.NONE);
    }

    /**
     * At MAIL FROM (judged clients): the HELO and envelope sender records (verified by the forward-confirmed name or
     * an SPF pass, evaluated here through the shared DNS client) and, with the greylist band on, the sender's
     * greylist records, in one read; the sender's nameserver hosts (when the nameserver check looked them up and the
     * sender is verified) in a read of their own.
     */
    void atMail(Conn conn, String senderAddress, String senderDomain) {
        if (!active() || conn.client == null) {
            return;
        }
        ReputationService rep = service();
        String net = Entities.network(conn.client);
        conn.greyNetwork = net;
        conn.greySender = senderAddress == null ? "" : senderAddress;
        List<String> grey = rep.greylistOn() ? List.of(Greylist.tripletKey(net, conn.greySender),
                Greylist.passedKey(net)) : List.of();
        String helo = conn.helo != null && SmtpLookups.isName(conn.helo) ? conn.helo : null;
        conn.spf = spf(conn, senderAddress, senderDomain, helo);
        CompletableFuture<Boolean> spfPass = spfPass(conn);
        // a new builder for each read (the two reads complete on different threads)
        CompletableFuture<java.util.function.Supplier<Entities>> verified = conn.confirmedName.thenCombine(spfPass,
                (name, pass) -> () -> Entities.builder().client(conn.client).confirmedName(name).helo(helo)
                        .mailFrom(senderDomain, pass));
        conn.txReputation = verified.thenCompose(b -> {
            List<Entity> entities = kinds(b.get().build(), EntityKind.HELO, EntityKind.MAIL_FROM);
            return read(entities, grey);
        }).exceptionally(e -> Read.NONE);
        // the sender's nameserver hosts, once the nameserver check has them (its own read: a slow walk does not hold
        // up the sender's records and the greylist)
        if (service().enabled()) {
            conn.nsReputation = verified.thenCombine(conn.nameservers.exceptionally(e -> null),
                    (b, report) -> kinds(b.get().nameservers(senderNameservers(report)).build(), EntityKind.NS))
                    .thenCompose(entities -> entities.isEmpty() ? CompletableFuture.completedFuture(Read.NONE)
                            : read(entities, List.of()))
                    .exceptionally(e -> Read.NONE);
        }
    }

    /** One batched read of {@code entities} (and the raw records {@code extraKeys}) with their findings. */
    private CompletableFuture<Read> read(List<Entity> entities, List<String> extraKeys) {
        ReputationService rep = service();
        return rep.read(entities, extraKeys).thenApply(s -> new Read(entities, rep.findings(s), s));
    }

    /** Whether the envelope sender's SPF passed for the client (false when not evaluated or failed). */
    private static CompletableFuture<Boolean> spfPass(Conn conn) {
        return conn.spf.thenApply(r -> r != null && r.pass()).exceptionally(e -> false);
    }

    private static List<Entity> kinds(List<Entity> all, EntityKind... kinds) {
        List<Entity> out = new ArrayList<>();
        List<EntityKind> wanted = List.of(kinds);
        for (Entity e : all) {
            if (wanted.contains(e.kind())) {
                out.add(e);
            }
        }
        return out;
    }

    /** The envelope sender's SPF for the client, when reputation uses it; a completed null when not evaluated. */
    private CompletableFuture<Spf> spf(Conn conn, String senderAddress, String senderDomain, String helo) {
        ReputationSettings s = runtime.config().reputation();
        if (!service().enabled() || !s.spf() || runtime.dns() == null || senderAddress == null
                || senderDomain == null) {
            return CompletableFuture.completedFuture(null);
        }
        return new SpfCheck(runtime.dns(), s.spfTimeoutMs())
                .checkSender(conn.client, senderAddress, helo, DnsFairness.of(conn.client))
                .exceptionally(e -> null);
    }

    /** The nameserver hosts of the envelope sender's domain, as the nameserver check found them (none: empty). */
    static List<String> senderNameservers(NameserverReport r) {
        List<String> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        for (NsDelegation d : r.view().delegations()) {
            if (d.identity() == Identity.MAIL_FROM && d.status() == NsDelegation.Status.FOUND) {
                out.addAll(d.hosts());
            }
        }
        return out;
    }

    /** At the end of the header section: the From domain's record (verified as the envelope sender was). */
    void atHeaders(Conn conn, String fromDomain) {
        if (!service().enabled() || conn.client == null || fromDomain == null) {
            return;
        }
        String mailFrom = conn.greySender == null || conn.greySender.indexOf('@') < 0 ? null
                : conn.greySender.substring(conn.greySender.lastIndexOf('@') + 1);
        conn.headerReputation = conn.confirmedName.thenCombine(spfPass(conn), (name, pass) -> kinds(
                Entities.builder().client(conn.client).confirmedName(name).mailFrom(mailFrom, pass).from(fromDomain)
                        .build(), EntityKind.FROM))
                .thenCompose(entities -> read(entities, List.of()))
                .exceptionally(e -> Read.NONE);
    }

    /**
     * The greylist status of {@code recipient} in the current transaction; {@link Greylist.Status#UNKNOWN} when the
     * band is off, the read is not in or the store did not answer.
     */
    Greylist.Status greylistStatus(Conn conn, String recipient) {
        if (!service().greylistOn() || conn.greyNetwork == null || !conn.txReputation.isDone()) {
            return Greylist.Status.UNKNOWN;
        }
        Read r = conn.txReputation.getNow(Read.NONE);
        if (r.snapshot == null || r.snapshot.failed()) {
            return Greylist.Status.UNKNOWN;
        }
        return service().greylist().status(r.snapshot.raw(Greylist.tripletKey(conn.greyNetwork, conn.greySender)),
                r.snapshot.raw(Greylist.passedKey(conn.greyNetwork)), recipient,
                service().clock().instant());
    }

    /** After a RCPT decision: writes what the greylist must remember. */
    void afterRcpt(Conn conn, Greylist.Status status, String recipient, SmtpDecision d, SmtpRules rules,
            boolean observe) {
        if (observe || status == Greylist.Status.UNKNOWN) {
            return;
        }
        boolean greylisted = d.refusal().map(r -> r.kind() == Refusal.Kind.GREYLISTED).orElse(false);
        if (greylisted && status == Greylist.Status.FIRST) {
            service().greylistAttempt(conn.greyNetwork, conn.greySender, recipient);
        } else if (greylisted && status == Greylist.Status.EARLY) {
            service().greylistEarly();
        } else if (!d.refuses() && status == Greylist.Status.PASSED_BEFORE
                && SmtpDecider.inGreylistBand(d.score(), rules)) {
            service().greylistRemembered();
        } else if (!d.refuses() && status == Greylist.Status.RETRY_OK && SmtpDecider.inGreylistBand(d.score(), rules)) {
            service().greylistPassed(conn.greyNetwork);
        }
    }

    /** The reputation findings that have arrived. */
    static List<Finding> findings(Conn conn) {
        List<Finding> out = new ArrayList<>();
        for (CompletableFuture<Read> f : List.of(conn.reputation, conn.txReputation, conn.nsReputation,
                conn.headerReputation)) {
            if (f.isDone()) {
                out.addAll(f.getNow(Read.NONE).findings);
            }
        }
        return out;
    }

    /** The entities read so far (connection, transaction, the sender's nameservers, From). */
    static List<Entity> entities(Conn conn) {
        List<Entity> out = new ArrayList<>();
        for (CompletableFuture<Read> f : List.of(conn.reputation, conn.txReputation, conn.nsReputation,
                conn.headerReputation)) {
            if (f.isDone()) {
                out.addAll(f.getNow(Read.NONE).entities);
            }
        }
        return out;
    }

    /**
     * After a refusal with a 5xx on the score: learns "refused" for the transaction's entities, once per
     * transaction, unless reputation decided it (the other findings alone stay below the reject threshold).
     */
    void afterRefusal(Conn conn, SmtpDecision d, SmtpRules rules, boolean observe) {
        if (observe || conn.learnedTx || !service().enabled()) {
            return;
        }
        Refusal r = d.refusal().orElse(null);
        if (r == null || r.soft() || r.kind() != Refusal.Kind.SCORE) {
            return;
        }
        if (Verdict.sum(Reputation.withoutReputation(d.findings())) < rules.rejectThreshold()) {
            return; // reputation decided: never learn from it
        }
        conn.learnedTx = true;
        service().learn(entities(conn), Outcome.REFUSED);
    }
}
