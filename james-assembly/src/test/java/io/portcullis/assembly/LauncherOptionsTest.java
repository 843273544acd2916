package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The HOST:PORT options of {@code ./portcullis run}, and the refusal of a metrics endpoint beyond loopback. */
class LauncherOptionsTest {
    private static PortcullisServer.Options parse(String... args) {
        return PortcullisServer.Options.parse(args);
    }

    @Test
    void ipv6LiteralsAreAcceptedInEveryHostPortOption() {
        PortcullisServer.Options o = parse("--smtp", "[::1]:2525", "--imap", "[::1]:1143", "--dns", "[::1]:53,127.0.0.1:53",
                "--metrics", "[::1]:8000");
        assertThat(o.smtp).isEqualTo("[::1]:2525");
        assertThat(o.imap).isEqualTo("[::1]:1143");
        assertThat(o.dns).containsExactly("[::1]:53", "127.0.0.1:53");
        assertThat(o.metrics).isEqualTo("[::1]:8000");
        assertThatThrownBy(() -> parse("--smtp", "::1:2525")).hasMessageContaining("--smtp")
                .hasMessageContaining("::1:2525");
    }

    @Test
    void aMetricsAddressBeyondLoopbackIsRefusedUnlessForced() {
        for (String address : new String[] {"0.0.0.0:8000", "[::]:8000", "192.0.2.1:8000"}) {
            assertThatThrownBy(() -> parse("--metrics", address)).as(address)
                    .isInstanceOf(PortcullisServer.UsageException.class).hasMessageContaining("--metrics " )
                    .hasMessageContaining("beyond loopback").hasMessageContaining("--metrics-public");
        }
        assertThat(parse("--metrics", "0.0.0.0:8000", "--metrics-public").metrics).isEqualTo("0.0.0.0:8000");
        assertThat(parse("--metrics", "127.0.0.1:8000").metrics).isEqualTo("127.0.0.1:8000");
        assertThat(parse("--metrics", "localhost:8000").metrics).isEqualTo("localhost:8000");
        assertThat(parse("--metrics", "off").metrics).isNull();
        assertThat(parse().metrics).as("the default").isEqualTo("127.0.0.1:8000");
    }

    @Test
    void jamesGetsIpv6BindsThroughTheServerFactories() {
        assertThat(ListenAddresses.ipv6Binds("127.0.0.1:25")).as("left to James").isNull();
        assertThat(ListenAddresses.ipv6Binds("[::1]:2525, 127.0.0.1:2526")).containsExactly(
                new InetSocketAddress("::1", 2525), new InetSocketAddress("127.0.0.1", 2526));
    }
}
