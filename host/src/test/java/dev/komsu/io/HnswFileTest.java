package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.HnswIndex;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed faiss-written HNSW16 file (1000 x 16 random, see the README beside it): loads
 * with faiss's graph parameters, searches to faiss's labels at efSearch 16 and 64, writes back
 * byte for byte, and every truncation or sampled byte flip either fails with an
 * IndexFormatException or loads a graph that searches without error.
 */
class HnswFileTest {
    @TempDir
    Path dir;

    private Path resource(String name) throws IOException {
        Path f = dir.resolve(name);
        if (!Files.exists(f)) {
            try (InputStream in = HnswFileTest.class.getResourceAsStream("hnsw/" + name)) {
                Files.copy(in, f);
            }
        }
        return f;
    }

    @Test
    void faissFileSearchesToFaissLabelsAndWritesBackByteForByte() throws IOException {
        Path f = resource("hnsw16_l2.index");
        try (Index index = FaissIndexes.read(f);
             FloatMatrix q = Npy.readMatrix(resource("queries.npy"))) {
            HnswIndex h = assertInstanceOf(HnswIndex.class, index);
            assertEquals(16, h.graph().m());
            assertEquals(1000, h.ntotal());
            assertEquals(40, h.graph().efConstruction());
            assertTrue(h.describe().contains("entry_point=" + h.graph().entryPoint()), h.describe());
            for (int ef : new int[]{16, 64}) {
                Neighbors r = index.search(q, 10, SearchParams.builder().efSearch(ef).build());
                FaissInteropTest.assertSameResults(Npy.readLongs(resource("hnsw16_l2_" + ef + "_I.npy")),
                        Npy.readFloats(resource("hnsw16_l2_" + ef + "_D.npy")), r, "efSearch " + ef);
            }
            Path back = dir.resolve("back.index");
            FaissIndexes.write(index, back);
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(back));
        }
    }

    @Test
    @Timeout(120)
    void truncationsAndByteFlipsFailCleanlyOrStillSearch() throws IOException {
        byte[] bytes = Files.readAllBytes(resource("hnsw16_l2.index"));
        Path bad = dir.resolve("bad.index");
        try (FloatMatrix q = Npy.readMatrix(resource("queries.npy"))) {
            for (int len = 0; len < bytes.length; len += len < 400 ? 1 : 997) {
                Files.write(bad, Arrays.copyOf(bytes, len));
                int cut = len;
                IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(bad).close(),
                        "truncated at " + cut);
                assertTrue(e.getMessage().contains("bad.index"), e.getMessage());
            }
            Random rnd = new Random(3);
            int failed = 0;
            for (int i = 0; i < 600; i++) {
                byte[] flipped = bytes.clone();
                int at = i < 300 ? i : rnd.nextInt(bytes.length);
                flipped[at] ^= (byte) (1 << rnd.nextInt(8));
                Files.write(bad, flipped);
                try (Index index = FaissIndexes.read(bad)) {
                    index.search(q, 10, SearchParams.builder().efSearch(32).build());
                } catch (IndexFormatException expected) {
                    failed++;
                }
            }
            assertTrue(failed > 100, "structural flips detected: " + failed);
        }
    }
}
