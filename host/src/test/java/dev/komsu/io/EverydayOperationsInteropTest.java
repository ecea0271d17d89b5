package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.IdSelector;
import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.RangeSearchResult;
import dev.komsu.SearchParams;
import dev.komsu.index.TestVectors;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * removeIds, rangeSearch and mergeFrom against Debian's faiss 1.7.3 on the same files: the
 * operation done by komsu and by faiss on one file gives the same count, the same bytes
 * written and the same search results; where faiss 1.7.3 lacks the operation (FastScan
 * removal, RFlat range search) an index rebuilt without the removed vectors, or an exact
 * search, is the reference, and faiss still reads and searches what komsu wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EverydayOperationsInteropTest {
    private static final int D = 16, N = 1000, NQ = 40, K = 10;
    private static final SearchParams NPROBE3 = SearchParams.builder().nprobe(3).build();
    /** Sets nprobe on every IVF level of a faiss index, as DebianFaiss does. */
    private static final String PY_PRELUDE = """
            import faiss, numpy as np
            faiss.omp_set_num_threads(1)
            # exact distances in Flat range search at any batch size (faiss switches to the norm
            # expansion through BLAS from 20 queries on, which loses about 1e-5 relative)
            faiss.cvar.distance_compute_blas_threshold = 1 << 30
            def nprobe(idx, p):
                idx = faiss.downcast_index(idx)
                if isinstance(idx, (faiss.IndexPreTransform, faiss.IndexIDMap, faiss.IndexIDMap2)):
                    nprobe(idx.index, p)
                elif isinstance(idx, faiss.IndexRefine):
                    nprobe(idx.base_index, p)
                elif isinstance(idx, faiss.IndexIVF):
                    idx.nprobe = p
            """;

    private FloatMatrix base;
    private FloatMatrix queries;
    @TempDir
    Path dir;

    @BeforeAll
    void data() {
        base = TestVectors.clustered(N, D, 301);
        queries = TestVectors.clustered(NQ, D, 302);
    }

    @AfterAll
    void close() {
        base.close();
        queries.close();
    }

    private Index built(String factory, Metric metric) {
        Index index = IndexFactory.create(D, factory, metric);
        index.train(base);
        if (factory.startsWith("IDMap")) index.addWithIds(base, userIds());
        else index.add(base);
        return index;
    }

    private static long[] userIds() {
        long[] ids = new long[N];
        for (int i = 0; i < N; i++) ids[i] = 3L * i + 5;
        return ids;
    }

    private String py(String script) throws IOException {
        Npy.write(dir.resolve("q.npy"), queries);
        Npy.write(dir.resolve("x.npy"), base);
        return DebianPython.runOk(PY_PRELUDE + script, dir);
    }

    private static Metric metric(String m) {
        return m.equals("ip") ? Metric.INNER_PRODUCT : Metric.L2;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {"Flat|l2|batch", "IVF8,Flat|l2|batch", "IVF8,Flat|ip|range", "IVF8,PQ4|l2|batch",
            "IVF8,SQ8|ip|batch", "IDMap,Flat|l2|batch", "SQ8|l2|range", "PQ4x4fs|l2|batch", "L2norm,IVF8,Flat|ip|batch"})
    void removeIdsLeavesTheFileAndResultsFaissLeaves(String factory, String m, String selector) throws IOException {
        DebianFaiss.assumeAvailable();
        long[] ids = new long[N / 5];
        for (int i = 0; i < ids.length; i++) ids[i] = factory.startsWith("IDMap") ? 3L * (5 * i + 2) + 5 : 5L * i + 2;
        ids[0] = 123_456_789; // not stored: not counted
        try (Index index = built(factory, metric(m))) {
            FaissIndexes.write(index, dir.resolve("before.index"));
            Npy.writeLongs(dir.resolve("ids.npy"), ids, ids.length);
            String sel = selector.equals("range") ? "faiss.IDSelectorRange(100, 400)" : "np.load('ids.npy')";
            String count = py("idx = faiss.read_index('before.index')\n"
                    + "n = idx.remove_ids(" + sel + ")\n"
                    + "faiss.write_index(idx, 'faiss.index')\n"
                    + "nprobe(idx, 3)\n"
                    + "D, I = idx.search(np.load('q.npy'), " + K + ")\n"
                    + "np.save('D.npy', D); np.save('I.npy', I)\nprint(n)\n").strip();
            long removed = index.removeIds(selector.equals("range") ? IdSelector.range(100, 400) : IdSelector.batch(ids));
            assertEquals(Long.parseLong(count), removed, "count removed");
            FaissIndexes.write(index, dir.resolve("komsu.index"));
            if (factory.endsWith("fs")) {
                // faiss leaves the removed codes in the padding lanes of the last block; komsu zeroes
                // them, as a block grown by add has them: the same size, the same searches
                assertEquals(Files.size(dir.resolve("faiss.index")), Files.size(dir.resolve("komsu.index")));
            } else {
                assertArrayEquals(Files.readAllBytes(dir.resolve("faiss.index")), Files.readAllBytes(dir.resolve("komsu.index")),
                        factory + ": the file after removal is faiss's byte for byte");
            }
            DebianFaiss.Results faiss = DebianFaiss.search(dir.resolve("komsu.index"), dir.resolve("q.npy"), K, 3, 1, dir.resolve("f"));
            ApproximateResults.assertMatch(Npy.readLongs(dir.resolve("I.npy")), Npy.readFloats(dir.resolve("D.npy")),
                    new Neighbors(NQ, K, faiss.distances(), faiss.labels()), factory + ": faiss searching komsu's file after removal");
            ApproximateResults.assertMatch(Npy.readLongs(dir.resolve("I.npy")), Npy.readFloats(dir.resolve("D.npy")),
                    index.search(queries, K, NPROBE3), factory + " after removal, against faiss");
        }
    }

    /** faiss 1.7.3 aborts on remove_ids from FastScan lists: the reference is the same index filled with the kept vectors only. */
    @Test
    void removingFromIvfFastScanEqualsAnIndexBuiltWithoutThem() throws IOException {
        DebianFaiss.assumeAvailable();
        Path trained = dir.resolve("trained.index");
        try (Index empty = IndexFactory.create(D, "IVF8,PQ8x4fs", Metric.L2)) {
            empty.train(base);
            FaissIndexes.write(empty, trained);
        }
        try (Index index = FaissIndexes.read(trained); Index rebuilt = FaissIndexes.read(trained)) {
            index.add(base);
            assertEquals(N / 3 + 1, index.removeIds(id -> id % 3 == 0));
            int kept = N - (N / 3 + 1);
            long[] keptIds = new long[kept];
            try (FloatMatrix keptRows = FloatMatrix.allocate(kept, D)) {
                for (int i = 0, j = 0; i < N; i++) {
                    if (i % 3 == 0) continue;
                    keptIds[j] = i;
                    keptRows.setRow(j++, base.row(i), 0);
                }
                rebuilt.addWithIds(keptRows, keptIds);
            }
            Neighbors want = rebuilt.search(queries, K, NPROBE3);
            Neighbors got = index.search(queries, K, NPROBE3);
            ApproximateResults.assertMatch(want.labels(), want.distances(), got, "FastScan after removal against a rebuilt index");
            Path file = dir.resolve("removed.index");
            Npy.write(dir.resolve("q.npy"), queries);
            FaissIndexes.write(index, file);
            DebianFaiss.Results faiss = DebianFaiss.search(file, dir.resolve("q.npy"), K, 3, 1, dir.resolve("faiss"));
            ApproximateResults.assertMatch(faiss.labels(), faiss.distances(), got, "faiss searching the file written after removal");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {"Flat|l2", "Flat|ip", "IVF8,Flat|l2", "IVF8,Flat|ip", "IVF8,PQ4|l2", "IVF8,PQ4|ip",
            "IVF8,SQ8|l2", "IVF8,SQ8|ip", "IDMap,Flat|l2", "L2norm,IVF8,Flat|ip"})
    void rangeSearchFindsWhatFaissFinds(String factory, String m) throws IOException {
        DebianFaiss.assumeAvailable();
        try (Index index = built(factory, metric(m))) {
            float radius = radius(index.search(queries, 20, NPROBE3), 19);
            FaissIndexes.write(index, dir.resolve("index.index"));
            py("idx = faiss.read_index('index.index')\nnprobe(idx, 3)\n"
                    + "L, D, I = idx.range_search(np.load('q.npy'), " + radius + ")\n"
                    + "np.save('L.npy', L.astype('int64')); np.save('D.npy', D); np.save('I.npy', I)\n");
            assertSamePairs(factory + " " + m, metric(m), radius, Npy.readLongs(dir.resolve("L.npy")),
                    Npy.readFloats(dir.resolve("D.npy")), Npy.readLongs(dir.resolve("I.npy")), index.rangeSearch(queries, radius, NPROBE3));
        }
    }

    /** faiss 1.7.3's IndexRefine has no range search: with every list probed, komsu's is faiss's exact Flat range search. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {"IVF8,PQ8x4fs,RFlat|l2", "IVF8,PQ8x4fs,RFlat|ip", "SQ8,RFlat|l2"})
    void refineRangeSearchIsTheExactFlatRangeSearch(String factory, String m) throws IOException {
        DebianFaiss.assumeAvailable();
        Metric metric = metric(m);
        try (Index index = built(factory, metric)) {
            float radius = radius(index.search(queries, 20, SearchParams.builder().nprobe(8).kFactor(50).build()), 19);
            py("x = np.load('x.npy')\nidx = faiss.IndexFlat" + (metric == Metric.L2 ? "L2" : "IP") + "(x.shape[1]); idx.add(x)\n"
                    + "L, D, I = idx.range_search(np.load('q.npy'), " + radius + ")\n"
                    + "np.save('L.npy', L.astype('int64')); np.save('D.npy', D); np.save('I.npy', I)\n");
            RangeSearchResult all = index.rangeSearch(queries, radius, SearchParams.builder().nprobe(8).build());
            assertSamePairs(factory, metric, radius, Npy.readLongs(dir.resolve("L.npy")), Npy.readFloats(dir.resolve("D.npy")),
                    Npy.readLongs(dir.resolve("I.npy")), all);
            assertTrue(index.rangeSearch(queries, radius, NPROBE3).total() <= all.total(), "fewer lists, fewer hits");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"IVF8,Flat", "IVF8,PQ4", "IVF8,SQ8", "IVF8,PQ8x4fs"})
    void mergeFromGivesFaissFileAndTheIndexBuiltFromBothParts(String factory) throws IOException {
        DebianFaiss.assumeAvailable();
        Path trained = dir.resolve("trained.index");
        try (Index empty = IndexFactory.create(D, factory, Metric.L2)) {
            empty.train(base);
            FaissIndexes.write(empty, trained);
        }
        try (Index a = FaissIndexes.read(trained); Index b = FaissIndexes.read(trained); Index whole = FaissIndexes.read(trained)) {
            a.add(base.rowRange(0, 600));
            b.add(base.rowRange(600, 400));
            whole.add(base);
            a.mergeFrom(b, 600);
            assertEquals(N, a.ntotal());
            assertEquals(0, b.ntotal(), "merge_from empties the other index");
            Neighbors got = a.search(queries, K, NPROBE3);
            Neighbors want = whole.search(queries, K, NPROBE3);
            assertArrayEquals(want.labels(), got.labels(), factory + ": labels against the index built from both parts");
            assertArrayEquals(want.distances(), got.distances(), factory + ": distances against the index built from both parts");
            FaissIndexes.write(a, dir.resolve("komsu.index"));
            FaissIndexes.write(whole, dir.resolve("whole.index"));
            assertArrayEquals(Files.readAllBytes(dir.resolve("whole.index")), Files.readAllBytes(dir.resolve("komsu.index")),
                    factory + ": the merged file is the file of the index built from both parts");
            if (!factory.contains("fs")) { // faiss 1.7.3's block lists cannot be appended to one entry at a time
                py("a = faiss.read_index('trained.index'); b = faiss.read_index('trained.index'); x = np.load('x.npy')\n"
                        + "a.add(x[:600]); b.add(x[600:]); a.merge_from(b, 600)\nfaiss.write_index(a, 'faiss.index')\n");
                assertArrayEquals(Files.readAllBytes(dir.resolve("faiss.index")), Files.readAllBytes(dir.resolve("komsu.index")),
                        factory + ": the merged file is faiss's merge_from byte for byte");
            }
        }
    }

    @Test
    void mergeFromOfIdMapsShiftsTheOtherIdsAsFaiss() throws IOException {
        DebianFaiss.assumeAvailable();
        try (Index a = IndexFactory.create(D, "IDMap,Flat", Metric.L2); Index b = IndexFactory.create(D, "IDMap,Flat", Metric.L2)) {
            long[] ids = userIds();
            a.addWithIds(base.rowRange(0, 600), java.util.Arrays.copyOfRange(ids, 0, 600));
            b.addWithIds(base.rowRange(600, 400), java.util.Arrays.copyOfRange(ids, 600, 1000));
            FaissIndexes.write(a, dir.resolve("a.index"));
            FaissIndexes.write(b, dir.resolve("b.index"));
            a.mergeFrom(b, 1_000_000);
            FaissIndexes.write(a, dir.resolve("komsu.index"));
            py("a = faiss.read_index('a.index'); b = faiss.read_index('b.index'); a.merge_from(b, 1000000)\n"
                    + "faiss.write_index(a, 'faiss.index')\n");
            assertArrayEquals(Files.readAllBytes(dir.resolve("faiss.index")), Files.readAllBytes(dir.resolve("komsu.index")));
            assertArrayEquals(base.row(700), a.reconstruct(ids[700] + 1_000_000));
        }
    }

    @Test
    void mergingIndexesTrainedApartIsRefusedAndChangesNeither() {
        try (Index a = built("IVF8,PQ4", Metric.L2); Index b = IndexFactory.create(D, "IVF8,PQ4", Metric.L2);
             FloatMatrix other = TestVectors.clustered(N, D, 999)) {
            b.train(other);
            b.add(other.rowRange(0, 100));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.mergeFrom(b, 0));
            assertTrue(e.getMessage().contains("centroids"), e.getMessage());
            assertEquals(N, a.ntotal());
            assertEquals(100, b.ntotal());
            try (Index flat = built("IVF8,SQ8", Metric.L2)) {
                assertTrue(assertThrows(IllegalArgumentException.class, () -> a.mergeFrom(flat, 0)).getMessage().contains("codec"));
            }
        }
    }

    /** A mapped file's lists are views: removal copies what it changes, and the file stays as it was. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"Flat", "IVF8,SQ8", "PQ4x4fs", "IVF8,PQ8x4fs"})
    void removingFromAMappedIndexLeavesTheFileAndMatchesTheCopiedOne(String factory) throws IOException {
        Path file = dir.resolve("mapped.index");
        try (Index index = built(factory, Metric.L2)) {
            FaissIndexes.write(index, file);
        }
        byte[] before = Files.readAllBytes(file);
        try (LoadedIndex mapped = FaissIndexes.load(file, dev.komsu.kernels.Backends.defaultCpu(), LoadOptions.mapped());
             Index copied = FaissIndexes.read(file)) {
            IdSelector odd = id -> id % 2 == 1;
            assertEquals(N / 2, mapped.index().removeIds(odd));
            assertEquals(N / 2, copied.removeIds(odd));
            Neighbors want = copied.search(queries, K, NPROBE3);
            Neighbors got = mapped.index().search(queries, K, NPROBE3);
            assertArrayEquals(want.labels(), got.labels(), factory + ": labels");
            assertArrayEquals(want.distances(), got.distances(), factory + ": distances");
        }
        assertArrayEquals(before, Files.readAllBytes(file), "the mapped file is unchanged");
    }

    private static float radius(Neighbors r, int rank) {
        float[] d = new float[r.nq()];
        for (int q = 0; q < d.length; q++) d[q] = r.distance(q, rank);
        java.util.Arrays.sort(d);
        return d[d.length / 2];
    }

    /**
     * The same (query, id) pairs with distances within 1e-5 relative (1e-4 for PQ's table sums); a pair within that of the
     * radius may fall either way (float rounding decides it, in faiss as here).
     */
    private static void assertSamePairs(String what, Metric metric, float radius, long[] lims, float[] d, long[] ids,
                                        RangeSearchResult got) {
        assertEquals(lims.length, got.lims().length, what + ": lims length");
        // PQ: faiss sums per-sub-quantiser tables, komsu measures the decoded vector: 1e-4, as ApproximateResults
        double tol = what.contains("PQ") && !what.contains("RFlat") ? ApproximateResults.RELATIVE : 1e-5;
        int pairs = 0;
        for (int q = 0; q + 1 < lims.length; q++) {
            Map<Long, Float> mine = new HashMap<>();
            for (long i = got.lims()[q]; i < got.lims()[q + 1]; i++) mine.put(got.labels()[(int) i], got.distances()[(int) i]);
            for (long i = lims[q]; i < lims[q + 1]; i++) {
                float want = d[(int) i];
                Float have = mine.remove(ids[(int) i]);
                if (have == null) {
                    assertTrue(Math.abs(want - radius) <= tol * Math.max(1, Math.abs(radius)),
                            what + ": query " + q + " misses id " + ids[(int) i] + " at " + want + " (radius " + radius + ")");
                    continue;
                }
                assertEquals(want, have, tol * Math.max(1, Math.abs(want)), what + ": query " + q + " id " + ids[(int) i]);
                pairs++;
            }
            for (var e : mine.entrySet()) {
                assertTrue(Math.abs(e.getValue() - radius) <= tol * Math.max(1, Math.abs(radius)),
                        what + ": query " + q + " finds id " + e.getKey() + " at " + e.getValue() + " that faiss does not");
            }
        }
        assertTrue(pairs > lims.length, what + ": the radius finds something (" + pairs + " pairs)");
    }
}
