package dev.komsu.bench.harness;

import dev.komsu.bench.TestData;
import dev.komsu.bench.data.Dataset;
import dev.komsu.bench.data.GroundTruth;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A tiny dataset on disk and in memory, with exact ground truth from the scalar reference backend. */
final class HarnessFixtures {
    private HarnessFixtures() {
    }

    static Dataset tinyDataset(Path dir) throws IOException {
        FloatMatrix base = TestData.uniform(2000, 16, 11);
        FloatMatrix queries = TestData.uniform(50, 16, 12);
        Path baseFile = dir.resolve("base.npy");
        Path queriesFile = dir.resolve("queries.npy");
        Npy.write(baseFile, base);
        Npy.write(queriesFile, queries);
        try (ComputeBackend scalar = Backends.scalar()) {
            GroundTruth gt = new GroundTruth(50, 20, scalar.knn(queries, base, 20, Metric.L2).labels());
            return new Dataset("tiny", baseFile, queriesFile, base, queries, gt, List.of());
        }
    }
}
