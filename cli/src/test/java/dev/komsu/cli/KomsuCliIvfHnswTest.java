package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.rvc.RvcReference;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "IVF{n}_HNSW{M},…" through the CLI: --ef-construction reaches the quantiser's graph, info shows it, --ef-search its search. */
class KomsuCliIvfHnswTest {
    @TempDir
    Path dir;

    private static CliRun ok(Object... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @Test
    void buildInfoAndSearchAnIvfWithAnHnswQuantizer() throws Exception {
        float[][] base = RvcReference.random(2000, 12, 21);
        float[][] queries = RvcReference.random(50, 12, 22);
        Path x = dir.resolve("x.npy");
        Path q = dir.resolve("q.npy");
        try (FloatMatrix b = FloatMatrix.of(base); FloatMatrix qs = FloatMatrix.of(queries)) {
            Npy.write(x, b);
            Npy.write(q, qs);
        }
        Path index = dir.resolve("ivf.index");
        ok("build", "--input", x, "--factory", "IVF32_HNSW8,Flat", "--ef-construction", 60, "--threads", 1, "--output", index);
        CliRun info = ok("info", index);
        assertTrue(info.out().contains("IVF32_HNSW8,Flat") && info.out().contains("quantizer=HNSW8 M=8 levels=")
                && info.out().contains("entry_point=") && info.out().contains("efConstruction=60")
                && info.out().contains("efSearch=16"), info::toString);
        // every list, and a quantiser search that walks every centroid: exact search
        ok("search", "--index", index, "--queries", q, "--k", 5, "--nprobe", 32, "--ef-search", 32,
                "--out-distances", dir.resolve("d.npy"), "--out-labels", dir.resolve("i.npy"));
        try (FloatMatrix b = FloatMatrix.of(base); FloatMatrix qs = FloatMatrix.of(queries); var scalar = Backends.scalar()) {
            assertArrayEquals(scalar.knn(qs, b, 5, Metric.L2).labels(), Npy.readLongs(dir.resolve("i.npy")));
        }
    }
}
