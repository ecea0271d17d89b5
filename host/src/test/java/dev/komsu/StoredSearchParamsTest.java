package dev.komsu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.index.HnswIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import org.junit.jupiter.api.Test;

/** A search that sets no parameter uses the index's own, as faiss's search without SearchParameters. */
class StoredSearchParamsTest {
    private static Index built(String factory, FloatMatrix xs) {
        Index index = IndexFactory.create(xs.cols(), factory, Metric.L2);
        index.train(xs);
        index.add(xs);
        return index;
    }

    private static SearchParams nprobe(int p) {
        return SearchParams.builder().nprobe(p).build();
    }

    @Test
    void anIvfIndexSearchesWithItsStoredNprobeUnlessTheSearchSetsOne() {
        try (FloatMatrix xs = TestData.blobs(2000, 8, 20, 1); FloatMatrix q = TestData.blobs(50, 8, 20, 2);
             Index ivf = built("IVF16,Flat", xs)) {
            assertEquals(nprobe(1), StoredSearchParams.of(ivf), "faiss's default nprobe 1");
            long[] one = ivf.search(q, 10).labels();
            long[] six = ivf.search(q, 10, nprobe(6)).labels();
            assertTrue(!java.util.Arrays.equals(one, six), "test setup: nprobe matters here");
            StoredSearchParams.store(ivf, nprobe(6));
            assertEquals(6, ((IvfIndex) ivf).nprobe());
            assertArrayEquals(six, ivf.search(q, 10).labels());
            assertArrayEquals(six, ivf.search(q, 10, SearchParams.DEFAULTS).labels());
            assertArrayEquals(one, ivf.search(q, 10, nprobe(1)).labels(), "a set nprobe overrides the stored one");
        }
    }

    @Test
    void parametersAreFoundAndStoredThroughWrappers() {
        try (FloatMatrix xs = TestData.blobs(1000, 8, 10, 3); Index r = built("L2norm,IVF8,Flat,RFlat", xs);
             Index h = built("HNSW8", xs)) {
            assertEquals(SearchParams.builder().nprobe(1).kFactor(1).build(), StoredSearchParams.of(r));
            StoredSearchParams.store(r, SearchParams.builder().nprobe(3).kFactor(4).build());
            assertEquals(SearchParams.builder().nprobe(3).kFactor(4).build(), StoredSearchParams.of(r));
            assertEquals(4f, StoredSearchParams.part(r, RefineFlatIndex.class).kFactor());
            assertEquals(3, StoredSearchParams.part(r, IvfIndex.class).nprobe());
            assertEquals(SearchParams.builder().efSearch(16).build(), StoredSearchParams.of(h), "faiss's default efSearch");
            StoredSearchParams.store(h, SearchParams.builder().efSearch(40).build());
            assertEquals(40, ((HnswIndex) h).graph().efSearch());
        }
    }

    @Test
    void aParameterTheIndexDoesNotHaveIsRefusedAndNothingChanges() {
        try (FloatMatrix xs = TestData.blobs(500, 8, 10, 4); Index ivf = built("IVF8,Flat", xs); Index flat = built("Flat", xs)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StoredSearchParams.store(ivf, SearchParams.builder().nprobe(5).kFactor(2).build()));
            assertEquals("k_factor applies to a refine index (RFlat), and this index has none", e.getMessage());
            assertEquals(1, ((IvfIndex) ivf).nprobe(), "nothing stored");
            assertThrows(IllegalArgumentException.class, () -> StoredSearchParams.store(flat, nprobe(2)));
            assertEquals(SearchParams.DEFAULTS, StoredSearchParams.of(flat));
        }
    }
}
