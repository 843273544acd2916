package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Client signatures case by case: forged client claims, imitated Microsoft ids, bulk mailers; exact texts. */
class MuaSignaturesTest {
    /** 22 Aug 2002 11:34:56 UTC in Microsoft's FILETIME $-format. */
    private static final String MS_ID = "001201c249cf$f064f000$0a01a8c0@pc";
    private static final long MS_TIME = 1030016096L;

    private static ParsedHeader header(String... fields) {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            sb.append(f).append("\r\n");
        }
        return HeaderParser.parse(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String forged(String id, boolean imitation, String... fields) {
        return MuaSignatures.forgedMua(header(fields), MessageId.parse("<" + id + ">"), imitation);
    }

    @Test
    void forgedClientClaims() {
        assertThat(forged("abc@x.example", false, "X-Mailer: Microsoft Outlook Express 6.00.2800.1106"))
                .isEqualTo("X-Mailer claims Outlook Express but Message-ID <abc@x.example> is not in its format");
        assertThat(forged(MS_ID, false, "X-Mailer: Microsoft Outlook Express 6.00.2800.1106")).isNull();
        assertThat(forged("Hot-mail1234567890123456789@hotmail.com", false, "X-Mailer: Outlook Express 5.5")).isNull();
        assertThat(forged("abc@x.example", false, "X-Mailer: Microsoft Outlook 8.5, Build 4.71.2173.0"))
                .isEqualTo("X-Mailer claims Microsoft Outlook but Message-ID <abc@x.example> is not in its format");
        assertThat(forged(MS_ID, false, "X-Mailer: Microsoft Outlook 8.5, Build 4.71.2173.0")).isNull();
        assertThat(forged("!~!abc@x.example", false, "X-Mailer: Microsoft Outlook, Build 10.0.2627")).isNull();
        assertThat(forged("0123456789ABCDEF0123456789ABCDEF@x.example", false,
                "X-Mailer: Microsoft Outlook CWS, Build 9.0.2416")).isNull();
        assertThat(forged("abc@x.example", false, "X-Mailer: Mozilla 4.7 [en] (Win98; I)"))
                .isEqualTo("X-Mailer claims Netscape/Mozilla but Message-ID <abc@x.example> is not in its format");
        assertThat(forged("3D5E1A2B.5060708@x.example", false, "X-Mailer: Mozilla 4.7 [en] (Win98; I)")).isNull();
        assertThat(forged("abc@x.example", false, "X-Mailer: The Bat! (v1.61)"))
                .isEqualTo("X-Mailer claims The Bat! but Message-ID <abc@x.example> is not in its format");
        assertThat(forged("12345.20020822123456@x.example", false, "X-Mailer: The Bat! (v1.61)")).isNull();
        assertThat(forged("abc@x.example", false, "User-Agent: Mozilla/5.0 (X11; Linux) Thunderbird/102.0"))
                .isEqualTo("User-Agent claims Mozilla/Thunderbird but Message-ID <abc@x.example> is not in its format");
        assertThat(forged("a1b2c3d4-e5f6-1234-9abc-def012345678@x.example", false,
                "User-Agent: Mozilla/5.0 Thunderbird")).isNull();
        assertThat(forged("abc@x.example", false, "User-Agent: Mozilla/5.0 Thunderbird", "X-Mailer: Foo 1.0"))
                .as("the User-Agent is judged only without an X-Mailer").isNull();
        assertThat(forged("abc@x.example", false, "X-Mailer: Foo 1.0")).isNull();
        assertThat(forged("abc@x.example", false, "Subject: none")).isNull();
    }

    @Test
    void microsoftImitations() {
        assertThat(forged("0000001a$00000000$0a01a8c0@pc", true, "X-Mailer: Microsoft Outlook Express 6.00"))
                .isEqualTo("X-Mailer claims Microsoft Outlook Express 6.00 but Message-ID <0000001a$00000000$0a01a8c0@pc>"
                        + " only imitates that client's format");
        assertThat(forged("0000001a$00000000$0a01a8c0@pc", true, "X-MSMail-Priority: Normal"))
                .isEqualTo("X-MSMail-Priority claims a Microsoft client but Message-ID <0000001a$00000000$0a01a8c0@pc>"
                        + " only imitates that client's format");
        assertThat(forged("0000001a$00000000$0a01a8c0@pc", true, "X-Mailer: Foo", "Subject: x")).isNull();
        assertThat(forged("0000001a$00000000$0a01a8c0@pc", false, "X-MSMail-Priority: Normal")).isNull();
    }

    @Test
    void regeneratedIdsSayNothingAboutTheClient() {
        assertThat(forged("mailman.12.34.list@x.example", false, "X-Mailer: Outlook Express 6.0")).isNull();
        assertThat(forged("abc@x.example", false, "X-Mailer: Outlook Express 6.0",
                "Received: from a by b (iPlanet Messaging Server 5.2)")).isNull();
        assertThat(forged("abc@x.example", false, "X-Mailer: Outlook Express 6.0",
                "Received: from a by b (8.12/CWT/DCE)")).isNull();
        assertThat(forged("abc@x.example", false, "X-Mailer: Outlook Express 6.0", "Received: from a by b"))
                .isNotNull();
        assertThat(MuaSignatures.forgedMua(header("X-Mailer: Outlook Express 6.0"), null, false)).isNull();
        assertThat(MuaSignatures.forgedMua(header("X-Mailer: Outlook Express 6.0"), MessageId.parse("no id"), false))
                .isNull();
        assertThat(MuaSignatures.ratwareMsHeaders(header("Received: from a by b (iPlanet Messaging Server 5.2)"),
                MessageId.parse("<0000001a$00000000$0a01a8c0@pc>"), () -> MS_TIME)).isNull();
    }

    @Test
    void clippedIds() {
        String id = "a".repeat(50) + "@x.example"; // 60
        assertThat(forged(id, false, "X-Mailer: The Bat! (v1.61)"))
                .isEqualTo("X-Mailer claims The Bat! but Message-ID <" + id + "> is not in its format");
        String longer = "a".repeat(51) + "@x.example";
        assertThat(forged(longer, false, "X-Mailer: The Bat! (v1.61)"))
                .isEqualTo("X-Mailer claims The Bat! but Message-ID <" + longer.substring(0, 60) + "...> is not in its format");
        assertThat(forged("a~b@x.example", false, "X-Mailer: The Bat! \u007f\u00e9 ~"))
                .isEqualTo("X-Mailer claims The Bat! but Message-ID <a~b@x.example> is not in its format");
        assertThat(forged("0000001a$00000000$0a01a8c0@pc", true, "X-Mailer: Microsoft Outlook \u007f\u00e9 ~"))
                .startsWith("X-Mailer claims Microsoft Outlook ?? ~ but");
    }

    private static String ratware(String id, long reference) {
        return MuaSignatures.ratwareMsHeaders(header("Subject: x"), MessageId.parse("<" + id + ">"), () -> reference);
    }

    @Test
    void microsoftIdsAgainstTheReferenceTime() {
        assertThat(ratware(MS_ID, MS_TIME)).isNull();
        assertThat(ratware(MS_ID, MS_TIME + MuaSignatures.MS_ID_SLACK_SECONDS)).isNull();
        assertThat(ratware(MS_ID, MS_TIME - MuaSignatures.MS_ID_SLACK_SECONDS - 1)).isEqualTo("Message-ID <" + MS_ID
                + "> imitates the Microsoft $-format: the time it encodes is 2 days away from the Date");
        assertThat(ratware(MS_ID, MS_TIME + 3650L * 86400)).isEqualTo("Message-ID <" + MS_ID
                + "> imitates the Microsoft $-format: the time it encodes is 3650 days away from the Date");
        assertThat(ratware(MS_ID, MS_TIME + 3650L * 86400 + 1)).isEqualTo("Message-ID <" + MS_ID
                + "> imitates the Microsoft $-format: the time it encodes is more than ten years away from the Date");
        // without a reference only an implausible time (before 1995) is judged
        assertThat(ratware(MS_ID, ReceivedTrace.NONE)).isNull();
        assertThat(ratware("0000000000000000$00000000$0a01a8c0@pc", ReceivedTrace.NONE)).isEqualTo(
                "Message-ID <0000000000000000$00000000$0a01a8c0@pc> imitates the Microsoft $-format: the time it "
                        + "encodes is before 1995");
        // 01b9b90a:9f21c000 is 1995-01-01T00:00:00Z exactly: plausible
        assertThat(MuaSignatures.msIdEpochSecond("01b9b90a$9f21c000$00000000@pc")).isEqualTo(788918400L);
        assertThat(ratware("01b9b90a$9f21c000$00000000@pc", ReceivedTrace.NONE)).isNull();
        assertThat(ratware("01b9b90a$9e892980$00000000@pc", ReceivedTrace.NONE)).isNotNull();
        // not the $-format
        assertThat(ratware("abc@x.example", MS_TIME)).isNull();
        assertThat(ratware("ab$cd@x.example", MS_TIME + 100 * 86400)).isNull();
        assertThat(MuaSignatures.ratwareMsHeaders(header(), null, () -> MS_TIME)).isNull();
        assertThat(MuaSignatures.ratwareMsHeaders(header(), MessageId.parse("junk"), () -> MS_TIME)).isNull();
    }

    @Test
    void bulkMailers() {
        assertThat(MuaSignatures.bulkMailer(header("X-Mailer: Advanced Mass Sender 4.2")))
                .isEqualTo("X-Mailer 'Advanced Mass Sender 4.2' is mass-mailing software");
        assertThat(MuaSignatures.bulkMailer(header("X-Mailer: MailBlaster Pro"))).isNotNull();
        assertThat(MuaSignatures.bulkMailer(header("X-Mailer: Thunderbird"))).isNull();
        assertThat(MuaSignatures.bulkMailer(header("Subject: x"))).isNull();
    }
}
