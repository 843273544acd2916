package io.portcullis.mailets;

import io.portcullis.testing.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.SmtpSettings;
import io.portcullis.james.TarpitMemory;
import io.portcullis.verdict.Policy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.mail.MessagingException;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Tarpit mailet with the embedded store (a journal in a temporary folder) and a settable clock. */
class TarpitTest {
    @TempDir
    Path dir;
    private final SettableClock clock = new SettableClock(Instant.now());
    private TarpitMemory memory;

    @AfterEach
    void close() {
        if (memory != null) {
            memory.close();
        }
    }

    private Tarpit mailet(String... params) throws MessagingException {
        memory = new TarpitMemory(SmtpSettings.defaults(Policy.DEFAULT), dir, clock);
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("Tarpit");
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        Tarpit t = new Tarpit(memory);
        t.init(c.build());
        return t;
    }

    private static Mail mail(String remoteAddr) throws MessagingException {
        return FakeMail.builder().name("m").remoteAddr(remoteAddr).remoteHost("client.example").build();
    }

    private boolean remembered(String address) throws Exception {
        return memory.isRemembered(InetAddress.getByName(address)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void remembersTheAddressOnlyByDefaultForTheConfiguredTime() throws Exception {
        Tarpit t = mailet("remember", "30m");
        t.service(mail("192.0.2.10"));
        assertThat(remembered("192.0.2.10")).isTrue();
        assertThat(remembered("192.0.2.11")).as("the /24 is not remembered by default").isFalse();
        clock.advance(Duration.ofMinutes(29));
        assertThat(remembered("192.0.2.10")).isTrue();
        clock.advance(Duration.ofMinutes(2));
        assertThat(remembered("192.0.2.10")).as("forgotten after 30 minutes").isFalse();
    }

    @Test
    void remembersTheSlash24() throws Exception {
        Tarpit t = mailet("ipv4Prefix", "24");
        t.service(mail("198.51.100.77"));
        assertThat(remembered("198.51.100.77")).isTrue();
        assertThat(remembered("198.51.100.1")).isTrue();
        assertThat(remembered("198.51.100.254")).isTrue();
        assertThat(remembered("198.51.101.77")).isFalse();
    }

    @Test
    void remembersTheSlash64ByDefaultForIpv6() throws Exception {
        Tarpit t = mailet();
        t.service(mail("2001:db8:1:2::25"));
        assertThat(remembered("2001:db8:1:2::25")).isTrue();
        assertThat(remembered("2001:db8:1:2:ffff::1")).isTrue();
        assertThat(remembered("2001:db8:1:3::25")).isFalse();
    }

    @Test
    void ipv6Slash128RemembersTheAddressOnly() throws Exception {
        Tarpit t = mailet("ipv6Prefix", "128");
        t.service(mail("2001:db8::25"));
        assertThat(remembered("2001:db8::25")).isTrue();
        assertThat(remembered("2001:db8::26")).isFalse();
    }

    @Test
    void authenticatedAuthorisedAndMailetMailIsNeverRemembered() throws Exception {
        Tarpit t = mailet("ipv4Prefix", "24");
        Mail auth = mail("203.0.113.5");
        auth.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("bob")));
        t.service(auth);
        Mail network = mail("203.0.113.6");
        network.setAttribute(Attribute.convertToAttribute("org.apache.james.SMTPIsAuthNetwork", true));
        t.service(network);
        Mail internal = mail("203.0.113.7");
        internal.setAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE);
        t.service(internal);
        t.service(mail("not-an-address"));
        assertThat(remembered("203.0.113.5")).isFalse();
        assertThat(remembered("203.0.113.6")).isFalse();
        assertThat(remembered("203.0.113.7")).isFalse();
    }

    @Test
    void theMemorySurvivesAReopenOfTheEmbeddedStore() throws Exception {
        mailet("ipv4Prefix", "24").service(mail("192.0.2.200"));
        memory.close();
        memory = new TarpitMemory(SmtpSettings.defaults(Policy.DEFAULT), dir, clock);
        assertThat(remembered("192.0.2.1")).isTrue();
    }

    @Test
    void badParametersAreRefused() {
        assertThatThrownBy(() -> mailet("ipv4Prefix", "33")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("ipv4Prefix").hasMessageContaining("33");
        assertThatThrownBy(() -> mailet("remember", "soon")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> mailet("rememberr", "1h")).isInstanceOf(MessagingException.class);
    }


    @Test
    void eachRememberedAddressIsADecisionLogLine() throws Exception {
        Path log = dir.resolve("decisions");
        io.portcullis.james.PortcullisRuntime runtime = new io.portcullis.james.PortcullisRuntime(
                io.portcullis.config.PortcullisConfig.parse(java.util.Map.of("log.directory", log.toString(),
                        "log.node", "t"), "t"));
        try {
            memory = new TarpitMemory(SmtpSettings.defaults(Policy.DEFAULT), dir, clock);
            Tarpit t = new Tarpit(memory, runtime);
            t.init(FakeMailetConfig.builder().mailetName("Tarpit").build());
            Mail m = mail("192.0.2.99");
            io.portcullis.james.MailAttributes.storeFindings(m, "dnsbl",
                    java.util.List.of(new io.portcullis.verdict.Finding("dnsbl", "bl", 12, "listed")));
            t.service(m);
            t.service(mail("not-an-address"));
        } finally {
            runtime.close(); // flushes the log
        }
        java.util.List<String> lines = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(log)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                lines.addAll(java.nio.file.Files.readAllLines(f));
            }
        }
        assertThat(lines).singleElement().satisfies(l -> assertThat(l).contains("\"stage\": \"pipeline\"",
                "\"client\": \"192.0.2.99\"", "\"action\": \"tarpit\"", "\"reason\": \"remember\"",
                "\"score\": 12", "\"rule\": \"bl\""));
    }

    private static List<String> logLines(Path log) throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        if (java.nio.file.Files.isDirectory(log)) {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(log)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    lines.addAll(java.nio.file.Files.readAllLines(f));
                }
            }
        }
        return lines;
    }

    /**
     * A store that fails (the real embedded store, closed; an unreachable Redis): nothing is logged as remembered
     * and no decision line is written; the failure is counted. The same mailet with a working store records one.
     */
    @Test
    void aFailedStoreIsCountedAndNeitherLoggedAsRememberedNorRecorded() throws Exception {
        Path log = dir.resolve("decisions");
        io.portcullis.james.PortcullisRuntime runtime = new io.portcullis.james.PortcullisRuntime(
                io.portcullis.config.PortcullisConfig.parse(java.util.Map.of("log.directory", log.toString(),
                        "log.node", "t"), "t"));
        TarpitMemory closed = new TarpitMemory(SmtpSettings.defaults(Policy.DEFAULT), dir.resolve("closed"), clock);
        closed.close();
        TarpitMemory unreachable = new TarpitMemory(io.portcullis.config.PortcullisConfig.parse(java.util.Map.of(
                "smtp.tarpit.store", "redis://127.0.0.1:1"), "t").smtp(), dir.resolve("redis"), clock);
        try {
            for (TarpitMemory failing : List.of(closed, unreachable)) {
                Tarpit t = new Tarpit(failing, runtime);
                t.init(FakeMailetConfig.builder().mailetName("Tarpit").build());
                t.service(mail("192.0.2.77"));
                assertThat(t.failures()).isEqualTo(1);
                assertThat(failing.isRemembered(InetAddress.getByName("192.0.2.77")).get(5, TimeUnit.SECONDS))
                        .isFalse();
            }
            memory = new TarpitMemory(SmtpSettings.defaults(Policy.DEFAULT), dir.resolve("working"), clock);
            Tarpit t = new Tarpit(memory, runtime);
            t.init(FakeMailetConfig.builder().mailetName("Tarpit").build());
            t.service(mail("192.0.2.78"));
            assertThat(t.failures()).isZero();
        } finally {
            unreachable.close();
            runtime.close(); // flushes the log
        }
        assertThat(logLines(log)).singleElement().satisfies(l -> assertThat(l).contains("\"client\": \"192.0.2.78\"",
                "\"reason\": \"remember\""));
    }

    /** The store is opened when the memory is built (James: at start), not by the first connection. */
    @Test
    void theStoreIsOpenAfterConstruction() throws Exception {
        Path d = dir.resolve("eager");
        memory = new TarpitMemory(SmtpSettings.defaults(Policy.DEFAULT), d, clock);
        assertThat(memory.isOpen()).isTrue();
        assertThat(d.resolve("state.lock")).as("the embedded journal is open and locked").exists();
        assertThatThrownBy(() -> io.portcullis.store.JournalStateStore.open(d,
                io.portcullis.store.JournalStateStore.Options.DEFAULTS)).hasMessageContaining("in use");
    }
}
