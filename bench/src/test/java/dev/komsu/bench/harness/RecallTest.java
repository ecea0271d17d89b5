package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.bench.data.GroundTruth;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecallTest {
    /** Ground truth 0..11 for query 0 and 100..111 for query 1 (k = 12). */
    private static GroundTruth truth() {
        long[] gt = new long[2 * 12];
        for (int r = 0; r < 12; r++) {
            gt[r] = r;
            gt[12 + r] = 100 + r;
        }
        return new GroundTruth(2, 12, gt);
    }

    @Test
    void perfectResultsHaveRecallOne() {
        long[] labels = new long[2 * 10];
        for (int r = 0; r < 10; r++) {
            labels[r] = r;
            labels[10 + r] = 100 + r;
        }
        assertEquals(new Recall(1, 1, 1), Recall.of(labels, 10, truth()));
    }

    @Test
    void countsTheNearestAtRankOneAndInTopTenAndTheTopTenOverlap() {
        // query 0: nearest (0) at rank 3, 7 of the true top 10 found (0,1,2,3,4,5,6), plus 10, 11 (true ranks 11, 12) and 999
        long[] q0 = {5, 1, 2, 0, 4, 3, 6, 10, 11, 999};
        // query 1: nearest first, only 3 of the true top 10, the rest empty slots
        long[] q1 = {100, 101, 102, -1, -1, -1, -1, -1, -1, -1};
        long[] labels = new long[20];
        System.arraycopy(q0, 0, labels, 0, 10);
        System.arraycopy(q1, 0, labels, 10, 10);
        Recall r = Recall.of(labels, 10, truth());
        assertEquals(0.5, r.r1At1(), 1e-12);    // only query 1 has the nearest first
        assertEquals(1.0, r.r1At10(), 1e-12);   // both have the nearest somewhere in the top 10
        assertEquals((7 + 3) / 20.0, r.r10At10(), 1e-12);
    }

    @Test
    void usesOnlyTheFirstTenColumnsOfWiderResults() {
        long[] labels = new long[2 * 20];
        Arrays.fill(labels, -1);
        for (int r = 0; r < 10; r++) labels[20 + r] = 100 + r; // query 1 perfect, query 0 empty in its first 10
        labels[15] = 0; // query 0's nearest at rank 16: beyond the top 10, so not counted
        Recall r = Recall.of(labels, 20, truth());
        assertEquals(0.5, r.r1At10(), 1e-12);
        assertEquals(0.5, r.r10At10(), 1e-12);
    }

    @Test
    void rejectsFewerThanTenColumnsAndWrongSizes() {
        assertThrows(IllegalArgumentException.class, () -> Recall.of(new long[2 * 5], 5, truth()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recall.of(new long[15], 10, truth()));
        assertEquals(true, e.getMessage().contains("expected nq*k"));
    }
}
