package dev.komsu.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GroundTruthTest {
    @Test
    void countsQueriesWhoseTopSetsDifferIgnoringOrder() {
        GroundTruth a = new GroundTruth(3, 3, new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        GroundTruth b = new GroundTruth(3, 3, new long[] {2, 1, 3, 4, 5, 60, 7, 8, 90});
        assertEquals(0, a.queriesWithDifferentTop(b, 2)); // {1,2} vs {2,1}; {4,5}; {7,8}
        assertEquals(2, a.queriesWithDifferentTop(b, 3)); // queries 1 and 2 differ in rank 3
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> new GroundTruth(2, 3, new long[5]));
        GroundTruth a = new GroundTruth(1, 2, new long[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> a.queriesWithDifferentTop(a, 3));
    }
}
