package io.portcullis.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads James's Prometheus route (WebAdmin {@code GET /metrics}) in tests and benchmarks. */
public final class Prometheus {
    private Prometheus() {
    }

    /** The text of {@code GET http://127.0.0.1:PORT/metrics}; throws unless 200. */
    public static String scrape(int webAdminPort) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + webAdminPort + "/metrics")
                .openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        try {
            if (c.getResponseCode() != 200) {
                throw new IOException("GET /metrics: HTTP " + c.getResponseCode());
            }
            try (InputStream in = c.getInputStream()) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                return new String(b.toByteArray(), StandardCharsets.UTF_8);
            }
        } finally {
            c.disconnect();
        }
    }

    /** The value of the sample {@code name} (without labels), if the scrape has it. */
    public static OptionalDouble value(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([-+0-9.eE]+|NaN)$").matcher(scrape);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }
}
