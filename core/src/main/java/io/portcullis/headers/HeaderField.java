package io.portcullis.headers;

/**
 * One header field as read from the raw bytes: its name, its unfolded value (bytes mapped one to one
 * to chars, ISO-8859-1, so 8-bit octets stay visible), the 1-based line it starts on, and what the
 * parser noticed about its octets. Immutable.
 */
final class HeaderField {
    private final String name;
    private final String lowerName;
    private final String value;
    private final int line;
    private final boolean eightBit;
    private final boolean validUtf8;
    private final int longestBlankRun;

    HeaderField(String name, String lowerName, String value, int line, boolean eightBit, boolean validUtf8,
            int longestBlankRun) {
        this.name = name;
        this.lowerName = lowerName;
        this.value = value;
        this.line = line;
        this.eightBit = eightBit;
        this.validUtf8 = validUtf8;
        this.longestBlankRun = longestBlankRun;
    }

    /**
     * The longest run of SP/HTAB inside one physical line of the value, after its first non-blank
     * character (indentation of folded lines does not count).
     */
    int longestBlankRun() {
        return longestBlankRun;
    }

    /** The field name as written (without trailing white space before the colon). */
    String name() {
        return name;
    }

    /** The field name in ASCII lower case, for lookups. */
    String lowerName() {
        return lowerName;
    }

    /** The unfolded value: CR and LF removed, leading white space after the colon removed. */
    String value() {
        return value;
    }

    int line() {
        return line;
    }

    /** Whether the name or value holds an octet above 0x7F. */
    boolean eightBit() {
        return eightBit;
    }

    /** Whether those 8-bit octets (if any) form valid UTF-8. */
    boolean validUtf8() {
        return validUtf8;
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
