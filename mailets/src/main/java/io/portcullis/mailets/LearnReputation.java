package io.portcullis.mailets;

import io.portcullis.james.PortcullisRuntime;
import io.portcullis.james.ReputationService;
import io.portcullis.verdict.CheckModes;
import io.portcullis.reputation.Entities;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.Outcome;
import io.portcullis.verdict.Finding;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teaches sender reputation ({@code reputation.*} in {@code portcullis.properties}) from the pipeline:
 *
 * <pre>{@code
 * <!-- after Tag: learn the pipeline's verdict (clean, tagged, or rejected) for the mail's entities -->
 * <mailet match="All" class="io.portcullis.mailets.LearnReputation"/>
 * <!-- users' reports: spam forwarded as an attachment to spam@ (mode ham for not-spam@) -->
 * <mailet match="RecipientIs=spam@example.com" class="io.portcullis.mailets.LearnReputation">
 *     <source>attached</source>
 * </mailet>
 * }</pre>
 *
 * <p>{@code source = verdict} (default): the outcome of the mail's verdict (the findings attached so far, the
 * policy's thresholds: reject → refused, tag or tarpit → tagged, accept → clean) is learned for the entities the SMTP
 * handler attached ({@value ReputationService#ENTITIES_NAME}; else the client address, its network and the sender
 * domains keyed with the network). Never learned when reputation decided the verdict: the findings without
 * reputation's own must give the same outcome. Mail from local users (SMTP AUTH, authorised networks, mailets) is
 * skipped. The mail's entities are also kept (for {@code reputation.window-days}) under a digest of its topmost
 * {@code Received} header, which this server wrote, so that {@link SpamFolderListener} can learn a user's later move
 * of the message into or out of the spam folder for the very same records.
 *
 * <p>{@code source = attached}: for each {@code message/rfc822} part (at most 20, nested multiparts too) of a report
 * from a local user, "reported spam" ({@code mode = spam}, default) or "reported not spam" ({@code mode = ham}) is
 * learned for the attached message's client address (the topmost {@code Received} header's bracketed address: the
 * one this server wrote), its network, and its Return-Path and From domains keyed with that network. Reports from
 * others are ignored.
 *
 * <p>Sets {@code io.portcullis.reputation.learned} so a mail is learned once. Never fails the mail. Thread-safe.
 */
