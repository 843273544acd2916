package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.Finding;
import io.portcullis.testing.Strict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Measures the header check on the development corpus (ham/ and spam/ folders of .eml files). Skipped
 * when the corpus is absent. The corpus folder is the system property {@code portcullis.corpus}, else
 * {@code ../shared/corpus} or {@code ../../shared/corpus} from the working directory.
 *
 * <p>Prints per-rule hit counts and the flagged rates at several thresholds, and asserts the targets at
 * the default tag threshold 5.0: ham flagged at most 0.5 %, spam flagged at least 60 %.
 */
class HeaderCorpusAccuracyTest {
    static final double TAG = 5.0;

    static Path corpus() {
        String prop = System.getProperty("portcullis.corpus");
        List<Path> candidates = new ArrayList<>();
        if (prop != null && !prop.isBlank()) {
            candidates.add(Paths.get(prop));
        }
        candidates.add(Paths.get("../shared/corpus"));
        candidates.add(Paths.get("../../shared/corpus"));
        candidates.add(Paths.get("/work/shared/corpus"));
        for (Path p : candidates) {
            if (Files.isDirectory(p.resolve("ham")) && Files.isDirectory(p.resolve("spam"))) {
                return p.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    static List<byte[]> load(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            List<byte[]> out = new ArrayList<>(files.size());
            for (Path f : files) {
                out.add(Files.readAllBytes(f));
            }
            return out;
        }
    }

    @Test
    void flaggedRatesMeetTargetsAtDefaultThreshold() throws IOException {
        Path root = corpus();
        Strict.require(root != null, "the mail corpus ../shared/corpus (ham/, spam/; or -Dportcullis.corpus=DIR)",
                "it sits beside the repository in the project's shared folder");
        List<byte[]> ham = load(root.resolve("ham"));
        List<byte[]> spam = load(root.resolve("spam"));
        HeaderChecker checker = new HeaderChecker(HeaderRuleSettings.defaults());

        Map<HeaderRule, int[]> hits = new EnumMap<>(HeaderRule.class);
        for (HeaderRule r : HeaderRule.values()) {
            hits.put(r, new int[2]);
        }
        double[] thresholds = {3, 4, 5, 6, 7};
        int[][] flagged = new int[2][thresholds.length];
        List<List<byte[]>> sets = List.of(ham, spam);
        for (int k = 0; k < 2; k++) {
            for (byte[] m : sets.get(k)) {
                List<Finding> fs = checker.check(HeaderInput.of(m));
                double score = 0;
                for (Finding f : fs) {
                    score += f.score();
                    hits.get(HeaderRule.valueOf(f.rule()))[k]++;
                }
                for (int t = 0; t < thresholds.length; t++) {
                    if (score >= thresholds[t]) {
                        flagged[k][t]++;
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder("Header check on ").append(root).append(": ").append(ham.size())
                .append(" ham, ").append(spam.size()).append(" spam\n");
        sb.append(String.format("%-38s %6s %6s%n", "rule", "ham", "spam"));
        hits.entrySet().stream().filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
                .sorted((a, b) -> Integer.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
                .forEach(e -> sb.append(String.format("%-38s %6d %6d%n", e.getKey().id(), e.getValue()[0],
                        e.getValue()[1])));
        for (int t = 0; t < thresholds.length; t++) {
            sb.append(String.format("threshold %.1f: ham flagged %d (%.2f%%), spam flagged %d (%.1f%%)%n",
                    thresholds[t], flagged[0][t], 100.0 * flagged[0][t] / ham.size(), flagged[1][t],
                    100.0 * flagged[1][t] / spam.size()));
        }
        // speed: whole corpus, a few rounds after warm-up
        List<byte[]> all = new ArrayList<>(ham);
        all.addAll(spam);
        for (int i = 0; i < 15; i++) { // let the JIT compile the hot paths first
            for (byte[] m : all) {
                checker.check(HeaderInput.of(m));
            }
        }
        int rounds = 5;
        long t0 = System.nanoTime();
        long sink = 0;
        for (int i = 0; i < rounds; i++) {
            for (byte[] m : all) {
                sink += checker.check(HeaderInput.of(m)).size();
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        sb.append(String.format("speed: %.0f messages/s on one thread (%d findings)%n", rounds * all.size() / secs,
                sink));
        System.out.print(sb);

        int t5 = 2; // index of 5.0
        assertThat(flagged[0][t5]).as("ham flagged at %.1f", TAG).isLessThanOrEqualTo(ham.size() / 200);
        assertThat(flagged[1][t5] * 100).as("spam flagged at %.1f", TAG).isGreaterThanOrEqualTo(60 * spam.size());
    }
}
