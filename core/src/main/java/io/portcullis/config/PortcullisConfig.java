package io.portcullis.config;

import io.portcullis.dns.DnsSettings;
import io.portcullis.dnsbl.DnsblSettings;
import io.portcullis.headers.HeaderRuleSettings;
import io.portcullis.network.NetworkSettings;
import io.portcullis.os.OsSettings;
import io.portcullis.verdict.CheckModes;
import io.portcullis.verdict.Policy;
import io.portcullis.reputation.ReputationSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Portcullis configuration file ({@code conf/portcullis.properties}), parsed once into immutable values, one
 * section each. The keys, their types, defaults and meaning are the table {@link Keys}; the README's reference and
 * the sample file are checked against it. Unknown keys and bad values fail with a {@link ConfigException} naming
 * the file, the key and the value. Tests and tools change a parsed configuration through {@link #toBuilder()}.
 */
public final class PortcullisConfig {
    private static final PortcullisConfig DEFAULTS = parse(Map.of(), "<defaults>");

    /** The sections, copied from the builder (never handed out: {@link #toBuilder()} copies again). */
    private final Builder s;

    private PortcullisConfig(Builder b) {
        this.s = b.copy();
    }

    /** Every key at its default. */
    public static PortcullisConfig defaults() {
        return DEFAULTS;
    }

    /** Reads a properties file (UTF-8). */
    public static PortcullisConfig load(Path file) {
        String source = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, source);
        } catch (IOException e) {
            throw new ConfigException(source, "(file)", null, "cannot read: " + e.getMessage());
        }
    }

    /** Reads a properties stream (UTF-8) named {@code source} in error messages. */
    public static PortcullisConfig read(InputStream in, String source) throws IOException {
        Properties p = new Properties();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, "(file)", null, "malformed properties file: " + e.getMessage());
        }
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k));
        }
        return parse(m, source);
    }

    /**
     * Parses key/value pairs, as read from a properties file named {@code source}.
     *
     * @throws ConfigException on an unknown key or a bad value
     */
    public static PortcullisConfig parse(Map<String, String> values, String source) {
        ConfigValues v = ConfigValues.of(values, source);
        Builder b = new Builder(source);
        b.policy = policy(v);
        v.requireKnownKeys();
        b.headersEnabled = v.bool(Keys.HEADERS_ENABLED);
        b.headerRules = HeaderConfig.rules(v);
        b.dns = DnsConfig.dns(v);
        b.dnsbl = DnsConfig.dnsbl(v);
        b.nameservers = NameserverConfig.parse(v);
        b.modes = ModeSettings.parse(v, b.dnsbl.lists(), b.nameservers.settings().lists());
        b.smtp = SmtpSettings.parse(v, b.policy);
        b.store = StoreConfig.parse(v, b.nameservers);
        b.log = LogSettings.parse(v);
        b.report = ReportSettings.parse(v);
        b.network = NetworkConfig.parse(v);
        b.os = OsConfig.parse(v);
        b.reputation = ReputationConfig.parse(v);
        return b.build();
    }

    private static Policy policy(ConfigValues v) {
        double tag = v.number(Keys.POLICY_TAG);
        double tarpit = v.number(Keys.POLICY_TARPIT);
        double reject = v.number(Keys.POLICY_REJECT);
        try {
            return new Policy(tag, tarpit, reject);
        } catch (IllegalArgumentException e) {
            throw v.fail(Keys.POLICY_TAG.name() + "/" + Keys.POLICY_TARPIT.name() + "/" + Keys.POLICY_REJECT.name(),
                    tag + "/" + tarpit + "/" + reject, e.getMessage());
        }
    }

    /** Parses a finite decimal number or fails naming the key and the value. */
    public static double parseNumber(String source, String key, String s) {
        return ConfigValues.number(source, key, s);
    }

    /** Keys and key patterns understood by this version ({@link Keys}), for documentation and error messages. */
    public static List<String> knownKeys() {
        return Keys.names();
    }

    /** Where this configuration came from (file path, or {@code <defaults>}). */
    public String source() {
        return s.source;
    }

    public Policy policy() {
        return s.policy;
    }

    public boolean headersEnabled() {
        return s.headersEnabled;
    }

    public HeaderRuleSettings headerRules() {
        return s.headerRules;
    }

    public DnsSettings dns() {
        return s.dns;
    }

    public DnsblSettings dnsbl() {
        return s.dnsbl;
    }

    /** The SMTP-time settings ({@code smtp.*} keys, see {@link SmtpSettings}). */
    public SmtpSettings smtp() {
        return s.smtp;
    }

    /** The {@code nameservers.*} section (the check is off unless {@code nameservers.enabled = true}). */
    public NameserverConfig nameservers() {
        return s.nameservers;
    }

    /** The {@code store.*} section. */
    public StoreConfig store() {
        return s.store;
    }

    /** The decision log settings ({@code log.*} keys, see {@link LogSettings}). */
    public LogSettings log() {
        return s.log;
    }

    /** Which checks, lists and rules run in observe mode ({@code *.mode} keys, see {@link ModeSettings}). */
    public CheckModes modes() {
        return s.modes;
    }

    /** The daily mailed report settings ({@code report.*} keys, see {@link ReportSettings}). */
    public ReportSettings report() {
        return s.report;
    }

    /** The network owner check ({@code network.*} keys, see {@link NetworkConfig}). */
    public NetworkSettings network() {
        return s.network;
    }

    /** The passive OS fingerprint check ({@code os.*} keys, see {@link OsConfig}). */
    public OsSettings os() {
        return s.os;
    }

    /** Sender reputation ({@code reputation.*} keys, see {@link ReputationConfig}). */
    public ReputationSettings reputation() {
        return s.reputation;
    }

    /** A builder holding this configuration's sections, to change some (tests, tools: {@code lookup --dns}). */
    public Builder toBuilder() {
        return s.copy();
    }

    /** Sections of a configuration; start from {@link #toBuilder()} of a parsed one. */
    public static final class Builder {
        private final String source;
        private Policy policy;
        private boolean headersEnabled;
        private HeaderRuleSettings headerRules;
        private DnsSettings dns;
        private DnsblSettings dnsbl;
        private SmtpSettings smtp;
        private NameserverConfig nameservers;
        private StoreConfig store;
        private LogSettings log;
        private CheckModes modes;
        private ReportSettings report;
        private NetworkSettings network;
        private OsSettings os;
        private ReputationSettings reputation;

        private Builder(String source) {
            this.source = source;
        }

        public Builder dns(DnsSettings d) {
            this.dns = d;
            return this;
        }

        public Builder dnsbl(DnsblSettings d) {
            this.dnsbl = d;
            return this;
        }

        public Builder nameservers(NameserverConfig n) {
            this.nameservers = n;
            return this;
        }

        public Builder store(StoreConfig s) {
            this.store = s;
            return this;
        }

        public Builder log(LogSettings l) {
            this.log = l;
            return this;
        }

        public Builder modes(CheckModes m) {
            this.modes = m;
            return this;
        }

        public Builder report(ReportSettings r) {
            this.report = r;
            return this;
        }

        public Builder network(NetworkSettings n) {
            this.network = n;
            return this;
        }

        public Builder os(OsSettings o) {
            this.os = o;
            return this;
        }

        public Builder reputation(ReputationSettings r) {
            this.reputation = r;
            return this;
        }

        private Builder copy() {
            Builder b = new Builder(source);
            b.policy = policy;
            b.headersEnabled = headersEnabled;
            b.headerRules = headerRules;
            b.dns = dns;
            b.dnsbl = dnsbl;
            b.smtp = smtp;
            b.nameservers = nameservers;
            b.store = store;
            b.log = log;
            b.modes = modes;
            b.report = report;
            b.network = network;
            b.os = os;
            b.reputation = reputation;
            return b;
        }

        public PortcullisConfig build() {
            return new PortcullisConfig(this);
        }
    }
}
