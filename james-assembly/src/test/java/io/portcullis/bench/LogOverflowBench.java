package io.portcullis.bench;

import io.portcullis.testing.KnotServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The decision-log soak through a real James ({@link LogOverflowSoak}): reply latency with the log disabled, with
 * its normal queue, and with a queue of 1 behind a stalled writer, side by side; then the overflow count as the
 * report over the written files and the metric {@code portcullis_decision_log_dropped} give it. Expectation:
 * overflow does not make replies slower, and both counts agree.
 *
 * <p>Run: {@code ./portcullis bench-smtp log-overflow [--clients 32] [--transactions 100] [--rounds 2]}
 * (transactions per client; one discarded warm-up run first). Prints figures; asserts nothing.
 */
public final class LogOverflowBench {
    public static void main(String[] args) {
        BenchJames.runAndExit(args, Map.of("clients", "32", "transactions", "100", "rounds", "2"),
                LogOverflowBench::run);
    }

    private static void run(Map<String, String> o) throws Exception {
        int clients = Integer.parseInt(o.get("clients"));
        int perClient = Integer.parseInt(o.get("transactions"));
        int rounds = Integer.parseInt(o.get("rounds"));
        Path tmp = Files.createTempDirectory("log-soak");
        System.out.printf("Decision log soak through James: %d concurrent clients x %d transactions (listed 550 at "
                + "RCPT, broken headers 550 at end of DATA, tagged 250, clean 250; one connection each), Knot %s; "
                + "%d CPUs, %d round(s)%n", clients, perClient, "on loopback",
                Runtime.getRuntime().availableProcessors(), rounds);
        List<LogOverflowSoak.Result> results = new ArrayList<>();
        try (KnotServer knot = KnotServer.start(tmp, LogOverflowSoak.zones())) {
            // A fresh JVM is slow for its first James: one discarded run, so the first measured mode is not penalised.
            LogOverflowSoak.Result warm = LogOverflowSoak.run(tmp.resolve("warm-up"), knot,
                    LogOverflowSoak.LogMode.NORMAL, clients, Math.max(4, perClient / 3), null);
            System.out.println("JVM warm-up run (discarded):");
            System.out.println(warm.row());
            for (int round = 0; round < rounds; round++) {
                System.out.println("round " + (round + 1) + ":");
                // The order turns every round, so that JIT warm-up and machine noise hit every mode.
                LogOverflowSoak.LogMode[] modes = LogOverflowSoak.LogMode.values();
                for (int k = 0; k < modes.length; k++) {
                    LogOverflowSoak.LogMode mode = modes[(k + round) % modes.length];
                    LogOverflowSoak.Result r = LogOverflowSoak.run(tmp.resolve("r" + round + "-" + mode), knot, mode,
                            clients, perClient, null);
                    results.add(r);
                    System.out.println(r.row());
                    for (String f : r.failures.subList(0, Math.min(3, r.failures.size()))) {
                        System.out.println("    wrong reply: " + f);
                    }
                }
            }
        }
        System.out.println("all rounds (every reply of the mode's runs pooled):");
        for (LogOverflowSoak.LogMode mode : LogOverflowSoak.LogMode.values()) {
            List<Long> all = new ArrayList<>();
            List<Long> decisions = new ArrayList<>();
            long dropped = 0;
            long reported = 0;
            int tx = 0;
            int wrong = 0;
            for (LogOverflowSoak.Result r : results) {
                if (r.mode == mode) {
                    all.addAll(r.replyNanos);
                    decisions.addAll(r.decisionReplyNanos);
                    dropped += r.droppedMetric;
                    reported += Math.max(0, r.droppedReport);
                    tx += r.transactions;
                    wrong += r.failures.size();
                }
            }
            List<Double> roundMedians = new ArrayList<>();
            List<Double> roundP99s = new ArrayList<>();
            for (LogOverflowSoak.Result r : results) {
                if (r.mode == mode) {
                    roundMedians.add(LogOverflowSoak.ms(LogOverflowSoak.percentile(r.replyNanos, 50)));
                    roundP99s.add(LogOverflowSoak.ms(LogOverflowSoak.percentile(r.replyNanos, 99)));
                }
            }
            System.out.printf("  %-32s median of the rounds' reply medians %6.2f ms, of their p99s %7.2f ms%n",
                    mode.label, BenchJames.median(roundMedians), BenchJames.median(roundP99s));
            System.out.printf("  %-32s %6d tx  reply median %6.2f ms p99 %7.2f ms  decision reply median %6.2f ms "
                    + "p99 %7.2f ms  dropped: portcullis_decision_log_dropped %d, report overflow %s  wrong replies "
                    + "%d%n", mode.label, tx, LogOverflowSoak.ms(LogOverflowSoak.percentile(all, 50)),
                    LogOverflowSoak.ms(LogOverflowSoak.percentile(all, 99)),
                    LogOverflowSoak.ms(LogOverflowSoak.percentile(decisions, 50)),
                    LogOverflowSoak.ms(LogOverflowSoak.percentile(decisions, 99)), dropped,
                    mode == LogOverflowSoak.LogMode.DISABLED ? "-" : String.valueOf(reported), wrong);
        }
    }
}
