package dev.komsu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardMergeTest {
    private static final float E = Metric.L2.emptyDistance();

    @Test
    void keepsTheBestOfEveryShardShiftedByItsOffset() {
        Neighbors a = new Neighbors(2, 3, new float[] {1, 4, 9, 0.5f, E, E}, new long[] {0, 1, 2, 7, -1, -1});
        Neighbors b = new Neighbors(2, 3, new float[] {2, 3, 8, 0.25f, 0.75f, E}, new long[] {5, 6, 4, 1, 0, -1});
        Neighbors m = ShardMerge.merge(List.of(a, b), new long[] {0, 100}, Metric.L2);
        assertArrayEquals(new long[] {0, 105, 106, 101, 7, 100}, m.labels());
        assertArrayEquals(new float[] {1, 2, 3, 0.25f, 0.5f, 0.75f}, m.distances());
    }

    @Test
    void innerProductRanksLargerFirstAndEmptySlotsStayEmpty() {
        float e = Metric.INNER_PRODUCT.emptyDistance();
        Neighbors a = new Neighbors(1, 3, new float[] {5, e, e}, new long[] {3, -1, -1});
        Neighbors b = new Neighbors(1, 3, new float[] {6, e, e}, new long[] {0, -1, -1});
        Neighbors m = ShardMerge.merge(List.of(a, b), new long[] {0, 10}, Metric.INNER_PRODUCT);
        assertArrayEquals(new long[] {10, 3, -1}, m.labels());
        assertArrayEquals(new float[] {6, 5, e}, m.distances());
    }

    @Test
    void equalDistancesRankTheEarlierShardFirst() {
        Neighbors a = new Neighbors(1, 1, new float[] {2}, new long[] {4});
        Neighbors b = new Neighbors(1, 1, new float[] {2}, new long[] {0});
        assertArrayEquals(new long[] {4}, ShardMerge.merge(List.of(a, b), new long[] {0, 10}, Metric.L2).labels());
    }

    @Test
    void refusesMismatchedShapes() {
        Neighbors a = new Neighbors(1, 1, new float[] {2}, new long[] {4});
        Neighbors b = new Neighbors(1, 2, new float[] {2, 3}, new long[] {0, 1});
        assertThrows(IllegalArgumentException.class, () -> ShardMerge.merge(List.of(a, b), new long[] {0, 10}, Metric.L2));
        assertThrows(IllegalArgumentException.class, () -> ShardMerge.merge(List.of(a), new long[] {0, 10}, Metric.L2));
    }
}
