package io.portcullis.james;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.io.Closeable;
import javax.annotation.PreDestroy;
import org.apache.james.onami.lifecycle.DisposingStager;
import org.apache.james.onami.lifecycle.Stager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a close action when James stops. Guice does not run {@code @PreDestroy} by itself and James runs it only
 * for what its own injector built, while Portcullis objects are usually built by the extension (child) injector.
 * So the action is registered with James's shutdown stager ({@code Stager<PreDestroy>}, staged by
 * {@code GuiceJamesServer.stop()}); failing that, with a JVM shutdown hook.
 */
final class JamesShutdown {
    private static final Logger LOGGER = LoggerFactory.getLogger(JamesShutdown.class);

    private JamesShutdown() {
    }

    static void register(Injector injector, Runnable close, String name) {
        try {
            Object stager = injector.getInstance(Key.get(new TypeLiteral<Stager<PreDestroy>>() { }));
            if (stager instanceof DisposingStager) {
                ((DisposingStager<?>) stager).register((Closeable) close::run);
                return;
            }
        } catch (RuntimeException | LinkageError e) {
            LOGGER.debug("Portcullis: no James shutdown stager", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(close, name));
    }
}
