package io.portcullis.smtp;

import io.portcullis.decision.Exemption;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Why a client is not judged: allowed to relay (an authorised network or SMTP AUTH; also a connection without a
 * client address), or on {@code smtp.allow} by address or forward-confirmed reverse name; else {@link Exemption#NONE}.
 */
final class ClientExemption {
    private ClientExemption() {
    }

    static Exemption of(SMTPSession session, Conn conn) {
        if (session.isRelayingAllowed() || session.getUsername() != null || conn.client == null) {
            return Exemption.RELAY;
        }
        return conn.allowListedNow() ? Exemption.ALLOW_LIST : Exemption.NONE;
    }
}
