package io.portcullis.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsStats;
import io.portcullis.dns.DnsType;
import io.portcullis.net.AllowList;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The DNS list interpretation without a network: a scripted {@link DnsClient} answers per (name, type), and the
 * questions asked are recorded. (Against a real Knot server: {@code DnsblKnotTest}.)
 */
class DnsblCheckerTest {
    /** Answers from a table; NXDOMAIN for anything else; records every question. */
    static final class ScriptedDns implements DnsClient {
        final Map<String, DnsAnswer> answers = new HashMap<>();
        final Map<String, RuntimeException> failures = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        ScriptedDns a(String name, String... values) {
            answers.put(name + "/A", DnsAnswer.answer(List.of(values), 60));
            return this;
        }

        ScriptedDns txt(String name, String... values) {
            answers.put(name + "/TXT", DnsAnswer.answer(List.of(values), 60));
            return this;
        }

        ScriptedDns answer(String name, DnsType type, DnsAnswer answer) {
            answers.put(name + "/" + type, answer);
            return this;
        }

        @Override
        public synchronized CompletableFuture<DnsAnswer> lookup(String name, DnsType type,
                io.portcullis.dns.DnsRequester requester, io.portcullis.dns.DnsPurpose purpose) {
            String key = name + "/" + type;
            asked.add(key);
            if (failures.containsKey(key)) {
                return CompletableFuture.failedFuture(failures.get(key));
            }
            return CompletableFuture.completedFuture(answers.getOrDefault(key, DnsAnswer.nxdomain(60)));
        }

        @Override
        public DnsStats stats() {
            return new DnsStats(asked.size(), 0, 0, 0, 0, 0);
        }
    }

    static DnsblTargets client(String ip) throws Exception {
        return DnsblTargets.builder().address(Identity.CLIENT_IP, InetAddress.getByName(ip)).build();
    }

    static List<ListResult> check(ScriptedDns dns, DnsblTargets targets, ListSpec... lists) throws Exception {
        return new DnsblChecker(dns, List.of(lists), null).check(targets).get();
    }

    @Test
    void aListedAddressCarriesCodesWeightAndTheSanitisedTxtReason() throws Exception {
        ScriptedDns dns = new ScriptedDns().a("2.0.0.127.bl.test", "127.0.0.2", "127.0.0.4")
                .txt("2.0.0.127.bl.test", "Listed\r\nX-Injected: yes", "see http://bl.test/");
        List<ListResult> r = check(dns, client("127.0.0.2"), ListSpec.parse("bl.test=127.0.0.[2..11]*7").withId("bl"));
        assertThat(r).hasSize(1);
        ListResult x = r.get(0);
        assertThat(x.status()).isEqualTo(ListStatus.LISTED);
        assertThat(x.identity()).isEqualTo(Identity.CLIENT_IP);
        assertThat(x.target()).isEqualTo("127.0.0.2");
        assertThat(x.codes()).containsExactly("127.0.0.2", "127.0.0.4");
        assertThat(x.weight()).isEqualTo(7.0);
        assertThat(x.reason()).startsWith("Listed").contains("X-Injected: yes").contains("see http://bl.test/")
                .doesNotContain("\r").doesNotContain("\n");
        assertThat(dns.asked).containsExactly("2.0.0.127.bl.test/A", "2.0.0.127.bl.test/TXT");

        List<Finding> f = DnsblChecker.findings(r);
        assertThat(f).hasSize(1);
        assertThat(f.get(0).check()).isEqualTo("dnsbl");
        assertThat(f.get(0).rule()).isEqualTo("bl");
        assertThat(f.get(0).score()).isEqualTo(7.0);
        assertThat(f.get(0).detail()).startsWith("client-ip 127.0.0.2 listed in bl.test [127.0.0.2, 127.0.0.4]: Listed");
    }

