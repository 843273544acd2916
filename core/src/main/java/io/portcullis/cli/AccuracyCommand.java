package io.portcullis.cli;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.CrossValidation;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderRule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code portcullis accuracy [--config FILE] --ham DIR --spam DIR [--folds K] [--seed N] [--varied-ham DIR]...}:
 * how much labelled ham and spam the header checks flag (score at or above the tag threshold).
 *
 * <ol>
 * <li>The configured scores on the whole corpus, at the tag threshold and around it (what a reader
 * of the corpus sees; not evidence that the scores generalise).</li>
 * <li>K-fold cross-validation by sender ({@link CrossValidation}): heuristic scores fitted on K−1 folds,
 * rates on the held-out fold, summed over the folds; false positives also counted per sender (List-Id or
 * From domain); per rule: hits on held-out ham and spam, false positives it took part in, those it
 * decided, and the score it added to them.</li>
 * <li>Each {@code --varied-ham} folder (mail never used for fitting): messages and senders flagged with
 * the configured scores.</li>
 * </ol>
 */
final class AccuracyCommand {
    static final String[] OPTIONS = {"--config", "--ham", "--spam", "--folds", "--seed", "--varied-ham"};

    private AccuracyCommand() {
    }

    static int run(CliArgs args, PrintStream out, PrintStream err) {
        PortcullisConfig config = args.config();
        if (!config.headersEnabled()) {
            err.println("accuracy: the header check is switched off (headers.enabled = false)");
            return 1;
        }
        HeaderChecker checker = new HeaderChecker(config.headerRules());
        Path hamDir = Paths.get(args.required("--ham"));
        Path spamDir = Paths.get(args.required("--spam"));
        int folds = args.intOption("--folds", 5);
        if (folds < 2) {
            throw new CliArgs.UsageException("--folds must be at least 2");
        }
        long seed = args.intOption("--seed", 1);
        List<CrossValidation.Sample> samples = new ArrayList<>();
        int[] errors = new int[2];
        try {
            errors[0] = load(checker, hamDir, false, samples);
            errors[1] = load(checker, spamDir, true, samples);
        } catch (IOException e) {
            err.println("accuracy: " + e);
            return 1;
        }
        int ham = 0;
        for (CrossValidation.Sample s : samples) {
            ham += s.spam ? 0 : 1;
        }
        int spam = samples.size() - ham;
        if (ham == 0 || spam == 0) {
            err.println("accuracy: no messages found in " + (ham == 0 ? hamDir : spamDir));
            return 1;
        }
        double tag = config.policy().tagThreshold();
        double[] defaults = CrossValidation.weights(config.headerRules());
        out.printf("configuration: %s%n", config.source());
        out.printf("ham:  %d message(s) in %s (%d unreadable)%n", ham, hamDir, errors[0]);
        out.printf("spam: %d message(s) in %s (%d unreadable)%n", spam, spamDir, errors[1]);
        out.println();
        out.println("1. Configured scores on the whole corpus (no held-out data: not a generalisation figure)");
        out.println("threshold   ham flagged          spam flagged");
        TreeSet<Double> thresholds = new TreeSet<>();
        for (double d = -2; d <= 2; d++) {
            if (tag + d > 0) {
                thresholds.add(tag + d);
            }
        }
        thresholds.add(config.policy().rejectThreshold());
        for (double t : thresholds) {
            int h = 0;
            int s = 0;
            for (CrossValidation.Sample m : samples) {
                if (CrossValidation.score(m, defaults) >= t) {
                    if (m.spam) {
                        s++;
                    } else {
                        h++;
                    }
                }
            }
            out.printf(Locale.ROOT, "%s %6.1f   %5d (%6.2f %%)     %5d (%6.2f %%)%s%n", t == tag ? "*" : " ", t, h,
                    100.0 * h / ham, s, 100.0 * s / spam, t == tag ? "   <- tag threshold"
                            : t == config.policy().rejectThreshold() ? "   <- reject threshold" : "");
        }

        CrossValidation.Result cv = CrossValidation.run(samples, config.headerRules(), tag, folds, seed);
        out.println();
        out.printf(Locale.ROOT, "2. %d-fold cross-validation by sender (seed %d), tag threshold %.1f: heuristic scores"
                + " fitted on %d folds%n   (at most %.1f %% of training ham flagged), rates on the held-out fold%n",
                folds, seed, tag, folds - 1, 100 * CrossValidation.HAM_BUDGET);
        out.println("fold   held-out ham  flagged   held-out spam  flagged   (configured scores: ham / spam flagged)");
        for (int f = 0; f < cv.perFold.size(); f++) {
            int[] r = cv.perFold.get(f);
            out.printf(Locale.ROOT, "%4d   %12d  %7d   %13d  %7d   (%d / %d)%n", f + 1, r[0], r[2], r[1], r[3], r[4],
                    r[5]);
        }
        out.printf(Locale.ROOT, "held-out ham flagged:  %d of %d (%.2f %%), %d of %d senders%n", cv.hamFlagged, cv.ham,
                100 * cv.hamRate(), cv.hamSendersFlagged.size(), cv.hamSenders.size());
        out.printf(Locale.ROOT, "held-out spam flagged: %d of %d (%.2f %%)%n", cv.spamFlagged, cv.spam,
                100 * cv.spamRate());
        out.printf(Locale.ROOT, "same folds, configured scores: ham %d (%.2f %%, %d senders), spam %d (%.2f %%)%n",
                cv.hamFlaggedDefaults, 100.0 * cv.hamFlaggedDefaults / cv.ham, cv.hamSendersFlaggedDefaults.size(),
                cv.spamFlaggedDefaults, 100.0 * cv.spamFlaggedDefaults / cv.spam);
        out.printf(Locale.ROOT, "training folds (what the fit saw): ham %.2f %%, spam %.2f %%%n",
                100.0 * cv.trainHamFlagged / Math.max(1, cv.trainHam), 100.0 * cv.trainSpamFlagged / Math.max(1, cv.trainSpam));
        for (String fp : cv.falsePositives) {
            out.println("  false positive: " + fp);
        }
        out.println();
        out.println("per rule, held-out messages (FP: held-out ham flagged while the rule fired; decisive: flagged only"
                + " with it;\nFP score: what it added to them; fitted: its score over the folds)");
        out.printf("%-36s %-9s %7s %6s %6s %4s %9s %8s  %s%n", "rule", "kind", "default", "ham", "spam", "FP",
                "decisive", "FP score", "fitted (min-max)");
        for (HeaderRule r : HeaderRule.values()) {
            CrossValidation.RuleFigures f = cv.rules.get(r);
            if (f.ham + f.spam == 0) {
                continue;
            }
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (double d : f.fitted) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            String fitted = f.fitted.isEmpty() ? "off" : r.kind() == HeaderRule.Kind.RFC ? "fixed"
                    : min == max ? String.format(Locale.ROOT, "%.1f", min) : String.format(Locale.ROOT, "%.1f-%.1f", min, max);
            out.printf(Locale.ROOT, "%-36s %-9s %7s %6d %6d %4d %9d %8.1f  %s%n", r.id(), r.kind().id(),
                    Double.isNaN(defaults[r.ordinal()]) ? "off" : String.format(Locale.ROOT, "%.1f", defaults[r.ordinal()]),
                    f.ham, f.spam, f.falsePositives, f.decisive, f.falsePositiveScore, fitted);
        }

        for (String dir : args.options("--varied-ham")) {
            List<CrossValidation.Sample> varied = new ArrayList<>();
            int unreadable;
            try {
                unreadable = load(checker, Paths.get(dir), false, varied);
            } catch (IOException e) {
                err.println("accuracy: " + e);
                return 1;
            }
            VariedFigures v = varied(varied, defaults, tag);
            out.println();
            out.printf(Locale.ROOT, "3. varied ham %s (never fitted on), configured scores at %.1f:%n", dir, tag);
            out.printf(Locale.ROOT, "   %d message(s) (%d unreadable) from %d sender(s): %d flagged (%.2f %%), %d sender(s)%n",
                    varied.size(), unreadable, v.senders, v.flagged, 100 * v.rate(), v.flaggedSenders);
            for (String line : v.lines) {
                out.println("   " + line);
            }
        }
        return 0;
    }

