package io.portcullis.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.net.Networks;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceivedHopsTest {
    private static final Networks TRUSTED = Networks.parse("10.0.0.0/8, 127.0.0.0/8");

    @Test
    void untrustedClientIsItsOwnHop() throws Exception {
        assertThat(ReceivedHops.firstUntrustedBeyond(InetAddress.getByName("192.0.2.1"),
                List.of("from x ([198.51.100.1]) by mx"), TRUSTED)).isEmpty();
    }

    @Test
    void walksPastTrustedRelays() throws Exception {
        List<String> received = List.of(
                "from relay.internal (relay.internal [10.0.0.5]) by mx.example.com (JAMES) with ESMTP id 1; Mon, 2 Sep 2002 10:00:00 +0000",
                "from sender.example (unknown [IPv6:2001:db8::25])\r\n\tby relay.internal with ESMTP; Mon, 2 Sep 2002 09:59:00 +0000",
                "from evil ([192.0.2.66]) by sender.example; Mon, 2 Sep 2002 09:58:00 +0000");
        assertThat(ReceivedHops.firstUntrustedBeyond(InetAddress.getByName("10.0.0.5"), received, TRUSTED))
                .contains(InetAddress.getByName("2001:db8::25"));
    }

    @Test
    void unreadableHopEndsTheWalk() throws Exception {
        List<String> received = List.of("from relay.internal ([10.0.0.5]) by mx", "from somewhere by relay.internal",
                "from evil ([192.0.2.66]) by x");
        assertThat(ReceivedHops.firstUntrustedBeyond(InetAddress.getByName("10.0.0.5"), received, TRUSTED)).isEmpty();
    }

    @Test
    void addressesAfterByAreIgnored() {
        assertThat(ReceivedHops.fromAddress("from foo by bar ([192.0.2.1])")).isEmpty();
        assertThat(ReceivedHops.fromAddress("from foo ([999.1.1.1]) by bar")).isEmpty();
    }
}
