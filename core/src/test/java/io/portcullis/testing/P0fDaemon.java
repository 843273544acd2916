package io.portcullis.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real p0f 3 daemon (Debian package {@code p0f}) started by a test: it captures on the loopback interface with a
 * BPF filter (e.g. {@code tcp dst port 2525}), answers on an API socket in a temporary directory and logs to a file
 * there. It needs root (raw capture). Optionally with a fingerprint database of the test's own: the stock
 * {@code /etc/p0f/p0f.fp} with signatures inserted first in {@code [tcp:request]}, so a chosen SYN is relabelled
 * (e.g. a loopback Linux SYN with an 8192-byte window reported as Windows 7 or 8).
 *
 * <p>Where p0f is missing or cannot capture, {@link #startOrSkip} skips the test with the reason, unless the system
 * property {@code portcullis.strict} is true: then the test fails naming it.
 */
public final class P0fDaemon implements AutoCloseable {
    public static final Path BINARY = Paths.get("/usr/sbin/p0f");
    public static final Path STOCK_DATABASE = Paths.get("/etc/p0f/p0f.fp");
    /** scapy (Debian's python3-scapy) is installed for the system Python. */
    public static final Path PYTHON = Paths.get("/usr/bin/python3");

    private final Path dir;
    private final String filter;
    private final Path database;
    private Process process;

    private P0fDaemon(Path dir, String filter, Path database) {
        this.dir = dir;
        this.filter = filter;
        this.database = database;
    }

    /** True when the tests must fail rather than skip where a tool or a kernel feature is missing. */
    public static boolean strict() {
        return Boolean.getBoolean("portcullis.strict");
    }

    /** Skips the running test with {@code why}, or fails it under {@code -Dportcullis.strict=true}. */
    public static void skipOrFail(String why) {
        if (strict()) {
            Assertions.fail(why + " (-Dportcullis.strict=true: failing instead of skipping)");
        }
        Assumptions.abort(why);
    }

    /** Starts p0f on {@code lo} with {@code filter}, or skips (fails when strict) saying why it cannot run. */
    public static P0fDaemon startOrSkip(String filter, Path database) {
        try {
            return startOrSkip(Files.createTempDirectory("p0f"), filter, database);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As {@link #startOrSkip(String, Path)}, its socket ({@code p0f.sock}) and log in {@code dir}. */
    public static P0fDaemon startOrSkip(Path dir, String filter, Path database) {
        try {
            return start(dir, filter, database);
        } catch (IOException e) {
            skipOrFail("p0f cannot run here: " + e.getMessage());
            throw new IllegalStateException(e); // not reached
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static P0fDaemon start(String filter, Path database) throws IOException, InterruptedException {
        return start(Files.createTempDirectory("p0f"), filter, database);
    }

    /** p0f with its socket ({@code p0f.sock}) and log in {@code dir}. */
    public static P0fDaemon start(Path dir, String filter, Path database) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IOException(BINARY + " not found: install p0f (apt-get install -y --no-install-recommends p0f); "
                    + ".ci/run does this");
        }
        Files.createDirectories(dir);
        P0fDaemon d = new P0fDaemon(dir, filter, database);
        d.startProcess();
        return d;
    }

    /** (Re)starts the daemon; returns when its API socket accepts. */
    public synchronized void startProcess() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        Files.deleteIfExists(socket());
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-i", "lo", "-s", socket().toString(), "-o",
                log().toString()));
        if (database != null) {
            cmd.add("-f");
            cmd.add(database.toString());
        }
        cmd.add(filter);
        Path out = dir.resolve("p0f.out");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                out.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("p0f exited with " + process.exitValue() + ": " + tail(out));
            }
            String text = Files.exists(out) ? Files.readString(out, StandardCharsets.ISO_8859_1) : "";
            if (Files.exists(socket()) && text.contains("Entered main event loop")) {
                return;
            }
            Thread.sleep(20);
        }
        ChildServers.stop(process);
        throw new IOException("p0f did not open its API socket within 10 s: " + tail(out));
    }

    private static String tail(Path out) throws IOException {
        if (!Files.exists(out)) {
            return "(no output)";
        }
        String t = Files.readString(out, StandardCharsets.ISO_8859_1).trim();
        return t.length() > 600 ? t.substring(t.length() - 600) : t;
    }

    public Path socket() {
        return dir.resolve("p0f.sock");
    }

    public Path log() {
        return dir.resolve("p0f.log");
    }

    /** The log's text so far ("" before any line). */
    public String logText() throws IOException {
        return Files.exists(log()) ? Files.readString(log(), StandardCharsets.ISO_8859_1) : "";
    }

    /** SIGKILL: p0f dies at once, its socket file left behind (as after a crash). */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            ChildServers.stop(process);
        }
    }

    /**
     * A copy of the stock database (in {@code dir}) with {@code signatures} (p0f signature to label, e.g.
     * {@code *:64:0:*:8192,0:mss,sok,ts,nop,ws:df,id+:0} to {@code s:win:Windows:7 or 8}) put first in
     * {@code [tcp:request]}, so they win over the stock signatures.
     */
    public static Path relabelled(Path dir, Map<String, String> signatures) throws IOException {
        String stock = Files.readString(STOCK_DATABASE, StandardCharsets.ISO_8859_1);
        StringBuilder extra = new StringBuilder("\n; --- test signatures ---\n");
        for (Map.Entry<String, String> e : signatures.entrySet()) {
            extra.append("label = ").append(e.getValue()).append('\n').append("sig   = ").append(e.getKey())
                    .append("\n\n");
        }
        int at = stock.indexOf("[tcp:request]");
        if (at < 0) {
            throw new IOException(STOCK_DATABASE + " has no [tcp:request] section");
        }
        int eol = stock.indexOf('\n', at);
        String text = stock.substring(0, eol + 1) + extra + stock.substring(eol + 1);
        Path f = dir.resolve("relabelled.fp");
        Files.writeString(f, text, StandardCharsets.ISO_8859_1);
        return f;
    }

    /**
     * Sends one crafted TCP SYN with scapy (a raw socket: root): from {@code src} to {@code dst}:{@code port} with the
     * given TTL, window, MSS and window scale, and TCP options in Windows 7's order {@code mss,nop,ws,nop,nop,sok},
     * DF set. The kernel answers the SYN-ACK's RST itself; no connection results. Skips (fails when strict) when
     * scapy is missing.
     */
    public static void sendWindowsSyn(String src, String dst, int port, int ttl, int window, int mss, int wscale)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            skipOrFail(PYTHON + " not found (scapy: apt-get install -y python3-scapy)");
        }
        String script = "import sys\n"
                + "try:\n"
                + "    from scapy.all import IP, TCP, send, conf, L3RawSocket\n"
                + "except ImportError as e:\n"
                + "    print('NO-SCAPY', e); sys.exit(3)\n"
                + "conf.L3socket = L3RawSocket\n"
                + "conf.verb = 0\n"
                + "a = sys.argv[1:]\n"
                + "p = IP(src=a[0], dst=a[1], ttl=int(a[3]), flags='DF')/TCP(sport=int(a[7]), dport=int(a[2]),"
                + " flags='S', seq=12345, window=int(a[4]), options=[('MSS', int(a[5])), ('NOP', None),"
                + " ('WScale', int(a[6])), ('NOP', None), ('NOP', None), ('SAckOK', b'')])\n"
                + "send(p)\n";
        int sport = 40000 + (int) (Math.random() * 20000);
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", script, src, dst, String.valueOf(port),
                String.valueOf(ttl), String.valueOf(window), String.valueOf(mss), String.valueOf(wscale),
                String.valueOf(sport)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("scapy did not finish within 30 s");
        }
        if (p.exitValue() == 3) {
            skipOrFail("scapy is not installed for " + PYTHON + " (apt-get install -y python3-scapy): " + out.trim());
        }
        if (p.exitValue() != 0 && (out.contains("ermission") || out.contains("not permitted"))) {
            skipOrFail("scapy may not open a raw socket here (root needed): " + out.trim());
        }
        if (p.exitValue() != 0) {
            throw new IOException("scapy failed (" + p.exitValue() + "): " + out.trim());
        }
    }
}
