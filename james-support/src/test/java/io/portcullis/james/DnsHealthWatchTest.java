package io.portcullis.james;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsType;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.log.DecisionLog;
import io.portcullis.report.DecisionReport;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsHealthWatchTest {
    @TempDir
    Path dir;

    /** A loopback UDP port with nothing listening (bound, then closed): questions get an ICMP port unreachable. */
    private static InetSocketAddress deadResolver() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }

    @Test
    void aResolverThatAnswersNothingIsReportedUnreachableAndCountedInTheReport() throws Exception {
        InetSocketAddress dead = deadResolver();
        DecisionLog log = DecisionLog.open(dir, "mx1", 100, 0, Clock.systemUTC());
        DnsSettings settings = DnsSettings.builder().servers(List.of(dead)).queryTimeout(Duration.ofMillis(300))
                .build();
        DnsHealthWatch watch = new DnsHealthWatch(null, settings::servers, false, log);
        try (DnsjavaClient client = new DnsjavaClient(settings)) {
            client.events(watch);
            DnsAnswer probe = client.lookup(DnsHealthWatch.probeName(), DnsType.A).get(5, TimeUnit.SECONDS);
            watch.probeAnswered(probe);
            client.lookup("2.0.0.127.zen.example", DnsType.A).get(5, TimeUnit.SECONDS);

            assertThat(probe.status()).isIn(DnsAnswer.Status.ERROR, DnsAnswer.Status.TIMEOUT);
            assertThat(watch.check()).isEqualTo(DnsHealthWatch.State.UNREACHABLE);
            assertThat(watch.unreachable()).isTrue();
        }
        log.close();

        DecisionReport report = new DecisionReport(LocalDate.now(ZoneOffset.UTC), LocalDate.now(ZoneOffset.UTC));
        report.read(dir);
        String text = report.render();
        String resolver = dead.getAddress().getHostAddress() + ":" + dead.getPort();
        assertThat(text).contains("resolver-unreachable " + resolver + " (mx1)")
                .contains("questions-unanswered " + resolver + " (mx1)");
        assertThat(text).doesNotContain("DNS health: no events");
    }

    @Test
    void onlyChangesAreJudgedAndAnAnsweringResolverClearsTheState() {
        DecisionLog log = DecisionLog.open(dir, "mx1", 100, 0, Clock.systemUTC());
        DnsHealthWatch watch = new DnsHealthWatch(null,
                () -> List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53)), true, log);
        int[] probes = {0};
        watch.probe(() -> probes[0]++);

        // no question: nothing is known, the watch asks one of its own
        assertThat(watch.check()).isEqualTo(DnsHealthWatch.State.UNTESTED);
        assertThat(probes[0]).isEqualTo(1);

        watch.sent(DnsType.A).ended(DnsAnswer.Status.TIMEOUT, false, 0);
        assertThat(watch.check()).isEqualTo(DnsHealthWatch.State.UNREACHABLE);

        for (int i = 0; i < 4; i++) {
            watch.sent(DnsType.A).ended(DnsAnswer.Status.NXDOMAIN, true, 0);
        }
        watch.sent(DnsType.A).ended(DnsAnswer.Status.TIMEOUT, false, 0);
        assertThat(watch.check()).isEqualTo(DnsHealthWatch.State.ANSWERING);
        assertThat(watch.unreachable()).isFalse();

        for (int i = 0; i < 4; i++) {
            watch.sent(DnsType.A).ended(DnsAnswer.Status.TIMEOUT, false, 0);
        }
        watch.sent(DnsType.A).ended(DnsAnswer.Status.SERVFAIL, true, 0);
        assertThat(watch.check()).isEqualTo(DnsHealthWatch.State.DEGRADED);
        log.close();
    }
}
