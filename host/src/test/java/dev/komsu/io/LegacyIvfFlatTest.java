package dev.komsu.io;

import static dev.komsu.io.FaissInteropTest.assertSameResults;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.InvertedLists;
import dev.komsu.index.IvfIndex;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Old faiss versions wrote IVF-Flat as {@code IvFl}: one id vector per list between the
 * quantiser and the direct map, then one float vector per list. The test rewrites the shared
 * IVF-Flat file in that layout and checks it searches the same.
 */
class LegacyIvfFlatTest {
    @TempDir
    Path dir;

    @Test
    void legacyLayoutReadsLikeTheCurrentOne() throws IOException {
        Path legacy = dir.resolve("legacy.index");
        try (IvfIndex ivf = (IvfIndex) FaissIndexes.read(InteropFiles.file("ivf64_flat.index"));
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            writeLegacy(ivf, legacy);
            SearchParams p = SearchParams.builder().nprobe(8).build();
            Neighbors expected = ivf.search(queries, 8, p);
            try (Index back = FaissIndexes.read(legacy)) {
                assertEquals(ivf.ntotal(), back.ntotal());
                assertSameResults(expected.labels(), expected.distances(), back.search(queries, 8, p), "IvFl");
            }
        }
    }

    private static void writeLegacy(IvfIndex ivf, Path file) throws IOException {
        InvertedLists lists = ivf.invertedLists();
        try (AtomicFileOutput atomic = AtomicFileOutput.create(file)) {
            FaissOutput out = new FaissOutput(atomic, SearchParams.DEFAULTS);
            out.writeFourcc("IvFl");
            IndexHeader.of(ivf).write(out);
            out.writeLong(ivf.nlist());
            out.writeLong(1);
            out.writeIndex(ivf.quantizer().index());
            for (int l = 0; l < ivf.nlist(); l++) {
                out.writeLong(lists.size(l));
                out.writeBytes(lists.ids(l));
            }
            out.writeByte((byte) 0);
            out.writeLong(0);
            for (int l = 0; l < ivf.nlist(); l++) {
                out.writeLong(lists.size(l) * ivf.dim());
                out.writeBytes(lists.codes(l));
            }
            out.flush();
            atomic.commit();
        }
    }
}
