package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.TestData;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.quant.KMeansParams;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IvfIndexTest {
    private final ComputeBackend backend = Backends.defaultCpu();

    /** Property: visiting every list is exhaustive search, so the result is exactly Flat's. */
    @ParameterizedTest(name = "n={0} d={1} nlist={2} k={3} {4}")
    @CsvSource({"2000, 16, 20, 10, L2", "1500, 33, 7, 5, L2", "3000, 64, 40, 20, INNER_PRODUCT", "500, 8, 10, 1, L2",
        "800, 12, 16, 50, INNER_PRODUCT"})
    void nprobeEqualToNlistReturnsExactlyTheFlatResult(int n, int d, int nlist, int k, Metric metric) {
        try (IvfIndex ivf = new IvfIndex(d, nlist, metric, new FlatCodec(d), backend);
             FlatIndex flat = new FlatIndex(d, metric, backend);
             FloatMatrix xs = TestData.blobs(n, d, 15, n + d);
             FloatMatrix q = TestData.blobs(40, d, 15, n + d + 1)) {
            ivf.setKMeansParams(KMeansParams.FAISS_DEFAULTS.withNiter(8));
            ivf.train(xs);
            ivf.add(xs);
            flat.add(xs);
            Neighbors exact = flat.search(q, k);
            Neighbors all = ivf.search(q, k, SearchParams.builder().nprobe(nlist).build());
            assertArrayEquals(exact.labels(), all.labels());
            assertArrayEquals(exact.distances(), all.distances(), 1e-4f);
            // nprobe beyond nlist is clamped, as in faiss
            Neighbors clamped = ivf.search(q, k, SearchParams.builder().nprobe(nlist * 3).build());
            assertArrayEquals(exact.labels(), clamped.labels());
        }
    }

    @Test
    void recallGrowsWithNprobeAndFewProbesFindMostNeighbours() {
        try (Index ivf = IndexFactory.create(32, "IVF32,Flat", Metric.L2, backend);
             FlatIndex flat = new FlatIndex(32, Metric.L2, backend);
             FloatMatrix xs = TestData.blobs(6000, 32, 40, 5);
             FloatMatrix q = TestData.blobs(200, 32, 40, 6)) {
            ivf.train(xs);
            ivf.add(xs);
            flat.add(xs);
            Neighbors exact = flat.search(q, 10);
            double r1 = recallAt10(exact, ivf.search(q, 10, SearchParams.builder().nprobe(1).build()));
            double r4 = recallAt10(exact, ivf.search(q, 10, SearchParams.builder().nprobe(4).build()));
            double r32 = recallAt10(exact, ivf.search(q, 10, SearchParams.builder().nprobe(32).build()));
            assertTrue(r1 > 0.5, "recall@10 at nprobe 1: " + r1);
            assertTrue(r4 >= r1, r4 + " < " + r1);
            assertEquals(1.0, r32, 1e-12);
        }
    }

    static double recallAt10(Neighbors exact, Neighbors got) {
        int hits = 0;
        for (int i = 0; i < exact.nq(); i++) {
            java.util.Set<Long> truth = new java.util.HashSet<>();
            for (int j = 0; j < 10; j++) truth.add(exact.label(i, j));
            for (int j = 0; j < 10; j++) if (truth.contains(got.label(i, j))) hits++;
        }
        return hits / (10.0 * exact.nq());
    }

    @Test
    void reconstructAfterAddSeesTheNewVectorsOnceTheDirectMapIsBuilt() {
        try (IvfIndex ivf = new IvfIndex(8, 4, Metric.L2, new FlatCodec(8), backend);
             FloatMatrix xs = TestData.uniform(600, 8, 21)) {
            ivf.setKMeansParams(KMeansParams.FAISS_DEFAULTS.withNiter(5));
            ivf.train(xs);
            ivf.add(xs.rowRange(0, 200));
            assertArrayEquals(xs.row(150), ivf.reconstruct(150)); // builds the direct map
            assertThrows(IllegalArgumentException.class, () -> ivf.reconstruct(250));
            ivf.add(xs.rowRange(200, 200)); // ids 200..399 after the map exists
            long[] ids = new long[200];
            for (int i = 0; i < ids.length; i++) ids[i] = 7_000_000_000L + 5L * i; // sparse ids beyond int
            ivf.addWithIds(xs.rowRange(400, 200), ids);
            for (int i = 0; i < 400; i++) assertArrayEquals(xs.row(i), ivf.reconstruct(i), "id " + i);
            for (int i = 0; i < 200; i++) assertArrayEquals(xs.row(400 + i), ivf.reconstruct(ids[i]), "id " + ids[i]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ivf.reconstruct(400));
            assertTrue(e.getMessage().contains("400"), e.getMessage());
            try (FloatMatrix first = ivf.reconstructN(0, 401)) { // id 400 is absent: a zero row
                for (int i = 0; i < 400; i++) assertArrayEquals(xs.row(i), first.row(i), "row " + i);
                assertArrayEquals(new float[8], first.row(400));
            }
        }
    }

    @Test
    void theDirectMapStaysOutOfTheFaissFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (Index ivf = IndexFactory.create(8, "IVF4,Flat", Metric.L2, backend);
             FloatMatrix xs = TestData.uniform(300, 8, 23)) {
            ivf.train(xs);
            ivf.add(xs);
            java.nio.file.Path before = dir.resolve("before.index");
            java.nio.file.Path after = dir.resolve("after.index");
            dev.komsu.io.FaissIndexes.write(ivf, before);
            assertArrayEquals(xs.row(7), ivf.reconstruct(7)); // builds the direct map
            dev.komsu.io.FaissIndexes.write(ivf, after);
            assertArrayEquals(java.nio.file.Files.readAllBytes(before), java.nio.file.Files.readAllBytes(after));
            try (Index back = dev.komsu.io.FaissIndexes.read(after)) {
                assertArrayEquals(xs.row(299), back.reconstruct(299));
            }
        }
    }

    @Test
    void fastScanIvfReconstructsByIdThroughTheDirectMapToo() {
        try (Index ivf = IndexFactory.create(16, "IVF4,PQ8x4fs", Metric.L2, backend);
             FloatMatrix xs = TestData.uniform(1000, 16, 22)) {
            ivf.train(xs);
            ivf.add(xs);
            try (FloatMatrix all = ivf.reconstructN(0, 1000)) {
                for (int i = 0; i < 1000; i += 97) assertArrayEquals(all.row(i), ivf.reconstruct(i), "id " + i);
            }
        }
    }

    @Test
    void manyListsGrowAndCompactWithoutLosingEntries() {
        // 90k 64-d rows into 3 lists, the compaction threshold lowered from 64 MiB so that the
        // slab is compacted while the lists grow
        int d = 64;
        try (IvfIndex ivf = new IvfIndex(d, 3, Metric.L2, new FlatCodec(d), backend);
             FloatMatrix xs = TestData.blobs(90_000, d, 3, 11)) {
            ivf.setKMeansParams(KMeansParams.FAISS_DEFAULTS.withNiter(3));
            ivf.train(xs.rowRange(0, 3000));
            ivf.invertedLists().minWasteToCompact = 1 << 20;
            for (int b = 0; b < 9; b++) ivf.add(xs.rowRange(b * 10_000L, 10_000));
            assertTrue(ivf.invertedLists().compactions() > 0, "the slab was compacted");
            assertEquals(90_000, ivf.ntotal());
            assertEquals(90_000, ivf.invertedLists().totalSize());
            SplittableRandom r = new SplittableRandom(1);
            for (int t = 0; t < 20; t++) {
                long id = r.nextLong(90_000);
                Neighbors one = ivf.search(xs.rowRange(id, 1), 1, SearchParams.builder().nprobe(3).build());
                assertEquals(0f, one.distance(0, 0));
            }
        }
    }

    @Test
    void refusesToTrainOnFewerPointsThanLists() {
        // add and search before training: IndexTestCase
        try (IvfIndex ivf = new IvfIndex(4, 2, Metric.L2, new FlatCodec(4), backend);
             FloatMatrix xs = TestData.uniform(10, 4, 1)) {
            assertThrows(IllegalArgumentException.class, () -> ivf.train(xs.rowRange(0, 1)));
        }
    }
}
