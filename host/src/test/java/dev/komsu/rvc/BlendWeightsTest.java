package dev.komsu.rvc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BlendWeightsTest {
    private static final double EPS = 1e-12;

    @Test
    void weightsAreInverseSquaredDistancesNormalisedPerRow() {
        float[] d = {1f, 2f, 4f};
        long[] l = {7, 3, 9};
        double[] w = new double[3];
        assertEquals(3, BlendWeights.compute(d, l, 0, 3, w));
        double a = 1, b = 1 / 4.0, c = 1 / 16.0, s = a + b + c;
        assertArrayEquals(new double[] {a / s, b / s, c / s}, w, EPS);
    }

    @Test
    void readsTheRowAtItsOffset() {
        float[] d = {9f, 9f, 1f, 3f};
        long[] l = {1, 2, 3, 4};
        double[] w = new double[2];
        BlendWeights.compute(d, l, 2, 2, w);
        double s = 1 + 1 / 9.0;
        assertArrayEquals(new double[] {1 / s, (1 / 9.0) / s}, w, EPS);
    }

    @Test
    void emptySlotsWithLabelMinusOneGetNoWeight() {
        float[] d = {2f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
        long[] l = {5, -1, -1};
        double[] w = new double[3];
        assertEquals(1, BlendWeights.compute(d, l, 0, 3, w));
        assertArrayEquals(new double[] {1, 0, 0}, w, EPS);
    }

    @Test
    void anExactMatchTakesAllTheWeight() {
        float[] d = {0f, 0.5f, 1f};
        long[] l = {4, 5, 6};
        double[] w = new double[3];
        assertEquals(1, BlendWeights.compute(d, l, 0, 3, w));
        assertArrayEquals(new double[] {1, 0, 0}, w, EPS);
    }

    @Test
    void severalExactMatchesShareTheWeightEqually() {
        // faiss's ||x||^2 + ||y||^2 - 2xy can come out slightly negative for a duplicate.
        float[] d = {-1e-7f, 0f, 3f};
        long[] l = {4, 5, 6};
        double[] w = new double[3];
        assertEquals(2, BlendWeights.compute(d, l, 0, 3, w));
        assertArrayEquals(new double[] {0.5, 0.5, 0}, w, EPS);
    }

    @Test
    void aRowWithoutNeighboursHasNoWeights() {
        float[] d = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY};
        long[] l = {-1, -1};
        double[] w = {7, 7};
        assertEquals(0, BlendWeights.compute(d, l, 0, 2, w));
        assertArrayEquals(new double[] {0, 0}, w, 0);
    }

    @Test
    void tinyPositiveDistancesDoNotOverflow() {
        float[] d = {Float.MIN_VALUE, 1f};
        long[] l = {1, 2};
        double[] w = new double[2];
        BlendWeights.compute(d, l, 0, 2, w);
        assertEquals(1.0, w[0], EPS);
        assertEquals(0.0, w[1], EPS);
        assertEquals(1.0, w[0] + w[1], EPS);
    }
}
