package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the dense kernels need of a base matrix, computed once per base (an index keeps it with
 * its vectors, never in the faiss file, and extends it on add): a centre c and every row's
 * squared norm after centring, {@code |x - c|^2}.
 *
 * <p>For L2 the centre is the rows' mean. L2 is translation-invariant, and the rounding error
 * of the expansion {@code |q-c|^2 + |x-c|^2 - 2 (q-c).(x-c)} grows with the norms, not with the
 * distance: on the conformance suite's +1000-offset rows the uncentred expansion errs by ~500
 * on distances of ~40, centred by ~1e-5 (see {@link DenseRefine} for the exactness proof that
 * does not depend on it). For inner product the centre is zero (inner product is not
 * translation-invariant) and the norms only bound the rounding error.
 *
 * <p>Computed with plain loops in a fixed order, so every backend sees the same bits. An index
 * also keeps the base's {@link BaseProjection} here ({@link #withProjection}), so it travels
 * wherever the norms go (resident handles included); backends without the pruned scan ignore it.
 * Immutable; the arrays are never handed out.
 */
public final class BaseNorms {
    private final Metric metric;
    private final float[] centre;
    private final float[] norms;
    private final float maxNorm;
    /** The rows in a short principal basis for the pruned L2 search, or null: see {@link #withProjection}. */
    private final BaseProjection projection;

    private BaseNorms(Metric metric, float[] centre, float[] norms, BaseProjection projection) {
        this.metric = metric;
        this.centre = centre;
        this.norms = norms;
        this.projection = projection;
        float max = 0f;
        for (float v : norms) max = Math.max(max, v);
        this.maxNorm = max;
    }

    /** Centre and centred norms of every row of {@code base} for {@code metric}. */
    public static BaseNorms of(FloatMatrix base, Metric metric) {
        Objects.requireNonNull(metric, "metric");
        float[] centre = metric == Metric.L2 ? mean(base) : new float[base.cols()];
        return new BaseNorms(metric, centre, rowNorms(base, centre, 0, new float[checkRows(base)]), null);
    }

    /**
     * These norms with the base's {@link BaseProjection} (made here, once: a pass over the base
     * and a small eigenproblem), which lets the CPU backend prune its L2 scan exactly; the
     * norms alone where the projection would not pay (inner product, small or
     * high-intrinsic-dimension bases). For what an index keeps; a one-off search does without.
     */
    public BaseNorms withProjection(FloatMatrix base) {
        if (!fits(base, metric)) throw new IllegalArgumentException("the norms were not made for this base");
        if (metric != Metric.L2 || projection != null) return this;
        BaseProjection p = BaseProjection.of(base, centre);
        return p == null ? this : new BaseNorms(metric, centre, norms, p);
    }

    /**
     * These norms with {@code base} projected onto the basis of {@code like} (another base's
     * projection, null: none) instead of a basis fitted here: k-means fits one basis per
     * training and projects each iteration's centroids onto it.
     */
    public BaseNorms withProjection(FloatMatrix base, BaseProjection like) {
        if (!fits(base, metric)) throw new IllegalArgumentException("the norms were not made for this base");
        if (metric != Metric.L2 || like == null) return this;
        return new BaseNorms(metric, centre, norms, like.reprojected(base));
    }

    /** The base's projection for the pruned L2 search, or null (see {@link #withProjection}). */
    public BaseProjection projection() {
        return projection;
    }

    /**
     * These norms extended to the rows of {@code base} past {@link #rows()} (rows were appended),
     * with the same centre: any centre keeps the expansion exact after {@link DenseRefine}, and
     * the first batch's mean stays close to the data of later ones.
     */
    public BaseNorms extendedTo(FloatMatrix base) {
        if (base.cols() != centre.length) {
            throw new IllegalArgumentException("base has " + base.cols() + " columns, the norms were made for " + centre.length);
        }
        int rows = checkRows(base);
        if (rows < norms.length) throw new IllegalArgumentException("base shrank from " + norms.length + " to " + rows + " rows");
        return new BaseNorms(metric, centre, rowNorms(base, centre, norms.length, Arrays.copyOf(norms, rows)),
                projection == null ? null : projection.extendedTo(base));
    }

    public Metric metric() {
        return metric;
    }

