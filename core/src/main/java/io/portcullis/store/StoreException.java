package io.portcullis.store;

/** The backing store of a {@link StateStore} failed (I/O error, Redis unavailable, store closed). */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
