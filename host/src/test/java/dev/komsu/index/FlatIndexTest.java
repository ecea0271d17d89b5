package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
}
