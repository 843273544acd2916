package io.portcullis.config;

import io.portcullis.net.AllowList;
import io.portcullis.verdict.Policy;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The SMTP-time settings ({@code smtp.*} keys of {@code portcullis.properties}, documented in {@link Keys}), used
 * by the SMTP handler {@code io.portcullis.smtp.PortcullisSmtpHandler} and the {@code Tarpit} mailet. Immutable.
 */
public final class SmtpSettings {
    /** Which clients get the greeting test ({@code smtp.greeting.clients}). */
    public enum GreetingClients {
        /** Nobody: the greeting is written at once. */
        NONE,
        /** Clients with any finding, or evidence still unknown, when the connect lookups end (or the budget). */
        SUSPICIOUS,
        /** Every client that is not exempt (relaying allowed, allow list). */
        ALL
    }

    /** Longest tarpit delay accepted: James's idle timeout must stay larger. */
    public static final int MAX_TARPIT_DELAY_MS = 120_000;

    /** Defaults for a policy (thresholds follow the policy's). */
    public static SmtpSettings defaults(Policy policy) {
        return new SmtpSettings(ConfigValues.of(Map.of(), "<defaults>"), policy);
    }

    public final boolean enabled;
    public final boolean observe;
    public final double rejectThreshold;
    /** {@link Double#POSITIVE_INFINITY} when off. */
    public final double tempfailThreshold;
    public final double tarpitThreshold;
    public final int budgetMs;
    public final boolean tempfailOnUnknown;
    public final AllowList allow;
    public final int tarpitDelayMs;
    public final int tarpitStepMs;
    public final int tarpitMaxDelayMs;
    public final int tarpitMaxConnections;
    public final boolean tarpitRemembered;
    public final boolean rejectRemembered;
    /**
     * {@code shared} (the {@code store.*} state store), {@code embedded} or a Redis URI ({@code redis://},
     * {@code redis-sentinel://}, {@code redis-cluster://}: {@link io.portcullis.store.RedisUris}).
     */
    public final String tarpitStore;
    public final int greetingDelayMs;
    public final boolean greetingDrop;
    public final boolean greetingPartial;
    public final GreetingClients greetingClients;
    /** Score of the {@code smtp}/{@code PREGREET} finding of a client that talked before the greeting (flag). */
    public final double greetingScore;
    /** {@code 521} or {@code 554}: the reply to an early talker with {@code smtp.greeting.action = drop}. */
    public final String greetingDropCode;
    /** {@link Double#POSITIVE_INFINITY} when off. */
    public final double greylistThreshold;
    /** The greylist's delay, window and memory. */
    public final io.portcullis.reputation.Greylist greylist;

