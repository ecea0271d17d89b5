package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.HnswCoarseQuantizer;
import dev.komsu.index.IvfIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * IVF with an HNSW coarse quantiser ("IVF{n}_HNSW{M},…", an IHNf nested in the IVF header) both
 * ways with the installed faiss 1.7.3: faiss's files load in komsu, search to faiss's results at
 * nprobe 1 and 8 (with the quantiser's stored efSearch, and with another one asked for at search
 * time) and are written back byte for byte; komsu's files load in faiss, which searches them
 * alike and writes them back byte for byte; untrained files (an empty graph) go both ways too.
 * 256 lists, so the graph walk (not a scan of every centroid) decides which lists are probed.
 */
class IvfHnswFaissInteropTest extends FaissInteropTestBase {
    private static final int D = 32;
    private static final int N = 12_000;
    private static final int NQ = 100;
    private static final int K = 10;
    private static final int NLIST = 256;
    /** (nprobe, efSearch asked for at search time, 0 for the stored one). */
    private static final int[][] SEARCHES = {{1, 0}, {8, 0}, {8, 64}};

    IvfHnswFaissInteropTest() {
        super(11, N, NQ, D, 20);
    }

    private static SearchParams params(int[] search) {
        return SearchParams.builder().nprobe(search[0]).efSearch(search[1]).build();
    }

    /** faiss searches {@code idx} (its quantiser {@code quant}) at every setting of {@link #SEARCHES}, saving name_i_D/I.npy. */
    private static String faissSearches(String name) {
        StringBuilder py = new StringBuilder("stored = quant.hnsw.efSearch\nq = np.load('queries.npy')\n");
        for (int i = 0; i < SEARCHES.length; i++) {
            py.append("idx.nprobe = %d; quant.hnsw.efSearch = %s\n".formatted(SEARCHES[i][0],
                    SEARCHES[i][1] == 0 ? "stored" : Integer.toString(SEARCHES[i][1])));
            py.append("D, I = idx.search(q, %d); np.save('%s_%d_D.npy', D); np.save('%s_%d_I.npy', I)\n"
                    .formatted(K, name, i, name, i));
        }
        return py.append("quant.hnsw.efSearch = stored\n").toString();
    }

    private void assertFaissResults(String name, Index index) throws IOException {
        for (int i = 0; i < SEARCHES.length; i++) {
            String what = name + " nprobe " + SEARCHES[i][0] + " efSearch " + SEARCHES[i][1];
            ApproximateResults.assertMatch(Npy.readLongs(dir.resolve(name + "_" + i + "_I.npy")),
                    Npy.readFloats(dir.resolve(name + "_" + i + "_D.npy")), index.search(queries, K, params(SEARCHES[i])), what);
        }
    }

    @Test
    void faissFilesSearchToFaissResultsAndWriteBackByteForByte() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        String[][] built = {{"flat_l2", "IVF256_HNSW32,Flat", "faiss.METRIC_L2", "16"},
                {"flat_ip", "IVF256_HNSW16,Flat", "faiss.METRIC_INNER_PRODUCT", "4"},
                {"fs_l2", "IVF256_HNSW32,PQ8x4fs", "faiss.METRIC_L2", "16"}};
        for (String[] b : built) {
            DebianPython.runOk("""
                    import faiss, numpy as np
                    faiss.omp_set_num_threads(1)
                    x = np.load('data.npy')
                    idx = faiss.index_factory(x.shape[1], '%s', %s)
                    idx.train(x); idx.add(x)
                    quant = faiss.downcast_index(idx.quantizer)
                    quant.hnsw.efSearch = %s
                    faiss.write_index(idx, '%s.index')
                    """.formatted(b[1], b[2], b[3], b[0]) + faissSearches(b[0]), dir);
            Path f = dir.resolve(b[0] + ".index");
            try (Index index = FaissIndexes.read(f)) {
                IvfIndex ivf = assertInstanceOf(IvfIndex.class, index);
                HnswCoarseQuantizer q = assertInstanceOf(HnswCoarseQuantizer.class, ivf.quantizer());
                assertEquals(NLIST, q.ntotal());
                assertEquals(Integer.parseInt(b[3]), q.graph().efSearch(), b[0] + ": the quantiser's stored efSearch");
                assertFaissResults(b[0], index);
                Path back = dir.resolve(b[0] + "_back.index");
                FaissIndexes.write(index, back);
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(back), b[0] + ": written back byte for byte");
            }
        }
    }

    @Test
    void komsuFilesLoadInFaissSearchAlikeAndWriteBackByteForByte() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        String[][] built = {{"komsu_flat_l2", "IVF256_HNSW32,Flat", "L2"}, {"komsu_fs_ip", "IVF256_HNSW8,PQ8x4fs", "INNER_PRODUCT"}};
        try (ComputeBackend one = Backends.cpu(1)) {
            for (String[] b : built) {
                try (Index index = IndexFactory.create(D, b[1], Metric.valueOf(b[2]), one)) {
                    index.train(data);
                    index.add(data);
                    FaissIndexes.write(index, dir.resolve(b[0] + ".index"));
                    DebianPython.runOk("""
                            import faiss, numpy as np
                            faiss.omp_set_num_threads(1)
                            idx = faiss.read_index('%s.index')
                            quant = faiss.downcast_index(idx.quantizer)
                            assert isinstance(quant, faiss.IndexHNSWFlat), quant
                            faiss.write_index(idx, '%s_back.index')
                            """.formatted(b[0], b[0]) + faissSearches(b[0]), dir);
                    assertArrayEquals(Files.readAllBytes(dir.resolve(b[0] + ".index")),
                            Files.readAllBytes(dir.resolve(b[0] + "_back.index")), b[0] + ": faiss writes it back byte for byte");
                    assertFaissResults(b[0], index);
                }
            }
        }
    }

    /** faiss writes an untrained IVF_HNSW (an empty graph, entry point -1); komsu reads it, trains it, and faiss reads komsu's. */
    @Test
    void untrainedFilesLoadBothWaysAndTrainInKomsu() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        DebianPython.runOk("""
                import faiss
                faiss.write_index(faiss.index_factory(%d, 'IVF64_HNSW16,Flat'), 'untrained.index')
                """.formatted(D), dir);
        Path f = dir.resolve("untrained.index");
        Path back = dir.resolve("untrained_back.index");
        try (Index index = FaissIndexes.read(f)) {
            IvfIndex ivf = assertInstanceOf(IvfIndex.class, index);
            assertEquals(false, ivf.isTrained());
            assertEquals(0, ivf.quantizer().ntotal());
            FaissIndexes.write(index, back);
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(back), "an untrained file is written back byte for byte");
            index.train(data);
            index.add(data);
            HnswCoarseQuantizer q = assertInstanceOf(HnswCoarseQuantizer.class, ivf.quantizer());
            assertEquals(64, q.graph().size());
            assertEquals(16, q.graph().m(), "the file's M survives training");
            FaissIndexes.write(index, dir.resolve("trained.index"));
        }
        DebianPython.runOk("""
                import faiss
                idx = faiss.read_index('trained.index')
                assert idx.is_trained and idx.ntotal == %d and faiss.downcast_index(idx.quantizer).hnsw.max_level >= 0
                """.formatted(N), dir);
    }
}
