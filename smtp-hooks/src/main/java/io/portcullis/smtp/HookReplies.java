package io.portcullis.smtp;

import io.portcullis.decision.Refusal;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/** The handler's hook answers: a refusal of the SMTP decision, and the 451 of a hook that failed. */
final class HookReplies {
    /** A hook that failed answers this (never DECLINED: the handler fails closed, and the client retries). */
    static final HookResult FAILED = HookResult.builder().hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode("451").smtpDescription("4.3.0 Temporary local problem, try again later").build();

    private HookReplies() {
    }

    /** The refusal as a hook answer: DENYSOFT for a 4xx, DENY for a 5xx, with its code and description. */
    static HookResult of(Refusal r) {
        return HookResult.builder().hookReturnCode(r.soft() ? HookReturnCode.denySoft() : HookReturnCode.deny())
                .smtpReturnCode(r.code()).smtpDescription(r.description()).build();
    }
}
