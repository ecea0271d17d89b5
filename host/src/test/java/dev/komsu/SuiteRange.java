package dev.komsu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.util.HashMap;
import java.util.Map;

/**
 * The suite's range-search expectations: brute force over the vectors an index stores (as it
 * reconstructs them: decoded for lossy codecs, normalised under L2norm), with faiss's strict
 * tests (distances below the radius, inner product above it). Pairs whose distance lies within the
 * tolerance of the radius may fall either way: float rounding decides them.
 */
final class SuiteRange {
    private SuiteRange() {
    }

    /** {@code got} holds exactly the (query, id) pairs within {@code radius} of the stored vectors, with their distances. */
    static void assertMatchesBruteForce(Object what, RangeSearchResult got, FloatMatrix queries, boolean normalise,
                                        float[][] stored, long[] ids, Metric metric, float radius, double tolerance) {
        assertEquals(queries.rows() + 1, got.lims().length, what + ": lims length");
        for (int q = 0; q < queries.rows(); q++) {
            float[] query = normalise ? Grammar.normalised(queries.row(q)) : queries.row(q);
            Map<Long, Float> hits = new HashMap<>();
            for (long i = got.lims()[q]; i < got.lims()[q + 1]; i++) {
                assertEquals(null, hits.put(got.labels()[(int) i], got.distances()[(int) i]), what + ": query " + q + " id twice");
            }
            for (int i = 0; i < ids.length; i++) {
                float d = distance(metric, query, stored[i]);
                boolean in = metric.isSimilarity() ? d > radius : d < radius;
                Float found = hits.remove(ids[i]);
                if (Math.abs(d - radius) <= tolerance * Math.max(1, Math.abs(radius))) continue; // rounding decides
                assertEquals(in, found != null, what + ": query " + q + " id " + ids[i] + " at " + d + " radius " + radius);
                if (found != null) assertEquals(d, found, tolerance * Math.max(1, Math.abs(d)), what + ": query " + q + " id " + ids[i]);
            }
            for (var e : hits.entrySet()) {
                float d = e.getValue();
                assertTrue(ids.length > 0 && Math.abs(d - radius) <= tolerance * Math.max(1, Math.abs(radius)),
                        what + ": query " + q + " returned id " + e.getKey() + " which is not stored (or not within the radius)");
            }
        }
    }

    /** A radius that the {@code rank}-th nearest of most queries passes: the median of those distances. */
    static float radius(dev.komsu.kernels.Neighbors exact, int rank) {
        float[] d = new float[exact.nq()];
        for (int q = 0; q < d.length; q++) d[q] = exact.distance(q, rank);
        java.util.Arrays.sort(d);
        return d[d.length / 2];
    }

    static float distance(Metric metric, float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double diff = Math.abs((double) a[j] - b[j]);
            s = switch (metric) {
                case L2 -> s + diff * diff;
                case INNER_PRODUCT -> s + (double) a[j] * b[j];
                case L1 -> s + diff;
                case LINF -> Math.max(s, diff);
            };
        }
        return (float) s;
    }
}
