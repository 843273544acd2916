package io.portcullis.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import io.portcullis.smtp.TarpitSlots;
import javax.inject.Inject;
import org.apache.james.utils.GuiceProbe;

/**
 * The tarpit count of one test James (its own {@link TarpitSlots}, never another server's of the JVM), read through
 * {@code server.getProbe(TarpitProbe.class)}.
 */
public final class TarpitProbe implements GuiceProbe {
    /** Registers the probe; passed to {@code PortcullisServer.start} by {@link TestJames}. */
    static final Module MODULE = new AbstractModule() {
        @Override
        protected void configure() {
            Multibinder.newSetBinder(binder(), GuiceProbe.class).addBinding().to(TarpitProbe.class);
        }
    };

    private final TarpitSlots slots;

    @Inject
    public TarpitProbe(TarpitSlots slots) {
        this.slots = slots;
    }

    /** Connections this server tarpits now. */
    public int held() {
        return slots.held();
    }

    /** Clients this server refused ({@code 421}) because its tarpit was full. */
    public long refused() {
        return slots.refused();
    }
}
