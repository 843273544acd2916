package io.portcullis.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import io.portcullis.net.HostPort;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Provider;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imapserver.netty.IMAPServerFactory;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.lib.handler.ProtocolHandlerLoader;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;

/**
 * IPv6 listen addresses for James's SMTP and IMAP servers ({@code <bind>[::1]:2525</bind>}, {@code --smtp
 * '[::1]:2525'}). James 3.8.1 splits each {@code <bind>} entry at every colon, so an IPv6 literal fails with a
 * NumberFormatException. These server factories give James a copy of the configuration in which a {@code <bind>}
 * holding an IPv6 address is replaced by a loopback placeholder on the same port, and set the real addresses
 * (parsed with {@link HostPort}) on each server before it binds. Other binds are left to James unchanged.
 */
final class ListenAddresses {
    private ListenAddresses() {
    }

    /** The Guice overrides that install these factories. */
    static Module module() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(SMTPServerFactory.class).to(Smtp.class).in(Scopes.SINGLETON);
            }

            @Provides
            @Singleton
            IMAPServerFactory imapServerFactory(FileSystem fileSystem, Provider<ImapDecoder> decoder,
                    Provider<ImapEncoder> encoder, Provider<ImapProcessor> processor, MetricFactory metricFactory,
                    GaugeRegistry gaugeRegistry) {
                return new Imap(fileSystem, decoder, encoder, processor, metricFactory, gaugeRegistry);
            }
        };
    }

    /** Creates the servers of {@code config} (children {@code key}) through James, then applies IPv6 binds. */
    static List<AbstractConfigurableAsyncServer> create(HierarchicalConfiguration<ImmutableNode> config, String key,
            ServerCreator james) throws Exception {
        List<HierarchicalConfiguration<ImmutableNode>> servers = config.configurationsAt(key);
        Map<Integer, InetSocketAddress[]> real = new LinkedHashMap<>();
        BaseHierarchicalConfiguration copy = new BaseHierarchicalConfiguration(config);
        for (int i = 0; i < servers.size(); i++) {
            InetSocketAddress[] addresses = ipv6Binds(servers.get(i).getString("bind", null));
            if (addresses != null) {
                real.put(i, addresses);
                copy.setProperty(key + "(" + i + ").bind", "127.0.0.1:" + addresses[0].getPort());
            }
        }
        List<AbstractConfigurableAsyncServer> created = james.create(real.isEmpty() ? config : copy);
        if (!real.isEmpty() && created.size() != servers.size()) {
            throw new ConfigurationException("cannot set the IPv6 listen addresses of " + key + ": James created "
                    + created.size() + " server(s) for " + servers.size() + " <" + key + "> element(s)");
        }
        for (Map.Entry<Integer, InetSocketAddress[]> e : real.entrySet()) {
            created.get(e.getKey()).setListenAddresses(e.getValue());
        }
        return created;
    }

    /**
     * The addresses of a {@code <bind>} value ({@code HOST:PORT}, comma separated) when one of them is an IPv6
     * literal; null otherwise (James reads it itself), also when an entry does not parse (James reports it).
     */
    static InetSocketAddress[] ipv6Binds(String bind) {
        if (bind == null || bind.indexOf('[') < 0) {
            return null;
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : bind.split(",")) {
            if (part.trim().isEmpty()) {
                continue;
            }
            HostPort hp;
            try {
                hp = HostPort.parse(part, -1);
            } catch (IllegalArgumentException e) {
                return null;
            }
            out.add(hp.isIpLiteral() ? hp.socketAddress() : new InetSocketAddress(hp.host(), hp.port()));
        }
        return out.isEmpty() ? null : out.toArray(new InetSocketAddress[0]);
    }

    @FunctionalInterface
    interface ServerCreator {
        List<AbstractConfigurableAsyncServer> create(HierarchicalConfiguration<ImmutableNode> config) throws Exception;
    }

    /** James's SMTP server factory, IPv6 binds applied. */
    static final class Smtp extends SMTPServerFactory {
        @Inject
        Smtp(DNSService dns, ProtocolHandlerLoader loader, FileSystem fileSystem, MetricFactory metricFactory) {
            super(dns, loader, fileSystem, metricFactory);
        }

        @Override
        protected List<AbstractConfigurableAsyncServer> createServers(HierarchicalConfiguration<ImmutableNode> config)
                throws Exception {
            return create(config, "smtpserver", super::createServers);
        }
    }

    /** James's IMAP server factory, IPv6 binds applied. */
    static final class Imap extends IMAPServerFactory {
        Imap(FileSystem fileSystem, Provider<ImapDecoder> decoder, Provider<ImapEncoder> encoder,
                Provider<ImapProcessor> processor, MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
            super(fileSystem, decoder, encoder, processor, metricFactory, gaugeRegistry);
        }

        @Override
        protected List<AbstractConfigurableAsyncServer> createServers(HierarchicalConfiguration<ImmutableNode> config)
                throws Exception {
            return create(config, "imapserver", super::createServers);
        }
    }
}
