package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * What a James under test wrote: its log (a logback appender on the root logger, attached before James starts and
 * detached when closed) and Portcullis's decision log (the JSON lines under {@code var/portcullis/decisions} of its
 * working directory). ITs that assert SMTP replies also assert, through this, the decision line of each reply and
 * that no hook failed: the handler answers 451 when a hook throws, and an accept-path test would otherwise not
 * notice a handler that throws on every command.
 */
final class JamesLog implements AutoCloseable {
    private static final String NAME = "portcullis-it-capture";

    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final Logger root;
    private final AppenderBase<ILoggingEvent> appender;

    private JamesLog() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                e.prepareForDeferredProcessing();
                events.add(e);
            }
        };
        appender.setName(NAME);
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
    }

    /** Starts capturing every event that reaches the root logger (call before James starts). */
    static JamesLog capture() {
        return new JamesLog();
    }

    /** {@code LEVEL logger - message} of every WARN or ERROR event so far from loggers under {@code prefix}. */
    List<String> warnings(String prefix) {
        return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> e.getLoggerName().startsWith(prefix))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ": "
                                + e.getThrowableProxy().getMessage() + ")"))
                .collect(Collectors.toList());
    }

    /**
     * Fails when the Portcullis SMTP side logged a WARN or ERROR containing "failed" (a hook, the tarpit or the
     * greeting test threw), or when the capture was detached (logback reconfigured: nothing would be seen).
     */
    void assertNoHookFailure() {
        assertThat(root.getAppender(NAME)).as("the test's log capture is still attached to logback's root logger")
                .isSameAs(appender);
        assertThat(warnings("io.portcullis.smtp").stream().filter(w -> w.contains("failed")))
                .as("WARN/ERROR from io.portcullis.smtp saying a hook failed").isEmpty();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }

    // ---- the decision log ----

    /** Every line of the decision log of the James working in {@code james} (all days), oldest file first. */
    static List<String> decisionLines(Path james) throws IOException {
        Path dir = james.resolve("var/portcullis/decisions");
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().collect(Collectors.toList())) {
                out.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Lines containing every one of {@code parts}. */
    static List<String> matching(List<String> lines, String... parts) {
        return lines.stream().filter(l -> Stream.of(parts).allMatch(l::contains)).collect(Collectors.toList());
    }

    /**
     * Waits (the log writer is asynchronous; 15 s at most) for exactly one decision line containing every one of
     * {@code parts} (JSON fragments such as {@code "\"action\": \"reject\""}) and returns it; fails listing the
     * lines when there is none or more than one.
     */
    static String awaitDecision(Path james, String... parts) throws Exception {
        return awaitDecisions(james, 1, parts).get(0);
    }

    /** As {@link #awaitDecision}, for exactly {@code count} lines (in the order written). */
    static List<String> awaitDecisions(Path james, int count, String... parts) throws Exception {
        long end = System.nanoTime() + 15_000_000_000L;
        List<String> lines = decisionLines(james);
        while (matching(lines, parts).size() < count && System.nanoTime() < end) {
            Thread.sleep(50);
            lines = decisionLines(james);
        }
        List<String> hits = matching(lines, parts);
        assertThat(hits).as("decision lines with %s among:\n%s", List.of(parts), String.join("\n", lines))
                .hasSize(count);
        return hits;
    }

    /** {@code "key": "value"}, as the decision log writes a string field. */
    static String field(String key, String value) {
        return "\"" + key + "\": \"" + value + "\"";
    }
}
