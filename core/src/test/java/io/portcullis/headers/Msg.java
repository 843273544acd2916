package io.portcullis.headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: a well-formed message whose header lines can be replaced, added or removed. */
final class Msg {
    static final String[] GOOD = {
        "Received: from mail.example.org (mail.example.org [192.0.2.10])",
        "\tby mx.example.net (Postfix) with ESMTP id 3F2A1",
        "\tfor <bob@example.net>; Thu, 22 Aug 2002 12:36:16 +0100 (IST)",
        "Received: from pc.example.org ([192.0.2.55]) by mail.example.org with ESMTP;",
        " Thu, 22 Aug 2002 12:35:00 +0100",
        "From: Alice Example <alice@example.org>",
        "To: Bob <bob@example.net>",
        "Subject: Lunch on Friday",
        "Date: Thu, 22 Aug 2002 12:34:56 +0100",
        "Message-ID: <20020822123456.1234@example.org>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
    };

    private final List<String> lines = new ArrayList<>(List.of(GOOD));
    private String separator = "";
    private String body = "Hello Bob,\r\nsee you.\r\n";
    private String eol = "\r\n";

    static Msg good() {
        return new Msg();
    }

    /** Replaces the (first physical) line starting with {@code prefix}, case-insensitively. */
    Msg set(String prefix, String line) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).regionMatches(true, 0, prefix, 0, prefix.length())) {
                lines.set(i, line);
                return this;
            }
        }
        throw new IllegalArgumentException("no line " + prefix);
    }

    Msg remove(String prefix) {
        lines.removeIf(l -> l.regionMatches(true, 0, prefix, 0, prefix.length()));
        return this;
    }

    Msg add(String line) {
        lines.add(line);
        return this;
    }

    Msg noSeparator() {
        separator = null;
        return this;
    }

    Msg eol(String e) {
        eol = e;
        return this;
    }

    Msg body(String b) {
        body = b;
        return this;
    }

    byte[] bytes() {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append(eol);
        }
        if (separator != null) {
            sb.append(separator).append(eol);
        }
        sb.append(body);
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    HeaderInput input() {
        return HeaderInput.of(bytes());
    }
}
