package io.portcullis.mailets;

import io.portcullis.james.PipelineDecision;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.james.TarpitMemory;
import io.portcullis.net.Hosts;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the SMTP client address of a mail (placed after a spam decision), so that the next connections from
 * there are tarpitted by {@code io.portcullis.smtp.PortcullisSmtpHandler} (and refused at RCPT with
 * {@code smtp.tarpit.reject-remembered = true}).
 *
 * <pre>{@code
 * <mailet match="IsMarkedAsSpam" class="io.portcullis.mailets.Tarpit">
 *     <remember>6h</remember>        <!-- how long: 90s, 30m, 6h, 7d (default 1h) -->
 *     <ipv4Prefix>32</ipv4Prefix>    <!-- 24: remember the /24 (default 32: the address only) -->
 *     <ipv6Prefix>64</ipv6Prefix>    <!-- default 64 -->
 * </mailet>
 * }</pre>
 *
 * Mail that was authenticated, came from an authorised network or was created by a mailet is never remembered.
 * The memory is the {@link TarpitMemory} store: by default the shared state store of {@code store.*} (embedded
 * journal, or Redis for several nodes); {@code smtp.tarpit.store} can give it a store of its own. Never fails the
 * mail: a store failure is logged as a warning and counted ({@code portcullis_tarpit_remember_failed}). The mail
 * goes on unchanged. Each address remembered (stored) is a decision log line (stage {@code pipeline}, action
 * {@code tarpit}, reason {@code remember}); an address the store failed to take is not.
 */
public class Tarpit extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(Tarpit.class);
    private static final AttributeName AUTH_USER = Mail.SMTP_AUTH_USER;
    private static final AttributeName AUTH_NETWORK = AttributeName.of("org.apache.james.SMTPIsAuthNetwork");

    private final TarpitMemory memory;
    /** For the decision log; null in tests that need none. */
    private final PortcullisRuntime runtime;
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    private volatile Duration remember;
    private volatile int v4Prefix;
    private volatile int v6Prefix;

    @Inject
    public Tarpit(TarpitMemory memory, PortcullisRuntime runtime) {
        this.memory = memory;
        this.runtime = runtime;
    }

    /** Without a decision log (tests). */
    public Tarpit(TarpitMemory memory) {
        this(memory, null);
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("remember", "ipv4Prefix", "ipv6Prefix"));
        remember = parseDuration(getInitParameter("remember", "1h"));
        v4Prefix = prefix("ipv4Prefix", 32, 32);
        v6Prefix = prefix("ipv6Prefix", 64, 128);
    }

    private int prefix(String name, int def, int max) throws MessagingException {
        String v = getInitParameter(name, String.valueOf(def)).trim();
        try {
            int p = Integer.parseInt(v);
            if (p < 8 || p > max) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new MessagingException("Tarpit: " + name + " must be between 8 and " + max + ", got '" + v + "'");
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 6h}, {@code 7d}, or plain seconds. */
    static Duration parseDuration(String text) throws MessagingException {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.matches("\\d+")) {
                return positive(Duration.ofSeconds(Long.parseLong(t)), text);
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return positive(Duration.ofSeconds(n), text);
                case 'm':
                    return positive(Duration.ofMinutes(n), text);
                case 'h':
                    return positive(Duration.ofHours(n), text);
                case 'd':
                    return positive(Duration.ofDays(n), text);
                default:
                    throw new NumberFormatException();
            }
        } catch (RuntimeException e) {
            throw new MessagingException("Tarpit: remember must be a duration like 90s, 30m, 6h or 7d, got '" + text
                    + "'");
        }
    }

    private static Duration positive(Duration d, String text) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(text);
        }
        return d;
    }

    @Override
    public String getMailetInfo() {
        return "Portcullis: remembers the sender's address so that SMTP-time checks tarpit it";
    }

    @Override
    public void service(Mail mail) {
        if (mail.getAttribute(AUTH_USER).isPresent() || isTrue(mail.getAttribute(AUTH_NETWORK).orElse(null))
                || mail.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName()).isPresent()) {
            return;
        }
        InetAddress address = literal(mail.getRemoteAddr());
        if (address == null || address.isAnyLocalAddress()) {
            return;
        }
        try {
            memory.remember(address, v4Prefix, v6Prefix, remember).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(address, e);
            return;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failed(address, e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
            return;
        }
        // only what was stored is logged and recorded
        LOGGER.info("Portcullis: remembering {} for the tarpit for {}", address.getHostAddress(), remember);
        if (runtime != null) {
            PipelineDecision.remembered(runtime, mail);
        }
    }

    private void failed(InetAddress address, Throwable e) {
        failures.incrementAndGet();
        if (runtime != null) {
            runtime.increment("portcullis_tarpit_remember_failed");
        }
        LOGGER.warn("Portcullis: could not remember {} for the tarpit: {}", address.getHostAddress(), e.toString());
    }

    /** Addresses not remembered because the store failed (also the counter portcullis_tarpit_remember_failed). */
    public long failures() {
        return failures.get();
    }

    private static boolean isTrue(Attribute a) {
        if (a == null) {
            return false;
        }
        Object v = a.getValue().value();
        return Boolean.TRUE.equals(v) || "true".equals(v);
    }

    private static InetAddress literal(String s) {
        return Hosts.address(s);
    }
}
