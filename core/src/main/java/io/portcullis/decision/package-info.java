/**
 * The SMTP-time decision: evidence gathered so far in a dialog ({@link io.portcullis.decision.SmtpEvidence}),
 * the stage of the dialog ({@link io.portcullis.decision.Stage}) and the thresholds
 * ({@link io.portcullis.decision.SmtpRules}) go in; an {@link io.portcullis.decision.SmtpDecision} comes out:
 * accept, tarpit, temp-fail or reject, with a typed {@link io.portcullis.decision.Refusal} (code, enhanced status,
 * reason). {@link io.portcullis.decision.SmtpDecider} is the only place that compares a score with a threshold at
 * SMTP time; the James handler only gathers evidence, holds lines until it is in, writes the reply and records it.
 * No James type here.
 */
package io.portcullis.decision;