    @Test
    void withoutReasonFetchingOrWhenTheTxtFailsTheListingStands() throws Exception {
        ScriptedDns dns = new ScriptedDns().a("2.0.0.127.bl.test", "127.0.0.2");
        List<ListResult> noFetch = check(dns, client("127.0.0.2"), ListSpec.parse("bl.test").withFetchReason(false));
        assertThat(noFetch.get(0).status()).isEqualTo(ListStatus.LISTED);
        assertThat(noFetch.get(0).reason()).isEmpty();
        assertThat(dns.asked).containsExactly("2.0.0.127.bl.test/A");

        dns.answer("2.0.0.127.bl.test", DnsType.TXT, DnsAnswer.failure(DnsAnswer.Status.SERVFAIL, "x"));
        List<ListResult> failed = check(dns, client("127.0.0.2"), ListSpec.parse("bl.test*3"));
        assertThat(failed.get(0).status()).isEqualTo(ListStatus.LISTED);
        assertThat(failed.get(0).weight()).isEqualTo(3.0);
        assertThat(failed.get(0).reason()).isEmpty();
        assertThat(DnsblChecker.findings(failed).get(0).detail()).isEqualTo("client-ip 127.0.0.2 listed in bl.test [127.0.0.2]");
    }

    @Test
    void perCodeWeightsTakeTheLargestAndLabelsAreJoined() throws Exception {
        ScriptedDns dns = new ScriptedDns().a("2.0.0.127.zen.test", "127.0.0.2", "127.0.0.10", "127.0.0.11");
        ListSpec zen = ListSpec.parse("zen.test=127.0.0.[2..11]*1").withId("zen").withFetchReason(false)
                .withCodes(Map.of("127.0.0.2", new CodeInfo("SBL", 6), "127.0.0.10", new CodeInfo("PBL", 2)));
        ListResult x = check(dns, client("127.0.0.2"), zen).get(0);
        assertThat(x.status()).isEqualTo(ListStatus.LISTED);
        // 127.0.0.11 has no per-code info: the list weight (1) competes; the largest wins
        assertThat(x.weight()).isEqualTo(6.0);
        assertThat(x.label()).isEqualTo("SBL,PBL");
        assertThat(DnsblChecker.findings(List.of(x)).get(0).detail())
                .isEqualTo("client-ip 127.0.0.2 listed in zen.test [127.0.0.2, 127.0.0.10, 127.0.0.11] (SBL,PBL)");

        ListSpec negative = zen.withCodes(Map.of("127.0.0.2", new CodeInfo("good", -3)));
        ScriptedDns one = new ScriptedDns().a("2.0.0.127.zen.test", "127.0.0.2");
        ListResult y = check(one, client("127.0.0.2"), negative).get(0);
        assertThat(y.weight()).isEqualTo(-3.0);
        assertThat(y.label()).isEqualTo("good");
    }

    @Test
    void errorCodesAreBlockedAndAnswersOutsideTheFilterAreClean() throws Exception {
        ScriptedDns dns = new ScriptedDns().a("5.0.0.127.zen.spamhaus.org", "127.255.255.254")
                .a("6.0.0.127.bl.test", "127.0.0.9").a("7.0.0.127.bl.test", "192.0.2.1");
        ListResult blocked = check(dns, client("127.0.0.5"), ListSpec.parse("zen.spamhaus.org=127.0.0.[2..11]"))
                .get(0);
        assertThat(blocked.status()).isEqualTo(ListStatus.BLOCKED);
        assertThat(blocked.weight()).isZero();
        assertThat(blocked.codes()).containsExactly("127.255.255.254");
        assertThat(blocked.reason()).isNotEmpty();
        assertThat(DnsblChecker.findings(List.of(blocked))).isEmpty();

        ListResult outside = check(dns, client("127.0.0.6"), ListSpec.parse("bl.test=127.0.0.2")).get(0);
        assertThat(outside.status()).isEqualTo(ListStatus.CLEAN);
        assertThat(outside.codes()).containsExactly("127.0.0.9");
        assertThat(outside.reason()).isEqualTo("answer not selected by filter 127.0.0.2");
        // an answer outside 127/8 (a hijacked or wildcarded zone) is an error, never a listing
        ListResult hijacked = check(dns, client("127.0.0.7"), ListSpec.parse("bl.test")).get(0);
        assertThat(hijacked.status()).isEqualTo(ListStatus.BLOCKED);
        assertThat(dns.asked).doesNotContain("6.0.0.127.bl.test/TXT", "5.0.0.127.zen.spamhaus.org/TXT");
    }

