package dev.komsu.rvc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.ProgressListener;
import dev.komsu.index.IvfIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RvcIndexBuilderTest {
    private static FloatMatrix numbered(int rows, int cols) {
        // Row i holds i in every column: rows stay recognisable after shuffling and sampling.
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        for (int i = 0; i < rows; i++) for (int c = 0; c < cols; c++) m.set(i, c, i);
        return m;
    }

    @Test
    void defaultFactoryIsRvcsIvfRule() {
        assertEquals("IVF" + IndexFactory.rvcNlist(100_000) + ",Flat", RvcIndexBuilder.rvcFactory(100_000));
        // RVC: n_ivf = min(int(16 * sqrt(N)), N // 39); for N = 100000: min(5059, 2564).
        assertEquals("IVF2564,Flat", RvcIndexBuilder.rvcFactory(100_000));
        RvcIndexBuilder b = new RvcIndexBuilder(null, Metric.L2, 0, Backends.scalar(), ProgressListener.NONE);
        assertEquals("IVF25,Flat", b.factoryFor(1000));
        RvcIndexBuilder custom = new RvcIndexBuilder("Flat", Metric.L2, 0, Backends.scalar(), ProgressListener.NONE);
        assertEquals("Flat", custom.factoryFor(1000));
    }

    @Test
    void defaultBuildIsATrainedIvfFlatWithRvcsListCountHoldingEveryRow() {
        List<String> stages = new ArrayList<>();
        ProgressListener listener = (stage, done, total) -> stages.add(stage);
        try (FloatMatrix xs = FloatMatrix.of(RvcReference.random(3000, 4, 1));
             Index index = new RvcIndexBuilder(null, Metric.L2, 0, Backends.cpu(1), listener).build(xs)) {
            assertTrue(index instanceof IvfIndex);
            assertEquals(IndexFactory.rvcNlist(3000), ((IvfIndex) index).nlist());
            assertEquals(3000, index.ntotal());
            assertTrue(index.isTrained());
            assertArrayEquals(xs.row(1234), index.reconstruct(1234), 0f);
            assertTrue(stages.contains("k-means"), "k-means iterations are reported: " + new HashSet<>(stages));
        }
    }

    @Test
    void addsInBatchesOf8192AndReportsEach() {
        List<long[]> adds = new ArrayList<>();
        ProgressListener listener = (stage, done, total) -> {
            if (stage.equals("add")) adds.add(new long[] {done, total});
        };
        try (FloatMatrix xs = FloatMatrix.of(RvcReference.random(20_000, 4, 1));
             Index index = new RvcIndexBuilder("IVF4,Flat", Metric.L2, 0, Backends.cpu(1), listener).build(xs)) {
            assertEquals(20_000, index.ntotal());
            assertArrayEquals(xs.row(19_999), index.reconstruct(19_999), 0f);
            assertEquals(3, adds.size());
            assertArrayEquals(new long[] {8192, 20_000}, adds.get(0));
            assertArrayEquals(new long[] {16_384, 20_000}, adds.get(1));
            assertArrayEquals(new long[] {20_000, 20_000}, adds.get(2));
        }
    }

    @Test
    void badFactoryStringsAndEmptyInputsAreRejected() {
        try (FloatMatrix xs = FloatMatrix.of(RvcReference.random(100, 4, 2));
             FloatMatrix none = FloatMatrix.allocate(0, 4)) {
            RvcIndexBuilder bad = new RvcIndexBuilder("IVF10,Bogus", Metric.L2, 0, Backends.scalar(), ProgressListener.NONE);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> bad.build(xs)).getMessage().contains("Bogus"));
            RvcIndexBuilder good = new RvcIndexBuilder(null, Metric.L2, 0, Backends.scalar(), ProgressListener.NONE);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> good.build(none)).getMessage().contains("0 rows"));
        }
        assertThrows(IllegalArgumentException.class,
                () -> new RvcIndexBuilder(null, Metric.L2, -1, Backends.scalar(), ProgressListener.NONE));
    }

    @Test
    void sampleRowsPicksDistinctRowsInTheirOriginalOrderDeterministically() {
        try (FloatMatrix xs = numbered(1000, 3);
             FloatMatrix a = RvcIndexBuilder.sampleRows(xs, 100, 7);
             FloatMatrix b = RvcIndexBuilder.sampleRows(xs, 100, 7)) {
            assertEquals(100, a.rows());
            assertArrayEquals(a.toArray(), b.toArray(), 0f);
            Set<Float> seen = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                assertTrue(seen.add(a.get(i, 0)), "row chosen twice");
                if (i > 0) assertTrue(a.get(i, 0) > a.get(i - 1, 0), "original order kept");
            }
        }
    }

    @Test
    void trainRowsLimitsTheTrainingSetButEveryRowIsAdded() {
        try (FloatMatrix xs = FloatMatrix.of(RvcReference.random(3000, 4, 3));
             Index index = new RvcIndexBuilder("IVF8,Flat", Metric.L2, 500, Backends.scalar(), ProgressListener.NONE)
                     .build(xs)) {
            assertEquals(3000, index.ntotal());
            assertTrue(index.isTrained());
        }
    }

    @Test
    void shuffleIsADeterministicPermutationOfTheRows() {
        try (FloatMatrix a = numbered(500, 2); FloatMatrix b = numbered(500, 2); FloatMatrix c = numbered(500, 2)) {
            RvcIndexBuilder.shuffleRows(a, 42);
            RvcIndexBuilder.shuffleRows(b, 42);
            RvcIndexBuilder.shuffleRows(c, 43);
            assertArrayEquals(a.toArray(), b.toArray(), 0f);
            assertFalse(Arrays.equals(a.toArray(), c.toArray()));
            float[] firstColumn = new float[500];
            for (int i = 0; i < 500; i++) {
                firstColumn[i] = a.get(i, 0);
                assertEquals(a.get(i, 0), a.get(i, 1), "rows move whole");
            }
            Arrays.sort(firstColumn);
            for (int i = 0; i < 500; i++) assertEquals(i, firstColumn[i]);
        }
    }
}
