package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.FastScanCodec;
import dev.komsu.index.IvfIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FastScan with inner product against Debian's faiss (METRIC_INNER_PRODUCT IndexPQFastScan and
 * IndexIVFPQFastScan, with and without residuals): faiss's files searched in komsu, and
 * komsu's files searched in faiss, give the same labels wherever distances are distinct.
 */
class FastScanInnerProductInteropTest {
    private static final int K = 8;

    @TempDir
    Path tmp;

    private static String searchScript(String load, int nprobe, int k) {
        return String.join("\n",
                "import faiss, numpy as np",
                "faiss.omp_set_num_threads(1)",
                load,
                "q = np.load('" + InteropFiles.file("queries.npy") + "')",
                "if hasattr(index, 'nprobe'): index.nprobe = " + nprobe,
                "D, I = index.search(q, " + k + ")",
                "np.save('D.npy', D.astype('float32'))",
                "np.save('I.npy', I.astype('int64'))",
                "print(type(index).__name__, index.metric_type, index.ntotal)");
    }

    @ParameterizedTest
    @CsvSource({"'PQ32x4fs', false, 1, 8", "'IVF32,PQ32x4fs', false, 4, 8", "'IVF32,PQ32x4fs', true, 4, 8",
                "'IVF32,PQ32x4fs', false, 32, 20", "'IVF32,PQ32x4fs', true, 8, 20"})
    void faissBuiltInnerProductIndexReproducesFaissResults(String factory, boolean byResidual, int nprobe, int k)
            throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        String build = String.join("\n",
                "x = np.load('" + InteropFiles.file("data.npy") + "')",
                "index = faiss.index_factory(256, '" + factory + "', faiss.METRIC_INNER_PRODUCT)",
                "if " + (byResidual ? "True" : "False") + ": index.by_residual = True",
                "index.train(x)",
                "index.add(x[:4990])", // ragged: the last block is partly padding
                "faiss.write_index(index, 'ip.index')");
        String out = DebianPython.runOk(searchScript("import numpy as np\n" + build, nprobe, k), tmp);
        assertTrue(out.contains(" 0 4990"), "faiss built an inner-product index: " + out);
        try (LoadedIndex loaded = FaissIndexes.load(tmp.resolve("ip.index"), Backends.defaultCpu());
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            Index index = loaded.index();
            assertEquals(Metric.INNER_PRODUCT, index.metric());
            if (index instanceof IvfIndex ivf) assertEquals(byResidual, ((FastScanCodec) ivf.codec()).byResidual());
            Neighbors r = index.search(queries, k, SearchParams.builder().nprobe(nprobe).build());
            ApproximateResults.assertMatch(Npy.readLongs(tmp.resolve("I.npy")), Npy.readFloats(tmp.resolve("D.npy")), r,
                    factory + " IP by_residual=" + byResidual + " nprobe " + nprobe + " (" + out.strip() + ")");
        }
    }

    @ParameterizedTest
    @CsvSource({"'PQ32x4fs', 1", "'IVF32,PQ32x4fs', 4", "'IVF32,PQ32x4fs,RFlat', 4"})
    void komsuInnerProductFilesGiveFaissTheSameResults(String factory, int nprobe) throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        Path file = tmp.resolve("komsu.index");
        try (FloatMatrix data = Npy.readMatrix(InteropFiles.file("data.npy"));
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"));
             Index index = IndexFactory.create(256, factory, Metric.INNER_PRODUCT)) {
            index.train(data);
            index.add(data);
            SearchParams params = SearchParams.builder().nprobe(nprobe).kFactor(2).build();
            Neighbors ours = index.search(queries, K, params);
            FaissIndexes.write(index, file, params);
            String load = String.join("\n",
                    "index = faiss.read_index('komsu.index')",
                    "if " + (factory.endsWith("RFlat") ? "True" : "False") + ": faiss.ParameterSpace().set_index_parameter(index, 'k_factor_rf', 2)",
                    "if " + (factory.endsWith("RFlat") ? "True" : "False") + ": faiss.ParameterSpace().set_index_parameter(index, 'nprobe', " + nprobe + ")");
            String out = DebianPython.runOk(searchScript(load, nprobe, K), tmp);
            assertTrue(out.contains(" 0 5000"), "faiss read an inner-product index: " + out);
            ApproximateResults.assertMatch(Npy.readLongs(tmp.resolve("I.npy")), Npy.readFloats(tmp.resolve("D.npy")), ours,
                    factory + " IP read by faiss (" + out.strip() + ")");
        }
    }
}
