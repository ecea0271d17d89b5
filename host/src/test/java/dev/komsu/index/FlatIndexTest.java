package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.TestData;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import org.junit.jupiter.api.Test;

class FlatIndexTest {
    private final ComputeBackend scalar = Backends.scalar();

    @Test
    void searchEqualsBruteForceAcrossSeveralAdds() {
        try (FlatIndex index = new FlatIndex(12, Metric.L2, Backends.defaultCpu());
             FloatMatrix a = TestData.uniform(700, 12, 1);
             FloatMatrix b = TestData.uniform(1500, 12, 2);
             FloatMatrix q = TestData.uniform(20, 12, 3)) {
            index.add(a);
            index.add(b);
            assertEquals(2200, index.ntotal());
            Neighbors r = index.search(q, 5);
            try (FloatMatrix all = FloatMatrix.allocate(2200, 12)) {
                for (int i = 0; i < 700; i++) all.setRow(i, a.row(i), 0);
                for (int i = 0; i < 1500; i++) all.setRow(700 + i, b.row(i), 0);
                Neighbors expected = scalar.knn(q, all, 5, Metric.L2);
                assertArrayEquals(expected.labels(), r.labels());
            }
        }
    }

    @Test
    void searchesBetweenAddsAndAfterAResetSeeTheCurrentRows() {
        // The index keeps its rows' norms for the dense kernel: they must follow adds and resets.
        try (FlatIndex index = new FlatIndex(16, Metric.L2, Backends.defaultCpu());
             FloatMatrix a = TestData.uniform(300, 16, 5);
             FloatMatrix b = TestData.uniform(500, 16, 6);
             FloatMatrix q = TestData.uniform(40, 16, 7)) {
            for (int i = 0; i < 300; i++) {
                float[] row = a.row(i);
                for (int c = 0; c < 16; c++) row[c] += 50; // a centre far from b's
                a.setRow(i, row, 0);
            }
            index.add(a);
            assertSameResult(scalar.knn(q, a, 7, Metric.L2), index.search(q, 7));
            index.add(b);
            try (FloatMatrix all = FloatMatrix.allocate(800, 16)) {
                for (int i = 0; i < 300; i++) all.setRow(i, a.row(i), 0);
                for (int i = 0; i < 500; i++) all.setRow(300 + i, b.row(i), 0);
                assertSameResult(scalar.knn(q, all, 7, Metric.L2), index.search(q, 7));
            }
            index.reset(b.rowRange(0, 300));
            assertSameResult(scalar.knn(q, b.rowRange(0, 300), 7, Metric.L2), index.search(q, 7));
        }
    }

    private static void assertSameResult(Neighbors expected, Neighbors actual) {
        assertArrayEquals(expected.labels(), actual.labels());
        assertArrayEquals(expected.distances(), actual.distances());
    }

    @Test
    void reconstructReturnsTheAddedVector() {
        try (FlatIndex index = new FlatIndex(5, Metric.INNER_PRODUCT, Backends.defaultCpu());
             FloatMatrix a = TestData.uniform(10, 5, 4)) {
            index.add(a);
            assertArrayEquals(a.row(7), index.reconstruct(7));
            try (FloatMatrix some = index.reconstructN(2, 3)) {
                assertArrayEquals(a.row(4), some.row(2));
            }
            assertThrows(IllegalArgumentException.class, () -> index.reconstruct(10));
        }
    }

    @Test
    void rejectsWrongDimensionNanAndBadK() {
        try (FlatIndex index = new FlatIndex(4, Metric.L2, Backends.defaultCpu());
             FloatMatrix ok = TestData.uniform(3, 4, 1);
             FloatMatrix wide = TestData.uniform(3, 5, 1)) {
            index.add(ok);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> index.add(wide));
            assertTrue(e.getMessage().contains("dimension 5"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> index.search(wide, 1));
            assertThrows(IllegalArgumentException.class, () -> index.search(ok, 0));
            ok.set(1, 2, Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> index.search(ok, 1));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> index.addWithIds(wide, new long[3]));
        }
    }

    @Test
    void emptyIndexReturnsEmptySlots() {
        try (FlatIndex index = new FlatIndex(3, Metric.INNER_PRODUCT, Backends.defaultCpu());
             FloatMatrix q = TestData.uniform(2, 3, 1)) {
            Neighbors r = index.search(q, 4);
            for (long l : r.labels()) assertEquals(-1L, l);
            for (float d : r.distances()) assertEquals(-Float.MAX_VALUE, d);
        }
    }
}
