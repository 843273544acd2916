package io.portcullis.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void removesLineBreaksAndControlCharacters() {
        String hostile = "listed\r\nX-Injected: yes\u0000\u007f caf\u00e9";
        String safe = Text.headerSafe(hostile, 200);
        assertThat(safe).doesNotContain("\r").doesNotContain("\n");
        assertThat(safe).isEqualTo("listed X-Injected: yes?? caf?");
        assertThat(safe.chars()).allMatch(c -> c >= 0x20 && c <= 0x7e);
    }

    @Test
    void cutsToTheLimitWithAnEllipsis() {
        String s = Text.headerSafe("x".repeat(500), 50);
        assertThat(s).hasSize(50).endsWith("...");
    }

    @Test
    void nullIsEmpty() {
        assertThat(Text.headerSafe(null, 10)).isEmpty();
    }
}
