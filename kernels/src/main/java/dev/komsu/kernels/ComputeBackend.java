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
     * {@link #knn(FloatMatrix, FloatMatrix, int, Metric)} with the base's {@link BaseNorms}
     * computed once by the caller (an index keeps them with its vectors), so a batch does not
     * pay a pass over the base for them. {@code norms} must fit {@code base} and {@code metric}.
     * Backends without a dense kernel ignore them.
     */
    default Neighbors knn(FloatMatrix queries, FloatMatrix base, BaseNorms norms, int k, Metric metric) {
        return knn(queries, base, k, metric);
    }

    /**
     * {@link #knn(FloatMatrix, FloatMatrix, BaseNorms, int, Metric)} with the queries already
     * projected onto the basis of {@code norms}' {@link BaseProjection} (k-means: the same
     * points every iteration). {@code projected} must be {@link BaseProjection#project} of
     * exactly these queries: its rows bound their distances. Backends without the pruned scan
     * ignore it.
     */
    default Neighbors knn(FloatMatrix queries, BaseProjection.Queries projected, FloatMatrix base, BaseNorms norms, int k,
            Metric metric) {
        return knn(queries, base, norms, k, metric);
    }

    /**
     * {@code queries} projected onto {@code p} once, for the knn above (k-means: the same points
     * every iteration). The default is the scalar reference; a backend may vectorise it.
     */
    default BaseProjection.Queries project(BaseProjection p, FloatMatrix queries) {
        return p.project(queries);
    }

    /**
     * {@link #knn(FloatMatrix, FloatMatrix, BaseNorms, int, Metric)} over a base this backend
     * {@linkplain #prepare(FloatMatrix, BaseNorms) prepared}: a device backend searches its
     * resident copy, norms included.
     */
    default Neighbors knn(FloatMatrix queries, ResidentMatrix base, int k, Metric metric) {
        BaseNorms norms = base.norms();
        return norms == null ? knn(queries, base.host(), k, metric) : knn(queries, base.host(), norms, k, metric);
    }

    /**
     * Scans, for each query q, the lists {@code probes[q*nprobe .. q*nprobe+nprobe)} (entries
     * of -1 are skipped) and returns the k best entries over all of them, labelled with the
     * lists' stored ids. This is the IVF-Flat search once the coarse quantiser has chosen the
     * lists.
     */
    Neighbors scanLists(FloatMatrix queries, VectorLists lists, int[] probes, int nprobe, int k, Metric metric);

    /** {@link #scanLists(FloatMatrix, VectorLists, int[], int, int, Metric)} over lists this backend prepared. */
    default Neighbors scanLists(FloatMatrix queries, Resident<VectorLists> lists, int[] probes, int nprobe, int k,
                                Metric metric) {
        return scanLists(queries, lists.host(), probes, nprobe, k, metric);
    }

    /**
     * A resident handle of {@code base} (and its {@code norms}, null for none) for
     * {@link #knn(FloatMatrix, ResidentMatrix, int, Metric)} and {@link Refiner}. The caller owns
     * and closes it, and prepares again when the base changes. Host backends wrap the host data.
     */
    default ResidentMatrix prepare(FloatMatrix base, BaseNorms norms) {
        return ResidentMatrix.onHost(base, norms);
    }

    /** A resident handle of IVF-Flat lists, as {@link #prepare(FloatMatrix, BaseNorms)}. */
    default Resident<VectorLists> prepare(VectorLists lists) {
        return Resident.onHost(lists);
    }

    /** A resident handle of PQ / SQ8 code lists, as {@link #prepare(FloatMatrix, BaseNorms)}. */
    default Resident<CodeLists> prepare(CodeLists lists) {
        return Resident.onHost(lists);
    }

    /** A resident handle of FastScan block lists, as {@link #prepare(FloatMatrix, BaseNorms)}. */
    default Resident<BlockCodeLists> prepare(BlockCodeLists lists) {
        return Resident.onHost(lists);
    }

    /**
     * A resident handle of a float table an index keeps (a PQ codebook, precomputed per-list
     * tables), as {@link #prepare(FloatMatrix, BaseNorms)}; the array must not change after.
     */
    default Resident<float[]> prepare(float[] table) {
        return Resident.onHost(table);
    }

    /**
     * The 4-bit FastScan kernels this backend uses for per-list work on the host (a device
     * backend without its own returns its CPU fallback's).
     */
    FastScanKernels fastScan();

    /** Product/scalar quantisation kernels (lookup tables, PQ and SQ8 code scans) for per-list work on the host. */
    PqKernels pq();

    /**
     * Batched IVF-PQ / IVF-SQ8 scans and lookup tables. CPU backends return the plain-Java batch
     * form over their {@link #pq()} kernels ({@code scalar.CpuPqListScanner}).
     */
    PqListScanner pqLists();

    /** Batched FastScan list scans (CPU backends: the batch form over {@link #fastScan()}). */
    FastScanListScanner fastScanLists();

    /** The batched refine step (exact re-ranking). */
    Refiner refiner();

    /**
     * Runs {@code body(q)} for every query {@code q < nq}, on this backend's threads where it
     * has them (the default runs them in order on the caller's thread). For host-side per-query
     * loops (PQ, SQ8, refine) so they honour the thread count the user chose. Bodies must only
     * write their own query's results.
     */
    default void forEachQuery(int nq, java.util.function.IntConsumer body) {
        for (int q = 0; q < nq; q++) body.accept(q);
    }

    /**
     * Bytes copied between host and device so far, counted by the backend where it enqueues the
     * copies (thread-safe). Host backends copy nothing and report {@link Transfers#NONE}.
     */
    default Transfers transfers() {
        return Transfers.NONE;
    }

    /**
     * Whether this backend computes {@code metric} itself; when not, its knn and list scans hand
     * that metric to the CPU (a device without L1 / L-infinity kernels), and tools say so.
     */
    default boolean computes(Metric metric) {
        return true;
    }

    /** Releases threads, device memory and programs. The default backend instances are never closed. */
    @Override
    default void close() {
    }
}
