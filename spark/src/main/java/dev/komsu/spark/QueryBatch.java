package dev.komsu.spark;

import java.io.Serializable;

/**
 * Up to one batch of queries as a task hands them to komsu's batched search: their ids and their
 * vectors row after row. {@code key} names the batch in its job (partition and position), so the
 * shards' results for it meet again in the merge.
 */
public record QueryBatch(long key, long[] ids, float[] vectors, int dim) implements Serializable {
    public int rows() {
        return ids.length;
    }

    /** The key of batch {@code b} of partition {@code p}. */
    static long key(int partition, int batch) {
        return ((long) partition << 32) | batch;
    }
}
