package dev.komsu.bench.data;

import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * make_datasets.py stores faiss's exact ground truth ({@code gt.npy}, IndexFlatL2, k = 100)
 * with the synthetic sets. Recomputing all of it with komsu's knn kernel costs as much as a
 * Flat search of every query (minutes for rvc768), so the harness may instead check it: komsu's
 * exact top-10 for an evenly spaced sample of queries must give the same neighbour sets for all
 * but {@link #MAX_DIFFERING_SHARE} of them (float rounding can swap near-ties). If not, the
 * harness computes its own.
 */
public final class FaissGroundTruthCheck {
    /** Queries checked. */
    public static final int SAMPLE = 300;
    /** Share of sampled queries whose top-10 sets may differ (near-ties in float32). */
    public static final double MAX_DIFFERING_SHARE = 0.01;
    private static final int DEPTH = 10;

    private FaissGroundTruthCheck() {
    }

    /** faiss's ground truth and how many sampled queries disagree with komsu's kernel. */
    public record Outcome(GroundTruth faiss, int sampled, int differing) {
        public boolean agrees() {
            return differing <= MAX_DIFFERING_SHARE * sampled;
        }
    }

    public static Outcome check(Path faissGt, FloatMatrix base, FloatMatrix queries) throws IOException {
        int nq = Math.toIntExact(queries.rows());
        long[] labels = Npy.readLongs(faissGt);
        if (labels.length % nq != 0 || labels.length / nq < DEPTH) {
            throw new IOException(faissGt + " holds " + labels.length + " labels: not nq=" + nq + " rows of at least " + DEPTH);
        }
        GroundTruth faiss = new GroundTruth(nq, labels.length / nq, labels);
        int n = Math.min(SAMPLE, nq);
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = (int) ((long) i * nq / n);
        long[] faissSample = new long[n * DEPTH];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < DEPTH; r++) faissSample[i * DEPTH + r] = faiss.label(rows[i], r);
        }
        Neighbors komsu;
        try (FloatMatrix sample = FloatMatrix.allocate(n, queries.cols());
             ComputeBackend cpu = Backends.cpu(Runtime.getRuntime().availableProcessors())) {
            long rowBytes = (long) queries.cols() * Float.BYTES;
            for (int i = 0; i < n; i++) {
                MemorySegment.copy(queries.segment(), queries.rowOffset(rows[i]), sample.segment(), sample.rowOffset(i), rowBytes);
            }
            komsu = cpu.knn(sample, base, DEPTH, Metric.L2);
        }
        int differing = new GroundTruth(n, DEPTH, komsu.labels()).queriesWithDifferentTop(new GroundTruth(n, DEPTH, faissSample), DEPTH);
        return new Outcome(faiss, n, differing);
    }
}
