/**
 * Header conformance: a dependency-free parser over the raw header bytes ({@code HeaderParser}), the
 * rule catalogue {@link io.portcullis.headers.HeaderRule} (anchors H1-H25 of the project survey plus a
 * few documented signatures) and the {@link io.portcullis.headers.HeaderChecker} that applies it.
 *
 * <h2>How the default scores were chosen</h2>
 *
 * <p>The default policy tags at 5.0 and the scores are additive, so each score says how much of a
 * tag decision one observation justifies. Scores were set by the kind of evidence, in four tiers,
 * and then checked (not fitted message by message) against the development corpus, where the
 * defaults flag 0 of 2,500 ham and 66 % of 500 spam at 5.0.
 *
 * <ol>
 * <li><b>5.0 and above: proof of fabrication.</b> The header contradicts itself in a way no working
 * mail software produces: a client named in X-Mailer/User-Agent whose fixed Message-ID format is
 * absent ({@code FORGED_MUA}, the SpamAssassin/rspamd FORGED_MUA_* shapes); Microsoft-engine markers
 * without the X-MimeOLE stamp that engine always writes, or a zero-padded imitation of its ids
 * ({@code RATWARE_MS_HEADERS}, rspamd RATWARE_MS_HASH/MISSING_MIMEOLE); a zone offset no clock can
 * have ({@code ABSURD_DATE_ZONE}); a Date that is not a date-time at all ({@code INVALID_DATE}: the
 * one field every generator must write, in a syntax fixed since RFC 822); a subject that hides a
 * per-recipient tag behind a run of blanks ({@code SUBJECT_PADDED_TAG}: deliberate concealment);
 * no header at all ({@code NO_HEADERS}, 6.0).</li>
 * <li><b>3.0-4.0: MUST violations of the core fields.</b> Missing or repeated From/Date, broken
 * From syntax, duplicate Content-Type, no header/body separator, mixed line ends, bad field names,
 * a Date written after the message was received. Legitimate but broken software can commit one of
 * these, so one alone does not tag; two do.</li>
 * <li><b>2.0-2.5: MUST violations that sloppy legitimate software is known to commit</b> (invalid
 * Message-ID or recipient syntax, empty To/Cc, wrong weekday, encoded-word errors, MIME headers
 * without MIME-Version, over-long lines, unreadable Received timestamps, reserved IPs in Received,
 * bulk-mailing software).</li>
 * <li><b>0.5-1.5: SHOULDs, optional fields and weak heuristics</b> (missing Message-ID or Subject,
 * a Message-ID a relay made from its queue id because the sender wrote none, HTML without a
 * plain-text version, X-Priority without a client name, a HELO address literal that is not the
 * client's,
 * no destination field, raw 8-bit text, unnecessary encoding, Date long before the first hop,
 * IP-literal Message-ID, display name showing another address, odd Received dates). These only add
 * weight to stronger evidence.</li>
 * </ol>
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
