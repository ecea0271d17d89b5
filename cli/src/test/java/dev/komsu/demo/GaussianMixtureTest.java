package dev.komsu.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FloatMatrix;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianMixtureTest {
    @Test
    void sameSeedsGiveTheSameVectors() {
        try (FloatMatrix a = new GaussianMixture(32, 10, 5).sample(200, 1);
             FloatMatrix b = new GaussianMixture(32, 10, 5).sample(200, 1)) {
            assertEquals(200, a.rows());
            assertEquals(32, a.cols());
            assertArrayEquals(a.toArray(), b.toArray(), 0f);
            assertNull(a.firstNonFinite());
        }
    }

    @Test
    void otherSeedsGiveOtherVectors() {
        try (FloatMatrix a = new GaussianMixture(16, 10, 5).sample(50, 1);
             FloatMatrix sample = new GaussianMixture(16, 10, 5).sample(50, 2);
             FloatMatrix mixture = new GaussianMixture(16, 10, 6).sample(50, 1)) {
            assertFalse(Arrays.equals(a.toArray(), sample.toArray()));
            assertFalse(Arrays.equals(a.toArray(), mixture.toArray()));
        }
    }

    @Test
    void clustersHaveUnequalWeights() {
        GaussianMixture g = new GaussianMixture(8, 20, 3);
        double min = 1;
        double max = 0;
        double sum = 0;
        for (int c = 0; c < 20; c++) {
            min = Math.min(min, g.weight(c));
            max = Math.max(max, g.weight(c));
            sum += g.weight(c);
        }
        assertEquals(1.0, sum, 1e-9);
        assertTrue(max > 3 * min, "weights " + min + " .. " + max);
    }

    @Test
    void vectorsAreClustered() {
        // Each vector's nearest neighbour is far closer than the average other vector.
        try (FloatMatrix xs = new GaussianMixture(64, 10, 3).sample(500, 9)) {
            double nearestSum = 0;
            double allSum = 0;
            for (int i = 0; i < 500; i++) {
                double nearest = Double.MAX_VALUE;
                for (int j = 0; j < 500; j++) {
                    if (i == j) continue;
                    double d = distance(xs.row(i), xs.row(j));
                    nearest = Math.min(nearest, d);
                    allSum += d;
                }
                nearestSum += nearest;
            }
            double nearestMean = nearestSum / 500;
            double allMean = allSum / (500.0 * 499);
            assertTrue(nearestMean < 0.5 * allMean, "nearest " + nearestMean + " vs average " + allMean);
        }
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return s;
    }

    @Test
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> new GaussianMixture(0, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> new GaussianMixture(3, 0, 1));
    }
}
