package io.portcullis.james;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import javax.inject.Inject;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Mirrors James's GuiceGenericLoader: extensions are created by a child injector that holds the modules of
 * extensions.properties. The runtime must be one shared instance, with or without PortcullisModule.
 */
class PortcullisModuleTest {
    static class Adapter {
        final PortcullisRuntime runtime;

        @Inject
        Adapter(PortcullisRuntime runtime) {
            this.runtime = runtime;
        }
    }

    static class OtherAdapter {
        final PortcullisRuntime runtime;

        @Inject
        OtherAdapter(PortcullisRuntime runtime) {
            this.runtime = runtime;
        }
    }

    private static Injector james() {
        return Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(FileSystem.class).toInstance(new FileSystem() {
                    @Override
                    public InputStream getResource(String url) throws IOException {
                        throw new FileNotFoundException(url);
                    }

                    @Override
                    public File getFile(String url) throws FileNotFoundException {
                        throw new FileNotFoundException(url);
                    }

                    @Override
                    public File getBasedir() {
                        return new File(".");
                    }
                });
                bind(Configuration.ConfigurationPath.class)
                        .toInstance(new Configuration.ConfigurationPath(FileSystem.FILE_PROTOCOL_AND_CONF));
                // James binds a MetricFactory; a stand-in that is never called (no DNS list configured).
                bind(org.apache.james.metrics.api.MetricFactory.class).toInstance(
                        (org.apache.james.metrics.api.MetricFactory) java.lang.reflect.Proxy.newProxyInstance(
                                getClass().getClassLoader(),
                                new Class<?>[] {org.apache.james.metrics.api.MetricFactory.class},
                                (proxy, method, args) -> null));
            }
        });
    }

    private static void assertShared(Module extensionModule) {
        Injector child = james().createChildInjector(extensionModule);
        Adapter a = child.getInstance(Adapter.class);
        Adapter b = child.getInstance(Adapter.class);
        OtherAdapter c = child.getInstance(OtherAdapter.class);
        assertThat(a).isNotSameAs(b);
        assertThat(a.runtime).isSameAs(b.runtime).isSameAs(c.runtime);
        assertThat(a.runtime.config().policy().tagThreshold()).isEqualTo(5.0);
    }

    @Test
    void withTheModuleListed() {
        assertShared(new PortcullisModule());
    }

    @Test
    void withoutTheModule() {
        assertShared(binder -> {
        });
    }
}
