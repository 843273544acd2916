package io.portcullis.config;

import io.portcullis.net.AllowList;
import io.portcullis.verdict.Policy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SMTP-time settings ({@code smtp.*} keys of {@code portcullis.properties}), used by the SMTP handler
 * {@code io.portcullis.smtp.PortcullisSmtpHandler} and the {@code Tarpit} mailet. Immutable.
 *
 * <pre>
 * smtp.enabled                 = true     # false: the handler, even if listed in smtpserver.xml, does nothing
 * smtp.mode                    = enforce  # observe: evaluate, log and attach findings, never refuse or tarpit
 * smtp.reject-threshold        = policy.reject-threshold   # score that is refused with 550 (RCPT / end of DATA)
 * smtp.tempfail-threshold      = off      # score that is refused with 451 (below the reject threshold)
 * smtp.tarpit-threshold        = policy.tarpit-threshold   # score from which replies are delayed
 * smtp.greylist-threshold      = off      # score from which (below temp-fail and reject) a new triplet gets 451
 * smtp.greylist.delay          = 5m       # a retry of the triplet passes after this (s, m, h or d)
 * smtp.greylist.window         = 24h      # ... and within this after the first attempt
 * smtp.greylist.remember       = 35d      # a client network that retried properly is not greylisted again
 * smtp.budget-ms               = 1000     # wait for unfinished lookups, per stage, at most this long
 * smtp.tempfail-on-unknown     = false    # 451 at RCPT when the client's evidence is unknown (timeout, budget)
 * smtp.allow                   =          # networks and domains (client host, HELO) never judged at SMTP time
 * smtp.tarpit.delay-ms         = 2000     # first delay of a tarpitted client
 * smtp.tarpit.step-ms          = 2000     # added per delayed command
 * smtp.tarpit.max-delay-ms     = 15000    # cap (keep below smtpserver.xml's connectiontimeout)
 * smtp.tarpit.max-connections  = 2000     # tarpitted connections at once; beyond: 421 and close
 * smtp.tarpit.remembered       = true     # tarpit clients remembered by the Tarpit mailet
 * smtp.tarpit.reject-remembered = false   # refuse (550 at RCPT) clients remembered by the Tarpit mailet
 * smtp.tarpit.store            = shared   # the state store of store.* (the learned nameservers' store when open);
 *                                         # embedded (own journal var/portcullis/tarpit) or redis://host:port (own)
 * smtp.greeting.clients       = none     # greeting test for: none, suspicious (any finding or unknown evidence
 *                                         # at connect), all (needs the core handler list without the welcome
 *                                         # handler: io.portcullis.smtp.PortcullisCoreHandlers)
 * smtp.greeting.delay-ms       = 6000     # how long the final 220 is held
 * smtp.greeting.action         = flag     # flag (finding smtp/PREGREET) or drop (drop-code and close) early talkers
 * smtp.greeting.score          = smtp.reject-threshold  # score of the PREGREET finding (flag)
 * smtp.greeting.drop-code      = 521      # reply to early talkers with action drop: 521 or 554
 * smtp.greeting.partial        = true     # send "220-" at once, the final "220" after the delay
 * </pre>
 */
public final class SmtpSettings {
    public static final String PREFIX = "smtp.";
    public static final String ENABLED = "smtp.enabled";
    public static final String MODE = "smtp.mode";
    public static final String REJECT = "smtp.reject-threshold";
    public static final String TEMPFAIL = "smtp.tempfail-threshold";
    public static final String TARPIT = "smtp.tarpit-threshold";
    public static final String BUDGET = "smtp.budget-ms";
    public static final String TEMPFAIL_ON_UNKNOWN = "smtp.tempfail-on-unknown";
    public static final String ALLOW = "smtp.allow";
    public static final String TARPIT_DELAY = "smtp.tarpit.delay-ms";
    public static final String TARPIT_STEP = "smtp.tarpit.step-ms";
    public static final String TARPIT_MAX_DELAY = "smtp.tarpit.max-delay-ms";
    public static final String TARPIT_MAX_CONNECTIONS = "smtp.tarpit.max-connections";
    public static final String TARPIT_REMEMBERED = "smtp.tarpit.remembered";
    public static final String TARPIT_REJECT_REMEMBERED = "smtp.tarpit.reject-remembered";
    public static final String TARPIT_STORE = "smtp.tarpit.store";
    public static final String GREETING_DELAY = "smtp.greeting.delay-ms";
    public static final String GREETING_ACTION = "smtp.greeting.action";
    public static final String GREETING_PARTIAL = "smtp.greeting.partial";
    public static final String GREETING_CLIENTS = "smtp.greeting.clients";
    public static final String GREETING_SCORE = "smtp.greeting.score";
    public static final String GREETING_DROP_CODE = "smtp.greeting.drop-code";
    public static final String GREYLIST = "smtp.greylist-threshold";
    public static final String GREYLIST_DELAY = "smtp.greylist.delay";
    public static final String GREYLIST_WINDOW = "smtp.greylist.window";
    public static final String GREYLIST_REMEMBER = "smtp.greylist.remember";

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

