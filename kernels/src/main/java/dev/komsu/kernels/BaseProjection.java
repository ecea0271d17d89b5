package dev.komsu.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A base's rows in a short principal basis, for the pruned exact L2 search: an orthonormal
 * basis Q (m x d, {@link PrincipalBasis}) around the centre c, and every row x as the
 * augmented (m+1)-vector {@code a_x = [h_x, t_x]}, {@code h_x = Q(x-c)}, {@code t_x =
 * sqrt(|x-c|^2 - |h_x|^2)} (the norm of the part of x-c outside the subspace).
 *
 * <p><b>The bound.</b> For a query q, with v = q - x and Π the projector onto Q's rows,
 * {@code |v|^2 = |Πv|^2 + |(I-Π)v|^2 >= |Q v|^2 + (t_q - t_x)^2 = |a_q - a_x|^2} (Pythagoras,
 * then the reverse triangle inequality on the complement). So a dense scan over the augmented
 * rows (m+1 columns instead of d) gives every row an estimate, and no row whose estimate's lower
 * bound exceeds the k-th exact key can be in the top k ({@link DenseRefine} with {@link #bound}).
 *
 * <p><b>Rounding</b> ({@link #bound} makes it a lower bound of the float exact key, u = 2^-24):
 * <ul>
 * <li>h and t are computed in double from x - c in double, so {@code t^2 = |x-c|^2 - |h|^2}
 * loses nothing to cancellation that matters: its absolute error E is at most
 * {@code rho |x-c|^2}, {@code rho = 3 (sqrt(m)+1)(d+m+4) 2^-53 + 2 eps}, where eps bounds the
 * basis's distance from orthonormality ({@code |QQ^T - I|_F}, measured on the stored basis,
 * plus the rounding of measuring it). Near t = 0 an error E in t^2 is an error sqrt(E) in t
 * ({@code |t - t'| <= sqrt(|t^2 - t'^2|)}), hence sqrt(rho) below.</li>
 * <li>Stored as float, each augmented row moves by at most u |a|. So the stored rows differ
 * from the exact ones by at most {@code kappa |x-c|}, {@code kappa = 4u + 2 sqrt(rho)}
 * (factor 2 of margin), and by the triangle inequality the true augmented distance is at least
 * {@code sqrt(D_stored) - kappa (|q-c| + max_x |x-c|)}.</li>
 * <li>Q's rows are orthonormal to eps only: {@code |Πv|^2 >= |Qv|^2 / (1 + eps)}.</li>
 * <li>D_stored itself is bounded below from the scan's estimate by {@link DenseRefine}'s
 * expansion slack for m+1 columns, and the exact key is at least {@code (1 - 2(d+8)u)} times
 * the true squared distance.</li>
 * </ul>
 * The bound is a non-decreasing function of the estimate, so rows the scan ranked after a
 * candidate are bounded by that candidate's bound, as the refine's stopping rule needs.
 *
 * <p>Immutable and computed once per base (an index keeps it with {@link BaseNorms}, never in
 * the faiss file); {@link #extendedTo} projects appended rows with the same basis.
 */
public final class BaseProjection {
    /** Augmented rows fill whole 8-float vectors (AVX2; half an AVX-512 vector). */
    static final int LANES = 8;
    /**
     * Bases with fewer rows or columns keep the plain dense scan. With the candidate heap, 1024
     * rows (Fashion-MNIST's IVF1024 centroids, batches of 100) measured no faster (1.04x); with
     * the heap-free first stage for short bases (the CPU backend's PrunedFilter) the coarse step
     * of an nprobe-1 search over them took 0.52x the dense time (one search of 10000 queries).
     * Below 1024 rows: unmeasured. See bench/RESULTS.md, "Pruned dense step" and "nprobe 1".
     */
    static final long MIN_ROWS = 1024;
    static final int MIN_DIM = 64;
    /**
     * The basis has at most d / MAX_DIM_DIVISOR directions: on RVC's IVF5128 centroids (90% of
     * the energy needs 189 of 768) 96 columns ran a chunk in 7.2-9.6 ms, 192 in 9.5 (dense: 13.5-16).
     * d/4 does not rescue rvc256's IVF2564 centroids: 63 directions hold 47% of the energy and the
     * pruned coarse step ran 5.5x slower than the dense one (survivors everywhere).
     */
    static final int MAX_DIM_DIVISOR = 8;
    /** Rows projected together. */
    private static final int BLOCK = 8;
    private static final double U = 0x1p-24;
    private static final double U_DOUBLE = 0x1p-53;

    private final int d;
    private final int m;
    private final double[] centre;
    /** The basis, row-major (m x d), for projecting base rows here. */
    private final double[] basis;
    /** The basis transposed: {@code basisT[c * (m+1) + i] = Q[i][c]}, column m zero (the backends' query kernels). */
    private final double[] basisT;
    private final double kappa;
    private final double eps;
    private final FloatMatrix augmented;
    private final BaseNorms augmentedNorms;
    private final double maxLength;

    private BaseProjection(double[] centre, double[] basis, double[] basisT, int m, double eps, MemorySegment rows, double maxLength,
            BaseNorms previous) {
        this.d = centre.length;
        this.m = m;
        this.centre = centre;
        this.basis = basis;
        this.basisT = basisT;
        this.eps = eps;
        double rho = 3 * (Math.sqrt(m) + 1) * (d + m + 4) * U_DOUBLE + 2 * eps;
        this.kappa = 4 * U + 2 * Math.sqrt(rho);
        this.maxLength = maxLength;
        int width = m + 1;
        this.augmented = FloatMatrix.wrap(rows, rows.byteSize() / ((long) width * Float.BYTES), width);
        this.augmentedNorms = previous == null ? BaseNorms.of(augmented, Metric.L2) : previous.extendedTo(augmented);
    }

    /**
     * The projection of {@code base} around {@code centre} (the L2 {@link BaseNorms}' centre),
     * or null where it would not pay: too few rows or columns, or energy spread so wide that
     * 90% of it needs more than d/4 directions (random data).
     */
    static BaseProjection of(FloatMatrix base, float[] centre) {
        int d = base.cols();
        if (base.rows() < MIN_ROWS || d < MIN_DIM) return null;
        double[] basis = PrincipalBasis.fit(base, centre, d / MAX_DIM_DIVISOR / LANES * LANES - 1, LANES);
        if (basis == null) return null;
        int m = basis.length / d;
        double[] c = new double[d];
        for (int i = 0; i < d; i++) c[i] = centre[i];
        double[] basisT = new double[d * (m + 1)];
        for (int i = 0; i < m; i++) for (int j = 0; j < d; j++) basisT[j * (m + 1) + i] = basis[i * d + j];
        BaseProjection empty = new BaseProjection(c, basis, basisT, m, orthonormalityError(basis, m, d), MemorySegment.NULL, 0, null);
        return empty.extendedTo(base);
    }

    /**
     * The rows of another base (same d) projected with this basis and centre: for k-means,
     * whose centroids move every iteration while one basis, fitted once, keeps bounding them
     * (the bound holds for any orthonormal basis and any centre).
     */
    BaseProjection reprojected(FloatMatrix base) {
        if (base.cols() != d) throw new IllegalArgumentException("base has " + base.cols() + " columns, the basis " + d);
        return new BaseProjection(centre, basis, basisT, m, eps, MemorySegment.NULL, 0, null).extendedTo(base);
    }

    /** This projection with the rows of {@code base} past {@link #rows()} projected and appended. */
    BaseProjection extendedTo(FloatMatrix base) {
        int width = m + 1;
        long have = augmented.rows();
        // Off-heap, freed by the GC with the projection (it has no owner to close it): a heap
        // segment's element-wise copies into the scan's blocks ran ~10x slower.
        MemorySegment all = Arena.ofAuto().allocate(base.rows() * width * Float.BYTES, 64);
        MemorySegment.copy(augmented.segment(), 0, all, 0, augmented.segment().byteSize());
        float[] block = new float[BLOCK * d];
        float[] projected = new float[BLOCK * width];
        double[] lengths = new double[BLOCK];
        double max = maxLength;
        for (long r = have; r < base.rows(); r += BLOCK) {
            int count = (int) Math.min(BLOCK, base.rows() - r);
            MemorySegment.copy(base.segment(), FloatMatrix.FLOAT, base.rowOffset(r), block, 0, count * d);
            project(block, 0, count, projected, 0, lengths, 0);
            MemorySegment.copy(projected, 0, all, FloatMatrix.FLOAT, r * width * Float.BYTES, count * width);
            for (int i = 0; i < count; i++) max = Math.max(max, lengths[i]);
        }
        return new BaseProjection(centre, basis, basisT, m, eps, all, max, have == 0 ? null : augmentedNorms);
    }

    public long rows() {
        return augmented.rows();
    }

    /** Columns of the augmented rows, m + 1. */
    public int width() {
        return m + 1;
    }

    /** The augmented rows {@code [h_x, t_x]}, n x (m+1) (a view of GC-managed memory: never closed). */
    public FloatMatrix augmented() {
        return augmented;
    }

    /** The augmented rows' centre and norms, for the dense scan over them. */
    public BaseNorms augmentedNorms() {
        return augmentedNorms;
    }

    /**
     * Queries projected once for many searches against bases that share this projection's
     * basis and centre ({@link BaseNorms#withProjection(FloatMatrix, BaseProjection)}): k-means
     * searches the same training points against new centroids every iteration.
     * {@code rows}: nq x (m+1) augmented rows; {@code lengths}: {@code |q-c|}.
     */
    public static final class Queries {
        private final float[] rows;
        private final double[] lengths;
        private final double[] basis; // identity only: which projection made them

        private Queries(float[] rows, double[] lengths, double[] basis) {
            this.rows = rows;
            this.lengths = lengths;
            this.basis = basis;
        }

        /** Whether these are {@code nq} queries projected with {@code p}'s basis and centre. */
        public boolean fit(BaseProjection p, long nq) {
            return basis == p.basisT && lengths.length == nq;
        }

        /** Copies of the augmented rows and lengths of queries {@code from .. from+count}, for {@code p}. */
        public float[] rows(BaseProjection p, int from, int count) {
            return java.util.Arrays.copyOfRange(rows, from * p.width(), (from + count) * p.width());
        }

        public double[] lengths(int from, int count) {
            return java.util.Arrays.copyOfRange(lengths, from, from + count);
        }
    }

    /**
     * {@link Queries} from rows projected with this basis and centre elsewhere (a backend's
     * vectorised {@link #projectQueries}): {@code rows} nq x {@link #width()}, {@code lengths}
     * their {@code |q-c|}.
     */
    public Queries queries(float[] rows, double[] lengths) {
        if ((long) lengths.length * width() != rows.length) {
            throw new IllegalArgumentException(rows.length + " projected floats are not " + lengths.length + " rows of " + width());
        }
        return new Queries(rows, lengths, basisT);
    }

    /** {@code queries} projected for {@link Queries} (plain loops: the scalar reference). */
    public Queries project(FloatMatrix queries) {
        int nq = Math.toIntExact(queries.rows());
        double[] lengths = new double[nq];
        float[] rows = new float[Math.multiplyExact(nq, m + 1)];
        float[] block = new float[BLOCK * d];
        float[] projected = new float[BLOCK * (m + 1)];
        double[] blockLengths = new double[BLOCK];
        for (int i = 0; i < nq; i += BLOCK) {
            int count = Math.min(BLOCK, nq - i);
            MemorySegment.copy(queries.segment(), FloatMatrix.FLOAT, queries.rowOffset(i), block, 0, count * d);
            project(block, 0, count, projected, 0, blockLengths, 0);
            System.arraycopy(projected, 0, rows, i * (m + 1), count * (m + 1));
            System.arraycopy(blockLengths, 0, lengths, i, count);
        }
        return new Queries(rows, lengths, basisT);
    }

    /**
     * Queries {@code q} (nq rows of d, row-major) as augmented rows (nq x (m+1)); their
     * {@code |q-c|} into {@code lengths}.
     */
    public float[] projectQueries(float[] q, int nq, double[] lengths) {
        float[] out = new float[nq * (m + 1)];
        for (int i = 0; i < nq; i += BLOCK) project(q, i * d, Math.min(BLOCK, nq - i), out, i * (m + 1), lengths, i);
        return out;
    }

    /**
     * The least exact key ({@link DenseRefine#exactKey}, L2) of this query and any row whose
     * estimate from the dense scan over the augmented rows is {@code estimate}.
     * {@code augmentedNorm}: the query's augmented row's squared norm after centring by
     * {@link #augmentedNorms}; {@code length}: {@code |q-c|} from {@link #projectQueries}.
     */
    public DenseRefine.LowerBound bound(float augmentedNorm, double length) {
        DenseRefine.LowerBound stored = DenseRefine.expansionBound(augmentedNorm, augmentedNorms, m + 1);
        double shift = kappa * (length + maxLength);
        double scale = (1 - 2 * (d + 8) * U) / (1 + eps);
        return estimate -> {
            double root = Math.sqrt(Math.max(0, stored.of(estimate))) - shift;
            // NaN (overflowed data) compares false and fails the proof: the caller's fallback.
            return root > 0 ? root * root * scale : (Double.isNaN(root) ? Double.NaN : 0);
        };
    }

    /**
     * {@code [Q(x-c), t]} of {@code count} (at most {@link #BLOCK}) rows at {@code x[xo ..]}
     * into {@code out[oo ..]} (m+1 per row), {@code |x-c|} into {@code lengths[li ..]}, in
     * plain double loops (this package runs without the Vector API); the CPU backend projects
     * its queries with a vectorised twin. Every sum runs over d in order: the bound's rounding
     * argument holds for both.
     */
    private void project(float[] x, int xo, int count, float[] out, int oo, double[] lengths, int li) {
        int width = m + 1;
        double[] v = new double[count * d];
        double[] norms = new double[count];
        for (int r = 0; r < count; r++) {
            for (int c = 0; c < d; c++) {
                double e = (double) x[xo + r * d + c] - centre[c];
                v[r * d + c] = e;
                norms[r] += e * e;
            }
        }
        double[] h = new double[count * width];
        int r = 0;
        for (; r + 2 <= count; r += 2) {
            int i = 0;
            for (; i + 4 <= m; i += 4) dots2x4(v, r * d, i, h, r * width + i, width);
            for (; i < m; i++) {
                h[r * width + i] = dot(v, r * d, i);
                h[(r + 1) * width + i] = dot(v, (r + 1) * d, i);
            }
        }
        for (; r < count; r++) for (int i = 0; i < m; i++) h[r * width + i] = dot(v, r * d, i);
        augment(h, norms, count, out, oo, lengths, li);
    }

    /**
     * Directions {@code i .. i+3} of the two rows at {@code v[vo ..]}: eight independent sums
     * (two rows share each basis load), ~4x the scalar throughput of one sum at a time.
     */
    private void dots2x4(double[] v, int vo, int i, double[] h, int ho, int width) {
        int v1 = vo + d, b0 = i * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d;
        double a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
        for (int c = 0; c < d; c++) {
            double x0 = v[vo + c], x1 = v[v1 + c];
            double q0 = basis[b0 + c], q1 = basis[b1 + c], q2 = basis[b2 + c], q3 = basis[b3 + c];
            a00 += x0 * q0;
            a01 += x0 * q1;
            a02 += x0 * q2;
            a03 += x0 * q3;
            a10 += x1 * q0;
            a11 += x1 * q1;
            a12 += x1 * q2;
            a13 += x1 * q3;
        }
        h[ho] = a00;
        h[ho + 1] = a01;
        h[ho + 2] = a02;
        h[ho + 3] = a03;
        h[ho + width] = a10;
        h[ho + width + 1] = a11;
        h[ho + width + 2] = a12;
        h[ho + width + 3] = a13;
    }

    private double dot(double[] v, int vo, int i) {
        double s = 0;
        for (int c = 0, b = i * d; c < d; c++) s += v[vo + c] * basis[b + c];
        return s;
    }

    /**
     * Finishes rows whose {@code h = Q(x-c)} ({@code count} rows of m+1 doubles, the last
     * ignored) and {@code |x-c|^2} ({@code norms}) were computed in double (by {@link #project}
     * or a backend's vectorised twin): the augmented rows as float into {@code out[oo ..]}, the
     * tails, and {@code |x-c|} into {@code lengths[li ..]}. The tail is taken here, in double,
     * for every caller: that is where its precision is decided.
     */
    public void augment(double[] h, double[] norms, int count, float[] out, int oo, double[] lengths, int li) {
        int width = m + 1;
        for (int r = 0; r < count; r++) {
            double inside = 0;
            int o = oo + r * width;
            for (int i = 0; i < m; i++) {
                double v = h[r * width + i];
                out[o + i] = (float) v;
                inside += v * v;
            }
            out[o + m] = (float) Math.sqrt(Math.max(0, norms[r] - inside));
            lengths[li + r] = Math.sqrt(norms[r]);
        }
    }

    /** Copies the basis, transposed ({@code [c * (m+1) + i] = Q[i][c]}, column m zero), into {@code dst}. */
    public void copyBasisTransposed(double[] dst) {
        System.arraycopy(basisT, 0, dst, 0, basisT.length);
    }

    /** Copies the centre c into {@code dst}. */
    public void copyCentre(double[] dst) {
        System.arraycopy(centre, 0, dst, 0, d);
    }

    public int dim() {
        return d;
    }

    /** {@code |QQ^T - I|_F} of the basis, plus the rounding of computing it: the eps of the class comment. */
    private static double orthonormalityError(double[] basis, int m, int d) {
        double sum = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += basis[i * d + c] * basis[j * d + c];
                double e = dot - (i == j ? 1 : 0);
                sum += (i == j ? 1 : 2) * e * e;
            }
        }
        return Math.sqrt(sum) + 2 * (d + 2) * U_DOUBLE;
    }
}
