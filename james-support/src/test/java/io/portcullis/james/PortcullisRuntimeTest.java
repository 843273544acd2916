package io.portcullis.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.ConfigException;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.verdict.Finding;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortcullisRuntimeTest {
    @TempDir
    Path dir;

    /** Resolves file://conf/x to DIR/conf/x, like James's FileSystemImpl. */
    private FileSystem fileSystem() {
        return new FileSystem() {
            @Override
            public InputStream getResource(String url) throws IOException {
                return Files.newInputStream(getFile(url).toPath());
            }

            @Override
            public File getFile(String url) throws FileNotFoundException {
                return dir.resolve(url.substring("file://".length())).toFile();
            }

            @Override
            public File getBasedir() {
                return dir.toFile();
            }
        };
    }

    private PortcullisRuntime runtime() {
        return new PortcullisRuntime(fileSystem(), new Configuration.ConfigurationPath(FileSystem.FILE_PROTOCOL_AND_CONF), null);
    }

    @Test
    void missingFileMeansDefaults() {
        assertThat(runtime().config().policy().tagThreshold()).isEqualTo(5.0);
    }

    @Test
    void readsThePropertiesFileOfTheConfDirectory() throws IOException {
        Files.createDirectories(dir.resolve("conf"));
        Files.write(dir.resolve("conf/portcullis.properties"),
                "policy.tag-threshold = 4\n".getBytes(StandardCharsets.UTF_8));
        PortcullisRuntime runtime = runtime();
        assertThat(runtime.config().policy().tagThreshold()).isEqualTo(4.0);
        assertThat(runtime.config().source()).endsWith("portcullis.properties");
    }

    @Test
    void badValueFailsNamingFileKeyAndValue() throws IOException {
        Files.createDirectories(dir.resolve("conf"));
        Files.write(dir.resolve("conf/portcullis.properties"),
                "policy.tag-threshold = lots\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(this::runtime).isInstanceOf(ConfigException.class)
                .hasMessageContaining("portcullis.properties").hasMessageContaining("policy.tag-threshold")
                .hasMessageContaining("lots");
    }

    @Test
    void computesTheHeaderCheckOnceAndStoresIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Finding f = new Finding("headers", "MISSING_DATE", 3.0, "no Date header");
        PortcullisRuntime runtime = PortcullisRuntime.withHeaderCheck(PortcullisConfig.defaults(), input -> {
            calls.incrementAndGet();
            return List.of(f);
        });
        FakeMail mail = Mails.mail("Subject: x\r\n\r\nbody\r\n");

        assertThat(runtime.findings(mail)).containsExactly(f);
        assertThat(runtime.findings(mail)).containsExactly(f);
        assertThat(runtime.headerFindings(mail)).containsExactly(f);
        assertThat(calls).hasValue(1);
        assertThat(MailAttributes.checks(mail)).containsExactly("headers");
    }

    @Test
    void aFailingCheckIsNeutral() throws Exception {
        PortcullisRuntime runtime = PortcullisRuntime.withHeaderCheck(PortcullisConfig.defaults(), input -> {
            throw new IllegalStateException("boom");
        });
        FakeMail mail = Mails.mail("Subject: x\r\n\r\nbody\r\n");
        assertThat(runtime.findings(mail)).isEmpty();
    }

    @Test
    void realCheckerNeverThrowsOnGarbage() throws Exception {
        PortcullisRuntime runtime = new PortcullisRuntime(PortcullisConfig.defaults());
        FakeMail mail = Mails.mail("\u0000\u00ff:::\r\n \r\n\tx\r\n");
        // findings(mail) turns an exception into "no findings": a checker that threw would give an empty list, so
        // the garbage must come back judged (no From, no Date), and the same as the checker's own answer.
        List<String> rules = runtime.findings(mail).stream().map(Finding::rule).collect(Collectors.toList());
        assertThat(rules).contains("MISSING_FROM", "MISSING_DATE");
        assertThat(rules).containsExactlyInAnyOrderElementsOf(new io.portcullis.headers.HeaderChecker(
                io.portcullis.headers.HeaderRuleSettings.defaults()).check(MailHeaderInputs.from(Mails.mail(
                        "\u0000\u00ff:::\r\n \r\n\tx\r\n"))).stream().map(Finding::rule)
                .collect(Collectors.toList()));
    }
}