    private SmtpSettings(ConfigValues v, Policy policy) {
        enabled = v.bool(Keys.SMTP_ENABLED);
        observe = v.choice(Keys.SMTP_MODE, "enforce", "observe").equals("observe");
        rejectThreshold = v.number(Keys.SMTP_REJECT, policy.rejectThreshold());
        tempfailThreshold = v.threshold(Keys.SMTP_TEMPFAIL);
        tarpitThreshold = v.number(Keys.SMTP_TARPIT, policy.tarpitThreshold());
        if (tarpitThreshold > rejectThreshold) {
            throw v.fail(Keys.SMTP_TARPIT.name(), String.valueOf(tarpitThreshold),
                    "must not exceed " + Keys.SMTP_REJECT.name() + " (" + rejectThreshold + ")");
        }
        budgetMs = v.nonNegativeInt(Keys.SMTP_BUDGET);
        tempfailOnUnknown = v.bool(Keys.SMTP_TEMPFAIL_ON_UNKNOWN);
        AllowList a = v.parsed(Keys.SMTP_ALLOW, AllowList::parse);
        allow = a == null ? AllowList.NONE : a;
        tarpitDelayMs = v.nonNegativeInt(Keys.SMTP_TARPIT_DELAY);
        tarpitStepMs = v.nonNegativeInt(Keys.SMTP_TARPIT_STEP);
        tarpitMaxDelayMs = v.nonNegativeInt(Keys.SMTP_TARPIT_MAX_DELAY);
        if (tarpitMaxDelayMs > MAX_TARPIT_DELAY_MS || tarpitDelayMs > tarpitMaxDelayMs) {
            throw v.fail(Keys.SMTP_TARPIT_MAX_DELAY.name(), String.valueOf(tarpitMaxDelayMs), "must be between "
                    + Keys.SMTP_TARPIT_DELAY.name() + " (" + tarpitDelayMs + ") and " + MAX_TARPIT_DELAY_MS
                    + " ms, and below smtpserver.xml's connectiontimeout");
        }
        tarpitMaxConnections = v.positiveInt(Keys.SMTP_TARPIT_MAX_CONNECTIONS);
        tarpitRemembered = v.bool(Keys.SMTP_TARPIT_REMEMBERED);
        rejectRemembered = v.bool(Keys.SMTP_TARPIT_REJECT_REMEMBERED);
        String store = v.text(Keys.SMTP_TARPIT_STORE);
        if (!store.equals("shared") && !store.equals("embedded")
                && io.portcullis.store.RedisUris.problem(store) != null) {
            throw v.fail(Keys.SMTP_TARPIT_STORE.name(), io.portcullis.store.RedisUris.redact(store),
                    "expected shared, embedded or a Redis URI (" + io.portcullis.store.RedisUris.FORMS + ")");
        }
        tarpitStore = store;
        greetingDelayMs = v.nonNegativeInt(Keys.SMTP_GREETING_DELAY);
        if (greetingDelayMs > MAX_TARPIT_DELAY_MS) {
            throw v.fail(Keys.SMTP_GREETING_DELAY.name(), String.valueOf(greetingDelayMs), "at most "
                    + MAX_TARPIT_DELAY_MS + " ms");
        }
        greetingDrop = v.choice(Keys.SMTP_GREETING_ACTION, "flag", "drop").equals("drop");
        greetingPartial = v.bool(Keys.SMTP_GREETING_PARTIAL);
        greetingClients = GreetingClients.valueOf(v.choice(Keys.SMTP_GREETING_CLIENTS, "none", "suspicious", "all")
                .toUpperCase(Locale.ROOT));
        greetingScore = v.number(Keys.SMTP_GREETING_SCORE, rejectThreshold);
        if (greetingScore < 0) {
            throw v.fail(Keys.SMTP_GREETING_SCORE.name(), String.valueOf(greetingScore), "must not be negative");
        }
        greetingDropCode = v.choice(Keys.SMTP_GREETING_DROP_CODE, "521", "554");
        greylistThreshold = v.threshold(Keys.SMTP_GREYLIST);
        Duration delay = v.duration(Keys.SMTP_GREYLIST_DELAY);
        Duration window = v.duration(Keys.SMTP_GREYLIST_WINDOW);
        Duration remember = v.duration(Keys.SMTP_GREYLIST_REMEMBER);
        if (window.compareTo(delay) <= 0) {
            throw v.fail(Keys.SMTP_GREYLIST_WINDOW.name(), v.text(Keys.SMTP_GREYLIST_WINDOW),
                    "must be longer than " + Keys.SMTP_GREYLIST_DELAY.name() + " (" + delay + ")");
        }
        if (remember.isZero()) {
            throw v.fail(Keys.SMTP_GREYLIST_REMEMBER, "must be positive");
        }
        greylist = new io.portcullis.reputation.Greylist(delay, window, remember);
    }

    /** Whether the greeting test can hold anybody's greeting (clients not none, a positive delay). */
    public boolean greetingTestOn() {
        return enabled && !observe && greetingClients != GreetingClients.NONE && greetingDelayMs > 0;
    }

    /** The {@code smtp.*} keys; thresholds not given follow {@code policy}. */
    static SmtpSettings parse(ConfigValues v, Policy policy) {
        return new SmtpSettings(v, policy);
    }

    /** Parses {@code smtp.*} key/value pairs alone (tests, tools); any other key is unknown here too. */
    public static SmtpSettings parse(Map<String, String> values, String source, Policy policy) {
        return new SmtpSettings(ConfigValues.of(values, source).requireKnownKeys(), policy);
    }

    /** The thresholds and switches of the SMTP decision ({@link io.portcullis.decision.SmtpDecider}). */
    public io.portcullis.decision.SmtpRules rules() {
        return io.portcullis.decision.SmtpRules.builder().reject(rejectThreshold).tempfail(tempfailThreshold)
                .tarpit(tarpitThreshold).tempfailOnUnknown(tempfailOnUnknown).tarpitRemembered(tarpitRemembered)
                .rejectRemembered(rejectRemembered).observeAll(observe).greylist(greylistThreshold).build();
    }

    /** The tarpit delay for the {@code n}-th delayed command of a connection (0-based), capped. */
    public long tarpitDelay(int n) {
        long d = (long) tarpitDelayMs + (long) tarpitStepMs * Math.max(0, n);
        return Math.min(d, tarpitMaxDelayMs);
    }

    @Override
    public String toString() {
        return "SmtpSettings{" + (enabled ? observe ? "observe" : "enforce" : "disabled") + ", reject="
                + rejectThreshold + ", tempfail=" + tempfailThreshold + ", tarpit=" + tarpitThreshold + ", greylist=" + greylistThreshold + ", budget="
                + budgetMs + "ms, tempfailOnUnknown=" + tempfailOnUnknown + ", tarpit " + tarpitDelayMs + "+"
                + tarpitStepMs + "..." + tarpitMaxDelayMs + "ms max " + tarpitMaxConnections + " conns, greeting "
                + greetingClients.name().toLowerCase(Locale.ROOT) + " " + greetingDelayMs + "ms " + (greetingDrop ? "drop "
                + greetingDropCode : "flag " + greetingScore) + "}";
    }
}
