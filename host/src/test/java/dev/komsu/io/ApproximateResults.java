package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.kernels.Neighbors;

/**
 * Compares approximate (PQ, SQ8) search results with faiss's: per query row, distances
 * position by position within 1e-4 relative (so the distance multisets agree), and labels
 * identical wherever faiss's distance is distinct from its neighbours' (a tie, within the
 * tolerance, may order its members either way). The last rank is exempt too: it may tie with
 * the unseen (k+1)-th candidate. Exempt ranks that differ are counted and must stay rare.
 */
public final class ApproximateResults {
    public static final double RELATIVE = 1e-4;

    private ApproximateResults() {
    }

    private static boolean close(float a, float b) {
        return Math.abs(a - b) <= RELATIVE * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }

    public static void assertMatch(long[] expectedLabels, float[] expectedDistances, Neighbors got, String what) {
        int k = got.k();
        assertEquals(expectedLabels.length, got.labels().length, what + ": result count");
        int mismatchedLabels = 0;
        for (int q = 0; q < got.nq(); q++) {
            int row = q * k;
            for (int j = 0; j < k; j++) {
                float e = expectedDistances[row + j];
                if (expectedLabels[row + j] < 0) {
                    assertEquals(-1L, got.label(q, j), what + ": query " + q + " slot " + j + " should be empty");
                    // komsu: always +-FLT_MAX; faiss 1.7.3 too, except FastScan's dequantised heap sentinel
                    float empty = got.distance(q, j);
                    assertEquals(Float.MAX_VALUE, Math.abs(empty), what + ": query " + q + " slot " + j + " empty distance");
                    if (Math.abs(e) == Float.MAX_VALUE) assertEquals(e, empty, what + ": query " + q + " slot " + j);
                    continue;
                }
                float g = got.distance(q, j);
                assertEquals(true, close(e, g), what + ": query " + q + " rank " + j + " distance " + g + ", faiss " + e);
                boolean tied = j == k - 1 || (j > 0 && close(expectedDistances[row + j - 1], e))
                        || close(expectedDistances[row + j + 1], e);
                if (!tied) {
                    assertEquals(expectedLabels[row + j], got.label(q, j),
                            what + ": query " + q + " rank " + j + " (faiss distance " + e + ")");
                } else if (expectedLabels[row + j] != got.label(q, j)) {
                    mismatchedLabels++;
                }
            }
        }
        // ties are rare in these data sets: a swap count near the result count would mean a bug
        assertEquals(true, mismatchedLabels <= expectedLabels.length / 20, what + ": " + mismatchedLabels + " tied labels differ");
    }
}
