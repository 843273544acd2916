package io.portcullis.headers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header block of a message split into fields, plus the structural observations the parser made
 * on the way (line endings, line lengths, bad field names, where the block ended). Immutable once
 * built by {@link HeaderParser}.
 */
final class ParsedHeader {
    /** How the header block ended. */
    enum End {
        /** An empty line: the normal case. */
        SEPARATOR,
        /** The input ended after the last field (a message without body; legal). */
        END_OF_INPUT,
        /** A line that is neither a field nor a continuation: the body began without the empty line. */
        BODY_WITHOUT_SEPARATOR,
        /** The parser stopped at its size or field-count limit. */
        LIMIT
    }

    final List<HeaderField> fields;
    private final Map<String, List<HeaderField>> byName;
    final End end;
    /** The first line of the body when {@link End#BODY_WITHOUT_SEPARATOR}, shortened; else null. */
    final String bodyStartLine;
    final int crlfCount;
    final int bareLfCount;
    final int bareCrCount;
    final int longLineCount;
    final int longestLine;
    /** 1-based line number of the longest over-long line, or 0. */
    final int longestLineNumber;
    final int badFieldNameCount;
    /** Description of the first bad field name, or null. */
    final String firstBadFieldName;
    /** Octets consumed by the header block (up to and including the separator). */
    final int headerLength;

    ParsedHeader(List<HeaderField> fields, End end, String bodyStartLine, int crlfCount, int bareLfCount,
            int bareCrCount, int longLineCount, int longestLine, int longestLineNumber, int badFieldNameCount,
            String firstBadFieldName, int headerLength) {
        this.fields = Collections.unmodifiableList(fields);
        Map<String, List<HeaderField>> m = new HashMap<>();
        for (HeaderField f : fields) {
            m.computeIfAbsent(f.lowerName(), k -> new ArrayList<>(2)).add(f);
        }
        this.byName = m;
        this.end = end;
        this.bodyStartLine = bodyStartLine;
        this.crlfCount = crlfCount;
        this.bareLfCount = bareLfCount;
        this.bareCrCount = bareCrCount;
        this.longLineCount = longLineCount;
        this.longestLine = longestLine;
        this.longestLineNumber = longestLineNumber;
        this.badFieldNameCount = badFieldNameCount;
        this.firstBadFieldName = firstBadFieldName;
        this.headerLength = headerLength;
    }

    /** All fields named {@code lowerName} (ASCII lower case), in message order; never null. */
    List<HeaderField> all(String lowerName) {
        List<HeaderField> l = byName.get(lowerName);
        return l == null ? List.of() : l;
    }

    /** The first (topmost) field with that name, or null. */
    HeaderField first(String lowerName) {
        List<HeaderField> l = byName.get(lowerName);
        return l == null ? null : l.get(0);
    }

    boolean has(String lowerName) {
        return byName.containsKey(lowerName);
    }

    int count(String lowerName) {
        List<HeaderField> l = byName.get(lowerName);
        return l == null ? 0 : l.size();
    }
}
