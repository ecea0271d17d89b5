package dev.komsu.kernels;

/**
 * The batched numeric operations every backend provides (scalar reference, Vector API CPU,
 * OpenCL). Implementations are thread-safe: many threads may call one backend at once.
 *
 * <p>Conventions shared by all operations: distances are squared L2 or inner products (what
 * faiss returns); results are best first; ties are broken by the smaller id; empty slots are
 * label -1 with {@link Metric#emptyDistance()}.
 */
public interface ComputeBackend extends AutoCloseable {
    /** A short name for logs and benchmark tables, e.g. "scalar", "cpu-vector256", "opencl:pocl". */
    String name();

    /**
     * Exact k nearest rows of {@code base} for every row of {@code queries}: distance and top-k
     * fused, base visited in tiles, never an nq x n matrix. Labels are base row numbers.
     */
    Neighbors knn(FloatMatrix queries, FloatMatrix base, int k, Metric metric);

    /**
     * Scans, for each query q, the lists {@code probes[q*nprobe .. q*nprobe+nprobe)} (entries
     * of -1 are skipped) and returns the k best entries over all of them, labelled with the
     * lists' stored ids. This is the IVF-Flat search once the coarse quantiser has chosen the
     * lists.
     */
    Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric);

    /**
     * The 4-bit FastScan kernels this backend uses. Defaults to the CPU's best Vector API
     * kernel, so backends without their own FastScan code still scan FastScan indexes.
     */
    default FastScanKernels fastScan() {
        return dev.komsu.kernels.cpu.FastScanSelection.PREFERRED;
    }

    /**
     * Product/scalar quantisation kernels (lookup tables, PQ and SQ8 code scans). The Vector
     * API implementation unless a backend offers its own.
     */
    default PqKernels pq() {
        return dev.komsu.kernels.cpu.VectorPqKernels.INSTANCE;
    }

    /** Batched IVF-PQ / IVF-SQ8 scans and lookup tables; the CPU form unless a backend offers its own. */
    default PqListScanner pqLists() {
        return new dev.komsu.kernels.cpu.CpuPqListScanner(this);
    }

    /** Batched FastScan list scans; the CPU form over {@link #fastScan()} unless a backend offers its own. */
    default FastScanListScanner fastScanLists() {
        return new dev.komsu.kernels.cpu.CpuFastScanListScanner(fastScan());
    }

    /** The batched refine step (exact re-ranking); the CPU form unless a backend offers its own. */
    default Refiner refiner() {
        return new dev.komsu.kernels.cpu.CpuRefiner(this);
    }

    /**
     * Runs {@code body(q)} for every query {@code q < nq}, on this backend's threads where it
     * has them (the default runs them in order on the caller's thread). For host-side per-query
     * loops (PQ, SQ8, refine) so they honour the thread count the user chose. Bodies must only
     * write their own query's results.
     */
    default void forEachQuery(int nq, java.util.function.IntConsumer body) {
        for (int q = 0; q < nq; q++) body.accept(q);
    }

    /** Releases threads, device memory and programs. The default backend instances are never closed. */
    @Override
    default void close() {
    }
}
