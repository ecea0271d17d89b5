package dev.komsu.kernels.scalar;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.Refiner;
import dev.komsu.kernels.TopK;
import java.util.Objects;

/** The CPU form of the refine step: {@link PqKernels#gatherDistances} and a {@link TopK} per query, on the backend's threads. */
public final class CpuRefiner implements Refiner {
    private final ComputeBackend backend;

    public CpuRefiner(ComputeBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    @Override
    public Neighbors refine(FloatMatrix queries, FloatMatrix base, long[] candidates, int kIn, int k, Metric metric) {
        int nq = KernelChecks.checkRefine(queries, base, candidates, kIn, k);
        PqKernels kern = backend.pq();
        Neighbors out = Neighbors.empty(nq, k, metric);
        backend.forEachQuery(nq, q -> {
            long[] rows = new long[kIn];
            int n = 0;
            for (int j = 0; j < kIn; j++) {
                long row = candidates[q * kIn + j];
                if (row >= 0) rows[n++] = row;
            }
            float[] exact = new float[n];
            kern.gatherDistances(queries.row(q), base, rows, n, metric, exact);
            TopK heap = new TopK(k);
            for (int j = 0; j < n; j++) heap.offer(metric.toKey(exact[j]), rows[j]);
            heap.drainTo(metric, out.distances(), out.labels(), q * k);
        });
        return out;
    }
}
