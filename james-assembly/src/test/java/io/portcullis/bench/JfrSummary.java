package io.portcullis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples ({@code jdk.ExecutionSample}, the events {@code jfr print --events
 * jdk.ExecutionSample FILE} lists) of a JFR recording of the SMTP benchmark: samples per thread family; then, over
 * the server's threads only (the benchmark's own client threads {@code bench-client-*} are counted apart), the top
 * frames (self: the method running), the top packages, the share of samples doing Portcullis work (a Portcullis
 * frame in the stack, except the line gate merely passing a line on to James's core handler: what runs above it is
 * James's own work) and with a Portcullis frame on top (self), the Portcullis entry points (outermost Portcullis
 * frame) and the Portcullis methods by inclusive samples.
 *
 * <p>Run: {@code java -cp ... io.portcullis.bench.JfrSummary FILE.jfr [TOP [METHOD]]} (the benchmark prints it itself
 * after {@code --profile}); with METHOD (a substring of "class.method"), the samples under that method only: their
 * top frames and the callees of the method. Uses only the JDK's {@code jdk.jfr.consumer} API.
 */
public final class JfrSummary {
    /**
     * Line gate methods that hand a line (or an event) on to James's handlers: what runs above them is James's work,
     * unless a Portcullis hook is called from it.
     */
    static final Set<String> PASS_THROUGH = Set.of("io.portcullis.smtp.LineGate.channelRead",
            "io.portcullis.smtp.LineGate.pass", "io.portcullis.smtp.LineGate.drain",
            "io.portcullis.smtp.LineGate.write", "io.portcullis.smtp.LineGate.channelInactive",
            "io.portcullis.smtp.LineGate.handlerRemoved");

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrSummary FILE.jfr [TOP]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        if (args.length > 2) {
            drillDown(Paths.get(args[0]), args[2], top, System.out);
        } else {
            summarise(Paths.get(args[0]), top, System.out);
        }
    }

    /** The samples with a frame whose "type.method" contains {@code method}: their top frames and callees. */
    static void drillDown(Path file, String method, int top, PrintStream out) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> callees = new HashMap<>();
        int n = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            int at = -1;
            for (int i = frames.size() - 1; i >= 0 && at < 0; i--) {
                if (frame(frames.get(i)).contains(method)) {
                    at = i;
                }
            }
            if (at < 0) {
                continue;
            }
            n++;
            self.merge(frames.isEmpty() ? "?" : frame(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (int i = at - 1; i >= 0; i--) {
                if (seen.add(frame(frames.get(i)))) {
                    callees.merge(frame(frames.get(i)), 1, Integer::sum);
                }
            }
        }
        out.printf("%d samples with a frame matching %s%n", n, method);
        print(out, "top frames, self", self, Math.max(1, n), top);
        print(out, "callees of the (outermost) matching frame, inclusive", callees, Math.max(1, n), top);
    }

    /** A Portcullis class of the product (not the benchmark or test fixtures). */
    static boolean portcullis(String type) {
        return type.startsWith("io.portcullis.") && !type.startsWith("io.portcullis.bench.")
                && !type.startsWith("io.portcullis.testing.");
    }

    static void summarise(Path file, int top, PrintStream out) throws IOException {
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        Map<String, Integer> entries = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int total = 0;
        int client = 0;
        int server = 0;
        int portcullisAny = 0;
        int portcullisTop = 0;
        int throughGate = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            total++;
            RecordedThread t = e.getThread("sampledThread");
            String name = t == null ? "?" : String.valueOf(t.getJavaName());
            threads.merge(family(name), 1, Integer::sum);
            if (name.startsWith("bench-client-")) {
                client++;
                continue;
            }
            server++;
            RecordedStackTrace st = e.getStackTrace();
            List<RecordedFrame> frames = st == null ? List.of() : st.getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            String topFrame = frame(frames.get(0));
            self.merge(topFrame, 1, Integer::sum);
            packages.merge(packageOf(frames.get(0)), 1, Integer::sum);
            if (portcullis(type(frames.get(0)))) {
                portcullisTop++;
            }
            // The innermost Portcullis frame tells whose work this is: the line gate passing a line on to James's
            // core handler is James's work (unless the gate itself is on top).
            int innermost = -1;
            for (int i = 0; i < frames.size() && innermost < 0; i++) {
                if (portcullis(type(frames.get(i)))) {
                    innermost = i;
                }
            }
            if (innermost < 0) {
                continue;
            }
            if (innermost > 0 && PASS_THROUGH.contains(frame(frames.get(innermost)))) {
                throughGate++;
                continue;
            }
            String entry = null;
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                if (portcullis(type(f))) {
                    String m = frame(f);
                    if (!PASS_THROUGH.contains(m)) {
                        entry = m;
                    }
                    if (seen.add(m) && !PASS_THROUGH.contains(m)) {
                        inclusive.merge(m, 1, Integer::sum);
                    }
                }
            }
            portcullisAny++;
            entries.merge(entry == null ? frame(frames.get(innermost)) : entry, 1, Integer::sum);
        }
        out.printf("JFR CPU samples (%s): %d in all; %d on the server's threads, %d on the benchmark's client "
                + "threads%n", file.getFileName(), total, server, client);
        print(out, "samples by thread family (all threads)", threads, total, 10);
        if (server == 0) {
            return;
        }
        out.printf("Portcullis work (server threads; a Portcullis frame in the stack other than the line gate "
                + "passing a line on to James): %d samples = %.1f %%; Portcullis frame on top (self): %d = %.1f %%; "
                + "James's work called through the line gate (not counted as Portcullis): %d = %.1f %%%n",
                portcullisAny, 100.0 * portcullisAny / server, portcullisTop, 100.0 * portcullisTop / server,
                throughGate, 100.0 * throughGate / server);
        print(out, "top frames, self (server threads)", self, server, top);
        print(out, "top packages, self (server threads)", packages, server, 12);
        print(out, "Portcullis entry points (outermost Portcullis frame; % of server samples)", entries, server, top);
        print(out, "Portcullis methods, inclusive (% of server samples)", inclusive, server, top);
    }

    private static void print(PrintStream out, String title, Map<String, Integer> counts, int of, int top) {
        out.println(title + ":");
        List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
        list.sort((a, b) -> b.getValue() - a.getValue());
        for (int i = 0; i < Math.min(top, list.size()); i++) {
            Map.Entry<String, Integer> e = list.get(i);
            out.printf("  %5.1f %%  %6d  %s%n", 100.0 * e.getValue() / of, e.getValue(), e.getKey());
        }
    }

    private static String type(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        return m == null || m.getType() == null ? "?" : m.getType().getName();
    }

    private static String frame(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        return m == null ? "?" : type(f) + "." + m.getName();
    }

    private static String packageOf(RecordedFrame f) {
        String t = type(f);
        String[] parts = t.split("\\.");
        int keep = t.startsWith("org.apache.james.") || t.startsWith("io.portcullis.") ? 4 : 3;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(keep, parts.length - 1); i++) {
            b.append(i == 0 ? "" : ".").append(parts[i]);
        }
        return b.length() == 0 ? t : b.toString();
    }

    /** A thread name without its trailing number(s): "smtpserver-worker-3" -> "smtpserver-worker". */
    static String family(String name) {
        return name.replaceAll("[-_#]?\\d+([-_]\\d+)*$", "").replaceAll("\\d+$", "");
    }

    private JfrSummary() {
    }
}
