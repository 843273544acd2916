package io.portcullis.log;

import io.portcullis.json.Json;
import io.portcullis.json.Text;
import io.portcullis.verdict.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One decision of Portcullis, as one line of the decision log. Built on the deciding thread (cheap: fields only,
 * no formatting), formatted to JSON by the log's writer thread. Untrusted text (HELO, sender, reasons, reply) is
 * made printable ASCII and cut short when formatted. No message body is ever recorded.
 *
 * <p>JSON fields (absent when unknown): {@code time} (ISO-8601 UTC), {@code node}, {@code stage}
 * ({@code connect|helo|mail|rcpt|data|pipeline}), {@code client}, {@code rdns}, {@code helo}, {@code sender}
 * ({@code ""} for the null sender), {@code recipients}, {@code message_id}, {@code action}
 * ({@code reject|tempfail|tarpit|tag|accept}), {@code observe} (true: observe mode, {@code action} is what
 * <em>would</em> have been done), {@code reason} (a short category: {@code score}, {@code pregreet},
 * {@code remembered}, {@code dns-unknown}, {@code tarpit-full}; {@code remember} for the
 * {@code Tarpit} mailet), {@code score}, {@code findings} ({@code check}, {@code rule},
 * {@code weight}, {@code reason}, {@code zone} for a DNS list's finding (its zone; lines written before it have
 * none); {@code observe: true} for a finding of a check in observe mode, which did not
 * count), {@code lists_unknown} (DNS lists that gave no answer and why, e.g. {@code zen, dbl: resolver
 * unreachable}: they could neither list nor clear the client), {@code entities} (the reputation records of the
 * transaction as {@code kind:key}, e.g. {@code net:192.0.2.0/24}, {@code mail-from:example.com@192.0.2.0/24}: what the
 * report's worst and most improved networks and domains count), {@code reply} (the SMTP reply sent, or that would
 * have been sent).
 */
public final class Decision {
    /** Stages. */
    public static final String CONNECT = "connect";
    public static final String HELO = "helo";
    public static final String MAIL = "mail";
    public static final String RCPT = "rcpt";
    public static final String DATA = "data";
    public static final String PIPELINE = "pipeline";

    /** Actions. */
    public static final String REJECT = "reject";
    public static final String TEMPFAIL = "tempfail";
    public static final String TARPIT = "tarpit";
    public static final String TAG = "tag";
    public static final String ACCEPT = "accept";

    static final int TEXT_MAX = 200;
    static final int REASON_MAX = 120;
    static final int FINDINGS_MAX = 20;

    Instant time;
    final String stage;
    final String action;
    String client;
    String rdns;
    String helo;
    String sender;
    int recipients = -1;
    String messageId;
    boolean observe;
    String reason;
    double score = Double.NaN;
    List<Finding> findings = List.of();
    List<Finding> observed = List.of();
    String reply;
    String listsUnknown;
    List<String> entities = List.of();

    private Decision(String stage, String action) {
        this.stage = stage;
        this.action = action;
    }

    /** A decision at {@code stage} ({@link #RCPT}, ...) to {@code action} ({@link #REJECT}, ...). */
    public static Decision of(String stage, String action) {
        return new Decision(stage, action);
    }

    public Decision time(Instant t) {
        this.time = t;
        return this;
    }

    public Decision client(String address) {
        this.client = address;
        return this;
    }

    public Decision rdns(String name) {
        this.rdns = name;
        return this;
    }

    public Decision helo(String name) {
        this.helo = name;
        return this;
    }

    /** Envelope sender: an address, {@code ""} for the null sender, null when unknown. */
    public Decision sender(String address) {
        this.sender = address;
        return this;
    }

    public Decision recipients(int count) {
        this.recipients = count;
        return this;
    }

    public Decision messageId(String id) {
        this.messageId = id;
        return this;
    }

    public Decision observe(boolean wouldOnly) {
        this.observe = wouldOnly;
        return this;
    }

    public Decision reason(String category) {
        this.reason = category;
        return this;
    }

    public Decision score(double s) {
        this.score = s;
        return this;
    }

    public Decision findings(List<Finding> list) {
        this.findings = list == null ? List.of() : list;
        return this;
    }

