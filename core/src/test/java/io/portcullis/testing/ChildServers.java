package io.portcullis.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/** What the test servers started as child processes (Knot, Redis) share: a free port, a clean stop. */
final class ChildServers {
    private ChildServers() {
    }

    /** A loopback port free for both TCP and UDP at the time of asking. */
    static int freeLoopbackPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException busy) {
                    // UDP side taken; try another
                }
            }
        }
        throw new IOException("no free loopback port");
    }

    /** SIGTERM, then SIGKILL if the process has not exited within 5 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
