package io.portcullis.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesNestedValuesInInsertionOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", "a.eml");
        m.put("score", 3.5);
        m.put("whole", 2.0);
        m.put("ok", true);
        m.put("none", null);
        m.put("list", List.of(1, "x"));
        assertThat(Json.write(m))
                .isEqualTo("{\"file\": \"a.eml\", \"score\": 3.5, \"whole\": 2, \"ok\": true, \"none\": null, \"list\": [1, \"x\"]}");
    }

    @Test
    void escapesControlCharactersQuotesAndLoneSurrogates() {
        assertThat(Json.write("a\"b\\c\r\n\t\u0000\u2028" + '\ud800' + "z"))
                .isEqualTo("\"a\\\"b\\\\c\\r\\n\\t\\u0000\\u2028\\ud800z\"");
        assertThat(Json.write("\ud83d\ude00")).isEqualTo("\"\ud83d\ude00\"");
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        assertThat(Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY))).isEqualTo("[null, null]");
    }
}
