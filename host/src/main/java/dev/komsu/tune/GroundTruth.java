package dev.komsu.tune;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.FlatCodec;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.HnswIndex;
import dev.komsu.index.IdMapIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.L2NormIndex;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.io.Npy;
import dev.komsu.io.NpyHeader;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The exact neighbours of a query set: {@code nq} rows of {@code k} labels, nearest first, as
 * faiss's ground-truth arrays ({@code gt_I}). Recall against them is faiss's
 * IntersectionCriterion, recall@k: the share of the true k nearest among the k returned.
 */
public record GroundTruth(int nq, int k, long[] labels) {
    public GroundTruth {
        if (nq <= 0 || k <= 0 || labels.length != (long) nq * k) {
            throw new IllegalArgumentException("ground truth: " + labels.length + " labels for " + nq + " x " + k);
        }
    }

    /** An int64 (or int32) .npy of shape nq x k, e.g. faiss's gt_I or the bench harness's gt.npy. */
    public static GroundTruth read(Path file) throws IOException {
        NpyHeader h = Npy.readHeader(file);
        if (h.ndim() != 2 || h.shape()[0] == 0 || h.shape()[1] == 0) {
            throw new IllegalArgumentException(file + ": expected ground-truth labels of shape nq x k, found " + h.shapeString());
        }
        return new GroundTruth(Math.toIntExact(h.shape()[0]), Math.toIntExact(h.shape()[1]), Npy.readLongs(file));
    }

    /**
     * The exact k nearest stored vectors of each query, from the vectors the index keeps
     * exactly: a Flat index, HNSW's Flat storage, a refine index's raw vectors, an IVF-Flat
     * index searched with every list (the same ids as its search returns; IDMap and L2norm
     * wrappers are applied). Indexes that keep only compressed codes (PQ, SQ8, FastScan) have
     * no exact vectors: IllegalArgumentException, naming the need for given ground truth.
     */
    public static GroundTruth exact(Index index, FloatMatrix queries, int k) {
        Neighbors r = exactSearch(index, queries, k);
        return new GroundTruth(r.nq(), k, r.labels());
    }

    private static Neighbors exactSearch(Index index, FloatMatrix queries, int k) {
        return switch (index) {
            case IdMapIndex m -> {
                Neighbors r = exactSearch(m.inner(), queries, k);
                long[] ids = m.idMap();
                long[] labels = r.labels();
                for (int i = 0; i < labels.length; i++) if (labels[i] >= 0) labels[i] = ids[(int) labels[i]];
                yield r;
            }
            case L2NormIndex n -> {
                try (FloatMatrix normalized = L2NormIndex.normalized(queries)) {
                    yield exactSearch(n.inner(), normalized, k);
                }
            }
            case RefineFlatIndex r -> r.refineIndex().search(queries, k);
            case HnswIndex h when !h.storesSq8() -> h.storage().search(queries, k);
            case FlatIndex f -> f.search(queries, k);
            case IvfIndex ivf when ivf.codec() instanceof FlatCodec ->
                    ivf.search(queries, k, SearchParams.builder().nprobe(ivf.nlist()).build());
            default -> throw new IllegalArgumentException("this index keeps no exact vectors to compute the ground truth from ("
                    + index.describe().split(" ")[0] + " stores compressed codes): give the exact neighbours' labels"
                    + " (an int64 .npy, nq x k)");
        };
    }

    /** faiss's IntersectionCriterion: |returned top-k ∩ true top-k| / (nq k), for results of at least k columns. */
    public double recall(Neighbors results, int k) {
        if (results.nq() != nq) {
            throw new IllegalArgumentException("ground truth has " + nq + " rows, the results " + results.nq() + " queries");
        }
        if (k > this.k || k > results.k()) {
            throw new IllegalArgumentException("recall@" + k + " needs k columns; ground truth has " + this.k + ", results " + results.k());
        }
        long hits = 0;
        long[] found = results.labels();
        for (int q = 0; q < nq; q++) {
            for (int i = 0; i < k; i++) {
                long id = found[q * results.k() + i];
                if (id < 0) continue;
                for (int j = 0; j < k; j++) {
                    if (labels[q * this.k + j] == id) {
                        hits++;
                        break;
                    }
                }
            }
        }
        return hits / ((double) nq * k);
    }
}
