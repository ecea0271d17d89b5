package dev.komsu.spark;

import dev.komsu.kernels.Neighbors;
import java.io.Serializable;

/** One batch's neighbours from one shard (or the whole index), with the batch's query ids. */
record BatchResult(long key, int shard, long[] ids, int k, float[] distances, long[] labels) implements Serializable {
    Neighbors neighbors() {
        return new Neighbors(ids.length, k, distances, labels);
    }
}
