package dev.komsu.index;

import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.LutQuantizer;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.quant.ProductQuantizer;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * IVF with 4-bit PQ FastScan lists (faiss IndexIVFPQFastScan, "IVF{n},PQ{M}x4fs"): a Flat
 * coarse quantiser, a 4-bit product quantiser, and block inverted lists in faiss's layout.
 *
 * <p>Search follows faiss: per query, the float PQ lookup table is quantised to uint8
 * ({@link LutQuantizer}); the backend's batched scan ({@link ComputeBackend#fastScanLists()})
 * visits the probed lists in increasing list number (faiss's search_implem_12 order, which
 * decides ties) and keeps 16-bit distances as a {@link dev.komsu.kernels.QuantizedTopK} does;
 * they are converted back to float as {@code key / a + b}. Without residuals (faiss's default
 * for this index) one table serves all lists; with residuals and L2, faiss's precomputed tables
 * give one table per probed list and the coarse distance is the bias. Inner product (faiss
 * METRIC_INNER_PRODUCT) keeps the largest 16-bit sums (faiss's CMin handler); its tables are the
 * query's inner products with the centroids, quantised like L2's; with residuals one table
 * serves all lists and the coarse inner product {@code <q, c>} is each list's bias. The coarse
 * k-means is spherical for inner product, as faiss's IVF. Search is thread-safe (chunks of a
 * batch run in parallel on the backend's threads); add is not concurrent with search.
 */
public final class IvfFastScanIndex extends AbstractIvfIndex {
    /** Scratch bytes per chunk of an add ({@link AddChunks}); tests lower it to exercise chunking. */
    long addChunkBytes = AddChunks.BYTES;
    private final ProductQuantizer pq;
    private final BlockInvertedLists lists;
    private final boolean byResidual;
    private ResidualTables residualTables; // by-residual L2 only: faiss's precomputed_table, or per list
    /** The bound on the precomputed table (faiss's precomputed_table_max_bytes); tests lower it. */
    private long precomputedTableMaxBytes = PqCodec.PRECOMPUTED_TABLE_MAX_BYTES;

    /** An empty, untrained index; {@code byResidual} false is faiss's default for this type. */
    public IvfFastScanIndex(int dim, int nlist, int m, Metric metric, boolean byResidual, ComputeBackend backend) {
        this(new FlatIndex(dim, metric, backend), nlist, new ProductQuantizer(dim, m, 4),
                new BlockInvertedLists(nlist, m), byResidual, 0);
    }

    /** An index from parts, e.g. read from a file. */
    public IvfFastScanIndex(FlatIndex quantizer, int nlist, ProductQuantizer pq, BlockInvertedLists lists,
                            boolean byResidual, long ntotal) {
        // faiss's Level1Quantizer: 10 iterations (IndexIVFPQFastScan is an IndexIVF), spherical for inner product
        super("IVF FastScan", quantizer, nlist, ntotal,
                IvfIndex.IVF_KMEANS_DEFAULTS.withSpherical(quantizer.metric() == Metric.INNER_PRODUCT));
        this.pq = Objects.requireNonNull(pq, "pq");
        this.lists = Objects.requireNonNull(lists, "lists");
        this.byResidual = byResidual;
        if (pq.nbits() != 4) throw new IllegalArgumentException("FastScan needs a 4-bit PQ, got nbits=" + pq.nbits());
        if (pq.dim() != dim()) throw new IllegalArgumentException("PQ dimension " + pq.dim() + " != index dimension " + dim());
        if (lists.nlist() != nlist || lists.m() != pq.m()) {
            throw new IllegalArgumentException("lists (" + lists.nlist() + " lists, M=" + lists.m()
                    + ") do not match nlist=" + nlist + ", M=" + pq.m());
        }
        if (isTrained()) precompute();
    }

    public ProductQuantizer pq() {
        return pq;
    }

    public BlockInvertedLists invertedLists() {
        return lists;
    }

    public boolean byResidual() {
        return byResidual;
    }

    @Override
    boolean isCodecTrained() {
        return pq.isTrained();
    }

    @Override
    void trainCodes(FloatMatrix xs) {
        PqCodec.trainQuantizer(pq, byResidual, xs, this::assign, quantizer().vectors(), backend(), progress());
        precompute();
    }

    /**
     * faiss's precomputed table for residual L2 search: for list l, sub-quantiser m, centroid
     * j: {@code ||r_mj||^2 + 2 <c_l,m, r_mj>}, so the distance to a code is the coarse distance
     * + table - 2 <x_m, r_mj>. faiss builds it for L2 only: by-residual inner product needs none.
     */
    private void precompute() {
        if (perProbeTables()) {
            this.residualTables = ResidualTables.of(pq, quantizer().vectors(), backend().pq(), precomputedTableMaxBytes);
        }
    }

    /** Lowers the precomputed table's bound (tests of the per-list path); rebuilds the tables. */
    void setPrecomputedTableMaxBytes(long maxBytes) {
        this.precomputedTableMaxBytes = maxBytes;
        if (isTrained()) precompute();
    }

    /** Whether search uses one precomputed table for every list (false: computed per probed list). */
    boolean usesPrecomputedTable() {
        return residualTables != null && residualTables.precomputed();
    }

    @Override
    void addAssigned(FloatMatrix xs, int[] assign, long[] ids, long firstId) {
        int n = assign.length;
        int codeSize = pq.codeSize();
        // Chunks of rows keep n * codeSize out of int range (it overflowed at 134M PQ32 codes);
        // each list still receives its rows in input order, as faiss adds them.
        int chunk = Math.min(n, AddChunks.rows(codeSize, addChunkBytes));
        byte[] codes = new byte[chunk * codeSize];
        byte[] listCodes = new byte[chunk * codeSize];
        long[] listIds = new long[chunk];
        MemorySegment codeSeg = MemorySegment.ofArray(codes);
        FloatMatrix centroids = quantizer().vectors();
        for (int c0 = 0; c0 < n; c0 += chunk) {
            int count = Math.min(chunk, n - c0);
            int first = c0;
            pq.encodeAll(count, (i, row) -> {
                xs.copyRow(first + i, row, 0);
                if (byResidual) Residuals.subtract(row, centroids, assign[first + i]);
            }, backend(), codeSeg, 0);
            // faiss adds list by list in input order (a stable sort by list number)
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) order[i] = i;
            final int base = c0;
            Arrays.sort(order, (a, b) -> Integer.compare(assign[base + a], assign[base + b]));
            for (int i0 = 0; i0 < count; ) {
                int list = assign[c0 + order[i0]];
                int i1 = i0;
                while (i1 < count && assign[c0 + order[i1]] == list) {
                    int src = order[i1];
                    System.arraycopy(codes, src * codeSize, listCodes, (i1 - i0) * codeSize, codeSize);
                    listIds[i1 - i0] = ids == null ? firstId + c0 + src : ids[c0 + src];
                    i1++;
                }
                lists.append(list, listCodes, 0, i1 - i0, listIds, 0);
                i0 = i1;
            }
        }
    }

    @Override
    Neighbors scan(FloatMatrix queries, Neighbors coarse, int k, SearchParams params) {
        int nq = coarse.nq();
        Neighbors out = Neighbors.empty(nq, k, metric());
        int chunk = FastScanChunks.size(nq, perProbeTables() ? coarse.k() : 1);
        // the batched FastScan scan runs on the caller's thread: chunks run in parallel, each
        // writing only its own result rows
        QueryChunks.parallel(backend(), nq, chunk, (from, count) -> searchChunk(queries, coarse, from, count, k, out));
        return out;
    }

    /** faiss's lut_is_3d: by residual with L2, one table per (query, probed list). */
    private boolean perProbeTables() {
        return byResidual && metric() == Metric.L2;
    }

    /**
     * Queries {@code [from, from + count)}: uint8 tables as faiss builds them (one per query
     * without residuals; with residuals and L2, one per probed list from the precomputed table
     * with the coarse distances folded into uint16 biases; with residuals and inner product,
     * one per query with the coarse inner products as uint16 biases), then the backend's
     * batched scan, which visits each query's lists in increasing list number as faiss's
     * search_implem_12.
     */
    private void searchChunk(FloatMatrix queries, Neighbors coarse, int from, int count, int k, Neighbors out) {
        int m = pq.m();
        int m2 = FastScanPacking.m2(m);
        int ks = pq.ksub();
        int nprobe = coarse.k();
        int tables = perProbeTables() ? nprobe : 1;
        byte[] luts = new byte[count * tables * m2 * ks];
        int[] biases = byResidual ? new int[count * nprobe] : null;
        LutQuantizer.Scale[] scales = new LutQuantizer.Scale[count];
        LutQuantizer quantizer = backend().fastScan().lutQuantizer();
        float[] lut = new float[tables * m * ks];
        if (perProbeTables()) {
            int tab = m * ks;
            float[] ip = new float[tab];
            float[] row = new float[tab];
            float[] scratch = new float[tab];
            float[] bias = new float[nprobe];
            byte[] lut8 = new byte[nprobe * m2 * ks];
            int[] bias16 = new int[nprobe];
            for (int b = 0; b < count; b++) {
                int q = from + b;
                pq.lookupTable(queries.row(q), Metric.INNER_PRODUCT, backend().pq(), ip);
                for (int p = 0; p < nprobe; p++) {
                    long list = coarse.label(q, p);
                    if (list < 0) {
                        Arrays.fill(lut, p * tab, (p + 1) * tab, Float.NaN); // ignored by the quantisation
                        bias[p] = Float.NaN;
                    } else {
                        residualTables.row((int) list, ip, backend().pq(), scratch, row);
                        System.arraycopy(row, 0, lut, p * tab, tab);
                        bias[p] = coarse.distance(q, p);
                    }
                }
                scales[b] = quantizer.quantizeWithBias(lut, bias, nprobe, m, ks, m2, lut8, bias16);
                System.arraycopy(lut8, 0, luts, b * lut8.length, lut8.length);
                System.arraycopy(bias16, 0, biases, b * nprobe, nprobe);
            }
        } else if (byResidual) {
            // inner product: <q, c + r> = <q, c> + <q, r>, the coarse distance is the bias (faiss compute_LUT)
            float[] bias = new float[nprobe];
            int[] bias16 = new int[nprobe];
            for (int b = 0; b < count; b++) {
                int q = from + b;
                pq.lookupTable(queries.row(q), metric(), backend().pq(), lut);
                for (int p = 0; p < nprobe; p++) bias[p] = coarse.label(q, p) < 0 ? Float.NaN : coarse.distance(q, p);
                scales[b] = quantizer.quantizeSharedWithBias(lut, bias, nprobe, m, ks, m2, luts, b * m2 * ks, bias16);
                System.arraycopy(bias16, 0, biases, b * nprobe, nprobe);
            }
        } else {
            for (int b = 0; b < count; b++) {
                pq.lookupTable(queries.row(from + b), metric(), backend().pq(), lut);
                scales[b] = quantizer.quantize(lut, m, ks, m2, luts, b * m2 * ks);
            }
        }
        FastScanChunks.scan(backend(), lists, luts, tables, biases, QueryChunks.probes(coarse, from, count), nprobe, k,
                scales, metric(), out, from);
    }

    @Override
    long listSize(int list) {
        return lists.size(list);
    }

    @Override
    long listId(int list, long offset) {
        return lists.id(list, offset);
    }

    @Override
    void decode(int list, long offset, FloatMatrix centroids, float[] row) {
        pq.decode(MemorySegment.ofArray(lists.flatCode(list, offset)), 0, row, 0);
        if (byResidual) Residuals.add(row, centroids, list);
    }

    @Override
    public String describe() {
        return "IVF" + nlist() + ",PQ" + pq.m() + "x4fs d=" + dim() + " metric=" + metric() + " ntotal=" + ntotal()
                + " nlist=" + nlist() + " by-residual=" + byResidual + " largest-list=" + largestList()
                + " kernel=" + backend().fastScan().name()
                + " memory=" + (lists.memoryBytes() + centroidBytes()) + " bytes";
    }

    @Override
    void closeLists() {
        lists.close();
    }
}
