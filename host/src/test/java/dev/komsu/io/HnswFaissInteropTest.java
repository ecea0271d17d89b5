package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.HnswIndex;
import dev.komsu.index.hnsw.HnswGraph;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * HNSW both ways with the installed faiss 1.7.3 (Debian's python3-faiss): faiss's IHNf files load
 * and search to faiss's labels at efSearch 16 and 64, are written back byte for byte; a graph
 * komsu builds on one thread has faiss's levels and (distances aside) faiss's links, and faiss
 * reads it, searches it alike and writes it back byte for byte.
 */
class HnswFaissInteropTest extends FaissInteropTestBase {
    private static final int D = 32;
    private static final int N = 3000;
    private static final int NQ = 100;
    private static final int K = 10;

    HnswFaissInteropTest() {
        super(7, N, NQ, D, 5);
    }

    /** faiss builds on one thread, writes, and searches at efSearch 16 and 64. */
    private void faissBuilds(String name, int m, String metric) {
        DebianPython.runOk("""
                import faiss, numpy as np
                faiss.omp_set_num_threads(1)
                x = np.load('data.npy'); q = np.load('queries.npy')
                idx = faiss.IndexHNSWFlat(x.shape[1], %d, %s)
                idx.add(x)
                faiss.write_index(idx, '%s.index')
                for ef in (16, 64):
                    idx.hnsw.efSearch = ef
                    D, I = idx.search(q, %d)
                    np.save('%s_%%d_D.npy' %% ef, D); np.save('%s_%%d_I.npy' %% ef, I)
                """.formatted(m, metric, name, K, name, name), dir);
    }

    @Test
    void faissFilesSearchToFaissLabelsAndWriteBackByteForByte() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        faissBuilds("l2", 32, "faiss.METRIC_L2");
        faissBuilds("ip", 16, "faiss.METRIC_INNER_PRODUCT");
        for (String name : new String[]{"l2", "ip"}) {
            Path f = dir.resolve(name + ".index");
            try (Index index = FaissIndexes.read(f)) {
                HnswIndex h = assertInstanceOf(HnswIndex.class, index);
                assertEquals(16, h.graph().efSearch(), "stored efSearch is the default");
                for (int ef : new int[]{16, 64}) {
                    Neighbors r = index.search(queries, K, ef == 16 ? SearchParams.DEFAULTS : SearchParams.builder().efSearch(ef).build());
                    assertSameLabelsTiesAside(name + "_" + ef, r, K);
                }
                Path back = dir.resolve(name + "_back.index");
                FaissIndexes.write(index, back);
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(back), name + ": written back byte for byte");
            }
        }
    }

    @Test
    void komsuBuildsFaissGraphOnOneThreadAndFaissReadsIt() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        faissBuilds("l2", 32, "faiss.METRIC_L2");
        try (ComputeBackend one = Backends.cpu(1);
             Index faiss = FaissIndexes.read(dir.resolve("l2.index"));
             Index komsu = IndexFactory.create(D, "HNSW32", Metric.L2, one)) {
            komsu.add(data);
            HnswGraph fg = ((HnswIndex) faiss).graph();
            HnswGraph kg = ((HnswIndex) komsu).graph();
            assertArrayEquals(fg.assignProbas(), kg.assignProbas(), "level probabilities");
            assertArrayEquals(fg.cumNeighborsPerLevel(), kg.cumNeighborsPerLevel());
            assertArrayEquals(fg.levels(), kg.levels(), "levels drawn from faiss's generator");
            assertArrayEquals(fg.offsets(), kg.offsets());
            assertEquals(fg.entryPoint(), kg.entryPoint());
            assertEquals(fg.maxLevel(), kg.maxLevel());
            int[] a = fg.neighbors();
            int[] b = kg.neighbors();
            int same = 0;
            for (int i = 0; i < a.length; i++) if (a[i] == b[i]) same++;
            // Distances summed in another order may flip a near tie and change a few links.
            assertTrue(same >= 0.999 * a.length, "links equal to faiss's: " + same + " of " + a.length);

            Path mine = dir.resolve("komsu.index");
            FaissIndexes.write(komsu, mine);
            Neighbors r = komsu.search(queries, K, SearchParams.builder().efSearch(64).build());
            DebianPython.runOk("""
                    import faiss, numpy as np
                    idx = faiss.read_index('komsu.index')
                    faiss.write_index(idx, 'komsu_back.index')
                    idx.hnsw.efSearch = 64
                    D, I = idx.search(np.load('queries.npy'), %d)
                    np.save('komsu_64_D.npy', D); np.save('komsu_64_I.npy', I)
                    """.formatted(K), dir);
            assertArrayEquals(Files.readAllBytes(mine), Files.readAllBytes(dir.resolve("komsu_back.index")),
                    "faiss writes komsu's file back byte for byte");
            assertSameLabelsTiesAside("komsu_64", r, K);
        }
    }

    @Test
    void addingToALoadedGraphDrawsLevelsAsFaissDoesAfterReading() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        faissBuilds("l2", 16, "faiss.METRIC_L2");
        // faiss's generator is not in the file: a read index restarts it from its seed.
        DebianPython.runOk("""
                import faiss, numpy as np
                faiss.omp_set_num_threads(1)
                idx = faiss.read_index('l2.index')
                idx.add(np.load('queries.npy'))
                faiss.write_index(idx, 'l2_more.index')
                """, dir);
        try (ComputeBackend one = Backends.cpu(1);
             LoadedIndex loaded = FaissIndexes.load(dir.resolve("l2.index"), one);
             Index faissMore = FaissIndexes.read(dir.resolve("l2_more.index"))) {
            loaded.index().add(queries);
            HnswGraph mine = ((HnswIndex) loaded.index()).graph();
            HnswGraph theirs = ((HnswIndex) faissMore).graph();
            assertArrayEquals(theirs.levels(), mine.levels(), "levels of the added nodes");
            assertArrayEquals(theirs.offsets(), mine.offsets());
            assertEquals(N + NQ, loaded.index().ntotal());
        }
    }
}
