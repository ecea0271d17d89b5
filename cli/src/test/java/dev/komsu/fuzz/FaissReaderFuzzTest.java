package dev.komsu.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.komsu.Index;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.IndexFormatException;
import dev.komsu.io.LoadedIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given to the faiss reader: a clean refusal ({@link IndexFormatException}) or an
 * index that searches. Anything else (another exception, an OutOfMemoryError, a JVM fault, a
 * hang past Jazzer's timeout) is a bug. Seeds: one small file per fourcc, written by faiss and by
 * komsu ({@code FaissReaderFuzzTestInputs/}, made by {@code scripts/fuzz-seeds}).
 */
class FaissReaderFuzzTest {
    private static final Path FILE = FuzzFiles.scratch(".index");

    @FuzzTest(maxDuration = "24h") // fuzzing mode only; scripts/fuzz stops it after N minutes
    void anyBytesLoadAndSearchOrAreRefused(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        LoadedIndex loaded;
        try {
            loaded = FaissIndexes.load(FILE, Backends.scalar());
        } catch (IndexFormatException e) {
            if (e.offset() < 0 || e.offset() > bytes.length) throw new AssertionError("offset outside the file: " + e.getMessage());
            return;
        }
        try (loaded) {
            Index index = loaded.index();
            if (index.ntotal() > 1_000_000) return; // a search over a huge (empty-d) index proves nothing more
            float[][] q = new float[2][index.dim()];
            for (int j = 0; j < index.dim(); j++) q[1][j] = j % 3 - 1f;
            // ids and vectors are data (faiss stores any int64 id, any float): only the shape is checked
            Neighbors r = index.search(q, 3, loaded.storedParams());
            if (r.labels().length != 6) throw new AssertionError(r.labels().length + " labels for 2 queries, k=3");
        }
    }
}
