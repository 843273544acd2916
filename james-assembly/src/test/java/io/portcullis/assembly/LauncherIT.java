package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * James started the way {@code ./portcullis run} starts it (options parsed by the launcher, working directory
 * prepared, overrides written, {@link PortcullisServer#start}), with {@code --smtp '[::1]:0' --imap '[::1]:0'
 * --metrics 127.0.0.1:0}: SMTP and IMAP answer on IPv6 loopback, and WebAdmin serves {@code GET /metrics} while
 * refusing its write routes (no user or domain can be created through it).
 */
class LauncherIT {
    @TempDir
    static Path work;
    static GuiceJamesServer server;
    static int webAdminPort;

    @BeforeAll
    static void start() throws Exception {
        Path repo = TestPaths.repository();
        PortcullisServer.Options o = PortcullisServer.Options.parse(new String[] {"--conf",
                repo.resolve("conf").toString(), "--work", work.toString(), "--smtp", "[::1]:0", "--imap", "[::1]:0",
                "--metrics", "127.0.0.1:0", "--dns", "127.0.0.1:9"});
        WorkingDirectory.prepare(o.conf, work, o.smtp, o.imap, null);
        PortcullisServer.applyOverrides(o, work);
        server = PortcullisServer.start(work);
        webAdminPort = server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static String firstLine(InetAddress address, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 5000);
            s.setSoTimeout(10_000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void smtpAndImapListenOnIpv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        int smtp = TestJames.smtpPort(server);
        int imap = server.getProbe(ImapGuiceProbe.class).getImapPort();
        assertThat(firstLine(v6, smtp)).startsWith("220 ");
        assertThat(firstLine(v6, imap)).startsWith("* OK");
        assertThat(Files.readString(work.resolve("conf").resolve("smtpserver.xml")))
                .contains("<bind>[::1]:0</bind>");
    }

    private static int request(String method, String path, String body) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + webAdminPort + path).openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5000);
        c.setReadTimeout(10_000);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int code = c.getResponseCode();
        c.disconnect();
        return code;
    }

    @Test
    void metricsAnswerAndWebAdminWritesAreRefused() throws Exception {
        String scrape = io.portcullis.bench.Prometheus.scrape(webAdminPort);
        assertThat(scrape).contains("portcullis_");

        assertThat(request("PUT", "/users/evil@portcullis.test", "{\"password\":\"evil\"}")).as("PUT /users")
                .isEqualTo(401);
        assertThat(request("PUT", "/domains/attacker.example", null)).as("PUT /domains").isEqualTo(401);
        assertThat(request("GET", "/users", null)).as("GET /users").isEqualTo(401);
        assertThat(request("DELETE", "/users/" + PortcullisServer.DEMO_USER, null)).as("DELETE a user").isEqualTo(401);

        DataProbeImpl data = server.getProbe(DataProbeImpl.class);
        assertThat(Arrays.asList(data.listUsers())).doesNotContain("evil@portcullis.test")
                .contains(PortcullisServer.DEMO_USER);
        assertThat(data.containsDomain("attacker.example")).isFalse();
    }
}
