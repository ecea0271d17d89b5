package dev.komsu.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.io.FaissIndexes;
import dev.komsu.io.LoadedIndex;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.rvc.FeatureRetrieval;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** komsu blend over a folder of feature files as a Spark job: per file, what komsu blend returns. */
class SparkBlendTest {
    @TempDir
    Path dir;

    private static void writeFeatures(Path file, int rows, int dim, long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[rows * dim];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 10);
        Npy.writeFloats(file, v, rows, dim);
    }

    @Test
    void everyFileIsBlendedAsKomsuBlendDoes() throws Exception {
        Path index = TestSpark.index("blend.index", "IVF16,Flat");
        Path features = Files.createDirectory(dir.resolve("features"));
        for (int f = 0; f < 5; f++) writeFeatures(features.resolve("f" + f + ".npy"), 40 + 7 * f, TestSpark.D, f);
        Path out = dir.resolve("blended");
        assertEquals(5, SparkBlend.run(TestSpark.session(), index, features, 8, 0.75f, out));
        try (LoadedIndex loaded = FaissIndexes.load(index, Backends.defaultCpu())) {
            for (int f = 0; f < 5; f++) {
                try (FloatMatrix in = Npy.readMatrix(features.resolve("f" + f + ".npy"));
                     FloatMatrix expected = FeatureRetrieval.blend(loaded.index(), in, 8, 0.75f, loaded.storedParams());
                     FloatMatrix actual = Npy.readMatrix(out.resolve("f" + f + ".npy"))) {
                    assertArrayEquals(expected.toArray(), actual.toArray(), "file f" + f);
                }
            }
        }
    }

    @Test
    void aFileOfAnotherDimensionFailsTheJobAndLeavesNoOutput() throws Exception {
        Path index = TestSpark.index("blend.index", "IVF16,Flat");
        Path features = Files.createDirectory(dir.resolve("features"));
        writeFeatures(features.resolve("a.npy"), 10, TestSpark.D, 1);
        writeFeatures(features.resolve("b.npy"), 10, TestSpark.D + 1, 2);
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        TestSpark.session();
        int code = new CommandLine(new SparkBlendCommand(new PrintWriter(o, true), new PrintWriter(e, true)))
                .execute("--index", index.toString(), "--features", features.toString(), "--output", dir.resolve("out").toString());
        assertEquals(2, code, () -> o + "\n" + e);
        assertTrue(e.toString().contains("dimension mismatch"), e::toString);
        assertFalse(Files.exists(dir.resolve("out")));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary folder left behind");
        }
    }
}
