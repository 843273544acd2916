package io.portcullis.mailets;

import io.portcullis.james.PortcullisRuntime;
import io.portcullis.james.ReputationService;
import io.portcullis.reputation.Entity;
import io.portcullis.reputation.Outcome;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageIdManager;
import org.apache.james.mailbox.events.MessageMoveEvent;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageResult;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Learns users' reports from their mailboxes: a message moved or copied into the spam folder
 * ({@code reputation.spam-folder}, default {@code Spam}) is "reported spam", one moved or copied out of it into another
 * mailbox (not a trash or junk folder) "reported not spam", for the entities the pipeline remembered when it
 * delivered the message ({@link LearnReputation} keeps them under a digest of the topmost {@code Received} header,
 * which this server wrote). Delivery into the folder (the pipeline filing spam there) is not a report: James tells
 * moves and copies apart from deliveries ({@link MessageMoveEvent}). Each user reports a message once per direction.
 * Mail that was not remembered (local users' mail, older than {@code reputation.window-days}, delivered before) teaches
 * nothing.
 *
 * <p>Registered with James through {@code conf/listeners.xml} (James instantiates it from the extension jars):
 *
 * <pre>{@code
 * <listeners>
 *   <listener>
 *     <class>io.portcullis.mailets.SpamFolderListener</class>
 *   </listener>
 * </listeners>
 * }</pre>
 *
 * Runs as a group listener (asynchronous; in a distributed James once per event for the whole cluster); the work
 * (mailbox and store reads) runs on Reactor's bounded elastic scheduler, never on the caller's thread. Never throws
 * into James.
 */
public class SpamFolderListener implements EventListener.ReactiveGroupEventListener {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpamFolderListener.class);
    /** Mailboxes a message leaves the spam folder for without it being a "not spam" report (compared lower case). */
    static final Set<String> NOT_A_HAM_REPORT = Set.of("trash", "deleted items", "deleted messages", "bin", "junk",
            "junk e-mail", "junk email", "spam");

    /** The listener's group (its identity for James's event bus; a public no-argument constructor, as James needs). */
    public static class SpamFolderGroup extends Group {
    }

    private static final Group GROUP = new SpamFolderGroup();

    private final PortcullisRuntime runtime;
    private final MailboxManager mailboxManager;
    private final MessageIdManager messageIdManager;

    @Inject
    public SpamFolderListener(PortcullisRuntime runtime, MailboxManager mailboxManager,
            MessageIdManager messageIdManager) {
        this.runtime = runtime;
        this.mailboxManager = mailboxManager;
        this.messageIdManager = messageIdManager;
        if (runtime.config().reputation().spamFolder().isEmpty() || !runtime.config().reputation().enabled()) {
            LOGGER.warn("Portcullis: SpamFolderListener is registered but {}: it will learn nothing",
                    runtime.config().reputation().enabled() ? "reputation.spam-folder is empty"
                            : "reputation.enabled is false");
        } else {
            LOGGER.info("Portcullis: users moving mail into or out of their '{}' mailbox report spam / not spam",
                    runtime.config().reputation().spamFolder());
        }
    }

    @Override
    public Group getDefaultGroup() {
        return GROUP;
    }

    @Override
    public boolean isHandling(Event event) {
        return event instanceof MessageMoveEvent;
    }

    @Override
    public Publisher<Void> reactiveEvent(Event event) {
        if (!(event instanceof MessageMoveEvent) || runtime.config().reputation().spamFolder().isEmpty()
                || !runtime.reputation().enabled()) {
            return Mono.empty();
        }
        MessageMoveEvent move = (MessageMoveEvent) event;
        return Mono.fromRunnable(() -> handle(move)).subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(e -> {
                    LOGGER.warn("Portcullis: SpamFolderListener failed on a move of {}: {}", move.getUsername(),
                            e.toString());
                    return Mono.empty();
                }).then();
    }

    private void handle(MessageMoveEvent move) {
        Username user = move.getUsername();
        if (user == null || move.getMessageIds().isEmpty()) {
            return;
        }
        MailboxSession session = mailboxManager.createSystemSession(user);
        try {
            MailboxId spam;
            try {
                spam = mailboxManager.getMailbox(MailboxPath.forUser(user, runtime.config().reputation().spamFolder()),
                        session).getId();
            } catch (MailboxNotFoundException e) {
                return; // no spam folder: nothing moves into or out of it
            }
            Outcome outcome = outcome(move.getMessageMoves().addedMailboxIds(),
                    move.getMessageMoves().getPreviousMailboxIds(), spam, session);
            if (outcome == null) {
                return;
            }
            List<MessageId> ids = new ArrayList<>(move.getMessageIds());
            for (MessageId id : ids.subList(0, Math.min(ids.size(), 100))) {
                String key = ReputationService.deliveryKey(topmostReceived(id, session));
                List<Entity> learned = await(runtime.reputation().learnReport(key, user.asString(), outcome));
                if (learned.isEmpty()) {
                    LOGGER.debug("Portcullis: {} moved message {} ({}): nothing remembered or already reported",
                            user.asString(), id.serialize(), outcome.id());
                } else {
                    LOGGER.info("Portcullis: {} reported message {} as {} (moved {} the '{}' mailbox): learned for {}",
                            user.asString(), id.serialize(), outcome.id(),
                            outcome == Outcome.REPORTED_SPAM ? "into" : "out of",
                            runtime.config().reputation().spamFolder(), learned);
                }
            }
        } catch (Exception e) {
            LOGGER.warn("Portcullis: SpamFolderListener could not read a move of {}: {}", user.asString(),
                    e.toString());
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }

    /**
     * Into the spam folder: reported spam; out of it (it was among the previous mailboxes) into a mailbox that is
     * not a trash or junk folder: reported not spam; else null.
     */
    private Outcome outcome(Set<MailboxId> added, Set<MailboxId> previous, MailboxId spam, MailboxSession session) {
        if (added.contains(spam)) {
            return Outcome.REPORTED_SPAM;
        }
        if (!previous.contains(spam) || added.isEmpty()) {
            return null;
        }
        for (MailboxId id : added) {
            try {
                String name = mailboxManager.getMailbox(id, session).getMailboxPath().getName();
                String last = name == null ? "" : name.substring(name.lastIndexOf('.') + 1);
                if (!NOT_A_HAM_REPORT.contains(last.trim().toLowerCase(Locale.ROOT))) {
                    return Outcome.REPORTED_HAM;
                }
            } catch (Exception e) {
                LOGGER.debug("Portcullis: SpamFolderListener: mailbox {} unreadable: {}", id, e.toString());
            }
        }
        return null;
    }

    /** The value of the message's topmost {@code Received} header, or null. */
    private String topmostReceived(MessageId id, MailboxSession session) throws Exception {
        List<MessageResult> results = messageIdManager.getMessage(id, FetchGroup.HEADERS, session);
        if (results.isEmpty()) {
            return null;
        }
        Iterator<Header> headers = results.get(0).getHeaders().headers();
        while (headers.hasNext()) {
            Header h = headers.next();
            if ("Received".equalsIgnoreCase(h.getName())) {
                return h.getValue();
            }
        }
        return null;
    }

    private static List<Entity> await(java.util.concurrent.CompletableFuture<List<Entity>> f) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (Exception e) {
            return List.of();
        }
    }
}
