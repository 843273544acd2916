package io.portcullis.cli;

import io.portcullis.headers.HeaderInput;
import io.portcullis.json.Json;
import io.portcullis.verdict.Action;
import io.portcullis.verdict.Finding;
import io.portcullis.decision.MessageEvaluator;
import io.portcullis.verdict.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code portcullis scan [--config FILE] PATH...}: one JSON object per message on stdout, a summary on
 * stderr. Unreadable files give an {@code "error"} field; the exit code is 0 unless no path was given.
 */
final class ScanCommand {
    private ScanCommand() {
    }

    static int run(CliArgs args, PrintStream out, PrintStream err) {
        if (args.positional().isEmpty()) {
            throw new CliArgs.UsageException("scan needs at least one PATH");
        }
        MessageEvaluator evaluator = new MessageEvaluator(args.config());
        List<Path> files;
        try {
            files = MessageFiles.expand(args.paths());
        } catch (IOException e) {
            err.println("scan: cannot list " + args.paths() + ": " + e);
            return 1;
        }
        Map<Action, Integer> perAction = new EnumMap<>(Action.class);
        Map<String, Integer> perRule = new TreeMap<>();
        int errors = 0;
        StringBuilder line = new StringBuilder(1024);
        for (Path file : files) {
            Map<String, Object> obj = new LinkedHashMap<>();
            obj.put("file", file.toString());
            try {
                Verdict v = evaluator.evaluate(HeaderInput.of(MessageFiles.readPrefix(file)));
                obj.put("score", v.score());
                obj.put("action", v.action().id());
                obj.put("findings", findingsJson(v.findings()));
                perAction.merge(v.action(), 1, Integer::sum);
                for (Finding f : v.findings()) {
                    perRule.merge(f.rule(), 1, Integer::sum);
                }
            } catch (IOException | RuntimeException e) {
                errors++;
                obj.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            line.setLength(0);
            Json.append(line, obj);
            out.println(line);
        }
        out.flush();
        err.println("scanned " + files.size() + " message(s), " + errors + " error(s)");
        for (Action a : Action.values()) {
            err.printf("  %-8s %d%n", a.id(), perAction.getOrDefault(a, 0));
        }
        if (!perRule.isEmpty()) {
            err.println("findings per rule:");
            perRule.forEach((rule, n) -> err.printf("  %-36s %d%n", rule, n));
        }
        return 0;
    }

    static List<Object> findingsJson(List<Finding> findings) {
        List<Object> list = new ArrayList<>(findings.size());
        for (Finding f : findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("check", f.check());
            m.put("rule", f.rule());
            m.put("score", f.score());
            m.put("detail", f.detail());
            list.add(m);
        }
        return list;
    }
}
