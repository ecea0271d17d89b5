package dev.komsu.spark;

import java.io.Serializable;
import java.util.Locale;

/** One task's search: where it ran, what it searched, how long it took (index opening included). */
public record TaskTiming(String executor, int partition, int shard, long queries, double seconds, double openSeconds)
        implements Serializable {
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "executor %s partition %d shard %d: %d queries, %.3f s (index open %.3f s, %.0f QPS)",
                executor, partition, shard, queries, seconds, openSeconds, queries / Math.max(seconds, 1e-9));
    }
}
