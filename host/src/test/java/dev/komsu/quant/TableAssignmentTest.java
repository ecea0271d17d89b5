package dev.komsu.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.TestData;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class TableAssignmentTest {
    @ParameterizedTest
    @EnumSource(value = Metric.class, names = {"L2", "INNER_PRODUCT"}) // the table kernels' metrics (k-means assigns L1 / L-infinity by knn)
    void assignsEachPointTheCentroidKnnFindsAndSumsItsDistances(Metric metric) {
        ComputeBackend backend = Backends.defaultCpu();
        try (FloatMatrix points = TestData.uniform(2000, 3, 5); FloatMatrix centroids = TestData.uniform(21, 3, 6)) {
            int[] assign = new int[2000];
            double objective = new TableAssignment(points, 21, metric, backend.pq()).assign(centroids, assign);
            Neighbors nearest = backend.knn(points, centroids, 1, metric);
            double expected = 0;
            for (int i = 0; i < 2000; i++) {
                assertEquals(nearest.label(i, 0), assign[i], "point " + i);
                expected += nearest.distance(i, 0);
            }
            assertEquals(expected, objective, 1e-4 * Math.abs(expected));
        }
    }

    @Test
    void tiesGoToTheLowerCentroidNumber() {
        try (FloatMatrix points = FloatMatrix.of(new float[][] {{1, 1}, {0, 0}});
             FloatMatrix centroids = FloatMatrix.of(new float[][] {{5, 5}, {0, 0}, {2, 2}, {0, 0}, {2, 2}})) {
            int[] assign = new int[2];
            new TableAssignment(points, 5, Metric.L2, Backends.defaultCpu().pq()).assign(centroids, assign);
            assertEquals(1, assign[0]); // (0,0) and (2,2) are both at distance 2: the lowest of 1, 2, 3, 4
            assertEquals(1, assign[1]);
        }
    }
}
