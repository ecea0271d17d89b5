package dev.komsu.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixtureFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesTheDemosBaseAndQueries() throws Exception {
        MixtureFiles.write(dir, 300, 20, 16);
        GaussianMixture mixture = GaussianMixture.rvcShaped(16);
        try (FloatMatrix base = Npy.readMatrix(dir.resolve("base.npy"));
             FloatMatrix queries = Npy.readMatrix(dir.resolve("queries.npy"));
             FloatMatrix expectedBase = mixture.sample(300, 1);
             FloatMatrix expectedQueries = mixture.sample(20, 2)) {
            assertArrayEquals(new long[] {300, 16}, new long[] {base.rows(), base.cols()});
            assertArrayEquals(expectedBase.toArray(), base.toArray(), 0f);
            assertArrayEquals(expectedQueries.toArray(), queries.toArray(), 0f);
        }
    }
}
