package io.portcullis.config;

import io.portcullis.headers.HeaderRule;
import io.portcullis.headers.HeaderRuleSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code headers.rule.<RULE>} keys: a rule's score, or off ({@link HeaderRuleSettings}). */
public final class HeaderConfig {
    private HeaderConfig() {
    }

    /** {@code headers.rule.<RULE> = <score> | off | default}. */
    static HeaderRuleSettings rules(ConfigValues v) {
        HeaderRuleSettings rules = HeaderRuleSettings.defaults();
        for (Map.Entry<String, String> e : v.instances(Keys.HEADERS_RULE).entrySet()) {
            String key = Keys.HEADERS_RULE.of(e.getKey());
            HeaderRule rule = rule(v.source(), key, e.getKey());
            String s = e.getValue() == null ? "" : e.getValue().toLowerCase(Locale.ROOT);
            if (s.equals("off") || s.equals("false") || s.equals("disabled")) {
                rules = rules.withDisabled(rule);
            } else if (s.equals("default") || s.equals("on") || s.equals("true")) {
                rules = rules.withScore(rule, rule.defaultScore());
            } else {
                rules = rules.withScore(rule, v.number(key, e.getValue()));
            }
        }
        return rules;
    }

    /** Resolves a rule id (case-insensitive), failing with a message listing the valid ids. */
    public static HeaderRule rule(String source, String key, String id) {
        try {
            return HeaderRule.valueOf(id.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            List<String> ids = new ArrayList<>();
            for (HeaderRule r : HeaderRule.values()) {
                ids.add(r.id());
            }
            throw new ConfigException(source, key, id, "no such header rule; known rules: " + String.join(", ", ids));
        }
    }
}
