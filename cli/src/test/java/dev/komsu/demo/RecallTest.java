package dev.komsu.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.kernels.Neighbors;
import org.junit.jupiter.api.Test;

class RecallTest {
    private static Neighbors labels(long[]... rows) {
        int k = rows[0].length;
        long[] l = new long[rows.length * k];
        for (int q = 0; q < rows.length; q++) System.arraycopy(rows[q], 0, l, q * k, k);
        return new Neighbors(rows.length, k, new float[l.length], l);
    }

    @Test
    void countsTopOneMatchesAndTopTenOverlap() {
        Neighbors exact = labels(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, new long[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19});
        Neighbors found = labels(new long[] {0, 9, 8, 7, 6, 5, 4, 3, 2, 1}, new long[] {11, 10, 99, 98, 97, 96, 95, 94, 93, 92});
        Recall r = Recall.of(found, exact);
        assertEquals(0.5, r.at1(), 1e-12);
        assertEquals((10 + 2) / 20.0, r.at10(), 1e-12);
    }

    @Test
    void needsTenResultsAndTheSameQueries() {
        Neighbors five = labels(new long[] {1, 2, 3, 4, 5});
        assertThrows(IllegalArgumentException.class, () -> Recall.of(five, five));
        Neighbors one = labels(new long[10]);
        Neighbors two = labels(new long[10], new long[10]);
        assertThrows(IllegalArgumentException.class, () -> Recall.of(one, two));
    }
}
