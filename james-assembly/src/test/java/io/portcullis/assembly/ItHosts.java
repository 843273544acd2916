package io.portcullis.assembly;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The integration tests' hosts file. Failsafe starts the test JVM with {@code -Djdk.net.hosts.file=...}, so the
 * JVM's own name lookups (James's reverse lookup of the client at end of DATA, its local host name) are answered
 * from this file at once (loopback names; every other address: not found) instead of by the host's resolver,
 * whose timeouts would otherwise show in the tests' latency bounds and make them depend on the host. The file is
 * written before the first test class (registered for every test by {@code META-INF/services}, with extension
 * autodetection on in {@code junit-platform.properties}) and again by each James fixture (harmless).
 */
public final class ItHosts implements BeforeAllCallback {
    static final String PROPERTY = "jdk.net.hosts.file";

    @Override
    public void beforeAll(ExtensionContext context) {
        ensure();
    }

    /** Writes the hosts file named by {@code jdk.net.hosts.file}, if that is set and the file is not there yet. */
    static synchronized void ensure() {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isEmpty()) {
            return;
        }
        Path p = Paths.get(file);
        if (Files.exists(p)) {
            return;
        }
        String host = hostName();
        String text = "127.0.0.1 localhost" + (host.equals("localhost") ? "" : " " + host) + "\n::1 localhost\n";
        try {
            Files.createDirectories(p.toAbsolutePath().getParent());
            Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
            Files.write(tmp, text.getBytes(StandardCharsets.US_ASCII));
            Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tests' hosts file " + p, e);
        }
    }

    /** The kernel's host name (what {@code InetAddress.getLocalHost()} looks up), without asking any resolver. */
    private static String hostName() {
        try {
            String h = new String(Files.readAllBytes(Paths.get("/proc/sys/kernel/hostname")), StandardCharsets.UTF_8)
                    .trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "localhost" : env.trim();
    }
}
