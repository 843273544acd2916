package io.portcullis.assembly;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Prepares a James working directory from a Portcullis configuration folder: {@code WORK/conf} is a fresh copy
 * of the configuration with the SMTP/IMAP {@code <bind>} elements optionally rewritten, and
 * {@code WORK/extensions-jars} a fresh copy of the Portcullis jars (when given). Shared by
 * {@link PortcullisServer} and the integration tests, so both run James on exactly the same files.
 */
public final class WorkingDirectory {
    static final String SMTP_FILE = "smtpserver.xml";
    static final String IMAP_FILE = "imapserver.xml";
    private static final Pattern BIND = Pattern.compile("<bind>[^<]*</bind>");

    private WorkingDirectory() {
    }

    /**
     * @param conf        source configuration folder (must contain mailetcontainer.xml)
     * @param work        James working directory (created if needed)
     * @param smtpBind    {@code HOST:PORT} for the SMTP server, or null to keep the file's value
     * @param imapBind    {@code HOST:PORT} for the IMAP server, or null to keep the file's value
     * @param extensions  folder of extension jars to install into {@code work/extensions-jars}, or null
     */
    public static void prepare(Path conf, Path work, String smtpBind, String imapBind, Path extensions)
            throws IOException {
        if (!Files.isRegularFile(conf.resolve("mailetcontainer.xml"))) {
            throw new IOException("not a James configuration folder (no mailetcontainer.xml): " + conf);
        }
        Path workConf = work.resolve("conf");
        deleteRecursively(workConf);
        Files.createDirectories(workConf);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(conf)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, workConf.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (smtpBind != null) {
            rewriteBind(workConf.resolve(SMTP_FILE), smtpBind);
        }
        if (imapBind != null) {
            rewriteBind(workConf.resolve(IMAP_FILE), imapBind);
        }
        if (extensions != null) {
            Path target = work.resolve("extensions-jars");
            deleteRecursively(target);
            Files.createDirectories(target);
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(extensions, "*.jar")) {
                for (Path jar : jars) {
                    Files.copy(jar, target.resolve(jar.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The line of smtpserver.xml that enables Portcullis at SMTP time (commented out in the sample). */
    static final String SMTP_HANDLER_LINE = "<handler class=\"io.portcullis.smtp.PortcullisSmtpHandler\"/>";
    private static final Pattern COMMENTED_HANDLER = Pattern.compile("<!--\\s*"
            + Pattern.quote(SMTP_HANDLER_LINE) + "\\s*-->");

    /**
     * Enables Portcullis at SMTP time in {@code WORK/conf/smtpserver.xml}: uncomments the
     * {@code PortcullisSmtpHandler} line (adds it at the top of the handler chain when absent). Returns false when
     * the file has no {@code <handlerchain>}.
     */
    public static boolean enableSmtpHandler(Path work) throws IOException {
        Path file = work.resolve("conf").resolve(SMTP_FILE);
        String xml = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        String out = enableSmtpHandler(xml);
        if (out == null) {
            return false;
        }
        Files.write(file, out.getBytes(StandardCharsets.UTF_8));
        return true;
    }

    static String enableSmtpHandler(String xml) {
        String stripped = COMMENTED_HANDLER.matcher(xml).replaceAll(Matcher.quoteReplacement(SMTP_HANDLER_LINE));
        if (stripped.replaceAll("(?s)<!--.*?-->", "").contains(SMTP_HANDLER_LINE)) {
            return stripped;
        }
        int chain = stripped.indexOf("<handlerchain");
        int end = chain < 0 ? -1 : stripped.indexOf('>', chain);
        if (end < 0) {
            return null;
        }
        return stripped.substring(0, end + 1) + "\n            " + SMTP_HANDLER_LINE + stripped.substring(end + 1);
    }

    /** Comments out the {@code dnsbl.list.*} entries of {@code WORK/conf/portcullis.properties}. */
    public static void dropConfiguredLists(Path work) throws IOException {
        Path file = work.resolve("conf").resolve("portcullis.properties");
        if (!Files.isRegularFile(file)) {
            return;
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(line.trim().startsWith("dnsbl.list.") ? "# (replaced by --list) " + line : line);
        }
        Files.write(file, out, StandardCharsets.UTF_8);
    }

    /** Appends lines to {@code WORK/conf/portcullis.properties} (later keys override earlier ones). */
    public static void appendProperties(Path work, String comment, java.util.List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("\n# ").append(comment).append('\n');
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        Files.write(work.resolve("conf").resolve("portcullis.properties"), sb.toString().getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /**
     * Validates {@code HOST:PORT} (port 0 = any free port; an IPv6 address in brackets, {@code [::1]:2525}) and
     * returns it in its normal form.
     */
    public static String checkHostPort(String option, String value) {
        return parseHostPort(option, value).toString();
    }

    /** {@code HOST:PORT} parsed, or an IllegalArgumentException naming the option and the value. */
    public static io.portcullis.net.HostPort parseHostPort(String option, String value) {
        try {
            return io.portcullis.net.HostPort.parse(value, -1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** Replaces every {@code <bind>} element of the file by {@code <bind>hostPort</bind>}. */
    static void rewriteBind(Path file, String hostPort) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("cannot set the listen address: no " + file);
        }
        String xml = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        String rewritten = rewriteBind(xml, hostPort);
        if (rewritten.equals(xml) && !xml.contains("<bind>" + hostPort + "</bind>")) {
            throw new IOException("cannot set the listen address: no <bind> element in " + file);
        }
        Files.write(file, rewritten.getBytes(StandardCharsets.UTF_8));
    }

    static String rewriteBind(String xml, String hostPort) {
        return BIND.matcher(xml).replaceAll(Matcher.quoteReplacement("<bind>" + hostPort + "</bind>"));
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.delete(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