    @Test
    void anErrorCodeBesideARealListingIsStillAListing() throws Exception {
        ScriptedDns dns = new ScriptedDns().a("2.0.0.127.zen.spamhaus.org", "127.255.255.254", "127.0.0.2");
        ListResult x = check(dns, client("127.0.0.2"), ListSpec.parse("zen.spamhaus.org*4").withFetchReason(false))
                .get(0);
        assertThat(x.status()).isEqualTo(ListStatus.LISTED);
        assertThat(x.codes()).containsExactly("127.0.0.2");
        assertThat(x.weight()).isEqualTo(4.0);
    }

    @Test
    void nxdomainAndNodataAreCleanFailuresAreUnknown() throws Exception {
        ScriptedDns dns = new ScriptedDns()
                .answer("3.0.0.127.bl.test", DnsType.A, DnsAnswer.nodata(60))
                .answer("4.0.0.127.bl.test", DnsType.A, DnsAnswer.failure(DnsAnswer.Status.SERVFAIL, "upstream\r\nbad"))
                .answer("5.0.0.127.bl.test", DnsType.A, DnsAnswer.failure(DnsAnswer.Status.TIMEOUT, ""));
        ListSpec bl = ListSpec.parse("bl.test");
        ListResult nx = check(dns, client("127.0.0.2"), bl).get(0);
        assertThat(nx.status()).isEqualTo(ListStatus.CLEAN);
        assertThat(nx.reason()).isEmpty();
        assertThat(nx.codes()).isEmpty();
        assertThat(check(dns, client("127.0.0.3"), bl).get(0).status()).isEqualTo(ListStatus.CLEAN);
        ListResult servfail = check(dns, client("127.0.0.4"), bl).get(0);
        assertThat(servfail.status()).isEqualTo(ListStatus.UNKNOWN);
        assertThat(servfail.reason()).startsWith("SERVFAIL: upstream").doesNotContain("\r").doesNotContain("\n");
        ListResult timeout = check(dns, client("127.0.0.5"), bl).get(0);
        assertThat(timeout.status()).isEqualTo(ListStatus.UNKNOWN);
        assertThat(timeout.reason()).isEqualTo("TIMEOUT");
        assertThat(timeout.weight()).isZero();
    }

    @Test
    void aFailingLookupIsUnknownNeverAnException() throws Exception {
        ScriptedDns dns = new ScriptedDns();
        dns.failures.put("2.0.0.127.bl.test/A", new IllegalStateException("boom"));
        ListResult x = check(dns, client("127.0.0.2"), ListSpec.parse("bl.test")).get(0);
        assertThat(x.status()).isEqualTo(ListStatus.UNKNOWN);
        assertThat(x.reason()).startsWith("internal error");
    }

