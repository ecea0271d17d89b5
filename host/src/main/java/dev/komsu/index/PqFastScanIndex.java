package dev.komsu.index;

import dev.komsu.Index;
import dev.komsu.ProgressListener;
import dev.komsu.SearchParams;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.LutQuantizer;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.quant.ProductQuantizer;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Exhaustive 4-bit PQ FastScan (faiss IndexPQFastScan, "PQ{M}x4fs"): every code in one list of
 * 32-vector blocks, ids = row numbers. Tables are quantised faiss's flat-index way
 * ({@link LutQuantizer#quantizePerColumn}); distances come back as {@code key / a + b}. L2 keeps the
 * smallest sums; inner product (tables of inner products, quantised the same way) the largest,
 * as faiss's CMin handler. Search is thread-safe; add is not concurrent with search.
 */
public final class PqFastScanIndex implements Index {
    private final ConcurrencyGuard guard = new ConcurrencyGuard();
    /** Scratch bytes per chunk of an add ({@link AddChunks}); tests lower it to exercise chunking. */
    long addChunkBytes = AddChunks.BYTES;
    private final int dim;
    private final Metric metric;
    private final ProductQuantizer pq;
    private final BlockInvertedLists codes;
    private final ComputeBackend backend;
    private ProgressListener progress = ProgressListener.NONE;

    /** An empty, untrained index of {@code m} 4-bit sub-quantisers. */
    public PqFastScanIndex(int dim, int m, Metric metric, ComputeBackend backend) {
        this(new ProductQuantizer(dim, m, 4), new BlockInvertedLists(1, m), metric, backend);
    }

    /** From parts (e.g. read from a file): {@code codes} is one list whose ids are 0..n-1. */
    public PqFastScanIndex(ProductQuantizer pq, BlockInvertedLists codes, Metric metric, ComputeBackend backend) {
        this.pq = Objects.requireNonNull(pq, "pq");
        this.codes = Objects.requireNonNull(codes, "codes");
        this.metric = Objects.requireNonNull(metric, "metric");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.dim = pq.dim();
        if (pq.nbits() != 4) throw new IllegalArgumentException("FastScan needs a 4-bit PQ, got nbits=" + pq.nbits());
        if (codes.nlist() != 1 || codes.m() != pq.m()) {
            throw new IllegalArgumentException("codes must be one list of M=" + pq.m() + " codes");
        }
    }

    public void setProgressListener(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public Metric metric() {
        return metric;
    }

    @Override
    public long ntotal() {
        return codes.size(0);
    }

    public ProductQuantizer pq() {
        return pq;
    }

    /** The packed codes: one list, ids 0..ntotal-1. */
    public BlockInvertedLists codes() {
        return codes;
    }

    @Override
    public boolean isTrained() {
        return pq.isTrained();
    }

    @Override
    public void train(FloatMatrix xs) {
        InputChecks.checkVectors("training vectors", xs, dim);
        pq.train(xs, backend, progress);
    }

    @Override
    public void add(FloatMatrix xs) {
        guard.enterAdd();
        try {
            addUnguarded(xs);
        } finally {
            guard.exitAdd();
        }
    }

    private void addUnguarded(FloatMatrix xs) {
        InputChecks.checkVectors("added vectors", xs, dim);
        if (!isTrained()) throw new IllegalStateException("the PQ FastScan index must be trained before vectors are added");
        long n = xs.rows();
        int codeSize = pq.codeSize();
        int chunk = (int) Math.min(n, AddChunks.rows(codeSize, addChunkBytes));
        byte[] flat = new byte[chunk * codeSize]; // <= AddChunks.BYTES: no int overflow (issue 14)
        long[] ids = new long[chunk];
        MemorySegment flatSeg = MemorySegment.ofArray(flat);
        for (long from = 0; from < n; from += chunk) {
            int count = (int) Math.min(chunk, n - from);
            long first = ntotal();
            long start = from;
            pq.encodeAll(count, (i, row) -> xs.copyRow(start + i, row, 0), backend, flatSeg, 0);
            for (int i = 0; i < count; i++) ids[i] = first + i;
            codes.append(0, flat, 0, count, ids, 0);
        }
    }

    /** faiss's IndexPQFastScan has no add_with_ids either: ids are row numbers (wrap in IDMap). */
    @Override
    public void addWithIds(FloatMatrix xs, long[] ids) {
        guard.enterAdd();
        try {
            addWithIdsUnguarded(xs, ids);
        } finally {
            guard.exitAdd();
        }
    }

    private void addWithIdsUnguarded(FloatMatrix xs, long[] ids) {
        throw new UnsupportedOperationException("PQ FastScan indexes number vectors by row; wrap in IDMap for own ids");
    }

    @Override
    public Neighbors search(FloatMatrix queries, int k, SearchParams params) {
        guard.enterSearch();
        try {
            return searchUnguarded(queries, k, params);
        } finally {
            guard.exitSearch();
        }
    }

    private Neighbors searchUnguarded(FloatMatrix queries, int k, SearchParams params) {
        InputChecks.checkK(k);
        InputChecks.checkVectors("queries", queries, dim);
        if (!isTrained()) throw new IllegalStateException("the PQ FastScan index is not trained");
        int nq = Math.toIntExact(queries.rows());
        Neighbors out = Neighbors.empty(nq, k, metric);
        int m = pq.m();
        int m2 = FastScanPacking.m2(m);
        int ks = pq.ksub();
        // the batched FastScan scan runs on the caller's thread: chunks run in parallel
        QueryChunks.parallel(backend, nq, FastScanChunks.size(nq, 1), (from, count) -> {
            float[] lut = new float[m * ks];
            byte[] luts = new byte[count * m2 * ks];
            LutQuantizer.Scale[] scales = new LutQuantizer.Scale[count];
            LutQuantizer quantizer = backend.fastScan().lutQuantizer();
            for (int b = 0; b < count; b++) {
                pq.lookupTable(queries.row(from + b), metric, backend.pq(), lut);
                scales[b] = quantizer.quantizePerColumn(lut, m, ks, m2, luts, b * m2 * ks);
            }
            // one list, probed once by every query
            FastScanChunks.scan(backend, codes, luts, 1, null, new int[count], 1, k, scales, metric, out, from);
        });
        return out;
    }

    @Override
    public float[] reconstruct(long id) {
        Objects.checkIndex(id, ntotal());
        float[] out = new float[dim];
        pq.decode(MemorySegment.ofArray(codes.flatCode(0, id)), 0, out, 0);
        return out;
    }

    @Override
    public FloatMatrix reconstructN(long from, long n) {
        InputChecks.checkRange(from, n, ntotal());
        FloatMatrix out = FloatMatrix.allocate(n, dim);
        for (long i = 0; i < n; i++) out.setRow(i, reconstruct(from + i), 0);
        return out;
    }

    @Override
    public String describe() {
        return "PQ" + pq.m() + "x4fs d=" + dim + " metric=" + metric + " ntotal=" + ntotal()
                + " kernel=" + backend.fastScan().name() + " memory=" + codes.memoryBytes() + " bytes";
    }

    @Override
    public void close() {
        codes.close();
    }
}
