package io.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.policy.CheckModes;
import io.portcullis.policy.Policy;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepliesTest {
    private static final Finding LISTED = new Finding("dnsbl", "bl", 12,
            "client-ip 192.0.2.1 listed in bl.test [127.0.0.2]: see http://bl.test/");
    private static final Finding DATE = new Finding("headers", "INVALID_DATE", 5, "bad date");
    private static final Finding ALLOWED = new Finding("dnsbl", "wl", -3, "client-ip listed in wl.test");

    @Test
    void strongestFirstListsByTheirTargetRulesByName() {
        Verdict v = Verdict.of(List.of(DATE, ALLOWED, LISTED), Policy.DEFAULT);
        assertThat(Replies.reason(v))
                .isEqualTo("score 14.0: client-ip 192.0.2.1 listed in bl.test; headers INVALID_DATE");
    }

    @Test
    void atMostFourParts() {
        List<Finding> many = List.of(new Finding("headers", "A", 1, ""), new Finding("headers", "B", 2, ""),
                new Finding("headers", "C", 3, ""), new Finding("headers", "D", 4, ""),
                new Finding("headers", "E", 5, ""));
        assertThat(Replies.reason(Verdict.of(many, Policy.DEFAULT)))
                .isEqualTo("score 15.0: headers E; headers D; headers C; headers B");
    }

    @Test
    void observedFindingsOnlyInTheWouldBeReason() {
        CheckModes modes = CheckModes.builder().observeRule("dnsbl", "bl").build();
        Verdict v = Verdict.of(List.of(DATE, LISTED), Policy.DEFAULT, modes);
        assertThat(Replies.reason(v)).isEqualTo("score 5.0: headers INVALID_DATE");
        assertThat(Replies.reason(v, true))
                .isEqualTo("score 17.0: client-ip 192.0.2.1 listed in bl.test; headers INVALID_DATE");
    }
}
