package io.portcullis.cli;

import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderInput;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code portcullis bench [--config FILE] [--seconds N] [--warmup N] PATH...}: header checks per second
 * on one core (one thread) over the given messages, held in memory, after a warm-up. Prints one figure
 * per measured second and the mean, by wall clock and by the thread's own CPU time: on a shared machine
 * the wall-clock rate falls with the load while the CPU-time rate (messages per second the thread
 * actually ran) does not, so the two together say what the check costs and what the machine allowed.
 */
final class BenchCommand {
    private BenchCommand() {
    }

    static int run(CliArgs args, PrintStream out, PrintStream err) {
        if (args.positional().isEmpty()) {
            throw new CliArgs.UsageException("bench needs at least one PATH");
        }
        int seconds = Math.max(1, args.intOption("--seconds", 5));
        int warmup = args.intOption("--warmup", 3);
        HeaderChecker checker = new HeaderChecker(args.config().headerRules());
        List<HeaderInput> inputs = new ArrayList<>();
        try {
            for (Path f : MessageFiles.expand(args.paths())) {
                inputs.add(HeaderInput.of(MessageFiles.readPrefix(f)));
            }
        } catch (IOException e) {
            err.println("bench: " + e);
            return 1;
        }
        if (inputs.isEmpty()) {
            err.println("bench: no messages found");
            return 1;
        }
        out.printf("header check, 1 thread, %d message(s) in memory, warm-up %d s, measure %d s%n",
                inputs.size(), warmup, seconds);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpu = threads.isCurrentThreadCpuTimeSupported();
        long sink = 0;
        sink += loop(checker, inputs, warmup * 1_000_000_000L)[1];
        long total = 0;
        long totalNanos = 0;
        long totalCpu = 0;
        for (int s = 0; s < seconds; s++) {
            long cpu0 = cpu ? threads.getCurrentThreadCpuTime() : 0;
            long[] r = loop(checker, inputs, 1_000_000_000L);
            long cpuNanos = cpu ? threads.getCurrentThreadCpuTime() - cpu0 : 0;
            total += r[0];
            totalNanos += r[2];
            totalCpu += cpuNanos;
            sink += r[1];
            out.printf("  second %d: %,.0f msg/s%s%n", s + 1, r[0] * 1e9 / r[2],
                    cpu && cpuNanos > 0 ? String.format(" (%,.0f msg per CPU-second, the thread ran %.0f %% of the time)",
                            r[0] * 1e9 / cpuNanos, 100.0 * cpuNanos / r[2]) : "");
        }
        double rate = total * 1e9 / totalNanos;
        out.printf("mean: %,.0f msg/s (%.2f us/msg)   [findings seen: %d]%n", rate, 1e6 / rate, sink);
        if (cpu && totalCpu > 0) {
            double cpuRate = total * 1e9 / totalCpu;
            out.printf("CPU time: %,.0f msg per CPU-second (%.2f us/msg); the thread ran %.0f %% of the wall time%n",
                    cpuRate, 1e6 / cpuRate, 100.0 * totalCpu / totalNanos);
        }
        return 0;
    }

    /** Runs the checker round-robin over the inputs for about {@code nanos}; returns {count, findings, elapsed}. */
    private static long[] loop(HeaderChecker checker, List<HeaderInput> inputs, long nanos) {
        long start = System.nanoTime();
        long deadline = start + nanos;
        long count = 0;
        long findings = 0;
        int i = 0;
        long now;
        do {
            for (int k = 0; k < 64; k++) {
                findings += checker.check(inputs.get(i)).size();
                if (++i == inputs.size()) {
                    i = 0;
                }
            }
            count += 64;
            now = System.nanoTime();
        } while (now < deadline);
        return new long[] {count, findings, now - start};
    }
}
