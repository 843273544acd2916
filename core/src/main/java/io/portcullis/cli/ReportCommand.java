package io.portcullis.cli;

import io.portcullis.report.DecisionReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code report [--log DIR]... [--day YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--html FILE]}: the decision
 * report over one or more decision log directories (several James nodes: {@code --log A --log B}), as text on
 * stdout; the folders are merged in time order, a decision found in several of them counts once, and the report names
 * the nodes it covers with their decision counts; {@code --html FILE}
 * also writes it as one self-contained HTML page with charts (inline CSS and SVG, no script, nothing fetched).
 * Default directory {@value #DEFAULT_LOG} (where {@code ./portcullis run} writes, relative to the current
 * directory); default day: today (UTC), so a newcomer sees what just happened; {@code --day yesterday} for the
 * classic daily report.
 */
final class ReportCommand {
    static final String DEFAULT_LOG = "var/james/var/portcullis/decisions";
    /** The options {@code report} takes (for {@link CliArgs#parse}). */
    static final String[] OPTIONS = {"--config", "--log", "--day", "--from", "--to", "--html"};

    private ReportCommand() {
    }

    static int run(CliArgs args, PrintStream out, PrintStream err, Clock clock) {
        if (!args.positional().isEmpty()) {
            throw new CliArgs.UsageException("unexpected argument " + args.positional().get(0));
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate from;
        LocalDate to;
        if (args.option("--day").isPresent()) {
            if (args.option("--from").isPresent() || args.option("--to").isPresent()) {
                throw new CliArgs.UsageException("--day and --from/--to exclude each other");
            }
            from = day(args.option("--day").get(), today);
            to = from;
        } else {
            from = args.option("--from").map(s -> day(s, today)).orElse(null);
            to = args.option("--to").map(s -> day(s, today)).orElse(null);
            if (from == null && to == null) {
                from = today;
                to = today;
            } else if (from == null) {
                from = to;
            } else if (to == null) {
                to = today;
            }
            if (to.isBefore(from)) {
                throw new CliArgs.UsageException("--to " + to + " is before --from " + from);
            }
        }
        List<String> dirs = args.options("--log");
        if (dirs.isEmpty()) {
            dirs = List.of(DEFAULT_LOG);
        }
        DecisionReport report = new DecisionReport(from, to);
        for (String d : dirs) {
            Path p = Paths.get(d);
            try {
                report.read(p);
            } catch (IOException e) {
                err.println("report: cannot read " + p + ": " + e.getMessage() + " (has James logged any decision "
                        + "yet? The directory is log.directory of portcullis.properties, relative to James's working "
                        + "directory)");
                return 1;
            }
        }
        try {
            report.load();
        } catch (IOException e) {
            err.println("report: cannot read the logs: " + e);
            return 1;
        }
        out.print(report.render());
        out.flush();
        if (args.option("--html").isPresent()) {
            Path html = Paths.get(args.option("--html").get());
            try {
                Path parent = html.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.write(html, report.renderHtml().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("report: cannot write " + html + ": " + e);
                return 1;
            }
            err.println("report: HTML written to " + html);
        }
        return 0;
    }

    private static LocalDate day(String s, LocalDate today) {
        switch (s) {
            case "today":
                return today;
            case "yesterday":
                return today.minusDays(1);
            default:
                try {
                    return LocalDate.parse(s);
                } catch (DateTimeParseException e) {
                    throw new CliArgs.UsageException("expected a day YYYY-MM-DD (or today, yesterday), got '" + s
                            + "'");
                }
        }
    }
}
