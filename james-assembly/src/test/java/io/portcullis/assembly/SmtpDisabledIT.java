package io.portcullis.assembly;

import static io.portcullis.assembly.JamesLog.field;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code smtp.enabled = false} with the handler line in {@code smtpserver.xml}: a client listed with weight 20 (over
 * the reject threshold) is not refused, tarpitted or logged at SMTP time; the pipeline tags its mail (Spam folder)
 * and logs that. No hook failure is logged (checked by {@link KnotAndJames} after the class).
 */
class SmtpDisabledIT {
    @RegisterExtension
    static final KnotAndJames env = new KnotAndJames(List.of("bl.test"),
            (james, knot) -> james.smtpHandler().dns(knot.hostPort()).dropSampleLists().properties(
                    "dnsbl.list.bl = bl.test=127.0.0.[2..11]*20",
                    "dnsbl.self-test = false",
                    "smtp.enabled = false",
                    "nameservers.enabled = false"));

    @Test
    void aListedClientIsAcceptedAndOnlyThePipelineJudgesIt() throws Exception {
        String token = MailClients.token();
        assertThat(SmtpDecisionsIT.transaction(env.smtpPort(), "127.0.0.2", "client.example.net",
                "alice@example.com", token)).startsWith("250");
        byte[] delivered = env.mailbox().await("Spam", token);
        assertThat(MailClients.header(delivered, "X-Portcullis-Report")).contains("bl (20.0)");
        // The pipeline's line is written after any SMTP-stage line of the same mail would have been: then none.
        env.awaitDecision(field("stage", "pipeline"), "<" + token + "@mail.example.com>");
        assertThat(JamesLog.matching(JamesLog.decisionLines(env.james()), "\"stage\": "))
                .isNotEmpty().allMatch(l -> l.contains(field("stage", "pipeline")));
    }
}
