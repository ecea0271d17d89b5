package dev.komsu;

import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.List;
import java.util.Objects;

/**
 * Merges the results of one query batch searched against every shard of an index into the
 * unsharded result, as faiss's {@code IndexShards} does with {@code successive_ids}: shard s's
 * labels are shifted by {@code idOffsets[s]} (the first id it holds), then the k best of all
 * shards' k best are kept per query. Empty slots (label -1) stay -1 and rank last. Equal
 * distances rank the earlier shard first, so with successive ids the lower id wins, which keeps
 * the merge deterministic whatever order the shards' results arrive in.
 */
public final class ShardMerge {
    private ShardMerge() {
    }

    /** The merged k best per query; every part has the same nq and k. */
    public static Neighbors merge(List<Neighbors> parts, long[] idOffsets, Metric metric) {
        Objects.requireNonNull(metric, "metric");
        if (parts.isEmpty()) throw new IllegalArgumentException("no shard results to merge");
        if (idOffsets.length != parts.size()) {
            throw new IllegalArgumentException(parts.size() + " shard results but " + idOffsets.length + " id offsets");
        }
        int nq = parts.getFirst().nq();
        int k = parts.getFirst().k();
        for (Neighbors p : parts) {
            if (p.nq() != nq || p.k() != k) {
                throw new IllegalArgumentException("shard results differ in shape: nq=" + p.nq() + ", k=" + p.k()
                        + " vs nq=" + nq + ", k=" + k);
            }
        }
        Neighbors out = Neighbors.empty(nq, k, metric);
        int shards = parts.size();
        int[] next = new int[shards];
        float[] d = out.distances();
        long[] l = out.labels();
        for (int q = 0; q < nq; q++) {
            java.util.Arrays.fill(next, 0);
            int base = q * k;
            for (int r = 0; r < k; r++) {
                int best = -1;
                float bestD = 0f;
                for (int s = 0; s < shards; s++) {
                    if (next[s] >= k) continue;
                    Neighbors p = parts.get(s);
                    if (p.labels()[base + next[s]] < 0) continue; // the rest of this shard's row is empty
                    float ds = p.distances()[base + next[s]];
                    if (best < 0 || metric.isBetter(ds, bestD)) {
                        best = s;
                        bestD = ds;
                    }
                }
                if (best < 0) break; // every shard exhausted: the remaining slots stay empty
                d[base + r] = bestD;
                l[base + r] = parts.get(best).labels()[base + next[best]] + idOffsets[best];
                next[best]++;
            }
        }
        return out;
    }
}
