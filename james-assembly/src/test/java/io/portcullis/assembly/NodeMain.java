package io.portcullis.assembly;

import java.io.InputStream;
import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.protocols.ImapGuiceProbe;

/**
 * A second James node for a test, in a JVM of its own (James registers its mailets' MBeans in the platform MBean
 * server, so two James servers cannot share a JVM): starts James in the working directory {@code args[0]} (prepared by
 * {@link TestJames#prepare}), prints {@code PORTS <smtp> <imap>}, and stops James when its standard input ends.
 */
public final class NodeMain {
    private NodeMain() {
    }

    public static void main(String[] args) throws Exception {
        ItHosts.ensure();
        GuiceJamesServer server = PortcullisServer.start(java.nio.file.Paths.get(args[0]));
        System.out.println("PORTS " + TestJames.smtpPort(server) + " "
                + server.getProbe(ImapGuiceProbe.class).getImapPort());
        System.out.flush();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // until the test closes our input
        }
        server.stop();
        System.exit(0);
    }
}
