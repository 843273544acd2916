package io.portcullis.smtp;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.JamesWelcomeMessageHandler;

/**
 * James 3.8.1's core SMTP handler list ({@link CoreCmdHandlerLoader}) with the stock welcome handler
 * ({@link JamesWelcomeMessageHandler}, which writes the 220 greeting at once) replaced, in the same place, by
 * {@link PortcullisGreetingHandler} (which can hold the greeting for the greeting test). Everything else is
 * James's own list, read from {@link CoreCmdHandlerLoader} at start, so James's order and handlers are kept.
 *
 * <p>Used through the {@code coreHandlersPackage} attribute of {@code smtpserver.xml}'s handler chain (see
 * {@link PortcullisGreetingHandler} for the full XML):
 *
 * <pre>{@code
 * <handlerchain coreHandlersPackage="io.portcullis.smtp.PortcullisCoreHandlers">
 * }</pre>
 */
public class PortcullisCoreHandlers implements HandlersPackage {
    static final String WELCOME = JamesWelcomeMessageHandler.class.getName();
    static final String GREETING = PortcullisGreetingHandler.class.getName();

    @Override
    public List<String> getHandlers() {
        return replaceWelcome(new CoreCmdHandlerLoader().getHandlers());
    }

    /** The list with the welcome handler replaced by the Portcullis greeting handler (put first if absent). */
    static List<String> replaceWelcome(List<String> core) {
        List<String> out = new ArrayList<>(core.size());
        boolean replaced = false;
        for (String h : core) {
            if (h.equals(WELCOME)) {
                out.add(GREETING);
                replaced = true;
            } else if (!h.equals(GREETING)) {
                out.add(h);
            }
        }
        if (!replaced) {
            out.add(0, GREETING);
        }
        return out;
    }
}
