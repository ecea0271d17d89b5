package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.TestData;
import dev.komsu.index.HnswIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.StoredSearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored search parameters travel with the file, as in faiss: nprobe in the IVF header,
 * k_factor in IxRF, efSearch in the HNSW graph; faiss searches a komsu file with its nprobe, and
 * komsu writes a faiss file back with faiss's.
 */
class StoredSearchParamsFileTest {
    @TempDir
    Path dir;

    private static Index built(String factory, FloatMatrix xs) {
        Index index = IndexFactory.create(xs.cols(), factory, Metric.L2);
        index.train(xs);
        index.add(xs);
        return index;
    }

    @Test
    void storedParametersRoundTripThroughFilesByteForByte() throws IOException {
        try (FloatMatrix xs = TestData.blobs(1500, 8, 12, 5); FloatMatrix q = TestData.blobs(40, 8, 12, 6);
             Index r = built("IVF16,PQ4,RFlat", xs); Index h = built("HNSW8", xs)) {
            StoredSearchParams.store(r, SearchParams.builder().nprobe(7).kFactor(3).build());
            StoredSearchParams.store(h, SearchParams.builder().efSearch(33).build());
            Path rf = dir.resolve("r.index");
            Path hf = dir.resolve("h.index");
            FaissIndexes.write(r, rf);
            FaissIndexes.write(h, hf);
            try (LoadedIndex lr = FaissIndexes.load(rf, Backends.defaultCpu()); Index lh = FaissIndexes.read(hf)) {
                assertEquals(SearchParams.builder().nprobe(7).kFactor(3).build(), lr.storedParams());
                assertEquals(7, StoredSearchParams.part(lr.index(), IvfIndex.class).nprobe());
                assertEquals(3f, StoredSearchParams.part(lr.index(), RefineFlatIndex.class).kFactor());
                assertEquals(33, ((HnswIndex) lh).graph().efSearch());
                assertArrayEquals(r.search(q, 10).labels(), lr.index().search(q, 10).labels(), "searched with nprobe 7, k_factor 3");
                FaissIndexes.write(lr.index(), dir.resolve("r2.index"));
                FaissIndexes.write(lh, dir.resolve("h2.index"));
            }
            assertArrayEquals(Files.readAllBytes(rf), Files.readAllBytes(dir.resolve("r2.index")));
            assertArrayEquals(Files.readAllBytes(hf), Files.readAllBytes(dir.resolve("h2.index")));
            // parameters given to write override the stored ones in the file only
            FaissIndexes.write(r, dir.resolve("r3.index"), SearchParams.builder().nprobe(2).build());
            try (LoadedIndex l3 = FaissIndexes.load(dir.resolve("r3.index"), Backends.defaultCpu())) {
                assertEquals(SearchParams.builder().nprobe(2).kFactor(3).build(), l3.storedParams());
            }
            assertEquals(7, StoredSearchParams.part(r, IvfIndex.class).nprobe());
        }
    }

    @Test
    void faissSearchesAKomsuFileWithItsStoredNprobeAndKomsuWritesFaissNprobeBack() throws IOException {
        DebianFaiss.assumeAvailable();
        try (FloatMatrix xs = TestData.blobs(3000, 16, 30, 7); FloatMatrix q = TestData.blobs(60, 16, 30, 8);
             Index ivf = built("IVF32,Flat", xs)) {
            StoredSearchParams.store(ivf, SearchParams.builder().nprobe(5).build());
            Path file = dir.resolve("komsu.index");
            Path queries = dir.resolve("q.npy");
            FaissIndexes.write(ivf, file);
            Npy.write(queries, q);
            Npy.write(dir.resolve("x.npy"), xs);
            // nprobe 0: faiss searches as the file says, setting nothing
            DebianFaiss.Results faiss = DebianFaiss.search(file, queries, 10, 0, 0, dir.resolve("faiss"));
            ApproximateResults.assertMatch(faiss.labels(), faiss.distances(), ivf.search(q, 10), "faiss with the stored nprobe");
            String out = DebianPython.runOk("""
                    import faiss, numpy as np
                    idx = faiss.read_index('komsu.index')
                    print('nprobe', idx.nprobe)
                    f = faiss.index_factory(16, 'IVF32,Flat'); x = np.load('x.npy'); f.train(x); f.add(x); f.nprobe = 7
                    faiss.write_index(f, 'faiss.index')
                    """, dir);
            assertEquals("nprobe 5", out.strip());
        }
        Path faissFile = dir.resolve("faiss.index");
        try (Index back = FaissIndexes.read(faissFile)) {
            assertEquals(7, ((IvfIndex) back).nprobe());
            FaissIndexes.write(back, dir.resolve("again.index"));
        }
        assertArrayEquals(Files.readAllBytes(faissFile), Files.readAllBytes(dir.resolve("again.index")));
    }
}