    @Test
    void nameListsAskTheRegisteredDomainOfEachIdentityTheyApplyTo() throws Exception {
        ScriptedDns dns = new ScriptedDns().a("badsender.example.names.test", "127.0.1.2");
        DnsblTargets t = DnsblTargets.builder().address(Identity.CLIENT_IP, InetAddress.getByName("127.0.0.9"))
                .name(Identity.HELO, "mx1.helo.example").name(Identity.MAIL_FROM, "mail.badsender.example").build();
        ListSpec names = ListSpec.parse("name:names.test=127.0.1.2*20").withId("names").withFetchReason(false);
        List<ListResult> r = check(dns, t, names, ListSpec.parse("bl.test").withFetchReason(false));
        // the name list: HELO and MAIL FROM (each reduced to its registered domain); the IP list: the address
        assertThat(r).extracting(ListResult::identity).containsExactly(Identity.HELO, Identity.MAIL_FROM,
                Identity.CLIENT_IP);
        assertThat(r.get(0).target()).isEqualTo("helo.example");
        assertThat(r.get(0).status()).isEqualTo(ListStatus.CLEAN);
        assertThat(r.get(1).target()).isEqualTo("badsender.example");
        assertThat(r.get(1).status()).isEqualTo(ListStatus.LISTED);
        assertThat(r.get(1).weight()).isEqualTo(20.0);
        assertThat(dns.asked).containsExactlyInAnyOrder("helo.example.names.test/A", "badsender.example.names.test/A",
                "9.0.0.127.bl.test/A");
        assertThat(DnsblChecker.findings(r)).extracting(Finding::detail)
                .containsExactly("mail-from badsender.example listed in names.test [127.0.1.2]");

        // restricted to HELO: MAIL FROM is not asked
        ScriptedDns dns2 = new ScriptedDns();
        List<ListResult> helo = check(dns2, t, names.withIdentities(Set.of(Identity.HELO)));
        assertThat(helo).extracting(ListResult::identity).containsExactly(Identity.HELO);
        assertThat(dns2.asked).containsExactly("helo.example.names.test/A");
    }

    @Test
    void allowListedTargetsAreCleanWithoutAQuestion() throws Exception {
        ScriptedDns dns = new ScriptedDns().a("2.0.0.127.bl.test", "127.0.0.2")
                .a("partner.example.names.test", "127.0.1.2");
        DnsblTargets t = DnsblTargets.builder().address(Identity.CLIENT_IP, InetAddress.getByName("127.0.0.2"))
                .name(Identity.HELO, "mx.partner.example").build();
        List<ListResult> r = new DnsblChecker(dns, List.of(ListSpec.parse("bl.test"), ListSpec.parse("name:names.test")),
                null, AllowList.parse("127.0.0.2, partner.example")).check(t).get();
        assertThat(r).hasSize(2).allSatisfy(x -> {
            assertThat(x.status()).isEqualTo(ListStatus.CLEAN);
            assertThat(x.reason()).isEqualTo("local allow list");
        });
        assertThat(dns.asked).isEmpty();
    }

    @Test
    void aListSuspendedByItsSelfTestIsUnknownWithoutAQuestion() throws Exception {
        ListSpec bl = ListSpec.parse("bl.test");
        ListSpec ok = ListSpec.parse("ok.test");
        // bl.test does not list its RFC 5782 test entry 127.0.0.2: suspended; ok.test does: kept
        ScriptedDns dns = new ScriptedDns().a("2.0.0.127.ok.test", "127.0.0.2").a("9.0.0.127.bl.test", "127.0.0.2")
                .a("9.0.0.127.ok.test", "127.0.0.2");
        List<String> suspended = new ArrayList<>();
        ListHealth health = new ListHealth(dns, List.of(bl, ok), new ListHealth.Listener() {
            @Override
            public void suspended(ListSpec list, String why) {
                suspended.add(list.id());
            }

            @Override
            public void resumed(ListSpec list) {
            }
        });
        health.runSelfTest().get();
        assertThat(suspended).containsExactly("bl.test");
        dns.asked.clear();
        List<ListResult> r = new DnsblChecker(dns, List.of(bl.withFetchReason(false), ok.withFetchReason(false)),
                health).check(client("127.0.0.9")).get();
        assertThat(r.get(0).status()).isEqualTo(ListStatus.UNKNOWN);
        assertThat(r.get(0).reason()).startsWith("list suspended: does not list its positive test entry");
        assertThat(r.get(1).status()).isEqualTo(ListStatus.LISTED);
        assertThat(dns.asked).containsExactly("9.0.0.127.ok.test/A");
    }

    @Test
    void nothingToAskCompletesEmpty() throws Exception {
        ScriptedDns dns = new ScriptedDns();
        assertThat(check(dns, DnsblTargets.builder().build(), ListSpec.parse("bl.test"))).isEmpty();
        // an IPv6 client is asked in nibble form
        check(dns, client("2001:db8::2"), ListSpec.parse("bl.test").withFetchReason(false));
        assertThat(dns.asked).containsExactly(
                "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test/A");
    }
}
