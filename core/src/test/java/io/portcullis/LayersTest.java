package io.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.verdict.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of core, read from its compiled classes (every class a class file names is in its
 * constant pool as {@code io/portcullis/<package>/...}; comments are not): the verdict vocabulary ({@code Finding},
 * {@code Verdict}, {@code Policy}, ...) depends on no other package of ours; the checks depend on it and on each other,
 * never on what sits above them: the configuration, the evaluator and SMTP decision, the command line, the decision
 * log and report.
 */
class LayersTest {
    static final List<String> CHECKS = List.of("headers", "dnsbl", "nameservers", "network", "os", "reputation", "dns",
            "net");
    static final Set<String> ABOVE_CHECKS = Set.of("config", "decision", "cli", "log", "report");
    static final Pattern REFERENCE = Pattern.compile("io/portcullis/([a-z0-9]+)/");

    static Path classes() throws Exception {
        return Paths.get(Finding.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/portcullis");
    }

    /** "pkg/Class.class -> other" for every reference from a class of {@code pkg} to another package of ours. */
    static Set<String> references(String pkg) throws Exception {
        Path dir = classes().resolve(pkg);
        assertThat(dir).as("compiled package " + pkg).isDirectory();
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList())) {
                Matcher m = REFERENCE.matcher(read(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.add(pkg + "/" + f.getFileName() + " -> " + m.group(1));
                    }
                }
            }
        }
        assertThat(countClasses(dir)).as("classes of " + pkg).isPositive();
        return out;
    }

    static long countClasses(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".class")).count();
        }
    }

    static String read(Path f) throws IOException {
        return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
    }

    @Test
    void verdictDependsOnNoOtherPackage() throws Exception {
        assertThat(references("verdict")).isEmpty();
    }

    @Test
    void checksNeverDependOnWhatIsAboveThem() throws Exception {
        Set<String> upward = new TreeSet<>();
        for (String check : CHECKS) {
            for (String r : references(check)) {
                if (ABOVE_CHECKS.contains(r.substring(r.indexOf(" -> ") + 4))) {
                    upward.add(r);
                }
            }
        }
        assertThat(upward).isEmpty();
    }

    @Test
    void theScanSeesReferences() throws Exception {
        // The test could not fail if the scan found nothing: the evaluator does name the checks and the configuration.
        assertThat(references("decision")).contains("decision/MessageEvaluator.class -> config",
                "decision/MessageEvaluator.class -> headers", "decision/MessageEvaluator.class -> verdict");
        assertThat(references("dnsbl")).anyMatch(r -> r.endsWith(" -> verdict"));
    }
}
