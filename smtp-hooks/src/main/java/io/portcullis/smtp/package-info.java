/**
 * Portcullis at SMTP time for James 3.8.1: {@link io.portcullis.smtp.PortcullisSmtpHandler} (checks from connect
 * on, decisions at RCPT and end of DATA, tarpit by paused reads through {@link io.portcullis.smtp.ReadGate}),
 * and the greeting test ({@link io.portcullis.smtp.PortcullisGreetingHandler} with the core handler list
 * {@link io.portcullis.smtp.PortcullisCoreHandlers}). Findings reach the pipeline through the mail attributes of
 * {@code io.portcullis.james.MailAttributes}.
 */
package io.portcullis.smtp;
