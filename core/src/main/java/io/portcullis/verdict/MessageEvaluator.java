package io.portcullis.verdict;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderInput;
import java.util.List;

/**
 * Runs the content checks that need only the message itself (today: header conformance) and applies
 * the policy. Thread-safe; never throws on message input.
 */
public final class MessageEvaluator {
    private final PortcullisConfig config;
    private final HeaderChecker headerChecker;

    public MessageEvaluator(PortcullisConfig config) {
        this.config = config;
        this.headerChecker = new HeaderChecker(config.headerRules());
    }

    /** Header findings for the message (empty when the header check is switched off). */
    public List<Finding> headerFindings(HeaderInput input) {
        return config.headersEnabled() ? headerChecker.check(input) : List.of();
    }

    public Verdict evaluate(HeaderInput input) {
        return Verdict.of(headerFindings(input), config.policy());
    }

    public PortcullisConfig config() {
        return config;
    }
}
