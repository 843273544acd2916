package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.JournalStateStore;
import io.portcullis.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.portcullis.testing.KnotServer;
import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded state store of a real James (the repository's {@code conf/}, nameservers on): opened in
 * {@code var/portcullis/state} under James's working directory at start, locked while James runs, and
 * closed (lock released) when James stops.
 */
class StateStoreLifecycleIT {
    @TempDir
    Path work;

    @Test
    void storeIsOpenedUnderTheWorkingDirectoryAndClosedWhenJamesStops() throws Exception {
        Path state = work.resolve("james/var/portcullis/state");
        // Hermetic: no sample (Spamhaus) list, DNS to a test Knot rather than the host's resolver.
        GuiceJamesServer server;
        try (KnotServer knot = KnotServer.start(work, KnotServer.zonesFromClasspath("test"))) {
            server = TestJames.in(work.resolve("james")).dropSampleLists().dns(knot.hostPort())
                    .properties("nameservers.enabled = true").start();
        }
        try {
            assertThat(Files.isDirectory(state)).isTrue();
            assertThatThrownBy(() -> JournalStateStore.open(state, JournalStateStore.Options.DEFAULTS))
                    .isInstanceOf(StoreException.class).hasMessageContaining("in use");
        } finally {
            server.stop();
        }
        try (JournalStateStore reopened = JournalStateStore.open(state, JournalStateStore.Options.DEFAULTS)) {
            assertThat(reopened.directory()).isEqualTo(state);
        }
    }
}
