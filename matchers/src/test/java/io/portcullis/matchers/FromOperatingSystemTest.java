package io.portcullis.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.james.MailAttributes;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.testing.P0fDaemon;
import io.portcullis.verdict.Finding;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FromOperatingSystem with FakeMail against a real p0f on {@code lo}: 127.0.1.1 sent a SYN crafted with scapy with
 * Windows 7's signature 3 hops away over DSL; 127.0.1.2 connected as the Linux it is; 127.0.1.3 was never seen.
 */
class FromOperatingSystemTest {
    static final String WINDOWS = "127.0.1.1";
    static final String LINUX = "127.0.1.2";
    static final String UNSEEN = "127.0.1.3";
    static P0fDaemon p0f;
    static ServerSocket server;
    static PortcullisRuntime runtime;
    static PortcullisRuntime observing;
    static PortcullisRuntime noPolicy;
    static PortcullisRuntime off;

    static PortcullisRuntime runtime(String... kv) {
        Map<String, String> conf = new HashMap<>();
        conf.put("headers.enabled", "false");
        conf.put("os.enabled", "true");
        conf.put("os.socket", p0f.socket().toString());
        for (int i = 0; i < kv.length; i += 2) {
            conf.put(kv[i], kv[i + 1]);
        }
        return new PortcullisRuntime(PortcullisConfig.parse(conf, "test.properties"));
    }

    @BeforeAll
    static void start() throws Exception {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        p0f = P0fDaemon.startOrSkip("tcp dst port " + server.getLocalPort(), null);
        P0fDaemon.sendWindowsSyn(WINDOWS, "127.0.0.1", server.getLocalPort(), 125, 8192, 1452, 8);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(LINUX), 0));
            s.connect(server.getLocalSocketAddress());
            server.accept().close();
        }
        runtime = runtime("os.match.win", "Windows*", "os.match.win.weight", "12", "os.link.dsl", "DSL",
                "os.link.weight", "2", "os.distance", "3");
        observing = runtime("os.match.win", "Windows*", "os.link.dsl", "DSL", "os.match.mode", "observe");
        noPolicy = runtime();
        off = runtime("os.enabled", "false", "os.match.win", "Windows*");
    }

    @AfterAll
    static void stop() throws IOException {
        for (PortcullisRuntime r : new PortcullisRuntime[] {runtime, observing, noPolicy, off}) {
            if (r != null) {
                r.close();
            }
        }
        if (p0f != null) {
            p0f.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static FromOperatingSystem matcher(PortcullisRuntime r, String condition) throws MessagingException {
        FromOperatingSystem m = new FromOperatingSystem(r);
        m.init(FakeMatcherConfig.builder().matcherName("io.portcullis.matchers.FromOperatingSystem")
                .condition(condition).build());
        return m;
    }

    static FakeMail mail(String client) throws MessagingException {
        MimeMessage msg = MimeMessageBuilder.mimeMessageBuilder().addFrom("a@example.com").setSubject("hi")
                .setText("x").build();
        return FakeMail.builder().name("m").remoteAddr(client).remoteHost("localhost").sender("a@example.com")
                .recipient("demo@portcullis.test").mimeMessage(msg).build();
    }

    static List<Finding> osFindings(Mail m) {
        return MailAttributes.findings(m).stream().filter(f -> f.check().equals("os")).collect(Collectors.toList());
    }

    @Test
    void windowsClientMatchesAndTheFindingsNameTheOs() throws Exception {
        FakeMail m = mail(WINDOWS);
        assertThat(matcher(runtime, null).match(m)).isNotEmpty();
        assertThat(osFindings(m)).extracting(Finding::rule).containsExactly("OS", "LINK", "DISTANCE");
        assertThat(osFindings(m).get(0).detail()).isEqualTo("Windows 7 or 8 (exact), distance 3, link DSL: client-ip "
                + WINDOWS + "; pattern win 'Windows*'");
        assertThat(MailAttributes.checks(m)).contains("os");
        assertThat(matcher(runtime, "OS").match(m)).isNotEmpty();
        assertThat(matcher(runtime, "15").match(m)).isNotEmpty();
        assertThat(matcher(runtime, "15.5").match(m)).isEmpty();
    }

    @Test
    void globsNeedNoPolicy() throws Exception {
        assertThat(matcher(noPolicy, "Windows*").match(mail(WINDOWS))).isNotEmpty();
        assertThat(matcher(noPolicy, "windows 7 or 8").match(mail(WINDOWS))).isNotEmpty();
        assertThat(matcher(noPolicy, "Windows").match(mail(WINDOWS))).as("the name alone").isNotEmpty();
        assertThat(matcher(noPolicy, "Linux*, Mac OS X*").match(mail(WINDOWS))).isEmpty();
        assertThat(matcher(noPolicy, "Linux*, Mac OS X*").match(mail(LINUX))).isNotEmpty();
        assertThat(matcher(noPolicy, "link:DSL").match(mail(WINDOWS))).isNotEmpty();
        assertThat(matcher(noPolicy, "link:DSL").match(mail(LINUX))).isEmpty();
        assertThat(matcher(noPolicy, null).match(mail(WINDOWS))).as("no policy: nothing scores").isEmpty();
        assertThat(matcher(noPolicy, "Windows*, Linux*").match(mail(UNSEEN))).as("p0f never saw it").isEmpty();
    }

    @Test
    void linuxClientHasNoFinding() throws Exception {
        FakeMail m = mail(LINUX);
        assertThat(matcher(runtime, null).match(m)).isEmpty();
        assertThat(osFindings(m)).isEmpty();
        assertThat(MailAttributes.checks(m)).as("looked at, nothing found").contains("os");
    }

    @Test
    void observedRulesNeverMakeItMatchButGlobsDo() throws Exception {
        FakeMail m = mail(WINDOWS);
        assertThat(matcher(observing, "OS").match(m)).isEmpty();
        assertThat(matcher(observing, "LINK").match(m)).isNotEmpty();
        assertThat(matcher(observing, "Windows*").match(m)).isNotEmpty();
        assertThat(osFindings(m)).extracting(Finding::rule).containsExactly("OS", "LINK");
    }

    @Test
    void noClientToJudgeAndCheckOff() throws Exception {
        FakeMail auth = mail(WINDOWS);
        auth.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("demo")));
        assertThat(matcher(runtime, "Windows*, OS").match(auth)).isEmpty();
        assertThat(matcher(off, "Windows*").match(mail(WINDOWS))).isEmpty();
    }

    @Test
    void badConditionsFailAtInit() {
        assertThatThrownBy(() -> matcher(runtime, "Windows*, *")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("token '*'");
        assertThatThrownBy(() -> matcher(runtime, "link:")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("token 'link:'");
        assertThatThrownBy(() -> matcher(runtime, "3, 4")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("only one minimum score");
    }
}
