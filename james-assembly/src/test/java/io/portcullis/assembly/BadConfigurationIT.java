package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.io.TempDir;

/** A bad value in portcullis.properties stops James at startup, naming the file, the key and the value. */
class BadConfigurationIT {
    @TempDir
    Path work;

    @Test
    void badValueStopsJamesNamingKeyAndValue() throws Exception {
        Path repo = TestPaths.repository();
        WorkingDirectory.prepare(repo.resolve("conf"), work, "127.0.0.1:0", "127.0.0.1:0", null);
        Files.write(work.resolve("conf").resolve("portcullis.properties"),
                "\npolicy.tag-threshold = lots\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        Throwable thrown = catchThrowable(() -> PortcullisServer.start(work).stop());

        assertThat(thrown).isNotNull();
        String message = PortcullisServer.rootMessage(thrown);
        assertThat(message).contains("portcullis.properties").contains("policy.tag-threshold").contains("lots");
    }

    @Test
    void badReportRecipientStopsJamesNamingKeyAndValue() throws Exception {
        Path repo = TestPaths.repository();
        WorkingDirectory.prepare(repo.resolve("conf"), work, "127.0.0.1:0", "127.0.0.1:0", null);
        Files.write(work.resolve("conf").resolve("portcullis.properties"),
                "\nreport.enabled = true\nreport.recipients = ops@example.com, ops at example.com\n"
                        .getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        Throwable thrown = catchThrowable(() -> PortcullisServer.start(work).stop());

        assertThat(thrown).isNotNull();
        String message = PortcullisServer.rootMessage(thrown);
        assertThat(message).contains("portcullis.properties").contains("report.recipients")
                .contains("ops at example.com");
    }

    @Test
    void misspeltKeyIsOneErrorLineNamingTheNearestKey() throws Exception {
        assertOneLineErrorForTypo(true);
    }

    @Test
    void withoutTheModuleLineTheMistakeIsStillReportedOnce() throws Exception {
        assertOneLineErrorForTypo(false);
    }

    private void assertOneLineErrorForTypo(boolean moduleListed) throws Exception {
        Path repo = TestPaths.repository();
        WorkingDirectory.prepare(repo.resolve("conf"), work, "127.0.0.1:0", "127.0.0.1:0", null);
        Path conf = work.resolve("conf");
        Files.write(conf.resolve("portcullis.properties"), "\npolcy.tag-threshold = 5\n".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        if (!moduleListed) {
            Path ext = conf.resolve("extensions.properties");
            String text = new String(Files.readAllBytes(ext), StandardCharsets.UTF_8);
            Files.write(ext, text.replaceAll("(?m)^guice.extension.module=.*$", "")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Logger portcullis = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.portcullis");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        portcullis.addAppender(events);
        Throwable thrown;
        try {
            thrown = catchThrowable(() -> PortcullisServer.start(work).stop());
        } finally {
            portcullis.detachAppender(events);
        }

        assertThat(thrown).isNotNull();
        assertThat(PortcullisServer.rootMessage(thrown)).contains("did you mean 'policy.tag-threshold'?");
        List<ILoggingEvent> errors = events.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                .collect(Collectors.toList());
        assertThat(errors).as("Portcullis ERROR lines").hasSize(1);
        ILoggingEvent e = errors.get(0);
        assertThat(e.getThrowableProxy()).as("no stack trace for a configuration mistake").isNull();
        assertThat(e.getFormattedMessage()).doesNotContain("\n")
                .contains(conf.resolve("portcullis.properties").toString())
                .contains("polcy.tag-threshold='5': unknown key; did you mean 'policy.tag-threshold'?");
    }
}