    /**
     * Findings of checks in observe mode: written after {@link #findings} with {@code "observe": true}; they did
     * not count towards an enforced decision.
     */
    public Decision observed(List<Finding> list) {
        this.observed = list == null ? List.of() : list;
        return this;
    }

    /** DNS lists that gave no answer and why, e.g. {@code zen, dbl: resolver unreachable}; null for none. */
    public Decision listsUnknown(String text) {
        this.listsUnknown = text;
        return this;
    }

    /**
     * The transaction's reputation entities as {@code kind:key} ({@code net:192.0.2.0/24}, {@code from:example.com});
     * at most {@link #FINDINGS_MAX} are written.
     */
    public Decision entities(List<String> keys) {
        this.entities = keys == null ? List.of() : keys;
        return this;
    }

    /** The SMTP reply, e.g. {@code 550 5.7.1 Rejected: ...}. */
    public Decision reply(String text) {
        this.reply = text;
        return this;
    }

    /** This decision at another stage (every field copied). */
    public Decision copyWithStage(String other) {
        Decision d = new Decision(other, action);
        d.time = time;
        d.client = client;
        d.rdns = rdns;
        d.helo = helo;
        d.sender = sender;
        d.recipients = recipients;
        d.messageId = messageId;
        d.observe = observe;
        d.reason = reason;
        d.score = score;
        d.findings = findings;
        d.observed = observed;
        d.reply = reply;
        d.listsUnknown = listsUnknown;
        d.entities = entities;
        return d;
    }

    public String stage() {
        return stage;
    }

    public String action() {
        return action;
    }

    /** The findings that counted (for an observe decision: every finding behind it). */
    public List<Finding> findings() {
        return findings;
    }

    /** Findings of checks in observe mode. */
    public List<Finding> observedFindings() {
        return observed;
    }

    public boolean isObserve() {
        return observe;
    }

    /** The JSON line (without the line end). */
    public String toJson(String node) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", (time == null ? Instant.EPOCH : time).toString());
        m.put("node", node);
        m.put("stage", stage);
        putText(m, "client", client, 64);
        putText(m, "rdns", rdns, TEXT_MAX);
        putText(m, "helo", helo, TEXT_MAX);
        if (sender != null) {
            m.put("sender", Text.headerSafe(sender, TEXT_MAX));
        }
        if (recipients >= 0) {
            m.put("recipients", recipients);
        }
        putText(m, "message_id", messageId, TEXT_MAX);
        m.put("action", action);
        if (observe) {
            m.put("observe", Boolean.TRUE);
        }
        putText(m, "reason", reason, 40);
        if (!Double.isNaN(score)) {
            m.put("score", score);
        }
        if (!findings.isEmpty() || !observed.isEmpty()) {
            List<Object> fs = new ArrayList<>();
            addFindings(fs, findings, false);
            addFindings(fs, observed, true);
            m.put("findings", fs);
        }
        putText(m, "lists_unknown", listsUnknown, TEXT_MAX);
        if (!entities.isEmpty()) {
            List<Object> es = new ArrayList<>();
            for (String e : entities) {
                if (es.size() < FINDINGS_MAX && e != null && !e.isEmpty()) {
                    es.add(Text.headerSafe(e, TEXT_MAX));
                }
            }
            m.put("entities", es);
        }
        putText(m, "reply", reply, 400);
        return Json.write(m);
    }

    private static void addFindings(List<Object> out, List<Finding> list, boolean observedOnes) {
        for (Finding f : list) {
            if (out.size() >= FINDINGS_MAX) {
                return;
            }
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("check", Text.headerSafe(f.check(), 40));
            fm.put("rule", Text.headerSafe(f.rule(), 80));
            fm.put("weight", f.score());
            fm.put("reason", Text.headerSafe(f.detail(), REASON_MAX));
            if (!f.zone().isEmpty()) {
                fm.put("zone", Text.headerSafe(f.zone(), 255));
            }
            if (observedOnes) {
                fm.put("observe", Boolean.TRUE);
            }
            out.add(fm);
        }
    }

    private static void putText(Map<String, Object> m, String key, String value, int max) {
        if (value != null && !value.isEmpty()) {
            m.put(key, Text.headerSafe(value, max));
        }
    }
}
