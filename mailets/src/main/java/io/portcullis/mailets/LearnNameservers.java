package io.portcullis.mailets;

import io.portcullis.james.NameserverService;
import io.portcullis.james.PortcullisRuntime;
import io.portcullis.nameservers.LearnedNameservers;
import io.portcullis.nameservers.NsTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.Domain;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <pre>{@code
 * <!-- after the spam decision: learn the nameservers of mail judged spam ... -->
 * <mailet match="IsMarkedAsSpam" class="io.portcullis.mailets.LearnNameservers">
 *     <mode>spam</mode>
 * </mailet>
 * <!-- ... and, optionally, of mail judged ham, so that shared nameservers keep a ham ratio -->
 * <mailet match="org.apache.james.mailetcontainer.impl.matchers.Not" ...>
 * <mailet match="All" class="io.portcullis.mailets.LearnNameservers">
 *     <mode>ham</mode>
 * </mailet>
 * <!-- spam reported by local users: forwarded as an attachment to spam@ (or not-spam@ with mode ham) -->
 * <mailet match="RecipientIs=spam@example.com" class="io.portcullis.mailets.LearnNameservers">
 *     <source>attached</source>
 * </mailet>
 * }</pre>
 *
 * <p>Records, in the state store ({@code store.*} in {@code portcullis.properties}: embedded by default,
 * Redis for several James nodes), the registered domains of the mail's senders (MAIL FROM and From header)
 * against each of their nameserver hosts and addresses. A nameserver that serves at least
 * {@code nameservers.learned.min-spam-domains} distinct spam domains within
 * {@code nameservers.learned.window-days}, with a spam share of at least
 * {@code nameservers.learned.min-spam-ratio}, is then listed (source {@code learned}) for every mail checked
 * by {@code SharesSpamNameserver} or reported by {@code Tag}. Nameservers in the allow list
 * ({@code nameservers.learned.allow}: shared hosting, DNS providers, registrars) are never recorded.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code mode}: {@code spam} (default) or {@code ham};</li>
 *   <li>{@code includeAuthenticated}: also learn from mail that was authenticated, came from an authorised
 *       network or was created by a mailet (default false: a local user's own domain is never learned);</li>
 *   <li>{@code source}: {@code message} (default: the mail's own senders) or {@code attached}: the senders
 *       (Return-Path and From) of the messages attached to it as {@code message/rfc822} parts, at most
 *       {@value #MAX_ATTACHED} per mail, looked up in nested multiparts too. With {@code attached} only reports
 *       from local users are believed (SMTP AUTH or an authorised network); others are ignored, so outsiders
 *       cannot teach the store. The reporter's own mail is not learned.</li>
 * </ul>
 * The server's own domains ({@code MailetContext.isLocalServer}) are never recorded. The mailet uses the
 * nameservers the check already resolved for this mail (attribute {@code io.portcullis.nameservers.view}),
 * or resolves them now on the spooler thread, within the DNS budget. It never fails the mail and never
 * changes its state: a DNS or store failure is logged. It sets {@code io.portcullis.nameservers.learned}
 * (the mode) so that a mail passing twice is learned once. Requires {@code nameservers.enabled = true} and
 * {@code nameservers.learned.enabled = true} (otherwise a warning at init, and it does nothing).
 * Thread-safe.
 */
public class LearnNameservers extends GenericMailet {
    /** Set on a learned mail: {@code spam} or {@code ham}. */
    public static final AttributeName LEARNED = AttributeName.of("io.portcullis.nameservers.learned");

    private static final Logger LOGGER = LoggerFactory.getLogger(LearnNameservers.class);
    /** Attached messages learned per report at most. */
    static final int MAX_ATTACHED = AttachedMessages.MAX;

    private final PortcullisRuntime runtime;
    private volatile LearnedNameservers.Verdict verdict = LearnedNameservers.Verdict.SPAM;
    private volatile boolean includeAuthenticated;
    private volatile boolean attached;

    @Inject
    public LearnNameservers(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("mode", "includeAuthenticated", "source"));
        String mode = getInitParameter("mode", "spam").trim().toLowerCase(Locale.ROOT);
        if (mode.equals("spam")) {
            verdict = LearnedNameservers.Verdict.SPAM;
        } else if (mode.equals("ham")) {
            verdict = LearnedNameservers.Verdict.HAM;
        } else {
            throw new MessagingException("LearnNameservers: mode must be spam or ham, got '" + mode + "'");
        }
        String inc = getInitParameter("includeAuthenticated", "false").trim().toLowerCase(Locale.ROOT);
        if (!inc.equals("true") && !inc.equals("false")) {
            throw new MessagingException("LearnNameservers: includeAuthenticated must be true or false, got '" + inc + "'");
        }
        includeAuthenticated = inc.equals("true");
        String source = getInitParameter("source", "message").trim().toLowerCase(Locale.ROOT);
        if (!source.equals("message") && !source.equals("attached")) {
            throw new MessagingException("LearnNameservers: source must be message or attached, got '" + source + "'");
        }
        attached = source.equals("attached");
        NameserverService ns = runtime.nameservers();
        if (ns == null || ns.learned() == null) {
            LOGGER.warn("Portcullis: LearnNameservers is used but {} in {}: it will learn nothing",
                    ns == null ? "nameservers.enabled is not true" : "nameservers.learned.enabled is false",
                    runtime.config().source());
        }
    }

    @Override
    public String getMailetInfo() {
        return "Portcullis: records the nameservers of mail judged spam (or ham) for the learned source";
    }

    @Override
    public void service(Mail mail) {
        try {
            NameserverService ns = runtime.nameservers();
            if (ns == null || ns.learned() == null) {
                return;
            }
            String mode = verdict.name().toLowerCase(Locale.ROOT);
            Optional<Attribute> done = mail.getAttribute(LEARNED);
            if (done.isPresent() && mode.equals(done.get().getValue().value())) {
                return;
            }
            int n;
            if (attached) {
                if (!isLocalOrigin(mail)) {
                    LOGGER.info("Portcullis: LearnNameservers ignores the report {} from {}: not from a local user "
                            + "(SMTP AUTH or an authorised network)", mail.getName(), mail.getRemoteAddr());
                    return;
                }
                n = 0;
                for (NsTargets t : attachedSenders(mail.getMessage())) {
                    n += ns.learnReported(t, verdict, this::isLocalDomain, mail);
                }
            } else {
                if (!includeAuthenticated && isLocalOrigin(mail)) {
                    LOGGER.debug("Portcullis: LearnNameservers skips mail {} (authenticated or local origin)",
                            mail.getName());
                    return;
                }
                n = ns.learn(mail, verdict, this::isLocalDomain);
            }
            if (n > 0) {
                mail.setAttribute(new Attribute(LEARNED, AttributeValue.of(mode)));
            }
            LOGGER.debug("Portcullis: LearnNameservers recorded {} sender domain(s) of mail {} as {}", n,
                    mail.getName(), mode);
        } catch (MessagingException | RuntimeException e) {
            LOGGER.warn("Portcullis: LearnNameservers failed on mail {}; the mail goes on", safeName(mail), e);
        }
    }

    /**
     * The senders (Return-Path, From) of the {@code message/rfc822} parts of {@code message}, in nested multiparts
     * too; at most {@value #MAX_ATTACHED}. Unreadable parts are skipped.
     */
    static List<NsTargets> attachedSenders(Part message) {
        List<NsTargets> out = new ArrayList<>();
        for (MimeMessage m : AttachedMessages.of(message)) {
            try {
                NsTargets t = senders(m);
                if (!t.isEmpty()) {
                    out.add(t);
                }
            } catch (MessagingException | RuntimeException e) {
                LOGGER.debug("Portcullis: LearnNameservers skips an unreadable attached message", e);
            }
        }
        return out;
    }

    private static NsTargets senders(MimeMessage m) throws MessagingException {
        NsTargets.Builder b = NsTargets.builder();
        AttachedMessages.domainOf(m.getHeader("Return-Path", ",")).ifPresent(b::mailFrom);
        AttachedMessages.domainOf(m.getHeader("From", ",")).ifPresent(b::fromHeader);
        return b.build();
    }


    private boolean isLocalDomain(String domain) {
        try {
            return getMailetContext().isLocalServer(Domain.of(domain));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean isLocalOrigin(Mail mail) {
        if (mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent() || mail.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName()).isPresent()) {
            return true;
        }
        Optional<Attribute> net = mail.getAttribute(AttributeName.of("org.apache.james.SMTPIsAuthNetwork"));
        return net.map(a -> a.getValue().value()).map(v -> Boolean.TRUE.equals(v) || "true".equals(v)).orElse(false);
    }

    private static String safeName(Mail mail) {
        try {
            return mail.getName();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
