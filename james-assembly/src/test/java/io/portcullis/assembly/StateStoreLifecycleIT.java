package io.portcullis.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.store.JournalStateStore;
import io.portcullis.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Path repo = TestPaths.repository();
        WorkingDirectory.prepare(repo.resolve("conf"), work.resolve("james"), "127.0.0.1:0", "127.0.0.1:0", null);
        WorkingDirectory.appendProperties(work.resolve("james"), "added by StateStoreLifecycleIT",
                // offline: nothing listens on 127.0.0.1:9 (the sample's dns.servers = system would ask the host's)
                List.of("nameservers.enabled = true", "dns.servers = 127.0.0.1:9"));
        Path state = work.resolve("james/var/portcullis/state");
        GuiceJamesServer server = PortcullisServer.start(work.resolve("james"));
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
