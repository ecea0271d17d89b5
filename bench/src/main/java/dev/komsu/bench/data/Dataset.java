package dev.komsu.bench.data;

import dev.komsu.kernels.FloatMatrix;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A benchmark dataset in memory: base vectors, queries, exact ground truth, and the {@code .npy}
 * files they came from (faiss reads the same files). Owns both matrices.
 *
 * @param notes facts worth printing with the results (source, ground-truth checks)
 */
public record Dataset(String name, Path baseFile, Path queriesFile, FloatMatrix base, FloatMatrix queries,
                      GroundTruth groundTruth, List<String> notes) implements AutoCloseable {
    public Dataset {
        Objects.requireNonNull(name, "name");
        if (base.cols() != queries.cols()) {
            throw new IllegalArgumentException(name + ": base has dimension " + base.cols() + ", queries " + queries.cols());
        }
        if (groundTruth.nq() != queries.rows()) {
            throw new IllegalArgumentException(name + ": ground truth covers " + groundTruth.nq() + " queries, there are "
                    + queries.rows());
        }
        notes = List.copyOf(notes);
    }

    public int dim() {
        return base.cols();
    }

    @Override
    public void close() {
        base.close();
        queries.close();
    }
}
