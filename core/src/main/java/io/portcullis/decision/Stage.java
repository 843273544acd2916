package io.portcullis.decision;

import java.util.Locale;

/** The point of the SMTP dialog a decision is made at. */
public enum Stage {
    CONNECT, HELO, MAIL, RCPT, DATA;

    /** The stage as the decision log writes it: {@code connect}, {@code helo}, {@code mail}, {@code rcpt}, {@code data}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a reply at this stage may refuse the mail: RCPT (per recipient) and end of DATA (whole message). */
    public boolean decides() {
        return this == RCPT || this == DATA;
    }
}
