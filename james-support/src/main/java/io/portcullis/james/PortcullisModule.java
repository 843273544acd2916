package io.portcullis.james;

import com.google.inject.AbstractModule;

/**
 * Guice module for James's extension mechanism. List it in {@code conf/extensions.properties}:
 *
 * <pre>
 * guice.extension.module=io.portcullis.james.PortcullisModule
 * </pre>
 *
 * <p>It binds {@link PortcullisRuntime} as an <em>eager</em> singleton, so {@code portcullis.properties} is read
 * (and a bad value stops James) when James builds its extension injector at startup, even before any Portcullis
 * matcher or mailet is instantiated. Without this module the adapters still work: Guice creates the
 * {@code @Singleton} runtime just in time, on first use.
 */
public class PortcullisModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(PortcullisRuntime.class).asEagerSingleton();
    }
}
