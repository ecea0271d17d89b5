package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.CodeLayout;
import dev.komsu.index.FastScanCodec;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.InvertedLists;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IVF PQ FastScan ({@code IwPf} + {@code ilbl}) files: faiss's in komsu, komsu's in faiss. */
class FastScanInteropTest {
    private static final int K = 8;
    private static final String FILE = "ivf64_pq32x4fs_rflat.index";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"1, 1, ivf64_pq32x4fs_rflat_nprobe1", "8, 1, ivf64_pq32x4fs_rflat_nprobe8",
                "8, 4, ivf64_pq32x4fs_rflat_nprobe8_k_factor_rf4"})
    void faissFileReproducesFaissResults(int nprobe, int kFactor, String results) throws IOException {
        try (LoadedIndex loaded = FaissIndexes.load(InteropFiles.file(FILE), Backends.defaultCpu());
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            RefineFlatIndex refine = assertInstanceOf(RefineFlatIndex.class, loaded.index());
            IvfIndex fs = assertInstanceOf(IvfIndex.class, refine.base());
            FastScanCodec codec = assertInstanceOf(FastScanCodec.class, fs.codec());
            assertEquals(64, fs.nlist());
            assertEquals(32, codec.productQuantizer().m());
            assertEquals(5000, fs.ntotal());
            assertFalse(codec.byResidual(), "the file says by_residual = false");
            SearchParams params = SearchParams.builder().nprobe(nprobe).kFactor(kFactor).build();
            Neighbors r = refine.search(queries, K, params);
            long[] labels = Npy.readLongs(InteropFiles.file(results + "_I.npy"));
            float[] distances = Npy.readFloats(InteropFiles.file(results + "_D.npy"));
            if (K * kFactor <= 20) {
                // faiss's HeapHandler (k <= 20), whose tie semantics komsu follows: same candidates
                ApproximateResults.assertMatch(labels, distances, r, results);
            } else {
                assertSameExceptBoundaryTies(fs, queries, nprobe, K * kFactor, labels, distances, r, results);
            }
        }
    }

    /**
     * For more than 20 candidates faiss keeps them in a reservoir that resolves equal uint16
     * distances at the k-th candidate in its own order, so a query may get a different
     * candidate set. Checks that every query whose refined result differs from faiss's differs
     * only by labels whose FastScan distance equals the last candidate's (a tie at the cut),
     * and that such queries are few.
     */
    private static float stageDistance(Neighbors stage, long id) {
        for (int j = 0; j < stage.k(); j++) if (stage.label(0, j) == id) return stage.distance(0, j);
        return Float.NaN;
    }

    private static void assertSameExceptBoundaryTies(IvfIndex fs, FloatMatrix queries, int nprobe, int candidates,
                                                     long[] labels, float[] distances, Neighbors r, String what) {
        int explained = 0;
        for (int q = 0; q < r.nq(); q++) {
            long[] e = Arrays.copyOfRange(labels, q * K, q * K + K);
            long[] g = Arrays.copyOfRange(r.labels(), q * K, q * K + K);
            if (Arrays.equals(e, g)) {
                for (int j = 0; j < K; j++) {
                    float d = distances[q * K + j];
                    assertEquals(d, r.distance(q, j), 1e-5f * Math.max(1f, d), what + " query " + q);
                }
                continue;
            }
            try (FloatMatrix one = queries.rowRange(q, 1).copy()) {
                Neighbors stage = fs.search(one, 1000, SearchParams.builder().nprobe(nprobe).build());
                float cut = stage.distance(0, candidates - 1);
                java.util.Set<Long> faissSet = new java.util.HashSet<>();
                for (long id : e) faissSet.add(id);
                java.util.Set<Long> ourSet = new java.util.HashSet<>();
                for (long id : g) ourSet.add(id);
                // Each differing label is tied with the last candidate (in one candidate set, not
                // the other) or was pushed below rank K by such a tied candidate's better exact
                // distance; at least one tie must be there to start it.
                int ties = 0;
                for (int j = 0; j < K; j++) {
                    if (faissSet.contains(g[j])) continue;
                    boolean tied = Math.abs(stageDistance(stage, g[j]) - cut) <= 1e-4f * cut;
                    if (tied) ties++;
                    assertTrue(tied || distances[q * K + K - 1] <= r.distance(q, j), what + " query " + q
                            + ": our label " + g[j] + " is not in faiss's result and no tie explains it");
                }
                for (int j = 0; j < K; j++) {
                    if (ourSet.contains(e[j])) continue;
                    boolean tied = Math.abs(stageDistance(stage, e[j]) - cut) <= 1e-4f * cut
                            || Float.isNaN(stageDistance(stage, e[j]));
                    if (tied) ties++;
                    assertTrue(tied || r.distance(q, K - 1) <= distances[q * K + j], what + " query " + q
                            + ": faiss's label " + e[j] + " is missing and no tie explains it");
                }
                assertTrue(ties > 0, what + " query " + q + ": results differ without a tie at the candidate cut");
            }
            explained++;
        }
        assertTrue(explained <= r.nq() / 20, what + ": " + explained + " queries differ by boundary ties");
    }

    /**
     * k = 20: faiss keeps k <= 20 results in its HeapHandler (larger k: a reservoir whose final
     * unstable sort orders ties arbitrarily), whose semantics komsu's QuantizedTopK follows.
     */
    @ParameterizedTest
    @CsvSource({"1", "8"})
    void fastScanStageMatchesFaissUint16Results(int nprobe) throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        Path file = InteropFiles.file(FILE);
        String script = String.join("\n",
                "import faiss, numpy as np",
                "faiss.omp_set_num_threads(1)",
                "index = faiss.read_index('" + file + "')",
                "base = faiss.downcast_index(index.base_index)",
                "base.nprobe = " + nprobe,
                "q = np.load('" + InteropFiles.file("queries.npy") + "')",
                "D, I = base.search(q, 20)",
                "np.save('D.npy', D.astype('float32'))",
                "np.save('I.npy', I.astype('int64'))");
        DebianPython.runOk(script, tmp);
        try (Index index = FaissIndexes.read(file);
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            Index base = ((RefineFlatIndex) index).base();
            Neighbors r = base.search(queries, 20, SearchParams.builder().nprobe(nprobe).build());
            ApproximateResults.assertMatch(Npy.readLongs(tmp.resolve("I.npy")), Npy.readFloats(tmp.resolve("D.npy")), r,
                    "FastScan stage nprobe " + nprobe);
        }
    }

    @Test
    void unpackedCodesAreFaissPqCodesOfTheStoredVectors() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        Path file = InteropFiles.file(FILE);
        // without residuals each stored code is faiss's PQ code of the data row with that id
        String script = String.join("\n",
                "import faiss, numpy as np",
                "index = faiss.read_index('" + file + "')",
                "base = faiss.downcast_index(index.base_index)",
                "x = np.load('" + InteropFiles.file("data.npy") + "')",
                "np.save('C.npy', base.pq.compute_codes(x).astype('int32'))");
        DebianPython.runOk(script, tmp);
        int[] codes = Npy.readInts(tmp.resolve("C.npy"));
        try (Index index = FaissIndexes.read(file)) {
            IvfIndex fs = (IvfIndex) ((RefineFlatIndex) index).base();
            InvertedLists lists = fs.invertedLists();
            int cs = lists.codeSize();
            assertEquals(5000 * cs, codes.length);
            long checked = 0;
            for (int l = 0; l < fs.nlist(); l++) {
                for (long j = 0; j < lists.size(l); j++) {
                    int id = (int) lists.id(l, j);
                    byte[] flat = lists.code(l, j).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                    for (int b = 0; b < cs; b++) {
                        assertEquals(codes[id * cs + b], flat[b] & 0xff, "list " + l + " entry " + j + " (id " + id + ") byte " + b);
                    }
                    checked++;
                }
            }
            assertEquals(5000, checked);
        }
    }

    @Test
    void repackingFaissCodesGivesFaissBytes() throws IOException {
        try (Index index = FaissIndexes.read(InteropFiles.file(FILE))) {
            IvfIndex fs = (IvfIndex) ((RefineFlatIndex) index).base();
            InvertedLists faiss = fs.invertedLists();
            int m = ((FastScanCodec) fs.codec()).productQuantizer().m();
            try (InvertedLists ours = new InvertedLists(fs.nlist(), CodeLayout.blocks(m))) {
                for (int l = 0; l < fs.nlist(); l++) {
                    int n = (int) faiss.size(l);
                    // entry by entry from an empty list: each code is packed beside the block's earlier ones
                    for (int j = 0; j < n; j++) ours.append(l, faiss.id(l, j), faiss.code(l, j), 0);
                    assertEquals(-1, ours.codes(l).mismatch(faiss.codes(l)), "list " + l + " codes");
                    assertEquals(-1, ours.ids(l).mismatch(faiss.ids(l)), "list " + l + " ids");
                }
            }
        }
    }

    @Test
    void rewritingTheFaissFileGivesTheSameBytes() throws IOException {
        Path copy = tmp.resolve(FILE);
        try (LoadedIndex loaded = FaissIndexes.load(InteropFiles.file(FILE), Backends.defaultCpu())) {
            FaissIndexes.write(loaded.index(), copy, loaded.storedParams());
        }
        assertEquals(-1, Files.mismatch(InteropFiles.file(FILE), copy));
    }

    @ParameterizedTest
    @CsvSource({"'IVF32,PQ32x4fs', 4", "'IVF32,PQ31x4fs,RFlat', 4", "'PQ32x4fs', 1", "'PQ31x4fs', 1"})
    void komsuFilesOpenInFaissWithTheSameResults(String factory, int nprobe) throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        Path file = tmp.resolve("komsu.index");
        int d = factory.contains("PQ31") ? 248 : 256; // odd M needs d divisible by 31
        try (FloatMatrix all = Npy.readMatrix(InteropFiles.file("data.npy"));
             FloatMatrix allQ = Npy.readMatrix(InteropFiles.file("queries.npy"));
             FloatMatrix data = firstColumns(all, all.rows(), d);
             FloatMatrix queries = firstColumns(allQ, 50, d);
             Index index = IndexFactory.create(d, factory, Metric.L2)) {
            index.train(data);
            index.add(data);
            SearchParams params = SearchParams.builder().nprobe(nprobe).kFactor(2).build();
            Neighbors ours = index.search(queries, K, params);
            FaissIndexes.write(index, file, params);
            Npy.write(tmp.resolve("q.npy"), queries);
            String script = String.join("\n",
                    "import faiss, numpy as np",
                    "faiss.omp_set_num_threads(1)",
                    "index = faiss.read_index('komsu.index')",
                    "q = np.load('q.npy')",
                    "ps = faiss.ParameterSpace()",
                    "if " + (factory.startsWith("IVF") ? "True" : "False") + ": ps.set_index_parameter(index, 'nprobe', " + nprobe + ")",
                    "if " + (factory.endsWith("RFlat") ? "True" : "False") + ": ps.set_index_parameter(index, 'k_factor_rf', 2)",
                    "D, I = index.search(q, " + K + ")",
                    "np.save('D.npy', D.astype('float32'))",
                    "np.save('I.npy', I.astype('int64'))",
                    "print(type(index).__name__, index.ntotal)");
            String out = DebianPython.runOk(script, tmp);
            assertTrue(out.contains("5000"), out);
            ApproximateResults.assertMatch(Npy.readLongs(tmp.resolve("I.npy")), Npy.readFloats(tmp.resolve("D.npy")), ours,
                    factory + " read by faiss (" + out.strip() + ")");
        }
    }

    @Test
    void faissPqFastScanFileReproducesFaissResultsAndRewritesByteForByte() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        String script = String.join("\n",
                "import faiss, numpy as np",
                "faiss.omp_set_num_threads(1)",
                "x = np.load('" + InteropFiles.file("data.npy") + "')",
                "q = np.load('" + InteropFiles.file("queries.npy") + "')",
                "index = faiss.index_factory(256, 'PQ32x4fs')",
                "index.train(x)",
                "index.add(x[:4999])",  // ragged: the last block is partly padding
                "faiss.write_index(index, 'pqfs.index')",
                "D, I = index.search(q, " + K + ")",
                "np.save('D.npy', D.astype('float32'))",
                "np.save('I.npy', I.astype('int64'))");
        DebianPython.runOk(script, tmp);
        Path file = tmp.resolve("pqfs.index");
        try (LoadedIndex loaded = FaissIndexes.load(file, Backends.defaultCpu());
             FloatMatrix queries = Npy.readMatrix(InteropFiles.file("queries.npy"))) {
            FlatCodesIndex index = assertInstanceOf(FlatCodesIndex.class, loaded.index());
            assertInstanceOf(FastScanCodec.class, index.codec());
            assertEquals(4999, index.ntotal());
            Neighbors r = index.search(queries, K);
            ApproximateResults.assertMatch(Npy.readLongs(tmp.resolve("I.npy")), Npy.readFloats(tmp.resolve("D.npy")), r,
                    "IndexPQFastScan");
            Path copy = tmp.resolve("copy.index");
            FaissIndexes.write(index, copy, loaded.storedParams());
            assertEquals(-1, Files.mismatch(file, copy));
        }
    }

    private static FloatMatrix firstColumns(FloatMatrix m, long rows, int d) {
        float[][] out = new float[(int) rows][];
        for (int i = 0; i < rows; i++) out[i] = Arrays.copyOf(m.row(i), d);
        return FloatMatrix.of(out);
    }

    @Test
    void truncatedFilesRaiseIndexFormatException() throws IOException {
        byte[] bytes = Files.readAllBytes(InteropFiles.file(FILE));
        // header, the PQ block, the ilbl header, a list's ids, a list's codes, the end
        for (long cut : new long[] {20, 120, 70000, 86000, 86100, 90000, bytes.length / 2, bytes.length - 5}) {
            Path f = tmp.resolve("cut.index");
            Files.write(f, Arrays.copyOf(bytes, (int) cut));
            IndexFormatException e = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(f).close(),
                    "cut at " + cut);
            assertTrue(e.offset() <= cut, e.getMessage());
        }
    }
}
