package dev.komsu.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FloatMatrix;
import org.junit.jupiter.api.Test;

class TrainingSampleTest {
    private static FloatMatrix numbered(int n) {
        FloatMatrix m = FloatMatrix.allocate(n, 2);
        for (int i = 0; i < n; i++) {
            m.set(i, 0, i);
            m.set(i, 1, -i);
        }
        return m;
    }

    @Test
    void smallSetsAreUsedWhole() {
        try (FloatMatrix xs = numbered(10); TrainingSample s = TrainingSample.of(xs, 10)) {
            assertNull(s.picked());
            assertEquals(10, s.rows().rows());
        }
    }

    @Test
    void largeSetsGiveDistinctOrderedRowsDeterministically() {
        try (FloatMatrix xs = numbered(1000);
             TrainingSample a = TrainingSample.of(xs, 100);
             TrainingSample b = TrainingSample.of(xs, 100)) {
            assertEquals(100, a.rows().rows());
            assertArrayEquals(a.picked(), b.picked());
            for (int i = 0; i < 100; i++) {
                int row = a.picked()[i];
                if (i > 0) assertTrue(row > a.picked()[i - 1], "rows are distinct and ordered");
                assertEquals(row, (int) a.rows().get(i, 0));
                assertEquals(-row, (int) a.rows().get(i, 1));
            }
        }
    }
}