    private static final List<String> KEYS = List.of(ENABLED, MODE, REJECT, TEMPFAIL, TARPIT, BUDGET,
            TEMPFAIL_ON_UNKNOWN, ALLOW, TARPIT_DELAY, TARPIT_STEP, TARPIT_MAX_DELAY, TARPIT_MAX_CONNECTIONS,
            TARPIT_REMEMBERED, TARPIT_REJECT_REMEMBERED, TARPIT_STORE, GREETING_DELAY, GREETING_ACTION,
            GREETING_PARTIAL, GREETING_CLIENTS, GREETING_SCORE, GREETING_DROP_CODE, GREYLIST, GREYLIST_DELAY,
            GREYLIST_WINDOW, GREYLIST_REMEMBER);

    /** Defaults for a policy (thresholds follow the policy's). */
    public static SmtpSettings defaults(Policy policy) {
        return parse(Map.of(), "<defaults>", policy);
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
    /** {@code shared} (the {@code store.*} state store), {@code embedded} or a {@code redis://} URI. */
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

    private SmtpSettings(Map<String, String> v, String source, Policy policy) {
        enabled = PortcullisConfig.bool(v, source, ENABLED, true);
        String mode = v.getOrDefault(MODE, "enforce");
        switch (mode.isEmpty() ? "enforce" : mode.toLowerCase(Locale.ROOT)) {
            case "enforce":
                observe = false;
                break;
            case "observe":
                observe = true;
                break;
            default:
                throw new ConfigException(source, MODE, mode, "expected enforce or observe");
        }
        rejectThreshold = PortcullisConfig.number(v, source, REJECT, policy.rejectThreshold());
        String tf = v.get(TEMPFAIL);
        tempfailThreshold = tf == null || tf.isEmpty() || tf.equalsIgnoreCase("off") ? Double.POSITIVE_INFINITY
                : PortcullisConfig.parseNumber(source, TEMPFAIL, tf);
        tarpitThreshold = PortcullisConfig.number(v, source, TARPIT, policy.tarpitThreshold());
        if (tarpitThreshold > rejectThreshold) {
            throw new ConfigException(source, TARPIT, String.valueOf(tarpitThreshold),
                    "must not exceed " + REJECT + " (" + rejectThreshold + ")");
        }
        budgetMs = nonNegative(v, source, BUDGET, 1000);
        tempfailOnUnknown = PortcullisConfig.bool(v, source, TEMPFAIL_ON_UNKNOWN, false);
        String allowText = v.get(ALLOW);
        try {
            allow = allowText == null || allowText.isEmpty() ? AllowList.NONE : AllowList.parse(allowText);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, ALLOW, allowText, e.getMessage());
        }
        tarpitDelayMs = nonNegative(v, source, TARPIT_DELAY, 2000);
        tarpitStepMs = nonNegative(v, source, TARPIT_STEP, 2000);
        tarpitMaxDelayMs = nonNegative(v, source, TARPIT_MAX_DELAY, 15000);
        if (tarpitMaxDelayMs > MAX_TARPIT_DELAY_MS || tarpitDelayMs > tarpitMaxDelayMs) {
            throw new ConfigException(source, TARPIT_MAX_DELAY, String.valueOf(tarpitMaxDelayMs), "must be between "
                    + TARPIT_DELAY + " (" + tarpitDelayMs + ") and " + MAX_TARPIT_DELAY_MS
                    + " ms, and below smtpserver.xml's connectiontimeout");
        }
        tarpitMaxConnections = PortcullisConfig.positiveInt(v, source, TARPIT_MAX_CONNECTIONS, 2000);
        tarpitRemembered = PortcullisConfig.bool(v, source, TARPIT_REMEMBERED, true);
        rejectRemembered = PortcullisConfig.bool(v, source, TARPIT_REJECT_REMEMBERED, false);
        String store = v.getOrDefault(TARPIT_STORE, "shared").trim();
        if (store.isEmpty()) {
            store = "shared";
        }
        if (!store.equals("shared") && !store.equals("embedded") && !store.startsWith("redis://")
                && !store.startsWith("rediss://")) {
            throw new ConfigException(source, TARPIT_STORE, store, "expected shared, embedded or a redis:// URI");
        }
        tarpitStore = store;
        greetingDelayMs = nonNegative(v, source, GREETING_DELAY, 6000);
        if (greetingDelayMs > MAX_TARPIT_DELAY_MS) {
            throw new ConfigException(source, GREETING_DELAY, String.valueOf(greetingDelayMs), "at most "
                    + MAX_TARPIT_DELAY_MS + " ms");
        }
        String action = v.getOrDefault(GREETING_ACTION, "flag");
        switch (action.isEmpty() ? "flag" : action.toLowerCase(Locale.ROOT)) {
            case "flag":
                greetingDrop = false;
                break;
            case "drop":
                greetingDrop = true;
                break;
            default:
                throw new ConfigException(source, GREETING_ACTION, action, "expected flag or drop");
        }
        greetingPartial = PortcullisConfig.bool(v, source, GREETING_PARTIAL, true);
        String clients = v.getOrDefault(GREETING_CLIENTS, "none").trim();
        switch (clients.isEmpty() ? "none" : clients.toLowerCase(Locale.ROOT)) {
            case "none":
                greetingClients = GreetingClients.NONE;
                break;
            case "suspicious":
                greetingClients = GreetingClients.SUSPICIOUS;
                break;
            case "all":
                greetingClients = GreetingClients.ALL;
                break;
            default:
                throw new ConfigException(source, GREETING_CLIENTS, clients, "expected none, suspicious or all");
        }
        greetingScore = PortcullisConfig.number(v, source, GREETING_SCORE, rejectThreshold);
        if (greetingScore < 0) {
            throw new ConfigException(source, GREETING_SCORE, String.valueOf(greetingScore), "must not be negative");
        }
        String code = v.getOrDefault(GREETING_DROP_CODE, "521").trim();
        if (code.isEmpty()) {
            code = "521";
        }
        if (!code.equals("521") && !code.equals("554")) {
            throw new ConfigException(source, GREETING_DROP_CODE, code, "expected 521 or 554");
        }
        greetingDropCode = code;
        String gl = v.get(GREYLIST);
        greylistThreshold = gl == null || gl.isEmpty() || gl.equalsIgnoreCase("off") ? Double.POSITIVE_INFINITY
                : PortcullisConfig.parseNumber(source, GREYLIST, gl);
        java.time.Duration delay = duration(v, source, GREYLIST_DELAY, java.time.Duration.ofMinutes(5));
        java.time.Duration window = duration(v, source, GREYLIST_WINDOW, java.time.Duration.ofHours(24));
        java.time.Duration remember = duration(v, source, GREYLIST_REMEMBER, java.time.Duration.ofDays(35));
        if (window.compareTo(delay) <= 0) {
            throw new ConfigException(source, GREYLIST_WINDOW, v.getOrDefault(GREYLIST_WINDOW, "24h"),
                    "must be longer than " + GREYLIST_DELAY + " (" + delay + ")");
        }
        if (remember.isZero()) {
            throw new ConfigException(source, GREYLIST_REMEMBER, v.get(GREYLIST_REMEMBER), "must be positive");
        }
        greylist = new io.portcullis.reputation.Greylist(delay, window, remember);
    }

