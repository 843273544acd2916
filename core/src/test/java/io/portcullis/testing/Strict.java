package io.portcullis.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a tool such as Knot, Redis or Chromium, or the mail corpus) and what happens
 * when it is missing. By default the test is skipped with a message naming the missing part; in strict mode, which
 * {@code .ci/run} turns on ({@code PORTCULLIS_STRICT=1} in the environment, or {@code -Dportcullis.strict=true}),
 * the test fails with that message, so a CI run can never pass by skipping.
 */
public final class Strict {
    /** The environment variable that turns strict mode on ({@code 1} or {@code true}). */
    public static final String ENV = "PORTCULLIS_STRICT";
    /** The system property that turns strict mode on. */
    public static final String PROPERTY = "portcullis.strict";

    private Strict() {
    }

    /** True when a missing tool or corpus must fail the test instead of skipping it. */
    public static boolean on() {
        String env = System.getenv(ENV);
        return Boolean.getBoolean(PROPERTY) || "1".equals(env) || "true".equalsIgnoreCase(env);
    }

    /**
     * Returns when {@code present}; otherwise skips the test, or in strict mode fails it, naming {@code what} is
     * missing and {@code install}, how to get it.
     */
    public static void require(boolean present, String what, String install) {
        if (present) {
            return;
        }
        String message = what + " is missing (" + install + ")";
        if (on()) {
            throw new AssertionError("strict mode (" + ENV + "=1): " + message);
        }
        Assumptions.assumeTrue(false, message + "; skipped (in strict mode, as .ci/run runs the tests, this fails)");
    }

    /**
     * As {@link #require} for the development mail corpus, which is not part of the repository: strict only when
     * {@code PORTCULLIS_CORPUS_OPTIONAL} is not set ({@code .ci/run} sets it, saying so, in a clone that has no
     * corpus beside it).
     */
    public static void requireCorpus(boolean present, String what, String install) {
        if (present) {
            return;
        }
        String optional = System.getenv("PORTCULLIS_CORPUS_OPTIONAL");
        if ("1".equals(optional) || "true".equalsIgnoreCase(optional)) {
            Assumptions.assumeTrue(false, what + " is missing (" + install + "); skipped: PORTCULLIS_CORPUS_OPTIONAL");
        }
        require(false, what, install);
    }

    /**
     * The executable {@code name} as {@code command -v} finds it: the first directory of {@code PATH} holding it,
     * then {@code /usr/sbin} and {@code /usr/bin} (Debian puts servers in sbin, which a non-root PATH may lack).
     */
    public static Optional<Path> command(String name) {
        String path = System.getenv("PATH");
        StringBuilder dirs = new StringBuilder(path == null ? "" : path);
        dirs.append(File.pathSeparator).append("/usr/sbin").append(File.pathSeparator).append("/usr/bin");
        for (String dir : dirs.toString().split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Paths.get(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
