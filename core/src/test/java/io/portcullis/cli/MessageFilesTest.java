package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderInput;
import io.portcullis.headers.HeaderRule;
import io.portcullis.testing.HeaderBlocks;
import io.portcullis.verdict.Finding;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageFilesTest {
    @TempDir
    Path dir;

    /** The offline commands read one octet past the limit, so a header block over 1 MiB is reported as such. */
    @ParameterizedTest
    @CsvSource({"-1, false", "0, false", "1, true", "100, true"})
    void headerBlockOverTheLimitIsTooLarge(int overLimit, boolean tooLarge) throws Exception {
        Path f = dir.resolve("m.eml");
        Files.write(f, HeaderBlocks.messageWithHeaderBlockOf(HeaderInput.MAX_HEADER_BYTES + overLimit));
        byte[] read = MessageFiles.readPrefix(f);
        boolean flagged = new HeaderChecker(null).check(HeaderInput.of(read)).stream().map(Finding::rule)
                .anyMatch(HeaderRule.HEADER_TOO_LARGE.name()::equals);
        assertThat(flagged).as("HEADER_TOO_LARGE at limit%+d", overLimit).isEqualTo(tooLarge);
    }
}
