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
        double[][] x = sample(base, centre, s);
        double total = 0;
        for (double[] row : x) for (double v : row) total += v * v;
        if (!(total > 0) || Double.isInfinite(total)) return null;
        Random random = new Random(SEED);
        double[][] omega = new double[l][d]; // rows: test vectors
        for (double[] row : omega) for (int c = 0; c < d; c++) row[c] = random.nextGaussian();
        double[][] y = orthonormal(times(x, omega)); // l x s: an orthonormal basis of X's range
        double[][] z = orthonormal(transposeTimes(x, y)); // l x d: one power iteration
        y = orthonormal(times(x, z));
        double[][] b = transposeTimes(x, y); // l x d: the sketch Y^T X
        double[][] gram = new double[l][l];
        for (int i = 0; i < l; i++) for (int j = 0; j <= i; j++) gram[i][j] = gram[j][i] = dot(b[i], b[j]);
        double[][] vectors = new double[l][l];
        double[] energy = jacobi(gram, vectors);
        Integer[] order = new Integer[l];
        for (int i = 0; i < l; i++) order[i] = i;
        java.util.Arrays.sort(order, (i, j) -> Double.compare(energy[j], energy[i]));
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

    /**
     * Rows {@code r} of the result: {@code X v_r} for the rows v_r of {@code v} (d long), as
     * s-vectors; computed as axpys over r (vectorised by C2) on v transposed.
     */
    private static double[][] times(double[][] x, double[][] v) {
        int l = v.length, d = x[0].length;
        double[] vt = new double[d * l];
        for (int r = 0; r < l; r++) for (int c = 0; c < d; c++) vt[c * l + r] = v[r][c];
        double[][] out = new double[l][x.length];
        double[] acc = new double[l];
        for (int i = 0; i < x.length; i++) {
            java.util.Arrays.fill(acc, 0);
            double[] xi = x[i];
            for (int c = 0; c < d; c++) {
                double w = xi[c];
                int o = c * l;
                for (int r = 0; r < l; r++) acc[r] += w * vt[o + r];
            }
            for (int r = 0; r < l; r++) out[r][i] = acc[r];
        }
        return out;
    }

    /**
     * Rows {@code r} of the result: {@code X^T y_r} for the rows y_r of {@code y} (s long), as
     * d-vectors. Each sample row is read once while it is in L1 (r inside): with r outside,
     * every r streamed the whole sample (12 MB at 2048 x 768) from memory.
     */
    private static double[][] transposeTimes(double[][] x, double[][] y) {
        int d = x[0].length;
        double[][] out = new double[y.length][d];
        for (int i = 0; i < x.length; i++) {
            double[] xi = x[i];
            for (int r = 0; r < y.length; r++) {
                double w = y[r][i];
                double[] o = out[r];
                for (int c = 0; c < d; c++) o[c] += w * xi[c];
            }
        }
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
