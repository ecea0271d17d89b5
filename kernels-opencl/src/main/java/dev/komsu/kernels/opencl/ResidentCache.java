package dev.komsu.kernels.opencl;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Device copies of host data kept across searches (the "search plan" of an index: base matrix or
 * inverted lists uploaded once, queries streamed per batch). Least recently used entries beyond
 * {@code capacity} are released. Not thread-safe: the backend serialises access.
 */
final class ResidentCache implements AutoCloseable {
    private final int capacity;
    private final LinkedHashMap<HostFingerprint, AutoCloseable> entries = new LinkedHashMap<>(16, 0.75f, true);
    private int uploads;

    ResidentCache(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("resident capacity must be > 0, got " + capacity);
        this.capacity = capacity;
    }

    /** The device copy for {@code key}, uploading it with {@code upload} on a miss. */
    <T extends AutoCloseable> T get(HostFingerprint key, Class<T> type, Supplier<T> upload) {
        AutoCloseable hit = entries.get(key);
        if (hit != null) return type.cast(hit);
        T made = upload.get();
        uploads++;
        entries.put(key, made);
        while (entries.size() > capacity) {
            Iterator<Map.Entry<HostFingerprint, AutoCloseable>> eldest = entries.entrySet().iterator();
            AutoCloseable victim = eldest.next().getValue();
            eldest.remove();
            closeQuietly(victim);
        }
        return made;
    }

    int uploads() {
        return uploads;
    }

    int size() {
        return entries.size();
    }

    void clear() {
        for (AutoCloseable c : entries.values()) closeQuietly(c);
        entries.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Releasing a device buffer only fails when the context is already gone; nothing to undo.
            System.getLogger(ResidentCache.class.getName()).log(System.Logger.Level.DEBUG, "releasing a device copy failed", e);
        }
    }

    @Override
    public void close() {
        clear();
    }
}
