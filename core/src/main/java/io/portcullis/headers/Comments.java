package io.portcullis.headers;

/** RFC 5322 comments ({@code ( ... )}, nested, with quoted-pairs), shared by the header parsers. */
final class Comments {
    private Comments() {
    }

    /**
     * The index of the {@code )} that closes the comment opening at {@code open} (where {@code s} has
     * {@code (}), honouring nesting and quoted-pairs; -1 when the comment is not closed.
     */
    static int end(CharSequence s, int open) {
        int depth = 0;
        int i = open;
        int n = s.length();
        while (i < n) {
            char d = s.charAt(i);
            if (d == '\\') {
                i += 2;
                continue;
            }
            if (d == '(') {
                depth++;
            } else if (d == ')' && --depth == 0) {
                return i;
            }
            i++;
        }
        return -1;
    }
}
