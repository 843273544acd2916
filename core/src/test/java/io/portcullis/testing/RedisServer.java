package io.portcullis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real Redis server (Debian package {@code redis-server}) started for a test as a foreground child
 * process on a free loopback port, without persistence. Stop it with {@link #close()}.
 */
public final class RedisServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** True when redis-server is installed: found as {@code command -v redis-server} finds it, as {@code .ci/run} does. */
    public static boolean isInstalled() {
        return Strict.command("redis-server").isPresent();
    }

    /** Skips the calling test when redis-server is missing, or fails it in strict mode ({@link Strict}). */
    public static void requireInstalled() {
        Strict.require(isInstalled(), "redis-server",
                "apt-get install -y --no-install-recommends redis-server; .ci/run installs it");
    }

    public static RedisServer start(Path workDir) throws IOException, InterruptedException {
        return start(workDir, port -> List.of());
    }

    /** A server replicating the one on {@code 127.0.0.1:masterPort} ({@code --replicaof}). */
    public static RedisServer startReplicaOf(Path workDir, int masterPort) throws IOException, InterruptedException {
        return start(workDir, port -> List.of("--replicaof", "127.0.0.1", String.valueOf(masterPort)));
    }

    /**
     * A server with more options: {@code extra} gives the extra command-line options for the port chosen (e.g.
     * {@code --cluster-enabled yes}, {@code --replicaof 127.0.0.1 PORT}).
     */
    static RedisServer start(Path workDir, Function<Integer, List<String>> extra) throws IOException,
            InterruptedException {
        ChildServers.executable("redis-server", "redis-server");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = ChildServers.freeLoopbackPort();
            try {
                return startOn(workDir.resolve("redis-" + port), port, extra.apply(port));
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static RedisServer startOn(Path dir, int port, List<String> extra) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = dir.resolve("redis.log");
        List<String> command = new ArrayList<>(List.of(ChildServers.executable("redis-server", "redis-server"),
                "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
        command.addAll(extra);
        Process p = ChildServers.start(new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis-server exited with " + p.exitValue() + ": "
                        + new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
            }
            if ("+PONG".equals(command(port, "PING"))) {
                return new RedisServer(p, port, dir);
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not answer within 10 s on port " + port);
    }

    /**
     * Sends one inline command and returns the whole reply as text lines joined by newlines (bulk and multi-bulk
     * replies read to their end), or null when the server does not answer.
     */
    public static String reply(int port, String command) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(1000);
            s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            StringBuilder out = new StringBuilder();
            readReply(s.getInputStream(), out);
            return out.toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void readReply(InputStream in, StringBuilder out) throws IOException {
        String line = line(in);
        char type = line.isEmpty() ? ' ' : line.charAt(0);
        if (type == '$') {
            int len = Integer.parseInt(line.substring(1));
            if (len >= 0) {
                out.append(new String(in.readNBytes(len), StandardCharsets.UTF_8)).append('\n');
                line(in);
            }
        } else if (type == '*') {
            int n = Integer.parseInt(line.substring(1));
            for (int i = 0; i < n; i++) {
                readReply(in, out);
            }
        } else {
            out.append(line).append('\n');
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        if (c < 0 && sb.length() == 0) {
            throw new IOException("connection closed");
        }
        return sb.toString();
    }

    /** Sends one inline command and returns the first reply line, or null when the server does not answer. */
    public static String command(int port, String command) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\r') {
                sb.append((char) c);
            }
            return sb.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Sends one inline command to this server (e.g. {@code ZCARD key}) and returns the first reply line. */
    public String command(String command) {
        return command(port, command);
    }

    /** {@code connected_clients} of {@code INFO clients} (this question's own connection included), or -1. */
    public int connectedClients() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(500);
            s.getOutputStream().write("INFO clients\r\n".getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                head.append((char) c);
            }
            int len = Integer.parseInt(head.toString().trim().substring(1));
            String body = new String(in.readNBytes(len), StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("connected_clients:(\\d+)").matcher(body);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The server's log file. */
    public Path log() {
        return dir.resolve("redis.log");
    }

    @Override
    public void close() {
        ChildServers.stop(process);
    }
}
