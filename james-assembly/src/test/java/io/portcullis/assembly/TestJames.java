package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;

/**
 * One James 3.8.1 memory server with Portcullis for an integration test: the repository's {@code conf/} copied
 * into a working directory (SMTP and IMAP on free loopback ports, the demo mailbox provisioned, as
 * {@code ./portcullis run} does), then the changes the test asks for, then James started in-process.
 *
 * <pre>{@code
 * GuiceJamesServer server = TestJames.in(dir).smtpHandler().dns(knot.hostPort()).dropSampleLists()
 *         .properties("dnsbl.list.bl = bl.test=127.0.0.2*20").start();
 * }</pre>
 */
final class TestJames {
    private final Path dir;
    private boolean smtpHandler;
    private boolean greetingTest;
    private boolean dropSampleLists;
    private String authorizedAddresses;
    private String smtpBind = "127.0.0.1:0";
    private final List<String> properties = new ArrayList<>();
    private final java.util.Map<String, String> confFiles = new java.util.LinkedHashMap<>();
    private final List<String[]> edits = new ArrayList<>();

    private TestJames(Path dir) {
        this.dir = dir;
        // Sender reputation (on by default) learns from every test's traffic, and the loopback clients share one
        // /24: tests of other features run without it, so one test's spam does not change another's decision.
        // Reputation's own tests turn it on again ("reputation.enabled = true": a later line wins).
        properties.add("reputation.enabled = false");
    }

    /** A James whose working directory is {@code dir}. */
    static TestJames in(Path dir) {
        return new TestJames(dir);
    }

    /** Enables the Portcullis SMTP handler (commented out in the sample smtpserver.xml). */
    TestJames smtpHandler() {
        smtpHandler = true;
        return this;
    }

    /** Also the greeting test: James's core handlers without the welcome handler (implies the SMTP handler). */
    TestJames greetingTest() {
        smtpHandler = true;
        greetingTest = true;
        return this;
    }

    /** Clients of these networks may relay (smtpserver.xml's {@code authorizedAddresses}). */
    TestJames authorizedAddresses(String networks) {
        authorizedAddresses = networks;
        return this;
    }

    /**
     * The SMTP server's {@code <bind>}. James 3.8.1 splits it at ':', so it cannot name an IPv6 address; its
     * {@code 0.0.0.0} is the JVM's dual-stack wildcard, which IPv6 clients (on loopback) reach too.
     */
    TestJames smtpBind(String hostPort) {
        smtpBind = hostPort;
        return this;
    }

    /** Portcullis asks this resolver ({@code HOST:PORT}, a test Knot or a relay in front of it). */
    TestJames dns(String hostPort) {
        properties.add("dns.servers = " + hostPort);
        return this;
    }

    /** Removes the sample's DNS lists (Spamhaus), which a test resolver does not serve. */
    TestJames dropSampleLists() {
        dropSampleLists = true;
        return this;
    }

    /** Lines appended to {@code portcullis.properties}. */
    TestJames properties(String... lines) {
        return properties(List.of(lines));
    }

    /** Lines appended to {@code portcullis.properties}. */
    TestJames properties(List<String> lines) {
        properties.addAll(lines);
        return this;
    }

    /** A file written into the working directory's {@code conf/} (after the sample is copied there). */
    TestJames confFile(String name, String content) {
        confFiles.put(name, content);
        return this;
    }

    /** Replaces the first {@code what} in the conf file {@code name} (e.g. to add a mailet) with {@code with}. */
    TestJames edit(String name, String what, String with) {
        edits.add(new String[] {name, what, with});
        return this;
    }

    /** The working directory. */
    Path dir() {
        return dir;
    }

    /** Prepares the working directory and starts James. */
    GuiceJamesServer start() throws Exception {
        return PortcullisServer.start(prepare(), TarpitProbe.MODULE);
    }

    /** Prepares the working directory (James not started: e.g. to start it in another JVM); returns it. */
    Path prepare() throws Exception {
        ItHosts.ensure();
        WorkingDirectory.prepare(TestPaths.repository().resolve("conf"), dir, smtpBind, "127.0.0.1:0", null);
        if (smtpHandler) {
            assertThat(WorkingDirectory.enableSmtpHandler(dir)).as("the SMTP handler line in smtpserver.xml").isTrue();
        }
        for (String[] e : edits) {
            replaceIn(e[0], e[1], e[2]);
        }
        if (authorizedAddresses != null) {
            replaceInSmtpXml("<handlerchain>", "<authorizedAddresses>" + authorizedAddresses
                    + "</authorizedAddresses>\n        <handlerchain>");
        }
        if (greetingTest) {
            replaceInSmtpXml("<handlerchain>",
                    "<handlerchain coreHandlersPackage=\"io.portcullis.smtp.PortcullisCoreHandlers\">");
        }
        if (dropSampleLists) {
            WorkingDirectory.dropConfiguredLists(dir);
        }
        WorkingDirectory.appendProperties(dir, "added by the test", properties);
        for (java.util.Map.Entry<String, String> f : confFiles.entrySet()) {
            Files.write(dir.resolve("conf").resolve(f.getKey()), f.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return dir;
    }

    private void replaceInSmtpXml(String what, String with) throws IOException {
        replaceIn("smtpserver.xml", what, with);
    }

    private void replaceIn(String name, String what, String with) throws IOException {
        Path file = dir.resolve("conf").resolve(name);
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        assertThat(text).as(name).contains(what);
        Files.write(file, text.replaceFirst(java.util.regex.Pattern.quote(what),
                java.util.regex.Matcher.quoteReplacement(with)).getBytes(StandardCharsets.UTF_8));
    }

    /** The SMTP port of a started server. */
    static int smtpPort(GuiceJamesServer server) {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
    }

    /** The demo user's mailbox over IMAP. */
    static ImapMailbox demoMailbox(GuiceJamesServer server) {
        return new ImapMailbox(server.getProbe(ImapGuiceProbe.class).getImapPort(), PortcullisServer.DEMO_USER,
                PortcullisServer.DEMO_PASSWORD);
    }
}
