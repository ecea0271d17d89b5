package dev.komsu.kernels.scalar;

import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.KernelChecks;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.TopK;
import java.util.Objects;

/**
 * The CPU form of the batched PQ/SQ8 scans: one query per task on the backend's threads, each
 * running the backend's {@link PqKernels} over its probed lists into its own {@link TopK}.
 */
public final class CpuPqListScanner implements PqListScanner {
    private final ComputeBackend backend;

    public CpuPqListScanner(ComputeBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    @Override
    public FloatMatrix lookupTables(FloatMatrix queries, float[] centroidsT, int m, int ksub, int dsub, Metric metric) {
        if (m <= 0 || ksub <= 0 || dsub <= 0) {
            throw new IllegalArgumentException("m, ksub and dsub must be > 0, got m=" + m + " ksub=" + ksub + " dsub=" + dsub);
        }
        KernelChecks.checkSameDim("queries", m * dsub, queries.cols());
        if ((long) m * ksub * dsub != centroidsT.length) {
            throw new IllegalArgumentException("codebooks have " + centroidsT.length + " values, expected m*ksub*dsub = "
                    + (long) m * ksub * dsub);
        }
        int nq = checkBatch(queries.rows());
        PqKernels kern = backend.pq();
        FloatMatrix out = FloatMatrix.allocate(nq, m * ksub);
        backend.forEachQuery(nq, q -> {
            float[] table = new float[m * ksub];
            kern.lookupTable(queries.row(q), centroidsT, m, ksub, dsub, metric, table);
            out.setRow(q, table, 0);
        });
        return out;
    }

    @Override
    public Neighbors scanPq(CodeLists lists, int m, int nbits, FloatMatrix queryTables, float[] listTables,
                            float tableScale, int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        int nq = KernelChecks.checkProbes(probes, nprobe, lists.listCount(), biases == null ? -1 : biases.length, k);
        if (nbits != 4 && nbits != 8) throw new IllegalArgumentException("nbits must be 4 or 8, got " + nbits);
        if (m <= 0) throw new IllegalArgumentException("m must be > 0, got " + m);
        // checked before any list is scanned: a batch whose probes are all empty must not pass bad input
        if (lists.codeSize() != PqChecks.codeSize(m, nbits)) {
            throw new IllegalArgumentException("lists hold codes of " + lists.codeSize() + " bytes, expected "
                    + PqChecks.codeSize(m, nbits) + " for m=" + m + " nbits=" + nbits);
        }
        int tableSize = m * (1 << nbits);
        KernelChecks.checkSameDim("query tables", tableSize, queryTables.cols());
        if (queryTables.rows() != nq) {
            throw new IllegalArgumentException("query tables has " + queryTables.rows() + " rows, expected nq = " + nq);
        }
        if (listTables != null && listTables.length != (long) lists.listCount() * tableSize) {
            throw new IllegalArgumentException("list tables has " + listTables.length + " floats, expected nlist*m*ksub = "
                    + lists.listCount() + "*" + tableSize);
        }
        PqKernels kern = backend.pq();
        Neighbors out = Neighbors.empty(nq, k, metric);
        backend.forEachQuery(nq, q -> {
            float[] queryTable = queryTables.row(q);
            float[] table = listTables == null ? queryTable : new float[tableSize];
            TopK heap = new TopK(k);
            for (int p = 0; p < nprobe; p++) {
                int list = probes[q * nprobe + p];
                if (list < 0 || lists.size(list) == 0) continue;
                if (listTables != null) kern.madd(tableSize, listTables, list * tableSize, tableScale, queryTable, table);
                float bias = biases == null ? 0f : biases[q * nprobe + p];
                kern.scanCodes(lists.codes(list), lists.ids(list), lists.size(list), m, nbits, table, bias, metric, heap);
            }
            heap.drainTo(metric, out.distances(), out.labels(), q * k);
        });
        return out;
    }

    @Override
    public Neighbors scanSq8(CodeLists lists, FloatMatrix queries, FloatMatrix residualCentroids, float[] vmin,
                             float[] vdiff, int[] probes, float[] biases, int nprobe, int k, Metric metric) {
        int nq = KernelChecks.checkProbes(probes, nprobe, lists.listCount(), biases == null ? -1 : biases.length, k);
        int d = queries.cols();
        KernelChecks.checkSameDim("SQ8 codes", d, lists.codeSize());
        if (vmin.length != d || vdiff.length != d) {
            throw new IllegalArgumentException("vmin/vdiff have " + vmin.length + "/" + vdiff.length
                    + " values, expected the dimension " + d);
        }
        if (residualCentroids != null) {
            KernelChecks.checkSameDim("centroids", d, residualCentroids.cols());
            if (residualCentroids.rows() < lists.listCount()) {
                throw new IllegalArgumentException("centroids has " + residualCentroids.rows() + " rows, expected one per list: "
                        + lists.listCount());
            }
        }
        if (queries.rows() != nq) {
            throw new IllegalArgumentException("queries has " + queries.rows() + " rows, probes are for nq = " + nq);
        }
        PqKernels kern = backend.pq();
        Neighbors out = Neighbors.empty(nq, k, metric);
        backend.forEachQuery(nq, q -> {
            float[] query = queries.row(q);
            float[] centroid = residualCentroids == null ? null : new float[d];
            float[] residual = residualCentroids == null ? query : new float[d];
            TopK heap = new TopK(k);
            for (int p = 0; p < nprobe; p++) {
                int list = probes[q * nprobe + p];
                if (list < 0 || lists.size(list) == 0) continue;
                if (centroid != null) {
                    residualCentroids.copyRow(list, centroid, 0);
                    for (int i = 0; i < d; i++) residual[i] = query[i] - centroid[i];
                }
                float bias = biases == null ? 0f : biases[q * nprobe + p];
                kern.scanSq8(lists.codes(list), lists.ids(list), lists.size(list), residual, vmin, vdiff, bias, metric,
                        heap);
            }
            heap.drainTo(metric, out.distances(), out.labels(), q * k);
        });
        return out;
    }

    private static int checkBatch(long rows) {
        if (rows > Integer.MAX_VALUE) throw new IllegalArgumentException("too many queries in one batch: " + rows);
        return (int) rows;
    }
}
