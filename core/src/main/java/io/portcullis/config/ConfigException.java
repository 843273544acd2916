package io.portcullis.config;

/**
 * A configuration value Portcullis cannot use. The message names the source (file or matcher/mailet),
 * the key and the offending value, so that a failed James start says exactly what to fix.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String key;
    private final String value;

    public ConfigException(String source, String key, String value, String problem) {
        super(source + ": " + key + "=" + (value == null ? "<missing>" : "'" + value + "'") + ": " + problem);
        this.source = source;
        this.key = key;
        this.value = value;
    }

    public String source() {
        return source;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }
}