    /** {@code 300}, {@code 300s}, {@code 5m}, {@code 4h}, {@code 35d}: a non-negative duration. */
    static java.time.Duration duration(Map<String, String> v, String source, String key, java.time.Duration def) {
        String s = v.get(key);
        if (s == null || s.trim().isEmpty()) {
            return def;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})\\s*([smhd]?)").matcher(
                s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(source, key, s, "expected a duration: a number with s, m, h or d (e.g. 5m)");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "m":
                return java.time.Duration.ofMinutes(n);
            case "h":
                return java.time.Duration.ofHours(n);
            case "d":
                return java.time.Duration.ofDays(n);
            default:
                return java.time.Duration.ofSeconds(n);
        }
    }

    /** Whether the greeting test can hold anybody's greeting (clients not none, a positive delay). */
    public boolean greetingTestOn() {
        return enabled && !observe && greetingClients != GreetingClients.NONE && greetingDelayMs > 0;
    }

    /**
     * Parses the {@code smtp.*} keys of {@code values} (other keys are ignored; unknown {@code smtp.*} keys fail).
     */
    public static SmtpSettings parse(Map<String, String> values, String source, Policy policy) {
        for (String k : values.keySet()) {
            if (k.startsWith(PREFIX) && !KEYS.contains(k)) {
                throw ConfigException.unknownKey(source, k, values.get(k), KEYS);
            }
        }
        return new SmtpSettings(values, source, policy);
    }

    public static List<String> keys() {
        return Collections.unmodifiableList(new ArrayList<>(KEYS));
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

    private static int nonNegative(Map<String, String> v, String source, String key, int def) {
        String s = v.get(key);
        return s == null || s.isEmpty() ? def : PortcullisConfig.nonNegativeInt(source, key, s);
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
