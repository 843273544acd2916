package io.portcullis.os;

import io.portcullis.verdict.FindingCondition;
import io.portcullis.verdict.FindingCondition.Kind;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Matcher condition items about what p0f says of a mail's SMTP client (an {@link OsReport}; a client p0f has no
 * record of, or no report at all, never holds): a glob on the OS ({@code NAME FLAVOR}, {@code Windows 7 or 8}, or
 * the name alone) and {@code link:GLOB} on the link type. Globs are case-insensitive ({@code *} any text, {@code ?}
 * one character); they need no policy and ignore observe mode. An empty glob or one made of {@code *} only is
 * refused (it would match every client p0f knows), as is text outside printable ASCII (p0f's labels are ASCII).
 */
public final class OsConditions {
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]+");

    /** {@code link:GLOB}: p0f's link type ({@code DSL}, {@code Ethernet or modem}, ...). */
    public static final Kind<OsReport, OsRules.Glob> LINK = FindingCondition.onEvidence("link:GLOB",
            token -> token.toLowerCase(Locale.ROOT).startsWith("link:") ? glob(token, token.substring(5).trim())
                    : null,
            (g, report) -> report != null && report.found() && g.matches(report.answer().linkType()));

    /** Any other token: a glob on the OS label or its name alone. Add it last: it takes every token. */
    public static final Kind<OsReport, OsRules.Glob> OS = FindingCondition.onEvidence("an OS glob",
            token -> glob(token, token),
            (g, report) -> report != null && report.found()
                    && (g.matches(report.answer().os()) || g.matches(report.answer().osName())));

    private OsConditions() {
    }

    private static OsRules.Glob glob(String token, String glob) {
        if (glob.isEmpty() || glob.matches("\\*+")) {
            throw new IllegalArgumentException("an empty pattern or '*' would match every client p0f knows");
        }
        if (!PRINTABLE.matcher(glob).matches()) {
            throw new IllegalArgumentException("p0f's labels are printable ASCII");
        }
        return new OsRules.Glob(token, glob, 1);
    }
}
