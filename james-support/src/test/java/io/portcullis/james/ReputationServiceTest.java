package io.portcullis.james;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.verdict.CheckModes;
import io.portcullis.reputation.Entities;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.Outcome;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

class ReputationServiceTest {
    @Test
    void theEntitiesSurviveTheMailQueuesJsonRoundTrip() throws Exception {
        List<Entity> entities = Entities.builder().client(InetAddress.getByName("2001:db8::7")).asn(64496L)
                .helo("mx.example.org").mailFrom("example.org", true).from("example.org").build();
        FakeMail mail = FakeMail.builder().name("m").build();
        ReputationService.storeEntities(mail, entities);
        AttributeValue<?> value = mail.getAttribute(ReputationService.ENTITIES).orElseThrow().getValue();
        // what James's RabbitMQ mail queue does: serialise to JSON, read back on another node
        AttributeValue<?> back = AttributeValue.fromJson(value.toJson().orElseThrow());
        assertThat(back).isEqualTo(value);
        FakeMail other = FakeMail.builder().name("m2").build();
        other.setAttribute(new Attribute(ReputationService.ENTITIES, back));
        assertThat(ReputationService.entities(other)).isEqualTo(entities);
    }

    @Test
    void withoutTheAttributeTheMailsOwnFactsAreUsedUnverified() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").remoteAddr("192.0.2.9").sender("a@shop.example")
                .mimeMessage(org.apache.james.core.builder.MimeMessageBuilder.mimeMessageBuilder()
                        .addFrom("b@news.shop.example").setSubject("x").setText("x").build()).build();
        assertThat(ReputationService.entities(mail)).extracting(Entity::storeKey).containsExactly("rep:ip:192.0.2.9",
                "rep:net:192.0.2.0/24", "rep:mail-from:shop.example@192.0.2.0/24", "rep:from:shop.example@192.0.2.0/24");
    }

    @Test
    void thePipelineNeverLearnsAVerdictReputationDecided() {
        PortcullisConfig config = PortcullisConfig.parse(Map.of(), "t"); // tag 5, reject 15
        ReputationService rep = new ReputationService(config, null, null, java.time.Clock.systemUTC());
        Finding header = new Finding("headers", "MISSING_DATE", 3.5, "");
        Finding bad = new Finding("reputation", "IP", 4, "");
        Finding good = new Finding("reputation", "IP", -2, "");
        assertThat(rep.pipelineOutcome(List.of(header), CheckModes.ENFORCE_ALL)).contains(Outcome.CLEAN);
        assertThat(rep.pipelineOutcome(List.of(header, bad), CheckModes.ENFORCE_ALL)).as("tagged by reputation").isEmpty();
        Finding listed = new Finding("dnsbl", "zen", 6, "");
        assertThat(rep.pipelineOutcome(List.of(listed, good), CheckModes.ENFORCE_ALL)).as("let through by reputation")
                .isEmpty();
        assertThat(rep.pipelineOutcome(List.of(listed, new Finding("dnsbl", "dbl", 10, ""), bad),
                CheckModes.ENFORCE_ALL)).contains(Outcome.REFUSED);
    }
}
