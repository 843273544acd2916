package io.portcullis.smtp;

import io.portcullis.decision.Exemption;
import io.portcullis.decision.SmtpEvidence;
import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListStatus;
import io.portcullis.nameservers.NameserverReport;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The state of one SMTP connection for {@link PortcullisSmtpHandler}: the lookups started so far (as futures), the
 * transaction's envelope facts, and the budgets. It tells the {@link LineGate} what each line waits for, and turns
 * what has arrived into {@link SmtpEvidence} for the decision. Fields are touched on the connection's event loop
 * only (the futures complete elsewhere; they are only read when done).
 */
final class Conn implements LineGate.Holds {
    /** The lists of the dialog that gave no answer (and why), for the decision log; null when all answered. */
    String listsUnknown() {
        List<ListResult> all = new ArrayList<>();
        for (CompletableFuture<List<ListResult>> f : List.of(clientLists, rdnsLists, heloLists, senderLists,
                headerLists)) {
            if (f.isDone()) {
                all.addAll(f.getNow(List.of()));
            }
        }
        try {
            return unknownLists.apply(all);
        } catch (RuntimeException e) {
            return null;
        }
    }

    final InetAddress client;
    final long connectNanos = System.nanoTime();
    /** End of the wait for the connection's evidence (connect + {@code smtp.budget-ms}). */
    final long connectDeadlineNanos;
    private final long budgetNanos;
    LineGate gate;
    /** On {@code smtp.allow} by address or network (known at connect). */
    boolean allowListed;
    /** On {@code smtp.allow} by its forward-confirmed reverse DNS name (false until confirmed). */
    CompletableFuture<Boolean> allowedByName = CompletableFuture.completedFuture(false);
    CompletableFuture<List<ListResult>> clientLists = none();
    CompletableFuture<String> rdns = CompletableFuture.completedFuture(null);
    /** The PTR question was refused for the client's share of the DNS in-flight cap. */
    CompletableFuture<Boolean> ptrOverCap = CompletableFuture.completedFuture(false);
    CompletableFuture<List<ListResult>> rdnsLists = none();
    CompletableFuture<List<ListResult>> heloLists = none();
    CompletableFuture<Boolean> remembered = CompletableFuture.completedFuture(false);
    /** The network owner's findings (ASN, country, registry, AS name policies); unknown: empty. */
    CompletableFuture<List<Finding>> network = CompletableFuture.completedFuture(List.of());
    /** The OS fingerprint's findings (p0f: OS, link, distance policies); unknown: empty. */
    CompletableFuture<List<Finding>> os = CompletableFuture.completedFuture(List.of());
    /** The reverse name when forward-confirmed (for reputation's verified domains), else null. */
    CompletableFuture<String> confirmedName = CompletableFuture.completedFuture(null);
    /** Reputation of the address, network and AS (read at connect). */
    CompletableFuture<SmtpReputation.Read> reputation = CompletableFuture.completedFuture(SmtpReputation.Read.NONE);
    /** Reputation of the HELO and envelope sender domains and the sender's greylist records (read at MAIL FROM). */
    CompletableFuture<SmtpReputation.Read> txReputation = CompletableFuture.completedFuture(SmtpReputation.Read.NONE);
    /** Reputation of the envelope sender's nameserver hosts (read when the nameserver check has them). */
    CompletableFuture<SmtpReputation.Read> nsReputation = CompletableFuture.completedFuture(SmtpReputation.Read.NONE);
    /** Reputation of the From domain (read at the end of the header section). */
    CompletableFuture<SmtpReputation.Read> headerReputation =
            CompletableFuture.completedFuture(SmtpReputation.Read.NONE);
    /** The envelope sender's SPF for the client (reputation's verification; null: not evaluated). */
    CompletableFuture<io.portcullis.spf.Spf> spf = CompletableFuture.completedFuture(null);
    /** The greylist triplet's network and sender of the current transaction (null: no greylisting). */
    String greyNetwork;
    String greySender;
    /** The current RCPT's triplet must wait (set for one decision). */
    boolean greylistWait;
    /** The transaction's refusal was learned. */
    boolean learnedTx;
    String helo;
    CompletableFuture<List<ListResult>> senderLists = none();
    String senderDomain;
    /** The shared-spam-nameserver check of the transaction (null report: unknown or not run). */
    CompletableFuture<NameserverReport> nameservers = CompletableFuture.completedFuture(null);
    /** End of the wait for the transaction's evidence (MAIL FROM + {@code smtp.budget-ms}). */
    long txDeadlineNanos;
    /** Lists of what only the message's headers reveal (From domain, first untrusted Received hop). */
    CompletableFuture<List<ListResult>> headerLists = none();
    /** End of the wait for {@link #headerLists} (end of the header section + {@code smtp.budget-ms}). */
    long headerDeadlineNanos;
    /** Names the lists that gave no answer and why ({@code zen, dbl: resolver unreachable}); set by the handler. */
    java.util.function.Function<List<ListResult>, String> unknownLists = r -> null;
    /** Starts {@link #headerLists} from a message's header section (set by the handler). */
    java.util.function.Consumer<String> headerListener = h -> { };
    boolean tarpitted;
    /** Counted against {@code smtp.tarpit.max-connections}. */
    boolean counted;
    int delayed;
    /** An observe-mode decision ("would have refused") was logged for the current transaction. */
    boolean wouldLogged;
    volatile boolean pregreet;

