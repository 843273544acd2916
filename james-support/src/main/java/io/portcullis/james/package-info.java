/**
 * Shared plumbing for the Portcullis James adapters: the Guice module and shared runtime
 * ({@link io.portcullis.james.PortcullisRuntime}), the mail-attribute codec
 * ({@link io.portcullis.james.MailAttributes}) and the construction of header-check input from a James mail
 * ({@link io.portcullis.james.MailHeaderInputs}).
 */
package io.portcullis.james;
