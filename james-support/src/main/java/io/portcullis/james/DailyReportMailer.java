package io.portcullis.james;

import com.google.inject.Injector;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.ReportSettings;
import io.portcullis.log.LocalNode;
import io.portcullis.report.DecisionReport;
import io.portcullis.report.ReportSchedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.UserDefinedStartable;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mails the decision report once a day, through James itself. Enabled in {@code conf/extensions.properties}:
 *
 * <pre>
 * guice.extension.module=io.portcullis.james.PortcullisModule
 * guice.extension.startable=io.portcullis.james.DailyReportMailer
 * </pre>
 *
 * and in {@code conf/portcullis.properties} (all {@code report.*} keys: {@link ReportSettings}):
 *
 * <pre>
 * report.enabled    = true
 * report.time       = 06:00
 * report.recipients = ops@example.com
 * </pre>
 *
 * <p>James instantiates the class through its extension injector at boot and calls {@link #start()}. With
 * {@code report.enabled = false} it does nothing. Otherwise one daemon thread ({@value #THREAD}) sleeps until the
 * next run ({@link ReportSchedule}: {@code report.time} in {@code report.zone}), reads this node's decision log
 * ({@code log.directory}) and the {@code report.logs} folders for the {@code report.period} (a folder that does not
 * exist counts as no decisions), and hands one message to James's spool ({@link MailetContext#sendMail(MailAddress,
 * java.util.Collection, MimeMessage)}): From {@code report.sender} (default the postmaster), To the postmaster (unless
 * {@code report.postmaster = false}) and {@code report.recipients}, Subject {@code Portcullis report for DAY (node
 * NODE): N refused, M tagged}, a {@code multipart/alternative} of the text report and the self-contained HTML page
 * ({@code report.html = false}: the text only). It then travels through the mailet pipeline like any mail James
 * sends itself (local recipients: their INBOX; remote ones: RemoteDelivery).
 *
 * <p>The last day sent is kept in {@value #STATE_FILE} under James's working directory, so a restart after the time
 * does not send again; a James that was down at the time and starts later that day sends once,
 * {@link #CATCH_UP_DELAY} after start (James's own start-up, e.g. provisioning, finishes first). A failed run is
 * logged and retried every {@link #RETRY_DELAY} while its day lasts. The thread wakes at least hourly to re-check
 * the clock, and stops when James stops. Nothing here throws into James.
 */
public class DailyReportMailer implements UserDefinedStartable {
    public static final String STATE_FILE = "var/portcullis/report-last-sent";
    static final String THREAD = "portcullis-daily-report";
    static final Duration CATCH_UP_DELAY = Duration.ofSeconds(30);
    static final Duration RETRY_DELAY = Duration.ofMinutes(15);
    static final Duration MAX_SLEEP = Duration.ofHours(1);

    private static final Logger LOGGER = LoggerFactory.getLogger(DailyReportMailer.class);

    private final ReportSettings settings;
    private final ReportSchedule schedule;
    /** This node's log folder first, then report.logs, all absolute. */
    private final List<Path> logs;
    private final Path stateFile;
    private final String node;
    private final MailetContext context;
    private final Clock clock;
    private final Duration catchUpDelay;
    private final AtomicBoolean closed = new AtomicBoolean();
    private ScheduledExecutorService executor;
    private volatile LocalDate lastSent;
    /** After a failed run: no new attempt before this. */
    private volatile Instant retryAfter;

    /** Guice entry point (James's extension injector). */
    @Inject
    public DailyReportMailer(PortcullisRuntime runtime, MailetContext context, FileSystem fileSystem,
            Injector injector) {
        this(runtime.config(), workingDirectory(fileSystem), context, Clock.systemUTC(), CATCH_UP_DELAY);
        JamesShutdown.register(injector, this::close, THREAD + "-close");
    }

    /** For tests: explicit working directory (null: the process's), clock and catch-up delay. */
    DailyReportMailer(PortcullisConfig config, Path workingDirectory, MailetContext context, Clock clock,
            Duration catchUpDelay) {
        this.settings = config.report();
        this.schedule = new ReportSchedule(settings.time, settings.zone());
        List<Path> dirs = new ArrayList<>();
        dirs.add(config.log().resolvedDirectory(workingDirectory));
        for (Path p : settings.logs) {
            Path abs = (p.isAbsolute() || workingDirectory == null ? p : workingDirectory.resolve(p))
                    .toAbsolutePath().normalize();
            if (!dirs.contains(abs)) {
                dirs.add(abs);
            }
        }
        this.logs = Collections.unmodifiableList(dirs);
        Path state = Paths.get(STATE_FILE);
        this.stateFile = (workingDirectory == null ? state : workingDirectory.resolve(state)).toAbsolutePath();
        this.node = config.log().node != null ? config.log().node : LocalNode.name();
        this.context = context;
        this.clock = clock;
        this.catchUpDelay = catchUpDelay;
    }

    private static Path workingDirectory(FileSystem fileSystem) {
        try {
            return fileSystem.getBasedir().toPath().toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Starts the scheduler thread (nothing when {@code report.enabled} is false). Never throws. */
    @Override
    public synchronized void start() {
        if (!settings.enabled) {
            LOGGER.info("Portcullis: daily report off (report.enabled = false)");
            return;
        }
        if (executor != null || closed.get()) {
            return;
        }
        warnAboutMissingMailboxes();
        try {
            lastSent = readState();
            ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, THREAD);
                t.setDaemon(true);
                return t;
            });
            ex.setRemoveOnCancelPolicy(true);
            executor = ex;
            Instant now = clock.instant();
            ReportSchedule.Plan plan = schedule.next(now, lastSent);
            if (plan.due) {
                LOGGER.info("Portcullis: daily report for {} not sent yet ({} {} has passed); sending in {} s",
                        plan.day, settings.time, settings.zone(), catchUpDelay.getSeconds());
                schedule(catchUpDelay);
            } else {
                LOGGER.info("Portcullis: daily report {} at {} {} ({} of {} to {}), next at {}; logs {}",
                        settings.period.id(), settings.time, settings.zone(), settings.html ? "text and HTML"
                                : "text", node, describeRecipients(), plan.at.atZone(settings.zone()), logs);
                schedule(Duration.between(now, plan.at));
            }
        } catch (RuntimeException e) {
            LOGGER.error("Portcullis: daily report scheduler not started", e);
        }
    }

    /** Stops the thread (a report being built is abandoned). Idempotent. */
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (executor != null) {
            executor.shutdownNow();
            LOGGER.debug("Portcullis: daily report scheduler stopped");
        }
    }

    private void schedule(Duration delay) {
        long ms = Math.max(0, Math.min(delay.toMillis(), MAX_SLEEP.toMillis()));
        try {
            executor.schedule(this::tick, ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** One wake-up: send if due (and not waiting for a retry), then sleep until the next run. */
    private void tick() {
        if (closed.get()) {
            return;
        }
        Duration sleep = MAX_SLEEP;
        try {
            Instant now = clock.instant();
            ReportSchedule.Plan plan = schedule.next(now, lastSent);
            Instant retry = retryAfter;
            if (plan.due && (retry == null || !now.isBefore(retry))) {
                if (runFor(plan.day)) {
                    retryAfter = null;
                } else {
                    retryAfter = clock.instant().plus(RETRY_DELAY);
                }
                now = clock.instant();
                plan = schedule.next(now, lastSent);
            }
            Instant wake = plan.due ? retryAfter : plan.at;
            sleep = wake == null ? RETRY_DELAY : Duration.between(now, wake);
        } catch (RuntimeException | LinkageError e) {
            LOGGER.error("Portcullis: daily report run failed; trying again in {} min", RETRY_DELAY.toMinutes(), e);
            sleep = RETRY_DELAY;
        } finally {
            if (!closed.get()) {
                schedule(sleep);
            }
        }
    }

    /** The run of {@code runDay}: the report of its period, sent; remembered on success. */
    boolean runFor(LocalDate runDay) {
        LocalDate day = settings.period == ReportSettings.Period.YESTERDAY ? runDay.minusDays(1) : runDay;
        if (!sendReport(day)) {
            return false;
        }
        lastSent = runDay;
        writeState(runDay);
        return true;
    }

    /**
     * Builds the report of one (UTC) day from the configured log folders and sends it now, whatever the schedule
     * and without touching the state file (tests, tools). Returns whether James accepted the message; never throws.
     */
    public boolean sendReport(LocalDate day) {
        try {
            DecisionReport report = new DecisionReport(day, day);
            for (Path dir : logs) {
                try {
                    if (!report.readIfPresent(dir)) {
                        LOGGER.info("Portcullis: daily report: no decision log folder {} (no decisions there)", dir);
                    }
                } catch (IOException | RuntimeException e) {
                    LOGGER.warn("Portcullis: daily report: cannot read {} ({}); reporting without it", dir,
                            e.toString());
                }
            }
            MailAddress postmaster = context.getPostmaster();
            MailAddress sender = settings.sender != null ? new MailAddress(settings.sender) : postmaster;
            Set<MailAddress> to = new LinkedHashSet<>();
            if (settings.postmaster && postmaster != null) {
                to.add(postmaster);
            }
            for (String r : settings.recipients) {
                to.add(new MailAddress(r));
            }
            if (to.isEmpty() || sender == null) {
                LOGGER.error("Portcullis: daily report for {} not sent: no {} (James's postmaster is unknown)", day,
                        to.isEmpty() ? "recipient" : "sender");
                return false;
            }
            warnAboutMissingMailboxes();
            String subject = subject(report, day);
            MimeMessage message = message(report, subject, sender, to, day);
            context.sendMail(sender, to, message);
            LOGGER.info("Portcullis: daily report sent to {}: {}", to, subject);
            return true;
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("Portcullis: daily report for {} not sent", day, e);
            return false;
        }
    }

    /** Recipients warned about already (each once per start). */
    private final Set<String> warnedMissing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The recipients in a local domain of this James that have no mailbox (no James user of that name): the report
     * (and James's bounce of it) would end in the address-error repository every day. A stock James's postmaster is
     * {@code postmaster@localhost}, which has none. Each is warned about once; never throws.
     */
    List<String> warnAboutMissingMailboxes() {
        List<String> missing = new ArrayList<>();
        try {
            List<MailAddress> check = new ArrayList<>();
            MailAddress postmaster = context.getPostmaster();
            if (settings.postmaster && postmaster != null) {
                check.add(postmaster);
            }
            for (String r : settings.recipients) {
                check.add(new MailAddress(r));
            }
            for (MailAddress a : check) {
                if (context.isLocalServer(a.getDomain()) && !context.isLocalEmail(a)) {
                    missing.add(a.asString());
                }
            }
        } catch (MessagingException | RuntimeException e) {
            LOGGER.debug("Portcullis: daily report recipients not checked", e);
            return missing;
        }
        List<String> fresh = new ArrayList<>();
        for (String m : missing) {
            if (warnedMissing.add(m)) {
                fresh.add(m);
            }
        }
        if (!fresh.isEmpty()) {
            LOGGER.warn("Portcullis: daily report recipient(s) {} have no mailbox on this James (local domain, no such "
                    + "user): the report and its bounce would end in the address-error repository. Create the user "
                    + "(james-cli AddUser, or WebAdmin PUT /users/<address>), or send the report elsewhere: "
                    + "report.recipients = <address with a mailbox> and report.postmaster = false in {}, or "
                    + "<postmaster> in mailetcontainer.xml", fresh, PortcullisRuntime.FILE_NAME);
        }
        return missing;
    }

    String subject(DecisionReport report, LocalDate day) {
        return "Portcullis report for " + day + (settings.period == ReportSettings.Period.TODAY ? " (so far)" : "")
                + " (node " + node + "): " + report.refused() + " refused, " + report.tagged() + " tagged";
    }

    private MimeMessage message(DecisionReport report, String subject, MailAddress sender, Set<MailAddress> to,
            LocalDate day) throws MessagingException {
        String domain = sender.getDomain().asString();
        String messageId = "<portcullis-report." + day + "." + UUID.randomUUID() + "@" + domain + ">";
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId); // no local host name lookup (javax.mail's default)
            }
        };
        m.setFrom(new InternetAddress(sender.asString()));
        List<InternetAddress> rcpts = new ArrayList<>();
        for (MailAddress a : to) {
            rcpts.add(new InternetAddress(a.asString()));
        }
        m.setRecipients(MimeMessage.RecipientType.TO, rcpts.toArray(new InternetAddress[0]));
        m.setSubject(subject, StandardCharsets.UTF_8.name());
        m.setSentDate(Date.from(clock.instant()));
        m.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies to it
        String text = report.render();
        if (settings.html) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text, StandardCharsets.UTF_8.name());
            alternative.addBodyPart(plain);
            MimeBodyPart html = new MimeBodyPart();
            html.setText(report.renderHtml(), StandardCharsets.UTF_8.name(), "html");
            alternative.addBodyPart(html);
            m.setContent(alternative);
        } else {
            m.setText(text, StandardCharsets.UTF_8.name());
        }
        m.saveChanges();
        return m;
    }

    private String describeRecipients() {
        List<String> out = new ArrayList<>();
        if (settings.postmaster) {
            out.add("the postmaster");
        }
        out.addAll(settings.recipients);
        return String.join(", ", out);
    }

    /** The last run day sent, from the state file; null when there is none or it is unreadable (logged). */
    LocalDate readState() {
        if (!Files.exists(stateFile)) {
            return null;
        }
        try {
            String s = new String(Files.readAllBytes(stateFile), StandardCharsets.UTF_8).trim();
            return LocalDate.parse(s);
        } catch (IOException | DateTimeParseException e) {
            LOGGER.warn("Portcullis: daily report state {} unreadable ({}); treating as never sent", stateFile,
                    e.toString());
            return null;
        }
    }

    private void writeState(LocalDate runDay) {
        try {
            Files.createDirectories(stateFile.getParent());
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.write(tmp, (runDay + "\n").getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.error("Portcullis: cannot write the daily report state {} ({}); a restart today may send the "
                    + "report again", stateFile, e.toString());
        }
    }

    /** The state file (the last run day sent). */
    Path stateFile() {
        return stateFile;
    }

    /** The log folders read, this node's first. */
    List<Path> logs() {
        return logs;
    }
}