public class LearnReputation extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(LearnReputation.class);
    static final int MAX_ATTACHED = AttachedMessages.MAX;
    private static final Pattern BRACKETED = Pattern.compile("\\[(?:IPv6:)?([0-9A-Fa-f:.]+)\\]");

    private final PortcullisRuntime runtime;
    private volatile boolean attached;
    private volatile Outcome reported = Outcome.REPORTED_SPAM;

    @Inject
    public LearnReputation(PortcullisRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("source", "mode"));
        String source = getInitParameter("source", "verdict").trim().toLowerCase(Locale.ROOT);
        if (!source.equals("verdict") && !source.equals("attached")) {
            throw new MessagingException("LearnReputation: source must be verdict or attached, got '" + source + "'");
        }
        attached = source.equals("attached");
        String mode = getInitParameter("mode", "spam").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("spam") && !mode.equals("ham")) {
            throw new MessagingException("LearnReputation: mode must be spam or ham, got '" + mode + "'");
        }
        reported = mode.equals("spam") ? Outcome.REPORTED_SPAM : Outcome.REPORTED_HAM;
        if (!runtime.reputation().enabled()) {
            LOGGER.warn("Portcullis: LearnReputation is used but reputation.enabled is false: it will learn nothing");
        }
    }

    @Override
    public String getMailetInfo() {
        return "Portcullis: learns sender reputation from verdicts and users' reports";
    }

    @Override
    public void service(Mail mail) {
        try {
            ReputationService rep = runtime.reputation();
            if (!rep.enabled() || mail.getAttribute(ReputationService.LEARNED).isPresent()) {
                return;
            }
            if (attached) {
                if (!LocalOrigin.of(mail)) {
                    LOGGER.info("Portcullis: LearnReputation ignores the report {} from {}: not from a local user",
                            mail.getName(), mail.getRemoteAddr());
                    return;
                }
                int n = 0;
                for (MimeMessage m : attachedMessages(mail.getMessage())) {
                    List<Entity> entities = reportedEntities(m);
                    if (!entities.isEmpty()) {
                        awaitQuietly(rep.learn(entities, reported));
                        n++;
                    }
                }
                mail.setAttribute(new Attribute(ReputationService.LEARNED, AttributeValue.of(reported.id())));
                LOGGER.info("Portcullis: LearnReputation learned {} reported message(s) as {}", n, reported.id());
                return;
            }
            if (LocalOrigin.of(mail)) {
                return;
            }
            // kept for users' later reports (moving the message into or out of the spam folder)
            String[] received = mail.getMessage().getHeader("Received");
            awaitQuietly(rep.rememberDelivery(ReputationService.deliveryKey(received == null || received.length == 0
                    ? null : received[0]), ReputationService.entities(mail)));
            List<Finding> findings = runtime.allFindings(mail);
            Optional<Outcome> outcome = rep.pipelineOutcome(runtime.config().modes().enforced(findings),
                    CheckModes.ENFORCE_ALL);
            if (outcome.isEmpty()) {
                LOGGER.debug("Portcullis: LearnReputation skips mail {}: reputation decided its verdict", mail.getName());
                return;
            }
            awaitQuietly(rep.learn(ReputationService.entities(mail), outcome.get()));
            mail.setAttribute(new Attribute(ReputationService.LEARNED, AttributeValue.of(outcome.get().id())));
        } catch (MessagingException | RuntimeException e) {
            LOGGER.warn("Portcullis: LearnReputation failed on mail {}; the mail goes on", mail.getName(), e);
        }
    }

    /**
     * Waits (on the spooler thread, at most 2 s: the store's own timeout is shorter) until the store took the
     * update, so that what a mail teaches is in the store when the next mail of the sender is judged.
     */
    private static void awaitQuietly(java.util.concurrent.CompletableFuture<Void> f) {
        try {
            f.get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOGGER.debug("Portcullis: LearnReputation: the store did not take the update in time", e);
        }
    }

    /** The entities of a reported message (see the class comment). */
    static List<Entity> reportedEntities(MimeMessage m) throws MessagingException {
        String[] received = m.getHeader("Received");
        InetAddress client = null;
        if (received != null && received.length > 0) {
            Matcher mt = BRACKETED.matcher(received[0]);
            if (mt.find()) {
                client = Entities.parseAddress(mt.group(1));
            }
        }
        Entities b = Entities.builder().client(client);
        AttachedMessages.domainOf(m.getHeader("Return-Path", ",")).ifPresent(d -> b.mailFrom(d, false));
        AttachedMessages.domainOf(m.getHeader("From", ",")).ifPresent(b::from);
        return b.build();
    }


    /** The {@code message/rfc822} parts of {@code message}, nested multiparts too; at most {@value #MAX_ATTACHED}. */
    static List<MimeMessage> attachedMessages(Part message) {
        return AttachedMessages.of(message);
    }

    /** Mail from local users: SMTP AUTH, an authorised network, or made by a mailet. */
    static final class LocalOrigin {
        private LocalOrigin() {
        }

        static boolean of(Mail mail) {
            if (mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent()
                    || mail.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName()).isPresent()) {
                return true;
            }
            Optional<Attribute> net = mail.getAttribute(AttributeName.of("org.apache.james.SMTPIsAuthNetwork"));
            return net.map(a -> a.getValue().value()).map(v -> Boolean.TRUE.equals(v) || "true".equals(v))
                    .orElse(false);
        }
    }
}
