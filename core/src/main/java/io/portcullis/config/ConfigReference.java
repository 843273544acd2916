package io.portcullis.config;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The README's configuration reference, generated from the table ({@link Keys}): a Markdown table between the
 * markers {@value #BEGIN} and {@value #END}. {@code ./portcullis config-reference} prints it;
 * {@code ./portcullis config-reference --write README.md} replaces the block in the README (a test fails while
 * the README's block differs from this one).
 */
public final class ConfigReference {
    public static final String BEGIN = "<!-- configuration reference: generated from io.portcullis.config.Keys; "
            + "./portcullis config-reference --write README.md -->";
    public static final String END = "<!-- end of the generated configuration reference -->";
    /** How to regenerate the README's block, for messages. */
    public static final String REGENERATE = "./portcullis config-reference --write README.md";

    private ConfigReference() {
    }

    /** The Markdown table, one row per key of the table, in its order. */
    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| key | type | default | since | meaning |\n|---|---|---|---|---|\n");
        for (ConfigKey k : Keys.all()) {
            out.append("| `").append(cell(k.name())).append("` | ").append(k.type().label()).append(" | ")
                    .append(cell(k.documentedDefault())).append(" | ").append(k.since()).append(" | ")
                    .append(cell(k.doc())).append(" |\n");
        }
        return out.toString();
    }

    /** Markdown table cells take {@code |} escaped, even inside code spans. */
    private static String cell(String s) {
        return s.replace("|", "\\|");
    }

    /** {@code text} with the block between the markers replaced by the generated table. */
    public static String replaceBlock(String text) {
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("no generated block (" + BEGIN + " ... " + END + ")");
        }
        return text.substring(0, b) + BEGIN + "\n\n" + markdown() + "\n" + text.substring(e);
    }

    /** The block currently between the markers of {@code text} (markers excluded). */
    public static String block(String text) {
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("no generated block (" + BEGIN + " ... " + END + ")");
        }
        return text.substring(b + BEGIN.length(), e).trim() + "\n";
    }

    /** {@code config-reference [--write FILE]}: prints the table, or rewrites FILE's block. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            out.print(markdown());
            return 0;
        }
        if (args.length != 2 || !args[0].equals("--write")) {
            err.println("usage: portcullis config-reference [--write README.md]");
            return 2;
        }
        Path file = Paths.get(args[1]);
        try {
            String before = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            String after = replaceBlock(before);
            if (!after.equals(before)) {
                Files.write(file, after.getBytes(StandardCharsets.UTF_8));
                out.println(file + ": configuration reference rewritten (" + Keys.all().size() + " keys)");
            } else {
                out.println(file + ": configuration reference up to date");
            }
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("config-reference: " + file + ": " + e.getMessage());
            return 1;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }
}
