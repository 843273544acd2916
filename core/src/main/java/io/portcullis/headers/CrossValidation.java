package io.portcullis.headers;

import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Calibration that does not overfit: k-fold cross-validation of the header scores on labelled mail.
 *
 * <p><b>Folds by sender.</b> Messages are grouped by sender ({@link #senderKey}: the List-Id, else the
 * From domain); whole groups are dealt to the folds (groups shuffled with a fixed seed, then each given
 * to the fold with the fewest messages of its class), so no sender is in a training fold and in its
 * held-out fold at once: six mails of one list cannot teach the scores to recognise that list.
 *
 * <p><b>What is fitted on the k−1 training folds.</b> The scores of the {@code heuristic} rules (the
 * {@code rfc} rules keep their configured scores: they are set by the kind of violation, not by data).
 * Procedure: start from the configured scores; two passes of coordinate ascent over the heuristic rules
 * that fired in the training folds, in catalogue order; for each rule try every score 0, 0.5, ... up to
 * the largest step below the tag threshold (the scoring principle holds for fitted scores too) and keep
 * the one that flags the most training spam while flagging at most {@link #HAM_BUDGET} of the training
 * ham (ties: fewer ham flagged, then the value closest to the configured score). The threshold stays
 * the policy's tag threshold. The fitted scores are then applied to the held-out fold; the reported
 * rates are those held-out rates only, summed over the folds (every message is held out exactly once).
 */
public final class CrossValidation {
    /** The share of training ham the fit may flag: 0.1 %. */
    public static final double HAM_BUDGET = 0.001;
    /** Score steps tried by the fit. */
    static final double STEP = 0.5;

    private CrossValidation() {
    }

    /** One labelled message reduced to what scoring needs: the rules that fired (enabled ones). */
    public static final class Sample {
        public final String name;
        public final boolean spam;
        public final String sender;
        final HeaderRule[] rules;

        Sample(String name, boolean spam, String sender, HeaderRule[] rules) {
            this.name = name;
            this.spam = spam;
            this.sender = sender;
            this.rules = rules;
        }

        public List<HeaderRule> rules() {
            return Collections.unmodifiableList(Arrays.asList(rules));
        }
    }

    /** Checks a message and keeps its sender and the rules that fired. */
    public static Sample sample(String name, boolean spam, byte[] raw, HeaderChecker checker) {
        List<Finding> fs = checker.check(HeaderInput.of(raw));
        HeaderRule[] rules = new HeaderRule[fs.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = HeaderRule.valueOf(fs.get(i).rule());
        }
        return new Sample(name, spam, senderKey(raw), rules);
    }

    /**
     * Who sent the message, for grouping: {@code list:<id>} from List-Id, else {@code from:<domain>} of
     * the first From mailbox (lower case), else {@code unknown}.
     */
    public static String senderKey(byte[] raw) {
        try {
            ParsedHeader h = HeaderParser.parse(raw);
            HeaderField list = h.first("list-id");
            if (list != null) {
                String v = list.value();
                int lt = v.lastIndexOf('<');
                int gt = v.lastIndexOf('>');
                String id = lt >= 0 && gt > lt ? v.substring(lt + 1, gt) : v;
                id = id.trim().toLowerCase(Locale.ROOT);
                if (!id.isEmpty()) {
                    return "list:" + id;
                }
            }
            HeaderField from = h.first("from");
            if (from != null) {
                AddressList a = AddressParser.parse(from.value());
                if (!a.mailboxes().isEmpty()) {
                    return "from:" + a.mailboxes().get(0).domain.toLowerCase(Locale.ROOT);
                }
                String v = from.value();
                int at = v.lastIndexOf('@');
                if (at >= 0) {
                    int e = at + 1;
                    while (e < v.length() && (Character.isLetterOrDigit(v.charAt(e)) || v.charAt(e) == '.'
                            || v.charAt(e) == '-')) {
                        e++;
                    }
                    return "from:" + v.substring(at + 1, e).toLowerCase(Locale.ROOT);
                }
            }
        } catch (RuntimeException e) {
            // fall through
        }
        return "unknown";
    }

    /** The score of a message under the given per-rule scores (indexed by ordinal; NaN = off). */
    public static double score(Sample s, double[] weights) {
        double[] sc = new double[s.rules.length];
        HeaderRule[] rs = new HeaderRule[s.rules.length];
        int n = 0;
        for (HeaderRule r : s.rules) {
            double w = weights[r.ordinal()];
            if (!Double.isNaN(w)) {
                rs[n] = r;
                sc[n++] = w;
            }
        }
        return HeaderRule.total(rs, sc, n);
    }

    /** The configured scores as a weight vector (NaN for rules switched off). */
    public static double[] weights(HeaderRuleSettings settings) {
        double[] w = new double[HeaderRule.values().length];
        for (HeaderRule r : HeaderRule.values()) {
            w[r.ordinal()] = settings.score(r).orElse(Double.NaN);
        }
        return w;
    }

    /** Assigns each sample a fold 0..k-1, whole senders at a time, per class, deterministically. */
    public static int[] folds(List<Sample> samples, int k, long seed) {
        int[] fold = new int[samples.size()];
        for (boolean spam : new boolean[] {false, true}) {
            Map<String, List<Integer>> groups = new LinkedHashMap<>();
            for (int i = 0; i < samples.size(); i++) {
                if (samples.get(i).spam == spam) {
                    groups.computeIfAbsent(samples.get(i).sender, x -> new ArrayList<>()).add(i);
                }
            }
            List<String> keys = new ArrayList<>(groups.keySet());
            Collections.sort(keys);
            Collections.shuffle(keys, new Random(seed));
            // largest groups first (stable after the shuffle), each to the fold with the fewest messages
            keys.sort((a, b) -> Integer.compare(groups.get(b).size(), groups.get(a).size()));
            int[] size = new int[k];
            for (String key : keys) {
                int best = 0;
                for (int f = 1; f < k; f++) {
                    if (size[f] < size[best]) {
                        best = f;
                    }
                }
                for (int i : groups.get(key)) {
                    fold[i] = best;
                }
                size[best] += groups.get(key).size();
            }
        }
        return fold;
    }

    /** Fits the heuristic rules' scores on the training samples (see the class documentation). */
    public static double[] fit(List<Sample> train, double[] start, double threshold) {
        double[] w = start.clone();
        int hamCount = 0;
        Set<HeaderRule> fired = new HashSet<>();
        for (Sample s : train) {
            if (!s.spam) {
                hamCount++;
            }
            fired.addAll(Arrays.asList(s.rules));
        }
        int budget = (int) Math.floor(HAM_BUDGET * hamCount);
        double max = Math.ceil(threshold / STEP) * STEP - STEP;
        for (int pass = 0; pass < 2; pass++) {
            for (HeaderRule r : HeaderRule.values()) {
                if (r.kind() != HeaderRule.Kind.HEURISTIC || !fired.contains(r) || Double.isNaN(start[r.ordinal()])) {
                    continue;
                }
                double bestValue = w[r.ordinal()];
                int bestSpam = -1;
                int bestHam = Integer.MAX_VALUE;
                for (double v = 0; v <= max + 1e-9; v += STEP) {
                    w[r.ordinal()] = v;
                    int spam = 0;
                    int ham = 0;
                    for (Sample s : train) {
                        if (score(s, w) >= threshold) {
                            if (s.spam) {
                                spam++;
                            } else {
                                ham++;
                            }
                        }
                    }
                    if (ham > budget) {
                        continue;
                    }
                    boolean better = spam > bestSpam || (spam == bestSpam && ham < bestHam)
                            || (spam == bestSpam && ham == bestHam
                                && Math.abs(v - start[r.ordinal()]) < Math.abs(bestValue - start[r.ordinal()]));
                    if (better) {
                        bestSpam = spam;
                        bestHam = ham;
                        bestValue = v;
                    }
                }
                w[r.ordinal()] = bestSpam < 0 ? Math.min(start[r.ordinal()], max) : bestValue;
            }
        }
        return w;
    }

    /** Per-rule figures on held-out messages. */
    public static final class RuleFigures {
        public int ham;
        public int spam;
        /** Held-out ham flagged while the rule fired. */
        public int falsePositives;
        /** Of those, flagged only because of this rule (below the threshold without it). */
        public int decisive;
        /** The score this rule added to those false positives, summed. */
        public double falsePositiveScore;
        /** The rule's fitted score per fold. */
        public final List<Double> fitted = new ArrayList<>();
    }

    /** What cross-validation found. */
    public static final class Result {
        public final int folds;
        public final long seed;
        public final double threshold;
        public int ham;
        public int spam;
        /** Held-out messages flagged with the scores fitted on the other folds. */
        public int hamFlagged;
        public int spamFlagged;
        /** The same folds with the configured scores, no fitting. */
        public int hamFlaggedDefaults;
        public int spamFlaggedDefaults;
        /** Training folds, summed over the folds: what fitting reaches on the mail it saw. */
        public int trainHam;
        public int trainSpam;
        public int trainHamFlagged;
        public int trainSpamFlagged;
        public final Set<String> hamSendersFlagged = new HashSet<>();
        public final Set<String> hamSendersFlaggedDefaults = new HashSet<>();
        public final Set<String> hamSenders = new HashSet<>();
        public final List<String> falsePositives = new ArrayList<>();
        public final Map<HeaderRule, RuleFigures> rules = new EnumMap<>(HeaderRule.class);
        public final List<int[]> perFold = new ArrayList<>();

        Result(int folds, long seed, double threshold) {
            this.folds = folds;
            this.seed = seed;
            this.threshold = threshold;
            for (HeaderRule r : HeaderRule.values()) {
                rules.put(r, new RuleFigures());
            }
        }

        public double hamRate() {
            return ham == 0 ? 0 : (double) hamFlagged / ham;
        }

        public double spamRate() {
            return spam == 0 ? 0 : (double) spamFlagged / spam;
        }
    }

    /** Runs k-fold cross-validation; {@code folds} at least 2. */
    public static Result run(List<Sample> samples, HeaderRuleSettings settings, double threshold, int folds, long seed) {
        if (folds < 2) {
            throw new IllegalArgumentException("folds must be at least 2, got " + folds);
        }
        Result res = new Result(folds, seed, threshold);
        double[] start = weights(settings);
        int[] fold = folds(samples, folds, seed);
        for (int f = 0; f < folds; f++) {
            List<Sample> train = new ArrayList<>();
            List<Sample> test = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                (fold[i] == f ? test : train).add(samples.get(i));
            }
            double[] w = fit(train, start, threshold);
            for (HeaderRule r : HeaderRule.values()) {
                if (!Double.isNaN(w[r.ordinal()])) {
                    res.rules.get(r).fitted.add(w[r.ordinal()]);
                }
            }
            for (Sample s : train) {
                boolean flagged = score(s, w) >= threshold;
                if (s.spam) {
                    res.trainSpam++;
                    res.trainSpamFlagged += flagged ? 1 : 0;
                } else {
                    res.trainHam++;
                    res.trainHamFlagged += flagged ? 1 : 0;
                }
            }
            int[] row = new int[6];
            for (Sample s : test) {
                double sc = score(s, w);
                boolean flagged = sc >= threshold;
                boolean flaggedDefaults = score(s, start) >= threshold;
                for (HeaderRule r : s.rules) {
                    RuleFigures rf = res.rules.get(r);
                    if (s.spam) {
                        rf.spam++;
                    } else {
                        rf.ham++;
                    }
                }
                if (s.spam) {
                    res.spam++;
                    row[1]++;
                    if (flagged) {
                        res.spamFlagged++;
                        row[3]++;
                    }
                    if (flaggedDefaults) {
                        res.spamFlaggedDefaults++;
                        row[5]++;
                    }
                    continue;
                }
                res.ham++;
                row[0]++;
                res.hamSenders.add(s.sender);
                if (flaggedDefaults) {
                    res.hamFlaggedDefaults++;
                    res.hamSendersFlaggedDefaults.add(s.sender);
                    row[4]++;
                }
                if (!flagged) {
                    continue;
                }
                res.hamFlagged++;
                row[2]++;
                res.hamSendersFlagged.add(s.sender);
                res.falsePositives.add(String.format(Locale.ROOT, "fold %d  %5.1f  %-30s %s  %s", f + 1, sc, s.sender,
                        s.name, Arrays.toString(s.rules)));
                for (HeaderRule r : s.rules) {
                    RuleFigures rf = res.rules.get(r);
                    rf.falsePositives++;
                    double[] without = w.clone();
                    without[r.ordinal()] = 0;
                    double contribution = sc - score(s, without);
                    rf.falsePositiveScore += contribution;
                    if (score(s, without) < threshold) {
                        rf.decisive++;
                    }
                }
            }
            res.perFold.add(row);
        }
        return res;
    }
}
