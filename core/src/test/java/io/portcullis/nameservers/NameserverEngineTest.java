package io.portcullis.nameservers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.dnsbl.Identity;
import io.portcullis.store.JournalStateStore;
import io.portcullis.store.UnavailableStore;
import io.portcullis.testing.KnotServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine against a real Knot server: start-up (local list file, store, failing store), the SMTP-time check with
 * forward-confirmed rDNS, learning, and the view's plain form. shady.test is served by ns1.spamhost.test (in the
 * local list); mail.shady.test points back at 198.51.100.25, liar.shady.test does not; clean.test is served by a
 * clean nameserver.
 */
class NameserverEngineTest {
    static final InetAddress CLIENT = address("198.51.100.25");

    @TempDir
    static Path tmp;
    static KnotServer knot;
    static DnsjavaClient dns;
    static NameserverEngine engine;
    static Path localList;
    static final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();

    static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String zone(String origin, String... records) {
        StringBuilder z = new StringBuilder("$ORIGIN ").append(origin).append(".\n$TTL 300\n@ IN SOA ns1.")
                .append(origin).append(". hostmaster.").append(origin).append(". 1 3600 600 86400 60\n");
        for (String r : records) {
            z.append(r).append('\n');
        }
        return z.toString();
    }

    static final NameserverEngine.Log LOG = new NameserverEngine.Log() {
        @Override
        public void info(String message) {
            logged.add("info " + message);
        }

        @Override
        public void warn(String message) {
            logged.add("warn " + message);
        }

        @Override
        public void error(String message) {
            logged.add("error " + message);
        }
    };

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> zones = new LinkedHashMap<>();
        zones.put("spamhost.test", zone("spamhost.test", "@ IN NS ns1", "ns1 IN A 192.0.2.53"));
        zones.put("goodns.test", zone("goodns.test", "@ IN NS ns1", "ns1 IN A 203.0.113.1"));
        zones.put("shady.test", zone("shady.test", "@ IN NS ns1.spamhost.test.", "mail IN A 198.51.100.25",
                "liar IN A 198.51.100.99"));
        zones.put("clean.test", zone("clean.test", "@ IN NS ns1.goodns.test."));
        knot = KnotServer.start(tmp, zones);
        dns = new DnsjavaClient(DnsSettings.builder().servers(List.of(knot.address()))
                .queryTimeout(Duration.ofMillis(800)).build());
        localList = Files.writeString(tmp.resolve("ns.list"), "ns1.spamhost.test\nnot a valid!entry\n");
        engine = NameserverEngine.start(new NameserverEngine.Setup(NameserverSettings.DEFAULTS)
                .localList(localList, Duration.ofDays(1)), dns, null, LOG);
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (knot != null) {
            knot.close();
        }
    }

    static NameserverReport atSmtp(String mailFrom, String helo, String rdns, boolean judge) throws Exception {
        return engine.checkAtSmtp(mailFrom, helo, CompletableFuture.completedFuture(rdns), CLIENT, judge,
                DnsRequester.client(CLIENT)).get();
    }

    static List<Identity> listedIdentities(NameserverReport r) {
        List<Identity> out = new ArrayList<>();
        for (NsResult x : r.results()) {
            if (x.status() == NsStatus.LISTED) {
                out.addAll(x.identities());
            }
        }
        return out;
    }

    @Test
    void startReadsTheLocalListAndLogsItsBadLines() {
        assertThat(logged).anySatisfy(l -> assertThat(l).startsWith("warn Portcullis: nameserver local list "
                + localList).contains("line 2:"));
        assertThat(logged).anySatisfy(l -> assertThat(l).startsWith("info Portcullis: shared spam nameservers "
                + "check on (local list " + localList));
        assertThat(engine.learned()).as("learning not set up").isNull();
        assertThat(engine.store()).isNull();
    }

    @Test
    void forwardConfirmedClientNameIsJudged() throws Exception {
        NameserverReport r = atSmtp("clean.test", null, "mail.shady.test", true);
        assertThat(listedIdentities(r)).containsExactly(Identity.RDNS);
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(NameserverChecker.CHECK);
            assertThat(f.rule()).isEqualTo("local-list");
        });
        assertThat(engine.forwardConfirmed("mail.shady.test", CLIENT, DnsRequester.SYSTEM).get()).isTrue();
    }

    @Test
    void aClientNameThatDoesNotPointBackIsIgnored() throws Exception {
        NameserverReport r = atSmtp("clean.test", null, "liar.shady.test", true);
        assertThat(r.findings()).isEmpty();
        assertThat(r.view().delegation(Identity.RDNS)).isNull();
        assertThat(engine.forwardConfirmed("liar.shady.test", CLIENT, DnsRequester.SYSTEM).get()).isFalse();
        assertThat(atSmtp("clean.test", null, "198.51.100.25", true).view().delegation(Identity.RDNS))
                .as("an IP literal is no name").isNull();
        assertThat(atSmtp("clean.test", null, "localhost", true).view().delegation(Identity.RDNS)).isNull();
    }

    @Test
    void heloAndClientNameOnlyForAJudgedClient() throws Exception {
        assertThat(listedIdentities(atSmtp("clean.test", "shady.test", null, true))).containsExactly(Identity.HELO);
        NameserverReport exempt = atSmtp("clean.test", "shady.test", "mail.shady.test", false);
        assertThat(exempt.findings()).isEmpty();
        assertThat(exempt.view().delegations()).extracting(NsDelegation::identity)
                .containsExactly(Identity.MAIL_FROM);
        assertThat(listedIdentities(atSmtp("shady.test", null, null, false))).containsExactly(Identity.MAIL_FROM);
        assertThat(atSmtp(null, null, null, false)).as("nothing to judge: unknown").isNull();
    }

    @Test
    void learningRecordsSenderDomainsExceptSkippedOnes(@TempDir Path storeDir) throws Exception {
        try (NameserverEngine learning = NameserverEngine.start(new NameserverEngine.Setup(NameserverSettings.DEFAULTS)
                .learned(() -> JournalStateStore.open(storeDir, JournalStateStore.Options.DEFAULTS), "journal",
                        Duration.ofDays(30)), dns, null, LOG)) {
            NameserverView view = learning.checkAtSmtp("shady.test", "clean.test", null, CLIENT, true,
                    DnsRequester.SYSTEM).get().view();
            assertThat(learning.learn(view, LearnedNameservers.Verdict.SPAM, d -> false, "m1"))
                    .as("MAIL FROM only; HELO is not a sender domain").isEqualTo(1);
            assertThat(learning.learn(view, LearnedNameservers.Verdict.SPAM, d -> d.equals("shady.test"), "m2"))
                    .isZero();
            assertThat(learning.learned().reputations(List.of("ns1.spamhost.test"), Map.of()).get())
                    .hasEntrySatisfying("ns1.spamhost.test", rep -> assertThat(rep.spamDomains()).isEqualTo(1));
        }
    }

    @Test
    void aStoreThatCannotBeOpenedMakesLearningUnknownNotFatal() throws Exception {
        try (NameserverEngine broken = NameserverEngine.start(new NameserverEngine.Setup(NameserverSettings.DEFAULTS)
                .learned(() -> {
                    throw new IllegalStateException("disk on fire");
                }, "journal in /nowhere", Duration.ofDays(30)), dns, null, LOG)) {
            assertThat(broken.store()).isInstanceOf(UnavailableStore.class);
            assertThat(logged).anySatisfy(l -> assertThat(l).startsWith("error Portcullis: cannot open the state "
                    + "store (journal in /nowhere): disk on fire"));
            NameserverReport r = broken.checkAtSmtp("shady.test", null, null, CLIENT, true, DnsRequester.SYSTEM)
                    .get();
            assertThat(r.findings()).as("learned source unknown, no local list").isEmpty();
            assertThat(broken.learn(r.view(), LearnedNameservers.Verdict.SPAM, d -> false, "m3")).isZero();
            assertThat(logged).anySatisfy(l -> assertThat(l).startsWith("warn Portcullis: could not record the "
                    + "nameservers of mail m3 as spam in the state store (journal in /nowhere)"));
        }
    }

    @Test
    void viewSurvivesItsPlainForm() throws Exception {
        NameserverView view = atSmtp("shady.test", "clean.test", "mail.shady.test", true).view();
        Object plain = view.toPlain();
        assertThat(NameserverView.fromPlain(plain)).hasValueSatisfying(v -> {
            assertThat(v.toString()).isEqualTo(view.toString());
            assertThat(v.delegations()).extracting(NsDelegation::identity)
                    .containsExactlyInAnyOrder(Identity.HELO, Identity.RDNS, Identity.MAIL_FROM);
        });
        assertThat(NameserverView.fromPlain(Map.of("delegations", "nope"))).isEmpty();
        assertThat(NameserverView.fromPlain(null)).isEmpty();
    }
}