    Conn(InetAddress client, long budgetMs) {
        this.client = client;
        this.budgetNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, budgetMs));
        this.connectDeadlineNanos = connectNanos + budgetNanos;
        this.txDeadlineNanos = connectDeadlineNanos;
    }

    static CompletableFuture<List<ListResult>> none() {
        return CompletableFuture.completedFuture(List.of());
    }

    /** A new transaction starts (MAIL FROM): its own budget, nothing of the previous one. */
    void newTransaction() {
        senderLists = none();
        senderDomain = null;
        headerLists = none();
        nameservers = CompletableFuture.completedFuture(null);
        txReputation = CompletableFuture.completedFuture(SmtpReputation.Read.NONE);
        headerReputation = CompletableFuture.completedFuture(SmtpReputation.Read.NONE);
        spf = CompletableFuture.completedFuture(null);
        nsReputation = CompletableFuture.completedFuture(SmtpReputation.Read.NONE);
        greyNetwork = null;
        greySender = null;
        learnedTx = false;
        wouldLogged = false;
        txDeadlineNanos = System.nanoTime() + budgetNanos;
    }

    CompletableFuture<Void> connectionEvidence() {
        return CompletableFuture.allOf(clientLists, rdns, rdnsLists, heloLists, remembered, allowedByName, network,
                os, reputation, confirmedName);
    }

    private boolean connectionDone() {
        return clientLists.isDone() && rdns.isDone() && rdnsLists.isDone() && heloLists.isDone()
                && remembered.isDone() && allowedByName.isDone() && network.isDone() && os.isDone()
                && reputation.isDone() && confirmedName.isDone();
    }

    private CompletableFuture<Void> transactionEvidence() {
        return CompletableFuture.allOf(senderLists, nameservers, txReputation);
    }

    /** Allow-listed by address, or by a forward-confirmed reverse name that has been confirmed. */
    boolean allowListedNow() {
        return allowListed || Boolean.TRUE.equals(allowedByName.getNow(false));
    }

    // ------------------------------------------------------------------ what lines wait for (LineGate.Holds)

    @Override
    public void headersEnded(String headerSection) {
        headerDeadlineNanos = System.nanoTime() + budgetNanos;
        headerListener.accept(headerSection);
    }

    @Override
    public CompletableFuture<?> evidenceFor(LineGate.Kind kind) {
        if (kind != LineGate.Kind.MAIL && kind != LineGate.Kind.RCPT && kind != LineGate.Kind.END_OF_DATA) {
            return null;
        }
        long now = System.nanoTime();
        List<CompletableFuture<?>> waiting = new ArrayList<>(3);
        // (Each part is looked at without building a combined future when it is done: the common case.)
        if (connectDeadlineNanos - now > 0 && !connectionDone()) {
            waiting.add(connectionEvidence());
        }
        if (kind != LineGate.Kind.MAIL && txDeadlineNanos - now > 0 && !(senderLists.isDone() && nameservers.isDone()
                && txReputation.isDone())) {
            waiting.add(transactionEvidence());
        }
        if (kind == LineGate.Kind.END_OF_DATA && headerDeadlineNanos - now > 0 && !headerLists.isDone()) {
            waiting.add(headerLists);
        }
        if (kind == LineGate.Kind.END_OF_DATA && headerDeadlineNanos - now > 0 && !headerReputation.isDone()) {
            waiting.add(headerReputation);
        }
        if (waiting.isEmpty()) {
            return null;
        }
        return waiting.size() == 1 ? waiting.get(0) : CompletableFuture.allOf(waiting.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public long deadlineNanos(LineGate.Kind kind) {
        // Wake at the first deadline still ahead: what is waited for is then looked at again.
        long now = System.nanoTime();
        long best = Long.MAX_VALUE;
        boolean found = false;
        long[] deadlines = kind == LineGate.Kind.MAIL ? new long[] {connectDeadlineNanos}
                : kind == LineGate.Kind.RCPT ? new long[] {connectDeadlineNanos, txDeadlineNanos}
                : new long[] {connectDeadlineNanos, txDeadlineNanos, headerDeadlineNanos};
        for (long d : deadlines) {
            if (d - now > 0 && (!found || d - best < 0)) {
                best = d;
                found = true;
            }
        }
        return found ? best : now;
    }

    // ------------------------------------------------------------------ evidence for the decision

    /**
     * What has arrived, for a decision: listings of the lookups that are done (still running: unknown), the
     * greeting test's finding, the nameserver findings, the tarpit memory, and the exemption.
     *
     * @param exemption the exemption the handler found ({@link Exemption#NONE} to judge)
     * @param greetingScore the score of the greeting test's finding
     * @param messageFindings at end of DATA, every finding of the message (replacing the dialog's); else null
     */
    SmtpEvidence evidence(Exemption exemption, double greetingScore, List<Finding> messageFindings) {
        SmtpEvidence.Builder b = SmtpEvidence.builder().exemption(exemption)
                .client(client == null ? "" : com.google.common.net.InetAddresses.toAddrString(client));
        List<ListResult> results = new ArrayList<>();
        addLists(b, results, clientLists, true);
        addLists(b, results, rdnsLists, false);
        addLists(b, results, heloLists, false);
        addLists(b, results, senderLists, false);
        if (messageFindings != null) {
            b.findings(messageFindings);
        } else {
            b.findings(DnsblChecker.findings(results));
            b.findings(smtpFindings(greetingScore));
            b.findings(nameserverFindings());
            b.findings(networkFindings());
            b.findings(osFindings());
            b.findings(SmtpReputation.findings(this));
        }
        b.greylistWait(greylistWait);
        b.remembered(Boolean.TRUE.equals(remembered.getNow(false)));
        b.overCap(Boolean.TRUE.equals(ptrOverCap.getNow(false)));
        NameserverReport ns = nameservers.isDone() ? nameservers.getNow(null) : null;
        b.overCap(ns != null && ns.overCap());
        return b.build();
    }

    private static void addLists(SmtpEvidence.Builder b, List<ListResult> out,
            CompletableFuture<List<ListResult>> f, boolean isClient) {
        if (!f.isDone()) {
            b.pending(true).clientUnknown(isClient);
            return;
        }
        List<ListResult> r = f.getNow(List.of());
        out.addAll(r);
        for (ListResult x : r) {
            if (isClient && x.identity() == Identity.CLIENT_IP && x.status() == ListStatus.UNKNOWN) {
                b.clientUnknown(true);
            }
            b.overCap(DnsFairness.refusedForCap(x));
        }
    }

    /** Check {@code smtp}: the greeting test's finding ({@link PortcullisGreetingHandler}). */
    List<Finding> smtpFindings(double greetingScore) {
        if (!pregreet) {
            return List.of();
        }
        return List.of(new Finding(io.portcullis.config.ModeSettings.SMTP_CHECK,
                io.portcullis.config.ModeSettings.PREGREET, greetingScore, "client talked before the greeting"));
    }

    /** The network owner's findings once in (a dead ASN zone: none, and never a reason to wait past the budget). */
    List<Finding> networkFindings() {
        return network.isDone() ? network.getNow(List.of()) : List.of();
    }

    /** The OS fingerprint's findings once in (p0f down or slow: none, never a reason to wait past the budget). */
    List<Finding> osFindings() {
        return os.isDone() ? os.getNow(List.of()) : List.of();
    }

    List<Finding> nameserverFindings() {
        NameserverReport r = nameservers.isDone() ? nameservers.getNow(null) : null;
        return r == null ? List.of() : r.findings();
    }
}
