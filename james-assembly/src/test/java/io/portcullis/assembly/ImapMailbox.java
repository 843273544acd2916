package io.portcullis.assembly;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/** A mailbox of the test James read over real IMAP: find messages, wait for one to be delivered. */
final class ImapMailbox {
    private final int port;
    private final String user;
    private final String password;

    ImapMailbox(int port, String user, String password) {
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /** Messages of the folder whose header block contains {@code token}. */
    List<byte[]> find(String folder, String token) throws IOException {
        return find(folder, m -> MailClients.headers(m).contains(token));
    }

    List<byte[]> find(String folder, Predicate<byte[]> which) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (byte[] m : MailClients.fetchAll(port, user, password, folder)) {
            if (which.test(m)) {
                out.add(m);
            }
        }
        return out;
    }

    byte[] await(String folder, String token) {
        return await(folder, m -> MailClients.headers(m).contains(token));
    }

    /** Waits up to 30 s for a matching message (delivery is asynchronous); fails listing what is there. */
    byte[] await(String folder, Predicate<byte[]> which) {
        AtomicReference<byte[]> found = new AtomicReference<>();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        List<byte[]> hits = find(folder, which);
                        if (hits.isEmpty()) {
                            return false;
                        }
                        found.set(hits.get(0));
                        return true;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no such message in " + folder + " after 30 s; mailbox holds:\n" + describe(), e);
        }
        return found.get();
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (String folder : List.of("INBOX", "Spam")) {
            try {
                for (byte[] m : MailClients.fetchAll(port, user, password, folder)) {
                    String h = MailClients.headers(m);
                    sb.append("--- ").append(folder).append(":\n").append(h, 0, Math.min(h.length(), 1500))
                            .append('\n');
                }
            } catch (IOException e) {
                sb.append(folder).append(": ").append(e).append('\n');
            }
        }
        return sb.toString();
    }
}
