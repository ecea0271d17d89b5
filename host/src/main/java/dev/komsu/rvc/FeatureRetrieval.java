package dev.komsu.rvc;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.InputChecks;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Arrays;
import java.util.Objects;

/**
 * RVC's feature retrieval ("index rate"): each frame of a HuBERT feature matrix is pulled
 * towards the training speaker's frames stored in the index. For a frame f, the k nearest
 * stored frames v_j at squared L2 distances d_j are averaged with weights 1/d_j^2 (normalised
 * per frame), and the result is {@code indexRate * mean + (1 - indexRate) * f}, as RVC's
 * inference pipeline does with {@code big_npy[ix]}.
 */
public final class FeatureRetrieval {
    /** RVC searches 8 neighbours. */
    public static final int DEFAULT_K = 8;
    /** RVC's default index rate in its web UI. */
    public static final float DEFAULT_INDEX_RATE = 0.75f;
    /** Frames searched per call, so one result stays far below 2^31 entries. */
    private static final int SEARCH_BATCH = 65_536;

    private FeatureRetrieval() {
    }

    /**
     * {@link #blend(Index, FloatMatrix, int, float, SearchParams)} with the index's stored search
     * parameters, as RVC's {@code index.search(npy, k=8)} on a read index (its files store nprobe 1).
     */
    public static FloatMatrix blend(Index index, FloatMatrix features, int k, float indexRate) {
        return blend(index, features, k, indexRate, SearchParams.DEFAULTS);
    }

    /**
     * The blended features, a new {@code features.rows() x dim} matrix the caller closes.
     * Frames with fewer than k neighbours use the ones found; a frame with none keeps its
     * features; an exact match (d = 0) takes all the weight instead of dividing by zero.
     *
     * @throws IllegalArgumentException if {@code k <= 0}, indexRate is outside [0, 1], the widths differ,
     *                                  the features hold NaN or infinity, or the index is not L2
     */
    public static FloatMatrix blend(Index index, FloatMatrix features, int k, float indexRate, SearchParams params) {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(params, "params");
        InputChecks.checkK(k);
        if (!(indexRate >= 0f && indexRate <= 1f)) {
            throw new IllegalArgumentException("index rate must be in [0, 1], got " + indexRate);
        }
        if (index.metric() != Metric.L2) {
            throw new IllegalArgumentException("blend needs an L2 index (RVC weighs neighbours by 1/d^2 of squared L2 "
                    + "distances), this index uses " + index.metric());
        }
        InputChecks.checkVectors("features", features, index.dim());

        long rows = features.rows();
        Neighbors[] found = new Neighbors[Math.toIntExact((rows + SEARCH_BATCH - 1) / SEARCH_BATCH)];
        for (int b = 0; b < found.length; b++) {
            long from = (long) b * SEARCH_BATCH;
            found[b] = index.search(features.rowRange(from, Math.min(SEARCH_BATCH, rows - from)), k, params);
        }
        long[] ids = distinctIds(found);
        FloatMatrix out = FloatMatrix.allocate(rows, index.dim());
        try (StoredVectors.Rows stored = StoredVectors.open(index, ids)) {
            for (int b = 0; b < found.length; b++) {
                mix(found[b], (long) b * SEARCH_BATCH, stored, features, indexRate, out);
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /** Writes rows {@code [from, from + found.nq())} of {@code out}. */
    private static void mix(Neighbors found, long from, StoredVectors.Rows stored, FloatMatrix features,
                            float indexRate, FloatMatrix out) {
        int k = found.k();
        int dim = features.cols();
        double[] weights = new double[k];
        double[] mean = new double[dim];
        float[] feature = new float[dim];
        float[] neighbour = new float[dim];
        float[] blended = new float[dim];
        for (int q = 0; q < found.nq(); q++) {
            features.copyRow(from + q, feature, 0);
            if (BlendWeights.compute(found.distances(), found.labels(), q * k, k, weights) == 0) {
                out.setRow(from + q, feature, 0);
                continue;
            }
            Arrays.fill(mean, 0);
            for (int j = 0; j < k; j++) {
                if (weights[j] == 0) continue;
                stored.read(found.label(q, j), neighbour);
                for (int c = 0; c < dim; c++) mean[c] += weights[j] * neighbour[c];
            }
            for (int c = 0; c < dim; c++) {
                blended[c] = (float) (indexRate * mean[c] + (1.0 - indexRate) * feature[c]);
            }
            out.setRow(from + q, blended, 0);
        }
    }

    /** The labels of all results, without -1, ascending and distinct. */
    private static long[] distinctIds(Neighbors[] found) {
        long total = 0;
        for (Neighbors n : found) total += n.labels().length;
        long[] all = new long[Math.toIntExact(total)];
        int size = 0;
        for (Neighbors n : found) {
            for (long id : n.labels()) {
                if (id >= 0) all[size++] = id;
            }
        }
        Arrays.sort(all, 0, size);
        int distinct = 0;
        for (int i = 0; i < size; i++) {
            if (distinct == 0 || all[i] != all[distinct - 1]) all[distinct++] = all[i];
        }
        return Arrays.copyOf(all, distinct);
    }
}
