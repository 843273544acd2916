package io.portcullis.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Sentinel for a test: {@code redis-server SENTINEL.CONF --sentinel} (the Debian package has no separate
 * {@code redis-sentinel} binary on every release; this form always works) as a child process on a free loopback port,
 * watching one master under a name, quorum 1 (one sentinel decides alone), down after 1 s. Stop it with
 * {@link #close()}; the JVM's shutdown hook kills it if left running.
 */
public final class RedisSentinel implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String master;

    private RedisSentinel(Process process, int port, String master) {
        this.process = process;
        this.port = port;
        this.master = master;
    }

    /** A sentinel watching the master on {@code 127.0.0.1:masterPort} as {@code masterName}. */
    public static RedisSentinel start(Path workDir, int masterPort, String masterName) throws IOException,
            InterruptedException {
        String exe = ChildServers.executable("redis-server", "redis-server");
        int port = ChildServers.freeLoopbackPort();
        Path dir = workDir.resolve("sentinel-" + port);
        Files.createDirectories(dir);
        Path conf = dir.resolve("sentinel.conf");
        Files.write(conf, ("port " + port + "\nbind 127.0.0.1\ndaemonize no\ndir " + dir + "\n"
                + "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1\n"
                + "sentinel down-after-milliseconds " + masterName + " 1000\n"
                + "sentinel failover-timeout " + masterName + " 10000\n").getBytes(StandardCharsets.UTF_8));
        Path log = dir.resolve("sentinel.log");
        Process p = ChildServers.start(new ProcessBuilder(exe, conf.toString(), "--sentinel")
                .redirectErrorStream(true).redirectOutput(log.toFile()));
        RedisSentinel s = new RedisSentinel(p, port, masterName);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis sentinel exited with " + p.exitValue() + ": "
                        + new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
            }
            if (s.masterPort() == masterPort) {
                return s;
            }
            Thread.sleep(20);
        }
        s.close();
        throw new IOException("redis sentinel did not answer within 10 s on port " + port);
    }

    /** The port of the master as this sentinel sees it now ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}), or -1. */
    public int masterPort() {
        String r = RedisServer.reply(port, "SENTINEL get-master-addr-by-name " + master);
        String[] lines = r == null ? new String[0] : r.split("\n");
        try {
            return lines.length == 2 ? Integer.parseInt(lines[1].trim()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Sends one inline command to the sentinel; the first reply line. */
    public String command(String command) {
        return RedisServer.command(port, command);
    }

    public int port() {
        return port;
    }

    /** {@code redis-sentinel://127.0.0.1:PORT#MASTER}. */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + port + "#" + master;
    }

    @Override
    public void close() {
        ChildServers.stop(process);
    }
}
