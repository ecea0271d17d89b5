package dev.komsu.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class QuantizedTopKTest {
    private static void offerAll(QuantizedTopK heap, int[][] keyIds) {
        for (int[] e : keyIds) heap.offer(e[0], e[1]);
    }

    @Test
    void l2KeepsTheSmallestStrictlyBelowTheThresholdFirstSeenAmongEquals() {
        QuantizedTopK heap = new QuantizedTopK(2, Metric.L2);
        offerAll(heap, new int[][] {{5, 3}, {5, 1}, {2, 2}, {5, 0}});
        int[] keys = new int[2];
        long[] ids = new long[2];
        heap.drainRaw(keys, ids);
        // after (5,3), (5,1): the worse of the two 5s is the larger id (CMax::cmp2), replaced by 2
        assertArrayEquals(new int[] {2, 5}, keys);
        assertArrayEquals(new long[] {2, 1}, ids);
    }

    @Test
    void innerProductKeepsTheLargestStrictlyAboveTheThresholdSmallerIdWorseAmongEquals() {
        QuantizedTopK heap = new QuantizedTopK(2, Metric.INNER_PRODUCT);
        offerAll(heap, new int[][] {{5, 3}, {5, 1}, {7, 2}, {5, 0}, {4, 9}});
        int[] keys = new int[2];
        long[] ids = new long[2];
        heap.drainRaw(keys, ids);
        // the worse of the two 5s is the smaller id (CMin::cmp2): (5,1) leaves for 7; (5,0) is not above 5
        assertArrayEquals(new int[] {7, 5}, keys);
        assertArrayEquals(new long[] {2, 3}, ids);
    }

    @Test
    void innerProductEmptySlotsHoldZeroAndZeroNeverEnters() {
        QuantizedTopK heap = new QuantizedTopK(3, Metric.INNER_PRODUCT);
        assertFalse(heap.offer(0, 4)); // faiss's CMin neutral is 0: a distance must be strictly above it
        heap.offer(9, 1);
        int[] keys = new int[3];
        long[] ids = new long[3];
        heap.drainRaw(keys, ids);
        assertArrayEquals(new int[] {9, 0, 0}, keys);
        assertArrayEquals(new long[] {1, -1, -1}, ids);
        float[] dist = new float[3];
        heap.offer(9, 1);
        heap.drainTo(2f, 1f, Float.NEGATIVE_INFINITY, dist, ids, 0);
        assertArrayEquals(new float[] {5.5f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, dist);
    }
}
