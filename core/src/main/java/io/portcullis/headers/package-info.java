/**
 * Header conformance: a dependency-free parser over the raw header bytes ({@code HeaderParser}), the
 * rule catalogue {@link io.portcullis.headers.HeaderRule} (anchors H1-H25 of the project survey plus a
 * few documented signatures) and the {@link io.portcullis.headers.HeaderChecker} that applies it.
 *
 * <h2>Scoring principle</h2>
 *
 * <p>The default policy tags at 5.0 and scores add up, so a score says how much of a tag decision one
 * observation justifies. Every rule has a {@link io.portcullis.headers.HeaderRule.Kind kind}:
 *
 * <ul>
 * <li><b>{@code rfc}</b>: the rule enforces an RFC MUST. Only such a rule may reach the tag threshold
 * alone, and only when the violation is one no conforming mail client or server produces
 * ({@code INVALID_DATE}: a Date that is no date-time; {@code NO_HEADERS}). MUST violations that
 * sloppy legitimate software is known to commit score 1.5-4 (missing or repeated From/Date, broken
 * address syntax, empty To, MIME fields without MIME-Version, ...): two are needed.</li>
 * <li><b>{@code heuristic}</b>: everything else — SHOULDs, signatures of forged clients or traces,
 * style. <b>No heuristic's default score reaches the tag threshold</b> (a unit test enforces it, and
 * {@link io.portcullis.headers.CrossValidation} never fits one that high): a heuristic tags only together
 * with other evidence. The strongest (3-4) are self-contradictions that legitimate bulk mailers cannot
 * share: a Microsoft-format Message-ID whose encoded time is not the Date ({@code RATWARE_MS_HEADERS}), a
 * client name contradicted by the Message-ID or by a relay-made id ({@code FORGED_MUA},
 * {@code FORGED_MUA_RELAY_ID}), a trace the sender wrote itself ({@code TRACE_BELOW_ORIGINATOR}), a HELO
 * claiming a large provider's host ({@code RECEIVED_FORGED_PROVIDER_HELO}), an impossible zone, a Date after
 * the message was received, a subject hiding a tracking tag. Two of them from different evidence tag.</li>
 * </ul>
 *
 * <p><b>Families.</b> Signals that legitimate newsletters share — HTML only, X-Priority or
 * X-MSMail-Priority without a client stamp, a relay-made Message-ID, empty To, bulk-mailing software, no
 * destination field, unnecessary encoding, ... — are one {@link io.portcullis.headers.HeaderRule.Family
 * family} ({@code BULK_STYLE}) and count together at most {@link io.portcullis.headers.HeaderRule#BULK_STYLE_CAP}
 * (1.5): they are correlated observations of one fact ("sent by bulk software"), not independent
 * evidence, so they cannot add up to a tag, nor bring one heuristic of 3.5 or less to it.
 *
 * <p><b>Calibration.</b> Scores are set by this principle, then checked by k-fold cross-validation by
 * sender on the development corpus ({@code ./portcullis accuracy}; the procedure is documented at
 * {@link io.portcullis.headers.CrossValidation}): only held-out figures are reported, and false positives
 * are also counted per sender. A set of varied ham that is never used for fitting (test resources
 * {@code varied-ham/}: current commercial newsletters, personal mail, bounces) is checked separately.
 *
 * <h2>Dates</h2>
 *
 * <p>Dates are judged against the message's own trace, never against the wall clock, so replayed or
 * archived mail is not misjudged: DATE_IN_FUTURE compares with the arrival time when known, else the
 * latest Received timestamp; DATE_IN_PAST with the earliest Received timestamp. With neither there
 * is no judgement. The compared date is the topmost valid Resent-Date when present (the message was
 * resent; its original Date may legitimately be old), else Date. The slacks are documented at
 * {@link io.portcullis.headers.HeaderChecker}.
 *
 * <h2>Deliberate choices</h2>
 *
 * <ul>
 * <li>Duplicates count distinct values: identical copies (a relay or list bug) are not reported.</li>
 * <li>A message stored uniformly with LF line ends is local format, not a violation; only bare CR
 * and LF mixed with CRLF are.</li>
 * <li>MISSING_MIME_VERSION fires only when a field needs MIME semantics (a Content-Type other than
 * text/plain, or an encoding other than 7bit/8bit): RFC 2045 4 treats a message without
 * MIME-Version as plain text, which is what those defaults already say.</li>
 * <li>8-bit octets are judged once, by RAW_8BIT_HEADER; the address parser accepts them as text so
 * one defect is not reported twice. With SMTPUTF8 (RFC 6532) valid UTF-8 is allowed.</li>
 * </ul>
 */
package io.portcullis.headers;
