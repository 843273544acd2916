package io.portcullis.headers;

import io.portcullis.verdict.Finding;
import java.util.List;

/**
 * Checks a message's header block against the {@link HeaderRule} catalogue. Thread-safe; never throws
 * on any input.
 */
public final class HeaderChecker {
    /** The value of {@link Finding#check()} for findings of this checker. */
    public static final String CHECK = "headers";

    private final HeaderRuleSettings settings;

    public HeaderChecker(HeaderRuleSettings settings) {
        this.settings = settings;
    }

    /** Findings for enabled rules, in catalogue order. Never throws. */
    public List<Finding> check(HeaderInput input) {
        return List.of(); // placeholder
    }

    public HeaderRuleSettings settings() {
        return settings;
    }
}
