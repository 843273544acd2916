package io.portcullis.cli;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.HeaderInput;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.MessageEvaluator;
import io.portcullis.verdict.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code portcullis accuracy [--config FILE] --ham DIR --spam DIR}: how much labelled ham and spam the
 * configured checks flag (score at or above the tag threshold), at the configured threshold and around
 * it, and how often each rule fires in each class.
 */
final class AccuracyCommand {
    private AccuracyCommand() {
    }

    static int run(CliArgs args, PrintStream out, PrintStream err) {
        PortcullisConfig config = args.config();
        MessageEvaluator evaluator = new MessageEvaluator(config);
        Path hamDir = Paths.get(args.required("--ham"));
        Path spamDir = Paths.get(args.required("--spam"));
        Sample ham;
        Sample spam;
        try {
            ham = Sample.score(evaluator, hamDir);
            spam = Sample.score(evaluator, spamDir);
        } catch (IOException e) {
            err.println("accuracy: " + e);
            return 1;
        }
        if (ham.scores.isEmpty() || spam.scores.isEmpty()) {
            err.println("accuracy: no messages found in " + (ham.scores.isEmpty() ? hamDir : spamDir));
            return 1;
        }
        double tag = config.policy().tagThreshold();
        out.printf("configuration: %s%n", config.source());
        out.printf("ham:  %d message(s) in %s (%d unreadable)%n", ham.scores.size(), hamDir, ham.errors);
        out.printf("spam: %d message(s) in %s (%d unreadable)%n", spam.scores.size(), spamDir, spam.errors);
        out.println();
        out.println("threshold   ham flagged          spam flagged");
        TreeSet<Double> thresholds = new TreeSet<>();
        for (double d = -2; d <= 2; d++) {
            if (tag + d > 0) {
                thresholds.add(tag + d);
            }
        }
        thresholds.add(config.policy().rejectThreshold());
        for (double t : thresholds) {
            int h = ham.flagged(t);
            int s = spam.flagged(t);
            out.printf("%s %6.1f   %5d (%6.2f %%)     %5d (%6.2f %%)%s%n", t == tag ? "*" : " ", t, h,
                    100.0 * h / ham.scores.size(), s, 100.0 * s / spam.scores.size(),
                    t == tag ? "   <- tag threshold" : t == config.policy().rejectThreshold() ? "   <- reject threshold" : "");
        }
        out.println();
        out.println("rule                                   ham    spam");
        TreeSet<String> rules = new TreeSet<>(ham.perRule.keySet());
        rules.addAll(spam.perRule.keySet());
        for (String r : rules) {
            out.printf("%-36s %6d  %6d%n", r, ham.perRule.getOrDefault(r, 0), spam.perRule.getOrDefault(r, 0));
        }
        return 0;
    }

    /** Scores of one labelled folder. */
    static final class Sample {
        final List<Double> scores = new ArrayList<>();
        final Map<String, Integer> perRule = new TreeMap<>();
        int errors;

        static Sample score(MessageEvaluator evaluator, Path dir) throws IOException {
            Sample s = new Sample();
            for (Path f : MessageFiles.expand(List.of(dir))) {
                try {
                    Verdict v = evaluator.evaluate(HeaderInput.of(MessageFiles.readPrefix(f)));
                    s.scores.add(v.score());
                    for (Finding finding : v.findings()) {
                        s.perRule.merge(finding.rule(), 1, Integer::sum);
                    }
                } catch (IOException e) {
                    s.errors++;
                }
            }
            return s;
        }

        int flagged(double threshold) {
            int n = 0;
            for (double d : scores) {
                if (d >= threshold) {
                    n++;
                }
            }
            return n;
        }
    }
}
