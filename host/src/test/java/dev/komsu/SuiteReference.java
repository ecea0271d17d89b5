package dev.komsu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;

/** The conformance suite's expectations: brute force on the scalar reference backend, and the decoded vectors' distances. */
final class SuiteReference {
    private SuiteReference() {
    }

    /** Exact k nearest of {@code stored} (normalised first where the index normalises), labelled by {@code idByRow}. */
    static Neighbors knn(FloatMatrix stored, FloatMatrix queries, int k, Metric metric, boolean normalise, long[] idByRow) {
        try (ComputeBackend scalar = Backends.scalar();
             FloatMatrix s = normalise ? normalised(stored) : stored.copy();
             FloatMatrix q = normalise ? normalised(queries) : queries.copy()) {
            Neighbors r = scalar.knn(q, s, k, metric);
            long[] labels = r.labels();
            for (int i = 0; i < labels.length; i++) if (labels[i] >= 0) labels[i] = idByRow[(int) labels[i]];
            return new Neighbors(r.nq(), r.k(), r.distances(), labels);
        }
    }

    /**
     * A lossy index's results: best first, and each distance the one between the query and the
     * vector its label decodes to, within {@code tolerance} of the row's largest distance.
     */
    static void assertDecodedDistances(Object what, Index index, FloatMatrix queries, Neighbors got, boolean normalise,
            double tolerance) {
        for (int q = 0; q < got.nq(); q++) {
            float[] query = normalise ? Grammar.normalised(queries.row(q)) : queries.row(q);
            float scale = 1;
            float[] decoded = new float[got.k()];
            for (int j = 0; j < got.k(); j++) {
                assertTrue(got.label(q, j) >= 0, what + ": query " + q + " rank " + j + " is empty");
                decoded[j] = distance(index.metric(), query, index.reconstruct(got.label(q, j)));
                scale = Math.max(scale, Math.abs(decoded[j]));
                if (j > 0) {
                    assertTrue(!index.metric().isBetter(got.distance(q, j), got.distance(q, j - 1)),
                            what + ": query " + q + " rank " + j + " is better than rank " + (j - 1));
                }
            }
            for (int j = 0; j < got.k(); j++) {
                assertEquals(decoded[j], got.distance(q, j), tolerance * scale,
                        what + ": query " + q + " rank " + j + " (id " + got.label(q, j) + ") against its decoded vector");
            }
        }
    }

    /** The same results bit for bit. */
    static void assertSameResults(Neighbors want, Neighbors got, String what) {
        assertArrayEquals(want.labels(), got.labels(), what + ": labels");
        assertArrayEquals(want.distances(), got.distances(), what + ": distances");
    }

    private static float distance(Metric metric, float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += metric == Metric.L2 ? (a[j] - b[j]) * (a[j] - b[j]) : a[j] * b[j];
        return (float) s;
    }

    private static FloatMatrix normalised(FloatMatrix xs) {
        FloatMatrix out = FloatMatrix.allocate(xs.rows(), xs.cols());
        for (long i = 0; i < xs.rows(); i++) out.setRow(i, Grammar.normalised(xs.row(i)), 0);
        return out;
    }
}