    /** Flagged messages and senders of a ham set under the given scores. */
    static final class VariedFigures {
        int messages;
        int flagged;
        int senders;
        int flaggedSenders;
        final List<String> lines = new ArrayList<>();

        double rate() {
            return messages == 0 ? 0 : (double) flagged / messages;
        }
    }

    static VariedFigures varied(List<CrossValidation.Sample> ham, double[] weights, double threshold) {
        VariedFigures v = new VariedFigures();
        Set<String> senders = new HashSet<>();
        Set<String> flaggedSenders = new HashSet<>();
        for (CrossValidation.Sample s : ham) {
            v.messages++;
            senders.add(s.sender);
            double sc = CrossValidation.score(s, weights);
            if (sc >= threshold) {
                v.flagged++;
                flaggedSenders.add(s.sender);
                v.lines.add(String.format(Locale.ROOT, "flagged %5.1f  %s  %s", sc, s.name, s.rules()));
            }
        }
        v.senders = senders.size();
        v.flaggedSenders = flaggedSenders.size();
        return v;
    }

    /** Checks every message under {@code dir}; returns the number of unreadable files. */
    static int load(HeaderChecker checker, Path dir, boolean spam, List<CrossValidation.Sample> into)
            throws IOException {
        int errors = 0;
        for (Path f : MessageFiles.expand(List.of(dir))) {
            try {
                into.add(CrossValidation.sample(f.getFileName().toString(), spam, MessageFiles.readPrefix(f), checker));
            } catch (IOException e) {
                errors++;
            }
        }
        return errors;
    }
}
