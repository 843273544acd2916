package io.portcullis.reputation;

import java.util.Objects;

/**
 * One entity of a transaction: its kind and key ({@code 192.0.2.1}, {@code 192.0.2.0/24}, {@code AS64496},
 * {@code example.com} when verified for the client, {@code example.com@192.0.2.0/24} when not, ...). Immutable.
 */
public final class Entity {
    /** Prefix of every reputation record's store key. */
    public static final String KEY_PREFIX = "rep:";
    private final EntityKind kind;
    private final String key;

    public Entity(EntityKind kind, String key) {
        this.kind = Objects.requireNonNull(kind);
        this.key = Objects.requireNonNull(key);
    }

    public EntityKind kind() {
        return kind;
    }

    public String key() {
        return key;
    }

    /** The record's key in the state store: {@code rep:ip:192.0.2.1}. */
    public String storeKey() {
        return KEY_PREFIX + kind.id() + ":" + key;
    }

    /** The entity as the decision log writes it: {@code net:192.0.2.0/24}. */
    public String logKey() {
        return kind.id() + ":" + key;
    }

    /**
     * The entities a decision line records ({@code entities}): network, AS and the HELO, envelope sender and From
     * domains as keyed for reputation (the address is the line's {@code client}; nameservers are left out), as
     * {@link #logKey}s.
     */
    public static java.util.List<String> logKeys(java.util.Collection<Entity> entities) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Entity e : entities) {
            if (e.kind != EntityKind.IP && e.kind != EntityKind.NS && !out.contains(e.logKey())) {
                out.add(e.logKey());
            }
        }
        return out;
    }

    /** The entity of a store key, or null. */
    public static Entity ofStoreKey(String storeKey) {
        if (storeKey == null || !storeKey.startsWith(KEY_PREFIX)) {
            return null;
        }
        String rest = storeKey.substring(KEY_PREFIX.length());
        int colon = rest.indexOf(':');
        EntityKind k = colon < 0 ? null : EntityKind.ofId(rest.substring(0, colon));
        return k == null || colon + 1 >= rest.length() ? null : new Entity(k, rest.substring(colon + 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entity && ((Entity) o).kind == kind && ((Entity) o).key.equals(key);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + key.hashCode();
    }

    @Override
    public String toString() {
        return kind.id() + " " + key;
    }
}