    public int dim() {
        return centre.length;
    }

    public long rows() {
        return norms.length;
    }

    /** The centre's coordinate {@code c}. */
    public float centre(int c) {
        return centre[c];
    }

    /** {@code |x_row - c|^2}. */
    public float norm(long row) {
        return norms[(int) row];
    }

    /** The largest {@link #norm}: bounds every row's rounding error in {@link DenseRefine}. */
    public float maxNorm() {
        return maxNorm;
    }

    /** Copies {@code count} norms from {@code row} into {@code dst[offset ..]}. */
    public void copyNorms(long row, float[] dst, int offset, int count) {
        System.arraycopy(norms, (int) row, dst, offset, count);
    }

    /** Copies the centre into {@code dst[offset .. offset+dim)}. */
    public void copyCentre(float[] dst, int offset) {
        System.arraycopy(centre, 0, dst, offset, centre.length);
    }

    /** True when these norms were made for exactly the rows and columns of {@code base}. */
    public boolean fits(FloatMatrix base, Metric metric) {
        return this.metric == metric && base.cols() == centre.length && base.rows() == norms.length;
    }

    /** {@code fl(q - c)}, the centred query, written into {@code dst[0..d)}; returns its squared norm. */
    public float centre(float[] q, int qo, float[] dst) {
        float norm = 0f;
        for (int c = 0; c < centre.length; c++) {
            float v = q[qo + c] - centre[c];
            dst[c] = v;
            norm = Math.fma(v, v, norm);
        }
        return norm;
    }

    private static int checkRows(FloatMatrix base) {
        // One float per row on the heap: bases past 2^31 rows are searched in the direct form.
        if (!KernelChecks.normsFit(base)) {
            throw new IllegalArgumentException("base has " + base.rows() + " rows; norms are kept for at most 2^31-9");
        }
        return (int) base.rows();
    }

    private static float[] mean(FloatMatrix base) {
        int d = base.cols();
        double[] sum = new double[d];
        MemorySegment seg = base.segment();
        for (long r = 0; r < base.rows(); r++) {
            long o = base.rowOffset(r);
            for (int c = 0; c < d; c++) sum[c] += seg.get(FloatMatrix.FLOAT, o + (long) c * Float.BYTES);
        }
        float[] centre = new float[d];
        if (base.rows() > 0) {
            for (int c = 0; c < d; c++) centre[c] = (float) (sum[c] / base.rows());
        }
        return centre;
    }

    private static float[] rowNorms(FloatMatrix base, float[] centre, int from, float[] norms) {
        int d = base.cols();
        MemorySegment seg = base.segment();
        int r = from;
        // Four rows at a time: four independent FMA chains instead of one latency-bound chain
        // (each row's sum keeps its own order, so the bits are those of one row at a time).
        for (; r + 4 <= norms.length; r += 4) {
            long o0 = base.rowOffset(r), o1 = base.rowOffset(r + 1), o2 = base.rowOffset(r + 2), o3 = base.rowOffset(r + 3);
            float n0 = 0f, n1 = 0f, n2 = 0f, n3 = 0f;
            for (int c = 0; c < d; c++) {
                long at = (long) c * Float.BYTES;
                float v0 = seg.get(FloatMatrix.FLOAT, o0 + at) - centre[c];
                float v1 = seg.get(FloatMatrix.FLOAT, o1 + at) - centre[c];
                float v2 = seg.get(FloatMatrix.FLOAT, o2 + at) - centre[c];
                float v3 = seg.get(FloatMatrix.FLOAT, o3 + at) - centre[c];
                n0 = Math.fma(v0, v0, n0);
                n1 = Math.fma(v1, v1, n1);
                n2 = Math.fma(v2, v2, n2);
                n3 = Math.fma(v3, v3, n3);
            }
            norms[r] = n0;
            norms[r + 1] = n1;
            norms[r + 2] = n2;
            norms[r + 3] = n3;
        }
        for (; r < norms.length; r++) {
            long o = base.rowOffset(r);
            float norm = 0f;
            for (int c = 0; c < d; c++) {
                float v = seg.get(FloatMatrix.FLOAT, o + (long) c * Float.BYTES) - centre[c];
                norm = Math.fma(v, v, norm);
            }
            norms[r] = norm;
        }
        return norms;
    }
}
