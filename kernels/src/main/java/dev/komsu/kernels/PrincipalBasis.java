package dev.komsu.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * An orthonormal basis (in double) of the principal subspace of a base's rows around a centre,
 * for {@link BaseProjection}. A randomized range finder (Halko, Martinsson and Tropp) on an
 * evenly spaced sample of at most {@link #SAMPLE_ROWS} rows: a Gaussian test matrix with a
 * fixed seed, one power iteration, then the small eigenproblem (cyclic Jacobi) of the sketch to
 * order the directions by energy. Deterministic: same rows, same basis. The basis needs no
 * accuracy for the pruned search to be exact (any orthonormal rows give a valid bound, see
 * {@link BaseProjection}); a good one only prunes more.
 */
final class PrincipalBasis {
    /** Rows sampled at most: enough to see the directions that hold most of the energy. */
    static final int SAMPLE_ROWS = 2048;
    /**
     * Share of the sample's centred energy the basis must capture, else there is none. On
     * Fashion-MNIST's IVF1024 centroids (90%: 24 columns) 95% (48) ran the nprobe-1 coarse step
     * as fast, 97% (72) 14% slower.
     */
    static final double ENERGY = 0.90;
    /**
     * Share of the energy that the largest basis allowed must capture at least, else there is
     * none: below it the bound is too loose to prune (random data has ~m/d of it).
     */
    static final double MIN_ENERGY = 0.5;
    /** Extra sketch columns beyond the largest basis allowed, as the range finder asks. */
    private static final int OVERSAMPLE = 8;
    private static final long SEED = 1234;

    private PrincipalBasis() {
    }

    /**
     * The smallest basis whose size m has {@code m + 1} a multiple of {@code lanes} and that
     * captures {@link #ENERGY} of the sample's energy around {@code centre}, or else the
     * {@code maxDim} (one less than a multiple of {@code lanes}) strongest directions if they
     * capture {@link #MIN_ENERGY}; as m rows of d doubles, row-major; null when even that
     * fails (energy spread over many directions: the bound would prune too little to pay).
     */
    static double[] fit(FloatMatrix base, float[] centre, int maxDim, int lanes) {
        int d = base.cols();
        int s = (int) Math.min(base.rows(), SAMPLE_ROWS);
        int l = Math.min(Math.min(d, s), maxDim + OVERSAMPLE);
        if (l <= 0) return null;
        Sketch sketch = Sketch.of(sample(base, centre, s), l);
        if (sketch == null) return null;
        double[] energy = sketch.energy;
        Integer[] order = sketch.order;
        double total = sketch.total;
        double[][] b = sketch.b;
        double[][] vectors = sketch.vectors;
        int m = -1;
        double captured = 0;
        for (int i = 0; i < l && m < 0; i++) {
            captured += Math.max(0, energy[order[i]]);
            int fitted = ((i + 2 + lanes - 1) / lanes) * lanes - 1; // m + 1 fills whole vectors
            if (captured >= ENERGY * total) m = fitted;
            else if (fitted >= maxDim && i + 1 == maxDim) m = captured >= MIN_ENERGY * total ? maxDim : 0;
        }
        if (m <= 0 || m > l) return null;
        double[][] directions = new double[m][];
        for (int i = 0; i < m; i++) {
            double[] v = new double[d];
            for (int j = 0; j < l; j++) {
                double w = vectors[j][order[i]];
                for (int c = 0; c < d; c++) v[c] += w * b[j][c];
            }
            directions[i] = v;
        }
        // Twice: one modified Gram-Schmidt pass leaves the rows orthogonal to ~cond * 2^-53 only.
        directions = orthonormal(orthonormal(directions));
        double[] basis = new double[m * d];
        for (int i = 0; i < m; i++) System.arraycopy(directions[i], 0, basis, i * d, d);
        return basis;
    }

    /**
     * The range finder's result on a sample {@code x} (centred rows): the sketch
     * {@code b = Y^T X} (l x d), the eigenvalues {@code energy} of its Gram matrix and their
     * eigenvectors (columns of {@code vectors}), {@code order} strongest first, and the sample's
     * {@code total} energy.
     */
    private record Sketch(double[][] b, double[] energy, double[][] vectors, Integer[] order, double total) {
        /** Null when the sample's energy is zero or not finite. */
        static Sketch of(double[][] x, int l) {
            int d = x[0].length;
            double total = 0;
            for (double[] row : x) for (double v : row) total += v * v;
            if (!(total > 0) || Double.isInfinite(total)) return null;
            Random random = new Random(SEED);
            double[][] omega = new double[l][d]; // rows: test vectors
            for (double[] row : omega) for (int c = 0; c < d; c++) row[c] = random.nextGaussian();
            double[][] xt = transpose(x);
            double[][] y = orthonormal(times(x, omega)); // l x s: an orthonormal basis of X's range
            double[][] z = orthonormal(transposeTimes(xt, y)); // l x d: one power iteration
            y = orthonormal(times(x, z));
            double[][] b = transposeTimes(xt, y); // l x d: the sketch Y^T X
            double[][] gram = new double[l][l];
            for (int i = 0; i < l; i++) for (int j = 0; j <= i; j++) gram[i][j] = gram[j][i] = dot(b[i], b[j]);
            double[][] vectors = new double[l][l];
            double[] energy = jacobi(gram, vectors);
            Integer[] order = new Integer[l];
            for (int i = 0; i < l; i++) order[i] = i;
            java.util.Arrays.sort(order, (i, j) -> Double.compare(energy[j], energy[i]));
            return new Sketch(b, energy, vectors, order, total);
        }
    }

    private static double[][] sample(FloatMatrix base, float[] centre, int s) {
        int d = base.cols();
        MemorySegment seg = base.segment();
        double[][] x = new double[s][d];
        for (int i = 0; i < s; i++) {
            long o = base.rowOffset(base.rows() * i / s);
            for (int c = 0; c < d; c++) x[i][c] = (double) seg.get(FloatMatrix.FLOAT, o + (long) c * Float.BYTES) - centre[c];
        }
        return x;
    }

    /** Rows {@code r} of the result: {@code X v_r} for the rows v_r of {@code v} (d long), as s-vectors. */
    private static double[][] times(double[][] x, double[][] v) {
        return dots(v, x);
    }

    /**
     * Rows {@code r} of the result: {@code X^T y_r} for the rows y_r of {@code y} (s long), as
     * d-vectors; {@code xt} is X transposed, so each entry is a dot product of two rows.
     */
    private static double[][] transposeTimes(double[][] xt, double[][] y) {
        return dots(y, xt);
    }

    private static double[][] transpose(double[][] x) {
        double[][] t = new double[x[0].length][x.length];
        for (int i = 0; i < x.length; i++) for (int c = 0; c < x[i].length; c++) t[c][i] = x[i][c];
        return t;
    }

    /**
     * {@code out[i][j] = a[i] . b[j]}, in blocks of 4 x 4 rows with the 16 sums in registers:
     * each step of the loop loads 8 numbers for 16 multiply-adds, where a dot product at a time
     * loads 2 for 1 and streamed the whole of {@code a} (600 KB for a 768-d sketch, past L2)
     * once per row of {@code b}. Which rows go together does not change the sums.
     */
    static double[][] dots(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b.length];
        int n = a[0].length;
        int j = 0;
        for (; j + 4 <= b.length; j += 4) {
            double[] b0 = b[j], b1 = b[j + 1], b2 = b[j + 2], b3 = b[j + 3];
            int i = 0;
            for (; i + 4 <= a.length; i += 4) {
                double[] a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
                double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
                double s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
                for (int c = 0; c < n; c++) {
                    double x0 = a0[c], x1 = a1[c], x2 = a2[c], x3 = a3[c];
                    double y0 = b0[c], y1 = b1[c], y2 = b2[c], y3 = b3[c];
                    s00 = Math.fma(x0, y0, s00);
                    s01 = Math.fma(x0, y1, s01);
                    s02 = Math.fma(x0, y2, s02);
                    s03 = Math.fma(x0, y3, s03);
                    s10 = Math.fma(x1, y0, s10);
                    s11 = Math.fma(x1, y1, s11);
                    s12 = Math.fma(x1, y2, s12);
                    s13 = Math.fma(x1, y3, s13);
                    s20 = Math.fma(x2, y0, s20);
                    s21 = Math.fma(x2, y1, s21);
                    s22 = Math.fma(x2, y2, s22);
                    s23 = Math.fma(x2, y3, s23);
                    s30 = Math.fma(x3, y0, s30);
                    s31 = Math.fma(x3, y1, s31);
                    s32 = Math.fma(x3, y2, s32);
                    s33 = Math.fma(x3, y3, s33);
                }
                double[] o0 = out[i], o1 = out[i + 1], o2 = out[i + 2], o3 = out[i + 3];
                o0[j] = s00; o0[j + 1] = s01; o0[j + 2] = s02; o0[j + 3] = s03;
                o1[j] = s10; o1[j + 1] = s11; o1[j + 2] = s12; o1[j + 3] = s13;
                o2[j] = s20; o2[j + 1] = s21; o2[j + 2] = s22; o2[j + 3] = s23;
                o3[j] = s30; o3[j + 1] = s31; o3[j + 2] = s32; o3[j + 3] = s33;
            }
            for (; i < a.length; i++) {
                for (int t = 0; t < 4; t++) out[i][j + t] = dot(a[i], b[j + t]);
            }
        }
        for (; j < b.length; j++) for (int i = 0; i < a.length; i++) out[i][j] = dot(a[i], b[j]);
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int c = 0;
        for (; c + 4 <= a.length; c += 4) {
            s0 += a[c] * b[c];
            s1 += a[c + 1] * b[c + 1];
            s2 += a[c + 2] * b[c + 2];
            s3 += a[c + 3] * b[c + 3];
        }
        for (; c < a.length; c++) s0 += a[c] * b[c];
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The rows made orthonormal in order by modified Gram-Schmidt; a row that is (numerically)
     * dependent on earlier ones becomes a zero row, which adds nothing to the subspace.
     */
    static double[][] orthonormal(double[][] rows) {
        for (int i = 0; i < rows.length; i++) {
            double[] v = rows[i];
            for (int j = 0; j < i; j++) {
                double p = dot(rows[j], v);
                for (int c = 0; c < v.length; c++) v[c] -= p * rows[j][c];
            }
            double norm = Math.sqrt(dot(v, v));
            double scale = norm > 1e-200 ? 1 / norm : 0;
            for (int c = 0; c < v.length; c++) v[c] *= scale;
        }
        return rows;
    }

    /**
     * Eigenvalues of the symmetric matrix {@code a} (destroyed) by cyclic Jacobi rotations;
     * eigenvector j is column j of {@code vectors}.
     */
    private static double[] jacobi(double[][] a, double[][] vectors) {
        int n = a.length;
        for (int i = 0; i < n; i++) vectors[i][i] = 1;
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = 0, diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
            }
            if (off <= 1e-30 * diag) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double cos = 1 / Math.sqrt(t * t + 1), sin = t * cos;
                    for (int k = 0; k < n; k++) { // columns p, q
                        double kp = a[k][p], kq = a[k][q];
                        a[k][p] = cos * kp - sin * kq;
                        a[k][q] = sin * kp + cos * kq;
                    }
                    for (int k = 0; k < n; k++) { // rows p, q
                        double pk = a[p][k], qk = a[q][k];
                        a[p][k] = cos * pk - sin * qk;
                        a[q][k] = sin * pk + cos * qk;
                    }
                    for (int k = 0; k < n; k++) {
                        double kp = vectors[k][p], kq = vectors[k][q];
                        vectors[k][p] = cos * kp - sin * kq;
                        vectors[k][q] = sin * kp + cos * kq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i][i];
        return values;
    }
}
