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

    @Test
    void theDeliveryKeyIgnoresFoldingAndTellsMessagesApart() {
        String received = "from mx.shop.example ([192.0.2.9])\r\n\tby portcullis.test (JAMES SMTP Server) with ESMTP ID"
                + " 5f2a; Mon, 1 Dec 2026 10:00:00 +0000";
        String key = ReputationService.deliveryKey(received);
        assertThat(key).startsWith(ReputationService.DELIVERY_PREFIX).hasSize(ReputationService.DELIVERY_PREFIX.length() + 32);
        assertThat(ReputationService.deliveryKey(received.replace("\r\n\t", " "))).as("unfolded").isEqualTo(key);
        assertThat(ReputationService.deliveryKey(received.replace("5f2a", "5f2b"))).isNotEqualTo(key);
        assertThat(ReputationService.deliveryKey(" ")).isNull();
        assertThat(ReputationService.deliveryKey(null)).isNull();
    }

    @Test
    void aUsersReportLearnsTheRememberedEntitiesOncePerDirection(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        PortcullisConfig config = PortcullisConfig.parse(Map.of("store.directory", dir.toString()), "t");
        try (ReputationService rep = new ReputationService(config, null, dir, java.time.Clock.systemUTC())) {
            List<Entity> entities = Entities.builder().client(InetAddress.getByName("192.0.2.9"))
                    .mailFrom("shop.example", false).build();
            String key = ReputationService.deliveryKey("from x ([192.0.2.9]) by y with ESMTP ID 1; now");
            assertThat(rep.learnReport(key, "u@x", Outcome.REPORTED_SPAM).get()).as("nothing remembered").isEmpty();
            rep.rememberDelivery(key, entities).get();
            assertThat(rep.learnReport(key, "u@x", Outcome.REPORTED_SPAM).get()).containsExactlyInAnyOrderElementsOf(entities);
            assertThat(rep.learnReport(key, "u@x", Outcome.REPORTED_SPAM).get()).as("again: once").isEmpty();
            assertThat(rep.learnReport(key, "v@x", Outcome.REPORTED_SPAM).get()).as("another user").hasSize(3);
            assertThat(rep.learnReport(key, "u@x", Outcome.REPORTED_HAM).get()).as("the other direction").hasSize(3);
            io.portcullis.store.Counters ip = rep.read(List.of(entities.get(0)), List.of()).get().records()
                    .get(entities.get(0));
            io.portcullis.reputation.ReputationRecord r = io.portcullis.reputation.ReputationRecord.of(ip);
            assertThat(r.count(Outcome.REPORTED_SPAM, java.time.Instant.now(), 30)).isEqualTo(2);
            assertThat(r.count(Outcome.REPORTED_HAM, java.time.Instant.now(), 30)).isEqualTo(1);
        }
    }
}
