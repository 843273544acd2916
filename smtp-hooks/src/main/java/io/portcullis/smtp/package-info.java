/**
 * Portcullis SMTP-time hooks for James 3.8 (connect/HELO/MAIL/RCPT/end-of-DATA). Empty for now: the header
 * conformance check runs in the mail pipeline ({@code io.portcullis.mailets.Tag},
 * {@code io.portcullis.matchers.HasBadHeaders}); SMTP-time checks (DNSBL, tarpit, rejection at end of DATA) will
 * live here and hand their findings to the pipeline through the mail attributes of
 * {@code io.portcullis.james.MailAttributes}.
 */
package io.portcullis.smtp;
