package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
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
}
