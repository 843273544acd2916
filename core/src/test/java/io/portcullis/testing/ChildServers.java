package io.portcullis.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** What the test servers started as child processes (Knot, Redis) share: a free port, a clean stop. */
final class ChildServers {
    /** Child servers still running: a JVM shutdown hook kills them if the test JVM ends without closing them. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : RUNNING) {
                p.destroyForcibly();
            }
        }, "portcullis-test-child-servers"));
    }

    private ChildServers() {
    }

    /**
     * Starts a child server and registers it for the JVM's shutdown hook (a test JVM ended by Ctrl-C, a timeout or a
     * failing fixture leaves no Knot or Redis behind; only SIGKILL of the JVM itself escapes the hook).
     */
    static Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        RUNNING.add(p);
        p.onExit().thenRun(() -> RUNNING.remove(p));
        return p;
    }

    /** The executable {@code name}, found as {@code command -v} does, or a failure naming how to install it. */
    static String executable(String name, String debianPackage) {
        return Strict.command(name).map(Object::toString).orElseThrow(() -> new IllegalStateException(name
                + " not found on PATH (nor in /usr/sbin, /usr/bin): install it (apt-get install -y"
                + " --no-install-recommends " + debianPackage + "); .ci/run does this"));
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
