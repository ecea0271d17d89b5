package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** faiss's own files in shared/interop load in komsu and reproduce faiss's saved results. */
class FaissInteropTest {
    private static final int K = 8;

    @TempDir
    Path tmp;

    /**
     * Labels identical; distances within 1e-4 relative (faiss's BLAS and komsu's kernels round
     * differently). Empty slots (label -1) hold exactly what faiss 1.7.3 reports there:
     * FLT_MAX for L2, -FLT_MAX for inner product.
     */
    static void assertSameResults(long[] expectedLabels, float[] expectedDistances, Neighbors got, String what) {
        assertArrayEquals(expectedLabels, got.labels(), what + ": labels");
        float[] d = got.distances();
        assertEquals(expectedDistances.length, d.length, what + ": distance count");
        for (int i = 0; i < d.length; i++) {
            if (expectedLabels[i] == -1) {
                assertEquals(expectedDistances[i], d[i], what + ": empty slot " + i);
                continue;
            }
            float tol = 1e-4f * Math.max(1f, Math.abs(expectedDistances[i]));
            assertEquals(expectedDistances[i], d[i], tol, what + ": distance " + i);
        }
    }

    @Test
    void flatInnerProductFileReproducesFaissResults() throws IOException {
        try (Index index = FaissIndexes.read(InteropFiles.file("flat_ip.index"));
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries_normalized.npy"))) {
            FlatIndex flat = assertInstanceOf(FlatIndex.class, index);
            assertEquals(256, flat.dim());
            assertEquals(5000, flat.ntotal());
            assertEquals(Metric.INNER_PRODUCT, flat.metric());
            Neighbors r = index.search(queries, K, SearchParams.DEFAULTS);
            assertSameResults(Npy.readLongs(InteropFiles.file("flat_ip_I.npy")),
                    Npy.readFloats(InteropFiles.file("flat_ip_D.npy")), r, "flat_ip");
        }
    }

    @Test
    void ivfFlatFileReproducesFaissResultsAtNprobe1And8() throws IOException {
        try (LoadedIndex loaded = FaissIndexes.load(InteropFiles.file("ivf64_flat.index"), Backends.defaultCpu());
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            IvfIndex ivf = assertInstanceOf(IvfIndex.class, loaded.index());
            assertEquals(64, ivf.nlist());
            assertEquals(5000, ivf.ntotal());
            assertEquals(Metric.L2, ivf.metric());
            assertTrue(ivf.isTrained());
            assertEquals(1, loaded.storedParams().nprobe(), "the file stores faiss's default nprobe 1");
            for (int nprobe : new int[] {1, 8}) {
                Neighbors r = ivf.search(queries, K, SearchParams.builder().nprobe(nprobe).build());
                String base = "ivf64_flat_nprobe" + nprobe;
                assertSameResults(Npy.readLongs(InteropFiles.file(base + "_I.npy")),
                        Npy.readFloats(InteropFiles.file(base + "_D.npy")), r, base);
            }
        }
    }

    @Test
    void rewritingFaissFilesGivesTheSameBytes() throws IOException {
        for (String name : new String[] {"flat_ip.index", "ivf64_flat.index"}) {
            Path original = InteropFiles.file(name);
            Path copy = tmp.resolve(name);
            try (LoadedIndex loaded = FaissIndexes.load(original, Backends.defaultCpu())) {
                FaissIndexes.write(loaded.index(), copy, loaded.storedParams());
            }
            assertEquals(-1, Files.mismatch(original, copy), name + " is rewritten byte for byte");
        }
    }

    @Test
    void reconstructReturnsTheStoredVectors() throws IOException {
        try (Index ivf = FaissIndexes.read(InteropFiles.file("ivf64_flat.index"));
             FloatMatrix data = Npy.readMatrix(InteropFiles.file("data.npy"));
             FloatMatrix back = ivf.reconstructN(0, 5000)) {
            assertArrayEquals(data.toArray(), back.toArray(), "IVF-Flat stores the raw vectors");
        }
    }

    @Test
    void retrainingAReadIvfIndexReplacesItsCentroidsInMemoryOnly() throws IOException {
        Path copy = tmp.resolve("ivf.index");
        Files.copy(InteropFiles.file("ivf64_flat.index"), copy);
        try (Index ivf = FaissIndexes.read(copy);
             FloatMatrix data = Npy.readMatrix(InteropFiles.file("data.npy"));
             FloatMatrix some = data.rowRange(0, 1000)) {
            ivf.train(some); // writes the quantiser, whose centroids were a read-only view of the file
            assertTrue(ivf.isTrained());
        }
        assertEquals(-1, Files.mismatch(InteropFiles.file("ivf64_flat.index"), copy), "the file is unchanged");
    }

    @Test
    void addingToAReadIndexCopiesInsteadOfWritingTheFile() throws IOException {
        Path copy = tmp.resolve("flat.index");
        Files.copy(InteropFiles.file("flat_ip.index"), copy);
        try (Index index = FaissIndexes.read(copy);
             FloatMatrix one = FloatMatrix.of(new float[256], 1, 256)) {
            index.add(one);
            assertEquals(5001, index.ntotal());
        }
        assertEquals(-1, Files.mismatch(InteropFiles.file("flat_ip.index"), copy), "the file is unchanged");
    }
}
