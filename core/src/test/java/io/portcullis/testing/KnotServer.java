package io.portcullis.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server (Knot, Debian package {@code knot}) started for a test on a loopback
 * high port, serving the given zones. A zone given with a null text has no zone file, so Knot answers
 * SERVFAIL for every name in it. Stop it with {@link #close()}.
 */
public final class KnotServer implements AutoCloseable {

    private final Process process;
    private final InetSocketAddress address;
    private final Path dir;

    private KnotServer(Process process, InetSocketAddress address, Path dir) {
        this.process = process;
        this.address = address;
        this.dir = dir;
    }

    /** Zones from {@code src/test/resources/knot/<name>.zone} of the core module (on the test classpath). */
    public static Map<String, String> zonesFromClasspath(String... names) throws IOException {
        Map<String, String> zones = new LinkedHashMap<>();
        for (String n : names) {
            try (var in = KnotServer.class.getResourceAsStream("/knot/" + n + ".zone")) {
                zones.put(n, in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return zones;
    }

    public static KnotServer start(Path workDir, Map<String, String> zones) throws IOException, InterruptedException {
        ChildServers.executable("knotd", "knot");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = ChildServers.freeLoopbackPort();
            try {
                return startOn(workDir.resolve("knot-" + port), zones, port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static KnotServer startOn(Path dir, Map<String, String> zones, int port) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("zones"));
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n")
                .append("    rundir: \"").append(dir.resolve("run")).append("\"\n")
                .append("    pidfile: \"").append(dir.resolve("run/knot.pid")).append("\"\n")
                .append("    listen: 127.0.0.1@").append(port).append("\n")
                .append("    udp-workers: 2\n    tcp-workers: 1\n    background-workers: 1\n")
                .append("log:\n  - target: stderr\n    any: warning\n")
                .append("database:\n    storage: \"").append(dir.resolve("db")).append("\"\n")
                .append("template:\n  - id: default\n    storage: \"").append(dir.resolve("zones")).append("\"\n")
                .append("    file: \"%s.zone\"\n    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\n")
                .append("zone:\n");
        for (Map.Entry<String, String> z : zones.entrySet()) {
            conf.append("  - domain: ").append(z.getKey()).append("\n");
            if (z.getValue() != null) {
                Files.write(dir.resolve("zones").resolve(z.getKey() + ".zone"), z.getValue().getBytes(StandardCharsets.UTF_8));
            } else {
                conf.append("    file: \"does-not-exist.zone\"\n");
            }
        }
        Path confFile = dir.resolve("knot.conf");
        Files.write(confFile, conf.toString().getBytes(StandardCharsets.UTF_8));
        Process p = ChildServers.start(new ProcessBuilder(ChildServers.executable("knotd", "knot"), "-c",
                confFile.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("knot.log").toFile()));
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        String probeZone = zones.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("need at least one zone with a file"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        SimpleResolver r = new SimpleResolver(address);
        r.setTimeout(Duration.ofMillis(200));
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("knotd exited with " + p.exitValue() + ": "
                        + new String(Files.readAllBytes(dir.resolve("knot.log")), StandardCharsets.UTF_8));
            }
            try {
                Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(probeZone + "."), Type.SOA, DClass.IN)));
                if (m.getRcode() == Rcode.NOERROR) {
                    return new KnotServer(p, address, dir);
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new IOException("knotd did not answer within 10 s on port " + port);
    }

    public InetSocketAddress address() {
        return address;
    }

    /** {@code 127.0.0.1:PORT}, the form the configuration and {@code --dns} accept. */
    public String hostPort() {
        return "127.0.0.1:" + address.getPort();
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        ChildServers.stop(process);
    }
}
