package io.portcullis.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * This machine's name for the decision log, read once and without DNS: {@code HOSTNAME} from the environment, else
 * the kernel's host name ({@code /proc/sys/kernel/hostname}, {@code /etc/hostname}), else {@code localhost}.
 */
public final class LocalNode {
    private static volatile String name;

    private LocalNode() {
    }

    public static String name() {
        String n = name;
        if (n == null) {
            n = read();
            name = n;
        }
        return n;
    }

    static String read() {
        String env = System.getenv("HOSTNAME");
        if (valid(env)) {
            return env.trim();
        }
        for (String f : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
            try {
                Path p = Paths.get(f);
                if (Files.isReadable(p)) {
                    String s = new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim();
                    if (valid(s)) {
                        return s;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // next source
            }
        }
        return "localhost";
    }

    private static boolean valid(String s) {
        return s != null && s.trim().matches("[A-Za-z0-9._:-]{1,100}");
    }
}
