package dev.komsu.kernels.cpu;

import dev.komsu.kernels.BaseProjection;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Queries projected onto a {@link BaseProjection}'s basis for the pruned path's first stage,
 * in double (the tail's precision needs it, see {@link BaseProjection}) with a register tile
 * like the float GEMM's: 4 queries x 2 vectors of 4 basis directions (8 accumulators), the
 * transposed basis streamed once per 4 queries. The scalar loop in {@link BaseProjection} ran
 * at ~2 GFMA/s, 3-4 ms of an RVC chunk's ~10. The bits may differ from the scalar loop's; the
 * bound covers any order of the d additions, so either is exact after the refine.
 */
final class QueryProjection {
    // 256 bits on every x86 with AVX2: the augmented width is a multiple of 8 doubles = 2 vectors.
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_256;
    private static final int QUERIES = 4;

    private QueryProjection() {
    }

    /** {@link BaseProjection#projectQueries}, vectorised. */
    static float[] project(BaseProjection p, float[] q, int nq, double[] lengths) {
        int d = p.dim();
        int w = p.width();
        double[] basis = new double[d * w];
        p.copyBasisTransposed(basis);
        double[] centre = new double[d];
        p.copyCentre(centre);
        int padded = (nq + QUERIES - 1) / QUERIES * QUERIES;
        // Centred 4 queries at a time: a whole chunk's (4096 x 784 doubles, 25 MB) cost an
        // allocation and a pass through memory per chunk.
        double[] x = new double[QUERIES * d];
        double[] norms = new double[nq];
        double[] h = new double[padded * w];
        for (int r = 0; r < padded; r += QUERIES) {
            for (int j = 0; j < QUERIES; j++) {
                int row = r + j;
                if (row >= nq) {
                    java.util.Arrays.fill(x, j * d, (j + 1) * d, 0.0); // padding rows are zero
                    continue;
                }
                double norm = 0;
                for (int c = 0; c < d; c++) {
                    double v = (double) q[row * d + c] - centre[c];
                    x[j * d + c] = v;
                    norm += v * v;
                }
                norms[row] = norm;
            }
            for (int i = 0; i < w; i += 2 * SPECIES.length()) tile(basis, w, i, x, 0, d, h, r * w + i);
        }
        float[] out = new float[nq * w];
        p.augment(h, norms, nq, out, 0, lengths, 0);
        return out;
    }

    /** Directions {@code i .. i+8} of 4 queries (rows at {@code x[xo ..]}) into {@code h[ho + r*w ..]}. */
    private static void tile(double[] basis, int w, int i, double[] x, int xo, int d, double[] h, int ho) {
        int lanes = SPECIES.length();
        DoubleVector a00 = DoubleVector.zero(SPECIES), a01 = a00, a10 = a00, a11 = a00;
        DoubleVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int x0 = xo, x1 = xo + d, x2 = x1 + d, x3 = x2 + d;
        for (int c = 0, bo = i; c < d; c++, bo += w) {
            DoubleVector b0 = DoubleVector.fromArray(SPECIES, basis, bo);
            DoubleVector b1 = DoubleVector.fromArray(SPECIES, basis, bo + lanes);
            DoubleVector v = DoubleVector.broadcast(SPECIES, x[x0 + c]);
            a00 = b0.fma(v, a00);
            a01 = b1.fma(v, a01);
            v = DoubleVector.broadcast(SPECIES, x[x1 + c]);
            a10 = b0.fma(v, a10);
            a11 = b1.fma(v, a11);
            v = DoubleVector.broadcast(SPECIES, x[x2 + c]);
            a20 = b0.fma(v, a20);
            a21 = b1.fma(v, a21);
            v = DoubleVector.broadcast(SPECIES, x[x3 + c]);
            a30 = b0.fma(v, a30);
            a31 = b1.fma(v, a31);
        }
        a00.intoArray(h, ho);
        a01.intoArray(h, ho + lanes);
        a10.intoArray(h, ho + w);
        a11.intoArray(h, ho + w + lanes);
        a20.intoArray(h, ho + 2 * w);
        a21.intoArray(h, ho + 2 * w + lanes);
        a30.intoArray(h, ho + 3 * w);
        a31.intoArray(h, ho + 3 * w + lanes);
    }
}
