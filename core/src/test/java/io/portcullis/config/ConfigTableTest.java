package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The table of keys ({@link Keys}) is the one place a key, its default and its meaning are written: the README's
 * reference must be the generated one, and {@code conf/portcullis.properties} must mention exactly the known keys,
 * each with its default.
 */
class ConfigTableTest {
    /** {@code key = value} or {@code # key = value} (one space at most after '#': indented prose is not a key). */
    private static final Pattern KEY_LINE = Pattern.compile("^(?:#\\s?)?([a-z][A-Za-z0-9_<>-]*(?:\\.[A-Za-z0-9_<>-]+)+)"
            + "\\s*=\\s*(.*)$");

    private static Path repo(String file) {
        Path p = Paths.get("..", file);
        return Files.exists(p) ? p : Paths.get(file);
    }

    @Test
    void readmeReferenceIsTheGeneratedOne() throws IOException {
        String readme = new String(Files.readAllBytes(repo("README.md")), StandardCharsets.UTF_8);
        String actual = ConfigReference.block(readme);
        String expected = ConfigReference.markdown();
        assertThat(actual).as("README.md's configuration reference differs from the table "
                + "(io.portcullis.config.Keys); regenerate it with\n    " + ConfigReference.REGENERATE + "\n"
                + "(or java -cp core/target/classes io.portcullis.config.ConfigReference --write README.md)\n"
                + diff(actual, expected)).isEqualTo(expected);
    }

    @Test
    void sampleFileMentionsExactlyTheKnownKeysEachWithItsDefault() throws IOException {
        Path conf = repo("conf/portcullis.properties");
        Map<ConfigKey, List<String>> seen = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String line : Files.readAllLines(conf, StandardCharsets.UTF_8)) {
            Matcher m = KEY_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            ConfigKey k = Keys.find(m.group(1));
            if (k == null) {
                unknown.add(line);
                continue;
            }
            String value = m.group(2).replaceFirst("\\s+#.*$", "").trim();
            seen.computeIfAbsent(k, x -> new ArrayList<>()).add(value);
        }
        assertThat(unknown).as("lines of %s naming keys the table (io.portcullis.config.Keys) does not know", conf)
                .isEmpty();
        List<String> missing = new ArrayList<>();
        for (ConfigKey k : Keys.all()) {
            List<String> values = seen.get(k);
            if (values == null) {
                missing.add(k.name() + " (no line)");
            } else if (k.defaultValue() != null && !values.contains(k.defaultValue())) {
                missing.add(k.name() + " (no line with its default '" + k.defaultValue() + "', found " + values + ")");
            }
        }
        assertThat(missing).as("keys of the table missing from %s: add '# KEY = DEFAULT' lines", conf).isEmpty();
    }

    @Test
    void theSampleFileParses() {
        PortcullisConfig c = PortcullisConfig.load(repo("conf/portcullis.properties"));
        assertThat(c.dnsbl().lists()).isNotEmpty();
    }

    @Test
    void everyKeyIsDocumentedOnceAndTheDefaultsParse() {
        Set<String> names = new HashSet<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        for (ConfigKey k : Keys.all()) {
            assertThat(names.add(k.name())).as("%s twice in the table", k.name()).isTrue();
            assertThat(k.doc()).as(k.name()).isNotBlank().doesNotContain("\n");
            if (!k.isPattern() && k.defaultValue() != null) {
                defaults.put(k.name(), k.defaultValue());
            }
        }
        // every default, written out, gives the same configuration as no key at all
        PortcullisConfig written = PortcullisConfig.parse(defaults, "t");
        PortcullisConfig none = PortcullisConfig.defaults();
        assertThat(written.dns().toString()).isEqualTo(none.dns().toString());
        assertThat(written.smtp().toString()).isEqualTo(none.smtp().toString());
        assertThat(written.store().toString()).isEqualTo(none.store().toString());
        assertThat(written.log().toString()).isEqualTo(none.log().toString());
        assertThat(written.report().toString()).isEqualTo(none.report().toString());
        assertThat(written.policy().toString()).isEqualTo(none.policy().toString());
        assertThat(written.network().toString()).isEqualTo(none.network().toString());
        assertThat(written.os().toString()).isEqualTo(none.os().toString());
    }

    @Test
    void patternsMatchOneSegmentAndExactRowsWin() {
        assertThat(Keys.find("dnsbl.list.zen")).isSameAs(Keys.DNSBL_LIST);
        assertThat(Keys.find("dnsbl.list.zen.codes")).isSameAs(Keys.DNSBL_LIST_CODES);
        assertThat(Keys.find("network.as-name.weight")).isSameAs(Keys.NETWORK_AS_NAME_WEIGHT);
        assertThat(Keys.find("network.as-name.bp")).isSameAs(Keys.NETWORK_AS_NAME);
        assertThat(Keys.find("dnsbl.list.zen.codes.x")).isNull();
        assertThat(Keys.DNSBL_LIST_CODES.of("zen")).isEqualTo("dnsbl.list.zen.codes");
        assertThat(Keys.DNSBL_LIST_CODES.id("dnsbl.list.zen.codes")).isEqualTo("zen");
        assertThatThrownBy(() -> PortcullisConfig.parse(Map.of("dnsbl.list.zen", "zen.example",
                "dnsbl.list.zen.code", "127.0.0.2 x 1"), "t")).hasMessageEndingWith(
                "did you mean 'dnsbl.list.zen.codes'?");
    }

    /** Lines only in one of the two texts, marked - (README) and + (generated). */
    private static String diff(String actual, String expected) {
        List<String> a = List.of(actual.split("\n"));
        List<String> e = List.of(expected.split("\n"));
        StringBuilder out = new StringBuilder();
        for (String l : a) {
            if (!e.contains(l)) {
                out.append("- ").append(l).append('\n');
            }
        }
        for (String l : e) {
            if (!a.contains(l)) {
                out.append("+ ").append(l).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * The checks' own settings types keep defaults for code that builds them directly (tests, benchmarks): they must
     * be the table's, or a value built in code would differ from the same value left out of the file.
     */
    @Test
    void theChecksOwnDefaultsAreTheTables() {
        PortcullisConfig fromTable = PortcullisConfig.defaults();
        assertThat(fromTable.reputation().toString())
                .isEqualTo(io.portcullis.reputation.ReputationSettings.DEFAULTS.toString());
        assertThat(fromTable.network().toString()).isEqualTo(io.portcullis.network.NetworkSettings.DEFAULTS.toString());
        assertThat(fromTable.os().toString()).isEqualTo(io.portcullis.os.OsSettings.DEFAULTS.toString());
    }
}
