package io.portcullis.cli;

import io.portcullis.config.PortcullisConfig;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Tiny option parser: {@code --name value} options from an allowed set, everything else positional. */
final class CliArgs {
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> options;
    private final List<String> positional;

    private CliArgs(Map<String, List<String>> options, List<String> positional) {
        this.options = options;
        this.positional = positional;
    }

    static CliArgs parse(String[] args, String... allowed) {
        Set<String> ok = new HashSet<>(List.of(allowed));
        Map<String, List<String>> opts = new HashMap<>();
        List<String> pos = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                for (int j = i + 1; j < args.length; j++) {
                    pos.add(args[j]);
                }
                break;
            }
            if (a.startsWith("--")) {
                String name = a;
                String value = null;
                int eq = a.indexOf('=');
                if (eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                if (!ok.contains(name)) {
                    throw new UsageException("unknown option " + name);
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("option " + name + " needs a value");
                    }
                    value = args[++i];
                }
                opts.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                pos.add(a);
            }
        }
        return new CliArgs(Collections.unmodifiableMap(opts), Collections.unmodifiableList(pos));
    }

    /** The last value of an option. */
    Optional<String> option(String name) {
        List<String> v = options.get(name);
        return v == null ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    /** Every value of a repeatable option, in order. */
    List<String> options(String name) {
        return options.getOrDefault(name, List.of());
    }

    String required(String name) {
        return option(name).orElseThrow(() -> new UsageException("missing " + name));
    }

    int intOption(String name, int def) {
        String v = option(name).orElse(null);
        if (v == null) {
            return def;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " expects a non-negative integer, got '" + v + "'");
        }
    }

    List<String> positional() {
        return positional;
    }

    /** The configuration named by {@code --config}, or the built-in defaults. */
    PortcullisConfig config() {
        return option("--config").map(f -> PortcullisConfig.load(Paths.get(f))).orElse(PortcullisConfig.defaults());
    }

    List<Path> paths() {
        List<Path> out = new ArrayList<>();
        for (String p : positional) {
            out.add(Paths.get(p));
        }
        return out;
    }
}
