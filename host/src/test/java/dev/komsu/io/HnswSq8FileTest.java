package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.HnswIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed faiss-written HNSW16,SQ8 file (faiss IndexHNSWSQ, 1000 x 16 random, see the
 * README beside it): loads as an HNSW over SQ8 codes, searches to faiss's labels and distances
 * at efSearch 16 and 64 (on the scalar reference bit for bit, whose sums are faiss's generic
 * build's; on the Vector API backend ties aside), writes back byte for byte, and fails cleanly
 * when truncated.
 */
class HnswSq8FileTest {
    @TempDir
    Path dir;

    private Path resource(String name) throws IOException {
        Path f = dir.resolve(name);
        if (!Files.exists(f)) {
            try (InputStream in = HnswSq8FileTest.class.getResourceAsStream("hnswsq/" + name)) {
                Files.copy(in, f);
            }
        }
        return f;
    }

    @Test
    void faissFileSearchesToFaissResultsAndWritesBackByteForByte() throws IOException {
        Path f = resource("hnsw16_sq8_l2.index");
        try (ComputeBackend scalar = Backends.scalar();
             Index onScalar = FaissIndexes.read(f, scalar);
             Index onCpu = FaissIndexes.read(f);
             FloatMatrix q = Npy.readMatrix(resource("queries.npy"))) {
            HnswIndex h = assertInstanceOf(HnswIndex.class, onScalar);
            assertTrue(h.storesSq8());
            assertInstanceOf(FlatCodesIndex.class, h.storage());
            assertEquals(16, h.graph().m());
            assertEquals(1000, h.ntotal());
            assertEquals(Metric.L2, h.metric());
            assertTrue(h.isTrained());
            assertEquals(16, h.graph().efSearch(), "stored efSearch");
            assertTrue(h.describe().startsWith("HNSW16,SQ8 d=16"), h.describe());
            assertTrue(h.describe().contains("entry_point=" + h.graph().entryPoint()), h.describe());
            for (int ef : new int[]{16, 64}) {
                SearchParams p = SearchParams.builder().efSearch(ef).build();
                long[] labels = Npy.readLongs(resource("hnsw16_sq8_l2_" + ef + "_I.npy"));
                float[] distances = Npy.readFloats(resource("hnsw16_sq8_l2_" + ef + "_D.npy"));
                Neighbors exact = onScalar.search(q, 10, p);
                assertArrayEquals(labels, exact.labels(), "scalar reference, efSearch " + ef);
                assertArrayEquals(distances, exact.distances(), "scalar reference, efSearch " + ef);
                FaissInteropTestBase.assertSameLabelsTiesAside(labels, distances, onCpu.search(q, 10, p), 10,
                        "cpu backend, efSearch " + ef);
            }
            for (Index index : new Index[]{onScalar, onCpu}) {
                Path back = dir.resolve("back.index");
                FaissIndexes.write(index, back);
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(back));
            }
        }
    }

    @Test
    void truncatedFilesFailWithTheFileName() throws IOException {
        byte[] bytes = Files.readAllBytes(resource("hnsw16_sq8_l2.index"));
        Path bad = dir.resolve("bad.index");
        for (int len = 0; len < bytes.length; len += len < 200 ? 1 : 1999) {
            Files.write(bad, Arrays.copyOf(bytes, len));
            int cut = len;
            IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(bad).close(),
                    "truncated at " + cut);
            assertTrue(e.getMessage().contains("bad.index"), e.getMessage());
        }
    }

    @Test
    void anIhnsFileWithFlatStorageIsRefused() throws IOException {
        // an IHNf file relabelled IHNs: the storage that follows is IxF2, not IxSQ
        byte[] bytes = Files.readAllBytes(resourceFrom("hnsw/hnsw16_l2.index"));
        bytes[3] = 's';
        Path bad = dir.resolve("relabelled.index");
        Files.write(bad, bytes);
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(bad).close());
        assertTrue(e.getMessage().contains("IxSQ"), e.getMessage());
    }

    private Path resourceFrom(String name) throws IOException {
        Path f = dir.resolve(name.replace('/', '_'));
        try (InputStream in = HnswSq8FileTest.class.getResourceAsStream(name)) {
            Files.copy(in, f);
        }
        return f;
    }
}
