package dev.komsu;

import static dev.komsu.SuiteReference.assertSameResults;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.komsu.index.TestVectors;
import dev.komsu.io.ApproximateResults;
import dev.komsu.io.DebianFaiss;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The index conformance suite, Lucene's {@code BaseKnnVectorsFormatTestCase} for komsu's
 * indexes: every contract an {@link Index} built by {@link IndexFactory} keeps, checked through
 * the public API only, for each {@linkplain #rows() row} of a subclass on each of its
 * {@linkplain #backends() backends}.
 *
 * <p><b>A new index type extends this; a new backend runs these.</b> An index family's test class
 * lists its factory strings, one row or more for each grammar form of {@link IndexFactory#FORMS}
 * it builds ({@code IndexFormsCoverageTest} fails while a form has no row), and overrides a hook
 * where its type differs (recall of a lossy codec, tolerance of quantised distances). A backend
 * module's tests run the families on it with {@link OnBackends} (the OpenCL run lives in
 * komsu-cli's tests, which have every backend on the class path).
 *
 * <p>The contracts: dimension, NaN and k errors that leave the index as it was; training before
 * adding; an empty index and short result lists padded with faiss's empty slots (label -1,
 * distance FLT_MAX for L2 and -FLT_MAX for inner product); {@code add} then {@code addWithIds}
 * where the type takes ids (refused where not); {@code reconstruct}; results equal to brute force
 * when every list is probed for exact codecs (the decoded vectors' distances otherwise); a faiss
 * file written and read back, by komsu on this backend and on the scalar reference and by
 * Debian's faiss, searching alike; 16 concurrent searches equal to the serial ones; adds racing
 * searches refused or completed, never a corrupt index; faiss's everyday operations where faiss
 * has them, refused clearly where it does not: {@code removeIds} (then brute force over what is
 * left), {@code rangeSearch} (brute force over the stored vectors) and {@code mergeFrom} (two
 * halves merged search as the index built in one go). Data are small (1000 16-d vectors): on
 * this 2-core machine the 320 tests per backend took about 50 s (scalar), 67 s (cpu) and 65 s
 * (OpenCL on PoCL) of test time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class IndexTestCase {
    protected static final int D = 16;
    private static final int N = 1000;
    private static final int NQ = 60;
    private static final int K = 10;
    /** nprobe and kFactor for searches that should not visit everything. */
    private static final SearchParams PARTIAL = SearchParams.builder().nprobe(3).kFactor(2).build();

    /** One factory string standing for a grammar form of {@link IndexFactory#FORMS}, with a metric. */
    public record Row(String form, String factory, Metric metric) {
        @Override
        public String toString() {
            return factory + " " + metric;
        }
    }

    /** A row on one backend: what each contract runs once. */
    public record Case(Row row, String backend) {
        @Override
        public String toString() {
            return row + " on " + backend;
        }
    }

    private final SuiteBackends backendsOpen = new SuiteBackends();
    private final SuiteIndexes built = new SuiteIndexes();
    private FloatMatrix base;
    private FloatMatrix queries;

    protected static Row row(String form, String factory, Metric metric) {
        return new Row(form, factory, metric);
    }

    /** The factory strings this index family covers. */
    protected abstract List<Row> rows();

    /** Backends by provider name: scalar and cpu, or those {@link OnBackends} names on this class or one enclosing it. */
    protected List<String> backends() {
        for (Class<?> c = getClass(); c != null; c = c.getEnclosingClass()) {
            OnBackends on = c.getAnnotation(OnBackends.class);
            if (on != null) return List.of(on.value());
        }
        return List.of("scalar", "cpu");
    }

    /** Whether search visiting every list (and refining every candidate) is exact search: Flat codes or RFlat. */
    protected boolean exact(Row r) {
        return Grammar.core(r.factory).equals("Flat") || r.factory.endsWith(",RFlat");
    }

    /** Whether the type must be trained before adding: IVF and quantised codes do, Flat does not. */
    protected boolean needsTraining(Row r) {
        return Grammar.nlist(r.factory) > 0 || !Grammar.core(r.factory).equals("Flat");
    }

    /**
     * Whether the same adds always give the same index. A graph built on several threads does
     * not (faiss's HNSW neither): its racing-adds check compares recall, not results.
     */
    protected boolean addIsDeterministic(Row r) {
        return true;
    }

    /** Whether {@code add} numbers vectors by row (faiss's IDMap wants ids). */
    protected boolean supportsAdd(Row r) {
        return !Grammar.idMapped(r.factory);
    }

    /** Whether {@code addWithIds} takes caller ids: IVF indexes and IDMap do, as in faiss; RFlat and exhaustive codes do not. */
    protected boolean supportsAddWithIds(Row r) {
        return Grammar.idMapped(r.factory) || (Grammar.nlist(r.factory) > 0 && !r.factory.endsWith(",RFlat"));
    }

    /**
     * Fraction of the exact top 10 a lossy row finds when every list is probed, on this suite's
     * data: a margin below what was measured (PQ4 0.69-0.77, PQ8x4 0.55-0.60, PQ8x4fs 0.54-0.63,
     * SQ8 0.98-0.99). A new lossy codec overrides this.
     */
    protected double minRecall(Row r) {
        String codec = Grammar.core(r.factory);
        if (codec.equals("SQ8")) return 0.95;
        if (codec.matches("PQ\\d+x4(fs)?")) return 0.45;
        if (codec.matches("PQ\\d+(x8)?")) return 0.6;
        return 1.0;
    }

    /**
     * How far a lossy row's distances may be from its decoded vectors', as a fraction of the
     * row's largest: float rounding, except FastScan, which sums 8-bit rounded tables (each of M
     * entries off by up to half a step: a few percent in all).
     */
    protected double decodedDistanceTolerance(Row r) {
        return Grammar.core(r.factory).endsWith("x4fs") ? 0.05 : 1e-4;
    }

    Stream<Case> cases() {
        return rows().stream().flatMap(r -> backends().stream().map(b -> new Case(r, b)));
    }

    @BeforeAll
    void makeData() {
        base = TestVectors.clustered(N, D, 101);
        queries = TestVectors.clustered(NQ, D, 102);
    }

    @AfterAll
    void closeAll() {
        built.close();
        backendsOpen.close();
        base.close();
        queries.close();
    }

    /** A new index for the case, untrained. */
    protected Index create(Case c) {
        return IndexFactory.create(D, c.row.factory, c.row.metric, backendsOpen.get(c.backend));
    }

    private Index trained(Case c) {
        Index index = create(c);
        index.train(base);
        return index;
    }

    /** The case's index trained and holding the base, shared by the contracts that only search it. */
    private Index builtIndex(Case c) {
        return built.get(c.toString(), () -> {
            Index index = trained(c);
            add(c.row, index, base, 0);
            return index;
        });
    }

    /** The id a vector added as row {@code row} gets: its row, or a spread-out id where the type wants ids. */
    protected long idOf(Row r, long row) {
        return supportsAdd(r) ? row : 1_000_000 + 7 * row;
    }

    private void add(Row r, Index index, FloatMatrix xs, long firstRow) {
        if (supportsAdd(r)) {
            index.add(xs);
        } else {
            long[] ids = new long[(int) xs.rows()];
            for (int i = 0; i < ids.length; i++) ids[i] = idOf(r, firstRow + i);
            index.addWithIds(xs, ids);
        }
    }

    /** Every list probed, every candidate refined, and a graph's candidate list as long as the index. */
    private static SearchParams everything(Row r) {
        return SearchParams.builder().nprobe(Math.max(1, Grammar.nlist(r.factory))).kFactor(N).efSearch(N).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsRefusedAndLeavesTheIndexAsItWas(Case c) {
        Index index = builtIndex(c);
        Neighbors before = index.search(queries, K, PARTIAL);
        try (FloatMatrix wide = TestVectors.clustered(3, D + 1, 5); FloatMatrix nan = TestVectors.clustered(3, D, 6);
             FloatMatrix inf = TestVectors.clustered(3, D, 7)) {
            nan.set(1, 4, Float.NaN);
            inf.set(2, 0, Float.POSITIVE_INFINITY);
            assertMessage("dimension", assertThrows(IllegalArgumentException.class, () -> add(c.row, index, wide, N)));
            assertMessage("dimension", assertThrows(IllegalArgumentException.class, () -> index.search(wide, K, PARTIAL)));
            assertMessage("NaN", assertThrows(IllegalArgumentException.class, () -> index.search(nan, K, PARTIAL)));
            assertMessage("NaN", assertThrows(IllegalArgumentException.class, () -> add(c.row, index, nan, N)));
            assertMessage("Infinity", assertThrows(IllegalArgumentException.class, () -> add(c.row, index, inf, N)));
            assertMessage("k must be > 0", assertThrows(IllegalArgumentException.class, () -> index.search(queries, 0, PARTIAL)));
            assertMessage("k must be > 0", assertThrows(IllegalArgumentException.class, () -> index.search(queries, -3, PARTIAL)));
            if (supportsAddWithIds(c.row)) {
                assertMessage("ids", assertThrows(IllegalArgumentException.class,
                        () -> index.addWithIds(nan.rowRange(0, 1), new long[] {1, 2})));
            }
        }
        assertEquals(N, index.ntotal(), "refused adds add nothing");
        assertSameResults(before, index.search(queries, K, PARTIAL), c + ": after the refusals");
    }

    private static void assertMessage(String expected, Exception e) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(expected), "message lacks '" + expected + "': " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trainingComesBeforeAdding(Case c) {
        try (Index index = create(c)) {
            boolean needsTraining = needsTraining(c.row);
            assertEquals(!needsTraining, index.isTrained(), c + ": trained at creation");
            assertEquals(0, index.ntotal());
            if (needsTraining) {
                assertThrows(IllegalStateException.class, () -> add(c.row, index, base.rowRange(0, 5), 0));
                assertThrows(IllegalStateException.class, () -> index.search(queries, K, PARTIAL));
                assertEquals(0, index.ntotal(), "a refused add adds nothing");
            }
            try (FloatMatrix wide = TestVectors.clustered(300, D + 1, 5)) {
                assertMessage("dimension", assertThrows(IllegalArgumentException.class, () -> index.train(wide)));
            }
            index.train(base);
            assertTrue(index.isTrained());
            add(c.row, index, base.rowRange(0, 5), 0);
            assertEquals(5, index.ntotal());
            assertEquals(D, index.dim());
            assertEquals(c.row.metric, index.metric());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void emptyAndShortResultListsArePaddedWithFaissEmptySlots(Case c) {
        float empty = c.row.metric.isSimilarity() ? -Float.MAX_VALUE : Float.MAX_VALUE;
        try (Index index = trained(c)) {
            Neighbors none = index.search(queries, 5, everything(c.row));
            for (int i = 0; i < none.labels().length; i++) {
                assertEquals(-1L, none.labels()[i], c + ": empty index, slot " + i);
                assertEquals(empty, none.distances()[i], c + ": empty index, slot " + i);
            }
            add(c.row, index, base.rowRange(0, 10), 0);
            Set<Long> stored = new HashSet<>();
            for (int i = 0; i < 10; i++) stored.add(idOf(c.row, i));
            for (SearchParams p : List.of(everything(c.row), SearchParams.DEFAULTS)) {
                Neighbors r = index.search(queries, 16, p);
                for (int q = 0; q < NQ; q++) {
                    int found = 0;
                    while (found < 16 && r.label(q, found) >= 0) found++;
                    if (p != SearchParams.DEFAULTS || Grammar.nlist(c.row.factory) == 0) {
                        assertEquals(10, found, c + ": query " + q + " finds every stored vector with " + p);
                    }
                    for (int j = 0; j < found; j++) assertTrue(stored.contains(r.label(q, j)), c + ": label " + r.label(q, j));
                    for (int j = found; j < 16; j++) {
                        assertEquals(-1L, r.label(q, j), c + ": query " + q + " slot " + j + " after the last result");
                        assertEquals(empty, r.distance(q, j), c + ": query " + q + " slot " + j);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void addThenAddWithIdsKeepsBothNumberings(Case c) {
        try (Index index = trained(c)) {
            if (!supportsAdd(c.row)) {
                assertThrows(UnsupportedOperationException.class, () -> index.add(base.rowRange(0, 5)));
            }
            add(c.row, index, base.rowRange(0, 300), 0);
            long[] ids = new long[300];
            for (int i = 0; i < ids.length; i++) ids[i] = 7_000_000_000L + 5L * i; // sparse, beyond int
            if (!supportsAddWithIds(c.row)) {
                assertThrows(UnsupportedOperationException.class, () -> index.addWithIds(base.rowRange(300, 300), ids));
                assertEquals(300, index.ntotal(), "a refused addWithIds adds nothing");
                return;
            }
            index.addWithIds(base.rowRange(300, 300), ids);
            assertEquals(600, index.ntotal());
            long[] idByRow = new long[600];
            for (int i = 0; i < 600; i++) idByRow[i] = i < 300 ? idOf(c.row, i) : ids[i - 300];
            for (int i = 0; i < 600; i += 37) {
                assertReconstructs(c.row, base.row(i), index.reconstruct(idByRow[i]), "id " + idByRow[i]);
            }
            try (FloatMatrix stored = base.rowRange(0, 600)) {
                assertSearchMatchesBruteForce(c.row, index, stored, idByRow);
            }
        }
    }

    /** Whether faiss implements remove_ids for the type: not for HNSW or RFlat (refused, as by faiss). */
    protected boolean supportsRemove(Row r) {
        return !Grammar.core(r.factory).startsWith("HNSW") && !r.factory.endsWith(",RFlat");
    }

    /** Whether removal renumbers the rest (Flat and exhaustive codes, ids = row numbers) rather than keeping their ids. */
    protected boolean removalRenumbers(Row r) {
        return Grammar.nlist(r.factory) == 0 && !Grammar.idMapped(r.factory);
    }

    /**
     * Whether range search applies: not for HNSW, exhaustive codes or bare FastScan (faiss 1.7.3
     * has none; refused), but for Flat, IVF with Flat/PQ/SQ8 and anything under RFlat.
     */
    protected boolean supportsRangeSearch(Row r) {
        String core = Grammar.core(r.factory);
        if (r.factory.endsWith(",RFlat")) return true;
        if (core.startsWith("HNSW")) return false;
        if (Grammar.nlist(r.factory) == 0) return core.equals("Flat");
        return !core.endsWith("x4fs");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void removeIdsRemovesTheSelectedVectorsOrRefusesAsFaiss(Case c) {
        try (Index index = trained(c)) {
            add(c.row, index, base, 0);
            java.util.Set<Long> selected = new HashSet<>();
            for (int i = 0; i < N; i++) if (i % 7 == 3) selected.add(idOf(c.row, i));
            if (!supportsRemove(c.row)) {
                Neighbors before = index.search(queries, K, PARTIAL);
                assertMessage("remove_ids", assertThrows(UnsupportedOperationException.class,
                        () -> index.removeIds(IdSelector.batch(selected.stream().mapToLong(Long::longValue).toArray()))));
                assertEquals(N, index.ntotal(), "a refused removal removes nothing");
                assertSameResults(before, index.search(queries, K, PARTIAL), c + ": after the refusal");
                return;
            }
            long[] batch = selected.stream().mapToLong(Long::longValue).toArray();
            assertEquals(batch.length, index.removeIds(IdSelector.batch(batch)), c + ": count removed");
            boolean renumbers = removalRenumbers(c.row);
            // kept ids stay: the same batch again removes nothing (renumbered rows took some of those ids)
            if (!renumbers) assertEquals(0, index.removeIds(IdSelector.batch(batch)), c + ": removing them again");
            // then a range, in the ids the rest have now
            java.util.List<Integer> kept = new java.util.ArrayList<>();
            for (int i = 0; i < N; i++) if (i % 7 != 3) kept.add(i);
            long lo = renumbers ? 100 : idOf(c.row, 100), hi = renumbers ? 150 : idOf(c.row, 150);
            long inRange = renumbers ? 50 : kept.stream().filter(i -> i >= 100 && i < 150).count();
            assertEquals(inRange, index.removeIds(IdSelector.range(lo, hi)), c + ": count removed by the range");
            kept.removeIf(i -> renumbers ? kept.indexOf(i) >= 100 && kept.indexOf(i) < 150 : i >= 100 && i < 150);
            assertEquals(kept.size(), index.ntotal());
            long[] idByRow = new long[kept.size()];
            try (FloatMatrix stored = FloatMatrix.allocate(kept.size(), D)) {
                for (int j = 0; j < kept.size(); j++) {
                    idByRow[j] = renumbers ? j : idOf(c.row, kept.get(j));
                    stored.setRow(j, base.row(kept.get(j)), 0);
                }
                assertSearchMatchesBruteForce(c.row, index, stored, idByRow);
                assertReconstructs(c.row, stored.row(kept.size() - 1), index.reconstruct(idByRow[kept.size() - 1]), "the last kept");
            }
            if (!renumbers) assertThrows(IllegalArgumentException.class, () -> index.reconstruct(batch[0]));
            // the index takes adds after a removal, numbered on from its new ntotal
            add(c.row, index, base.rowRange(0, 10), N);
            assertEquals(kept.size() + 10, index.ntotal());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rangeSearchFindsEveryStoredVectorWithinTheRadiusOrRefusesAsFaiss(Case c) {
        Index index = builtIndex(c);
        if (!supportsRangeSearch(c.row)) {
            assertMessage("range", assertThrows(UnsupportedOperationException.class, () -> index.rangeSearch(queries, 1f, PARTIAL)));
            return;
        }
        long[] ids = new long[N];
        float[][] stored = new float[N][];
        for (int i = 0; i < N; i++) {
            ids[i] = idOf(c.row, i);
            stored[i] = index.reconstruct(ids[i]);
        }
        boolean normalise = Grammar.normalises(c.row.factory);
        float radius = SuiteRange.radius(SuiteReference.knn(base, queries, 20, c.row.metric, normalise, ids), 19);
        RangeSearchResult all = index.rangeSearch(queries, radius, everything(c.row));
        SuiteRange.assertMatchesBruteForce(c, all, queries, normalise, stored, ids, c.row.metric, radius, 1e-4);
        assertTrue(all.total() > NQ, c + ": the radius finds something (" + all.total() + " hits)");
        // fewer lists probed: a subset, with the same distances
        RangeSearchResult some = index.rangeSearch(queries, radius, PARTIAL);
        java.util.Map<String, Float> full = new java.util.HashMap<>();
        for (int q = 0; q < NQ; q++) {
            for (long i = all.lims()[q]; i < all.lims()[q + 1]; i++) full.put(q + ":" + all.labels()[(int) i], all.distances()[(int) i]);
        }
        for (int q = 0; q < NQ; q++) {
            for (long i = some.lims()[q]; i < some.lims()[q + 1]; i++) {
                assertEquals(full.get(q + ":" + some.labels()[(int) i]), some.distances()[(int) i], c + ": query " + q + " with nprobe 3");
            }
        }
        try (FloatMatrix none = FloatMatrix.allocate(0, D)) {
            assertEquals(1, index.rangeSearch(none, radius, PARTIAL).lims().length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(120)
    void concurrentRangeSearchesEqualSerialOnes(Case c) throws Exception {
        if (!supportsRangeSearch(c.row)) return; // refused: rangeSearchFindsEveryStoredVector... checks how
        Index index = builtIndex(c);
        float radius = SuiteRange.radius(index.search(queries, 20, PARTIAL), 19);
        RangeSearchResult serial = index.rangeSearch(queries, radius, PARTIAL);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<RangeSearchResult>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return index.rangeSearch(queries, radius, PARTIAL);
                }));
            }
            start.countDown();
            for (var f : runs) {
                RangeSearchResult r = f.get();
                assertArrayEquals(serial.lims(), r.lims(), c + ": lims");
                assertArrayEquals(serial.labels(), r.labels(), c + ": labels");
                assertArrayEquals(serial.distances(), r.distances(), c + ": distances");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mergeFromOfTwoHalvesEqualsTheIndexBuiltInOneGoOrRefusesAsFaiss(Case c, @TempDir Path dir) throws IOException {
        Path trainedFile = dir.resolve("trained.faiss");
        try (Index a = trained(c)) {
            FaissIndexes.write(a, trainedFile); // the same training for both halves, as faiss's merge needs
            try (Index b = FaissIndexes.read(trainedFile, backendsOpen.get(c.backend))) {
                add(c.row, a, base.rowRange(0, N / 2), 0);
                add(c.row, b, base.rowRange(N / 2, N / 2), N / 2);
                // ids that follow on: IVF shifts b's 0..n-1 by add_id; row-numbered types and user ids need none
                long addId = Grammar.nlist(c.row.factory) > 0 && !Grammar.idMapped(c.row.factory) ? N / 2 : 0;
                if (!supportsRemove(c.row)) { // HNSW and RFlat: faiss has no merge_from for them either
                    assertMessage("merge_from", assertThrows(UnsupportedOperationException.class, () -> a.mergeFrom(b, addId)));
                    assertEquals(N / 2, b.ntotal(), "a refused merge leaves the other index");
                    return;
                }
                a.mergeFrom(b, addId);
                assertEquals(N, a.ntotal());
                assertEquals(0, b.ntotal(), "merge_from empties the other index");
                assertSameResults(builtIndex(c).search(queries, K, PARTIAL), a.search(queries, K, PARTIAL), c + ": merged halves");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reconstructReturnsTheStoredVectors(Case c) {
        Index index = builtIndex(c);
        for (int i = 0; i < N; i += 53) assertReconstructs(c.row, base.row(i), index.reconstruct(idOf(c.row, i)), "row " + i);
        if (supportsAdd(c.row)) {
            try (FloatMatrix some = index.reconstructN(40, 20)) {
                for (int i = 0; i < 20; i++) assertArrayEquals(index.reconstruct(40 + i), some.row(i), c + ": reconstructN row " + i);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> index.reconstruct(idOf(c.row, N)));
    }

    /** Exactly the stored vector for exact rows (normalised under L2norm); near it for lossy codecs. */
    private void assertReconstructs(Row r, float[] original, float[] got, String what) {
        float[] stored = Grammar.normalises(r.factory) ? Grammar.normalised(original) : original;
        if (exact(r)) {
            assertArrayEquals(stored, got, 1e-6f, r + ": " + what);
            return;
        }
        double err = 0;
        double norm = 0;
        for (int j = 0; j < D; j++) {
            err += (got[j] - stored[j]) * (got[j] - stored[j]);
            norm += stored[j] * stored[j];
        }
        // the clusters are 10 apart and noise 1 per coordinate: a decoded vector lands near its own
        assertTrue(err < 0.25 * norm, r + ": " + what + " decodes " + Math.sqrt(err) + " away from a vector of norm " + Math.sqrt(norm));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void searchingEveryListIsBruteForceOverWhatTheCodecStores(Case c) {
        long[] ids = new long[N];
        for (int i = 0; i < N; i++) ids[i] = idOf(c.row, i);
        assertSearchMatchesBruteForce(c.row, builtIndex(c), base, ids);
    }

    private void assertSearchMatchesBruteForce(Row r, Index index, FloatMatrix stored, long[] idByRow) {
        Neighbors exact = SuiteReference.knn(stored, queries, K, r.metric, Grammar.normalises(r.factory), idByRow);
        Neighbors got = index.search(queries, K, everything(r));
        if (exact(r)) {
            ApproximateResults.assertMatch(exact.labels(), exact.distances(), got, r + " against brute force");
            // nprobe beyond nlist is clamped, as in faiss
            SearchParams beyond = everything(r).toBuilder().nprobe(3 * Math.max(1, Grammar.nlist(r.factory))).build();
            assertSameResults(got, index.search(queries, K, beyond), r + ": nprobe beyond nlist");
            return;
        }
        SuiteReference.assertDecodedDistances(r, index, queries, got, Grammar.normalises(r.factory), decodedDistanceTolerance(r));
        double recall = TestVectors.recall(exact, got);
        assertTrue(recall >= minRecall(r), r + ": recall@" + K + " " + recall + " < " + minRecall(r));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aWrittenFileReadsBackToTheSameSearchHereAndOnTheScalarReference(Case c, @TempDir Path dir) throws IOException {
        Index index = builtIndex(c);
        Path file = dir.resolve("index.faiss");
        FaissIndexes.write(index, file);
        Neighbors want = index.search(queries, K, PARTIAL);
        try (Index back = FaissIndexes.read(file, backendsOpen.get(c.backend))) {
            assertEquals(index.ntotal(), back.ntotal());
            assertEquals(index.metric(), back.metric());
            assertEquals(D, back.dim());
            assertSameResults(want, back.search(queries, K, PARTIAL), c + ": read back");
            assertArrayEquals(index.reconstruct(idOf(c.row, 7)), back.reconstruct(idOf(c.row, 7)), c + ": reconstruct");
        }
        try (Index reference = FaissIndexes.read(file, backendsOpen.get("scalar"))) {
            Neighbors scalar = reference.search(queries, K, PARTIAL);
            ApproximateResults.assertMatch(scalar.labels(), scalar.distances(), want, c + " against the scalar reference");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void faissSearchesTheWrittenFileAlike(Case c, @TempDir Path dir) throws IOException {
        DebianFaiss.assumeAvailable();
        assertFaissAgrees(c, builtIndex(c), K, PARTIAL, dir);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void faissPadsShortResultListsAlike(Case c, @TempDir Path dir) throws IOException {
        DebianFaiss.assumeAvailable();
        try (Index index = trained(c)) {
            add(c.row, index, base.rowRange(0, 10), 0);
            assertFaissAgrees(c, index, 16, SearchParams.DEFAULTS, dir);
        }
    }

    private void assertFaissAgrees(Case c, Index index, int k, SearchParams p, Path dir) throws IOException {
        // faiss 1.7.3 trains, adds and writes IVF-Flat under L1 / L-infinity but aborts the process
        // when it searches one (checked with Debian's python3-faiss): brute force is the reference there.
        assumeFalse(c.row.metric.isElementwise() && Grammar.nlist(c.row.factory) > 0, "faiss 1.7.3 cannot search IVF with " + c.row.metric);
        Path file = dir.resolve("index.faiss");
        Path q = dir.resolve("queries.npy");
        FaissIndexes.write(index, file);
        Npy.write(q, queries);
        DebianFaiss.Results faiss = DebianFaiss.search(file, q, k, p.nprobe(), p.kFactor(), dir.resolve("faiss"));
        ApproximateResults.assertMatch(faiss.labels(), faiss.distances(), index.search(queries, k, p), c + " against faiss");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(120)
    void concurrentSearchesEqualSerialOnesBitForBit(Case c) throws Exception {
        SuiteConcurrency.assertConcurrentSearchesEqualSerialOnes(builtIndex(c), queries, c.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(120)
    void addsRacingSearchesAreRefusedOrCompleteAndLeaveTheSerialIndex(Case c) throws Exception {
        try (Index index = trained(c); Index serial = trained(c)) {
            add(c.row, index, base.rowRange(0, 300), 0);
            SuiteConcurrency.addWhileSearching(index, queries, PARTIAL, () -> {
                for (int from = 300; from < N; from += 50) {
                    int first = from;
                    SuiteConcurrency.retryWhileRefused(() -> add(c.row, index, base.rowRange(first, 50), first));
                }
            });
            add(c.row, serial, base.rowRange(0, 300), 0);
            for (int from = 300; from < N; from += 50) add(c.row, serial, base.rowRange(from, 50), from);
            assertEquals(N, index.ntotal());
            if (addIsDeterministic(c.row)) {
                assertSameResults(serial.search(queries, K, PARTIAL), index.search(queries, K, PARTIAL), c + ": after racing adds");
            } else {
                // two builds in different orders differ; searched to the end, both find the same neighbours
                double recall = TestVectors.recall(serial.search(queries, K, everything(c.row)),
                        index.search(queries, K, everything(c.row)));
                assertTrue(recall >= minRecall(c.row), c + ": after racing adds, recall@" + K + " of the serial results " + recall);
            }
        }
    }
}
