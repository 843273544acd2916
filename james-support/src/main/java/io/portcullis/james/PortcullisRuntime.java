package io.portcullis.james;

import io.portcullis.config.ConfigException;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.headers.HeaderChecker;
import io.portcullis.headers.HeaderInput;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.MessageEvaluator;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state Portcullis shares between all its matchers, mailets and SMTP hooks inside one James: the
 * configuration (read once from {@code portcullis.properties} in James's configuration directory) and the
 * evaluator built from it.
 *
 * <p>One instance per James server: bound as an eager singleton by {@link PortcullisModule} when that
 * module is listed in {@code conf/extensions.properties}, and otherwise created just in time by Guice
 * (the class is {@code @Singleton} with an {@code @Inject} constructor), so adapters work either way.
 *
 * <p>A missing {@code portcullis.properties} means defaults (logged once). A bad value throws a
 * {@link ConfigException} naming the file, the key and the value, which stops James at startup.
 *
 * <p>Thread-safe and immutable.
 */
@Singleton
public class PortcullisRuntime {
    /** Name of the Portcullis configuration file inside James's configuration directory. */
    public static final String FILE_NAME = "portcullis.properties";

    private static final Logger LOGGER = LoggerFactory.getLogger(PortcullisRuntime.class);

    private final PortcullisConfig config;
    private final MessageEvaluator evaluator;
    private final Function<HeaderInput, List<Finding>> headerCheck;

    /** Guice entry point: locates {@code portcullis.properties} the way James locates its own files. */
    @Inject
    public PortcullisRuntime(FileSystem fileSystem, Configuration.ConfigurationPath configurationPath) {
        this(loadFromJames(fileSystem, configurationPath));
    }

    /** A runtime for an already-loaded configuration (tests, tools). */
    public PortcullisRuntime(PortcullisConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.evaluator = new MessageEvaluator(config);
        this.headerCheck = evaluator::headerFindings;
    }

    private PortcullisRuntime(PortcullisConfig config, Function<HeaderInput, List<Finding>> headerCheck) {
        this.config = Objects.requireNonNull(config, "config");
        this.evaluator = new MessageEvaluator(config);
        this.headerCheck = Objects.requireNonNull(headerCheck, "headerCheck");
    }

    /** A runtime whose header check is replaced, for tests of the adapters. */
    public static PortcullisRuntime withHeaderCheck(PortcullisConfig config,
            Function<HeaderInput, List<Finding>> headerCheck) {
        return new PortcullisRuntime(config, headerCheck);
    }

    public PortcullisConfig config() {
        return config;
    }

    public MessageEvaluator evaluator() {
        return evaluator;
    }

    /**
     * All findings recorded on the mail, running the header check first if no earlier stage recorded it
     * (attribute {@value MailAttributes#CHECKS_NAME} lacks {@code headers}). The header findings are stored back
     * on the mail, so later matchers and mailets do not repeat the work. Never throws: a message that cannot be
     * read gives no header findings (logged).
     */
    public List<Finding> findings(Mail mail) {
        if (!MailAttributes.checks(mail).contains(HeaderChecker.CHECK)) {
            List<Finding> headerFindings;
            try {
                headerFindings = headerCheck.apply(MailHeaderInputs.from(mail));
            } catch (RuntimeException e) {
                LOGGER.warn("Portcullis: header check failed on mail {}; treating it as neutral", safeName(mail), e);
                headerFindings = List.of();
            }
            MailAttributes.storeFindings(mail, HeaderChecker.CHECK, headerFindings);
        }
        return MailAttributes.findings(mail);
    }

    /** The header findings of the mail (computing them if needed). */
    public List<Finding> headerFindings(Mail mail) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings(mail)) {
            if (HeaderChecker.CHECK.equals(f.check())) {
                out.add(f);
            }
        }
        return out;
    }

    private static String codeSource() {
        try {
            return String.valueOf(PortcullisRuntime.class.getProtectionDomain().getCodeSource().getLocation());
        } catch (RuntimeException e) {
            return "?";
        }
    }

    static String safeName(Mail mail) {
        try {
            return mail.getName();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /**
     * Reads {@code portcullis.properties} from James's configuration directory ({@code file://conf/} in a
     * real server, {@code classpath:} when a test uses {@code configurationFromClasspath()}).
     */
    static PortcullisConfig loadFromJames(FileSystem fileSystem, Configuration.ConfigurationPath configurationPath) {
        String url = configurationPath.asString() + FILE_NAME;
        String source = describe(fileSystem, url);
        try (InputStream in = fileSystem.getResource(url)) {
            PortcullisConfig config = parse(in, source);
            LOGGER.info("Portcullis: configuration loaded from {} ({}); classes from {}", source, config.policy(),
                    codeSource());
            return config;
        } catch (FileNotFoundException e) {
            LOGGER.info("Portcullis: no {} found at {}; using built-in defaults ({})", FILE_NAME, source,
                    PortcullisConfig.defaults().policy());
            return PortcullisConfig.defaults();
        } catch (IOException e) {
            if (isMissing(fileSystem, url)) {
                LOGGER.info("Portcullis: no {} found at {}; using built-in defaults ({})", FILE_NAME, source,
                        PortcullisConfig.defaults().policy());
                return PortcullisConfig.defaults();
            }
            throw new ConfigException(source, "(file)", null, "cannot read: " + e);
        }
    }

    /** Parses a properties stream (UTF-8) named {@code source} in error messages. */
    public static PortcullisConfig parse(InputStream in, String source) throws IOException {
        Properties p = new Properties();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, "(file)", null, "malformed properties file: " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            values.put(k, p.getProperty(k));
        }
        return PortcullisConfig.parse(values, source);
    }

    private static boolean isMissing(FileSystem fileSystem, String url) {
        try {
            File f = fileSystem.getFile(url);
            return f != null && !f.exists();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String describe(FileSystem fileSystem, String url) {
        if (url.startsWith(FileSystem.CLASSPATH_PROTOCOL)) {
            return url;
        }
        try {
            File f = fileSystem.getFile(url);
            return f == null ? url : f.getAbsolutePath();
        } catch (IOException | RuntimeException e) {
            return url;
        }
    }
}
