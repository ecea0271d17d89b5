package dev.komsu.index.hnsw;

import dev.komsu.kernels.Metric;
import dev.komsu.kernels.PqKernels;
import dev.komsu.quant.ScalarQuantizer;
import java.lang.foreign.MemorySegment;

/**
 * {@link HnswDistances} over SQ8 codes (faiss's IndexHNSWSQ, whose storage is an
 * IndexScalarQuantizer): a float query against decoded codes. Between two stored nodes faiss
 * 1.7.3's SQ distance computer decodes both codes (symmetric_dis = compute_code_distance);
 * decoding the origin into floats once and measuring it against the others' codes gives the
 * same per-component terms, since the decode is faiss's to the bit.
 */
public final class Sq8Distances extends HnswDistances {
    private final MemorySegment codes;
    private final ScalarQuantizer sq;
    private final float[] vmin;
    private final float[] vdiff;
    private final PqKernels kernels;
    private final Metric metric;

    /** Over {@code codes}: the stored vectors' codes in row order, d bytes each. */
    public Sq8Distances(MemorySegment codes, ScalarQuantizer sq, Metric metric, PqKernels kernels) {
        super(sq.dim(), metric);
        this.codes = codes;
        this.sq = sq;
        this.vmin = sq.vmin();
        this.vdiff = sq.vdiff();
        this.metric = metric;
        this.kernels = kernels;
    }

    @Override
    public void setOrigin(int from) {
        sq.decode(codes, (long) from * sq.codeSize(), origin);
    }

    @Override
    void measure(float[] q, long[] rows, int count, float[] out) {
        kernels.gatherSq8Distances(q, codes, rows, count, vmin, vdiff, metric, out);
    }
}
