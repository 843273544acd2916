package io.portcullis.network;

import io.portcullis.network.CymruFormat.Cidr;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Network reports cached by announced prefix: once one address of {@code 192.0.2.0/24} has been looked up, every
 * other address of that prefix is answered from memory (the most specific cached prefix wins). Entries expire
 * after their time to live; past {@code maxEntries} expired entries, then arbitrary ones, are dropped. Lock-free
 * reads; thread-safe.
 */
final class PrefixCache {
    private static final class Key {
        final long hi;
        final long lo;
        final int family;
        final int length;

        Key(byte[] b, int length) {
            long h = 0;
            long l = 0;
            for (int i = 0; i < b.length; i++) {
                if (i < 8) {
                    h = (h << 8) | (b[i] & 0xff);
                } else {
                    l = (l << 8) | (b[i] & 0xff);
                }
            }
            this.hi = h;
            this.lo = l;
            this.family = b.length;
            this.length = length;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return k.hi == hi && k.lo == lo && k.family == family && k.length == length;
        }

        @Override
        public int hashCode() {
            long x = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL ^ (family * 131L + length);
            return (int) (x ^ (x >>> 32));
        }
    }

    private static final class Entry {
        final NetworkReport report;
        final long expiresNanos;

        Entry(NetworkReport report, long expiresNanos) {
            this.report = report;
            this.expiresNanos = expiresNanos;
        }
    }

    private final Map<Key, Entry> map = new ConcurrentHashMap<>();
    private final int maxEntries;
    /** Prefix lengths present, per family: bit i of word (i / 64) = length i. Index 0..2: IPv4, 3..5: IPv6. */
    private final AtomicLongArray lengths = new AtomicLongArray(6);

    PrefixCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The report of the most specific live cached prefix containing {@code address}, re-addressed; or null. */
    NetworkReport get(InetAddress address, long nowNanos) {
        if (maxEntries == 0 || map.isEmpty()) {
            return null;
        }
        byte[] b = address.getAddress();
        int base = b.length == 4 ? 0 : 3;
        int max = b.length * 8;
        for (int len = max; len >= 0; len--) {
            if ((lengths.get(base + len / 64) & (1L << (len % 64))) == 0) {
                continue;
            }
            Entry e = map.get(new Key(Cidr.mask(b, len), len));
            if (e != null) {
                if (e.expiresNanos - nowNanos > 0) {
                    return e.report.forAddress(address);
                }
                map.remove(new Key(Cidr.mask(b, len), len), e);
            }
        }
        return null;
    }

    /** Caches a found report under its prefix for {@code ttlNanos}. */
    void put(Cidr prefix, NetworkReport report, long nowNanos, long ttlNanos) {
        if (maxEntries == 0) {
            return;
        }
        byte[] net = prefix.network();
        int len = prefix.length();
        int base = net.length == 4 ? 0 : 3;
        if (map.size() >= maxEntries) {
            evict(nowNanos);
        }
        map.put(new Key(net, len), new Entry(report, nowNanos + ttlNanos));
        long bit = 1L << (len % 64);
        int idx = base + len / 64;
        long cur;
        do {
            cur = lengths.get(idx);
        } while ((cur & bit) == 0 && !lengths.compareAndSet(idx, cur, cur | bit));
    }

    private void evict(long nowNanos) {
        int target = maxEntries - Math.max(1, maxEntries / 8);
        for (Iterator<Entry> it = map.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresNanos - nowNanos <= 0) {
                it.remove();
            }
        }
        for (Iterator<Entry> it = map.values().iterator(); it.hasNext() && map.size() > target; ) {
            it.next();
            it.remove();
        }
    }

    int size() {
        return map.size();
    }

    void clear() {
        map.clear();
    }
}
