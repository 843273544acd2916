package io.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finding and reading message files for the offline commands. */
final class MessageFiles {
    /**
     * Header checks never look past the header block; reading more of a file is wasted work. One octet more than
     * the checker examines, so a header over the limit is seen as such.
     */
    static final int READ_LIMIT = io.portcullis.headers.HeaderInput.READ_LIMIT;

    private MessageFiles() {
    }

    /**
     * Expands the arguments: a file is taken as is; a folder is walked recursively for {@code *.eml}
     * files and for Maildir messages (files inside {@code cur/} or {@code new/}). Sorted per argument.
     * A path that does not exist is returned as is, so that reading it reports the error.
     */
    static List<Path> expand(List<Path> args) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    out.addAll(s.filter(Files::isRegularFile).filter(MessageFiles::looksLikeMessage).sorted()
                            .collect(Collectors.toList()));
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean looksLikeMessage(Path p) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
            return false;
        }
        if (name.toLowerCase(Locale.ROOT).endsWith(".eml")) {
            return true;
        }
        Path parent = p.getParent();
        String dir = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
        return dir.equals("cur") || dir.equals("new");
    }

    /** The first {@link #READ_LIMIT} bytes of the file. */
    static byte[] readPrefix(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(READ_LIMIT);
        }
    }
}
