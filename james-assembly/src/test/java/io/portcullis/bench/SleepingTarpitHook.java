package io.portcullis.bench;

import java.net.InetSocketAddress;
import org.apache.commons.configuration2.Configuration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;

/**
 * Test-only naive tarpit for comparison: {@code Thread.sleep} in the HELO/EHLO hook for one client address,
 * which blocks the Netty event loop the connection runs on (James 3.8.1 runs hooks there). Never use this.
 *
 * <pre>{@code
 * <handler class="io.portcullis.bench.SleepingTarpitHook"><address>127.0.0.2</address><delayMs>3000</delayMs></handler>
 * }</pre>
 */
public class SleepingTarpitHook implements HeloHook {
    private volatile String address = "127.0.0.2";
    private volatile long delayMs = 3000;

    @Override
    public void init(Configuration config) {
        address = config.getString("address", address);
        delayMs = config.getLong("delayMs", delayMs);
    }

    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        InetSocketAddress remote = session.getRemoteAddress();
        if (remote != null && remote.getAddress().getHostAddress().equals(address)) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return HookResult.DECLINED;
    }
}
