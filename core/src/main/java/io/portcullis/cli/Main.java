package io.portcullis.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point of the offline Portcullis commands (no James needed): {@code scan}, {@code accuracy},
 * {@code bench}, {@code rules}, {@code lookup}, {@code report}. The {@code ./portcullis} launcher dispatches here; {@code run} starts
 * James and lives in the assembly.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(usage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "scan":
                    return ScanCommand.run(CliArgs.parse(rest, "--config"), out, err);
                case "accuracy":
                    return AccuracyCommand.run(CliArgs.parse(rest, AccuracyCommand.OPTIONS), out, err);
                case "bench":
                    return BenchCommand.run(CliArgs.parse(rest, "--config", "--seconds", "--warmup"), out, err);
                case "lookup":
                    return LookupCommand.run(CliArgs.parse(rest, "--config", "--dns", "--list", "--nameserver-list",
                            "--p0f", "--client", "--state"), out,
                            err);
                case "rules":
                    return RulesCommand.run(CliArgs.parse(rest, "--config"), out);
                case "report":
                    return ReportCommand.run(CliArgs.parse(rest, ReportCommand.OPTIONS), out, err,
                            java.time.Clock.systemUTC());
                case "config-reference":
                    return io.portcullis.config.ConfigReference.run(rest, out, err);
                case "help":
                case "--help":
                case "-h":
                    out.print(usage());
                    return 0;
                default:
                    err.println("unknown command: " + args[0]);
                    err.print(usage());
                    return 2;
            }
        } catch (CliArgs.UsageException e) {
            err.println(args[0] + ": " + e.getMessage());
            err.print(usage());
            return 2;
        } catch (io.portcullis.config.ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    static String usage() {
        return "usage:\n"
                + "  portcullis scan [--config FILE] PATH...         check .eml files or folders; JSON line per message\n"
                + "  portcullis accuracy [--config FILE] --ham DIR --spam DIR [--folds K] [--seed N] [--varied-ham DIR]...\n"
                + "                                                  flagged rates on labelled mail: per threshold, k-fold\n"
                + "                                                  cross-validated by sender (default K 5, seed 1), per\n"
                + "                                                  rule, and on extra ham never fitted on\n"
                + "  portcullis bench [--config FILE] [--seconds N] [--warmup N] PATH...\n"
                + "                                                  header checks per second on one core\n"
                + "  portcullis rules [--config FILE]                the header rule catalogue and effective scores\n"
                + "  portcullis config-reference [--write README.md] the configuration keys (README table)\n"
                + "  portcullis lookup [--config FILE] [--dns HOST:PORT] [--list SPEC]... [--nameserver-list FILE]\n"
                + "                    TARGET...                     look IPs or domains up in DNS lists; JSON per target\n"
                + "                                                  SPEC: [ip:|name:|ns-name:|ns-ip:]ZONE[=FILTER][*WEIGHT]\n"
                + "                                                  ns-name:/ns-ip: lists and --nameserver-list (NS hosts,\n"
                + "                                                  NS domains, IPs, CIDRs) judge a domain's nameservers;\n"
                + "                                                  an IP also shows its network owner (ASN, prefix,\n"
                + "                                                  country, registry, AS name; network.* keys)\n"
                + "                    [--p0f SOCKET]                an IP also shows p0f's answer (OS, distance, link)\n"
                + "                    [--state DIR] [--client IP]   every target shows its reputation records (counts,\n"
                + "                                                  ratio, score, first/last seen) from store.* (or DIR);\n"
                + "                                                  --client: a domain's records for that client's network\n"
                + "  portcullis report [--log DIR]... [--day DAY | --from DAY --to DAY] [--html FILE]\n"
                + "                                                  decision log report (several DIRs: several nodes);\n"
                + "                                                  default DIR " + ReportCommand.DEFAULT_LOG + ",\n"
                + "                                                  default day today (UTC); DAY: YYYY-MM-DD, today,\n"
                + "                                                  yesterday; --html FILE: also a self-contained\n"
                + "                                                  HTML page with charts\n";
    }
}
