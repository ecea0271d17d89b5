package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.HnswIndex;
import dev.komsu.index.Sq8Codec;
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
 * HNSW over SQ8 codes (faiss IndexHNSWSQ, {@code IHNs}) both ways with the installed faiss 1.7.3
 * (Debian's python3-faiss): faiss's files load, search to faiss's labels at efSearch 16 and 64
 * and are written back byte for byte; komsu trains, encodes and (on one thread, on the scalar
 * reference whose sums are faiss's generic build's) links exactly as faiss does, also when
 * adding to a file it read, and faiss reads komsu's file, searches it alike and writes it back
 * byte for byte.
 */
class HnswSq8FaissInteropTest extends FaissInteropTestBase {
    private static final int D = 24;
    private static final int N = 2000;
    private static final int NQ = 100;
    private static final int K = 10;

    HnswSq8FaissInteropTest() {
        super(11, N, NQ, D, 5);
    }

    /** faiss builds "HNSW{m},SQ8" on one thread, writes it, and searches at efSearch 16 and 64. */
    private void faissBuilds(String name, int m, String metric) {
        DebianPython.runOk("""
                import faiss, numpy as np
                faiss.omp_set_num_threads(1)
                x = np.load('data.npy'); q = np.load('queries.npy')
                idx = faiss.index_factory(x.shape[1], 'HNSW%d,SQ8', %s)
                assert isinstance(idx, faiss.IndexHNSWSQ)
                idx.train(x)
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
                assertTrue(h.storesSq8(), name);
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
    void komsuTrainsEncodesAndLinksAsFaissAndFaissReadsItsFile() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        faissBuilds("l2", 16, "faiss.METRIC_L2");
        try (ComputeBackend scalar = Backends.scalar();
             Index faiss = FaissIndexes.read(dir.resolve("l2.index"));
             Index komsu = IndexFactory.create(D, "HNSW16,SQ8", Metric.L2, scalar)) {
            komsu.train(data);
            komsu.add(data);
            HnswIndex fh = (HnswIndex) faiss;
            HnswIndex kh = (HnswIndex) komsu;
            FlatCodesIndex fs = (FlatCodesIndex) fh.storage();
            FlatCodesIndex ks = (FlatCodesIndex) kh.storage();
            assertArrayEquals(((Sq8Codec) fs.codec()).scalarQuantizer().trained(),
                    ((Sq8Codec) ks.codec()).scalarQuantizer().trained(), "SQ8 ranges trained as faiss trains them");
            assertEquals(-1, fs.codes().codes(0).mismatch(ks.codes().codes(0)), "codes encoded as faiss encodes them");
            HnswGraph fg = fh.graph();
            HnswGraph kg = kh.graph();
            assertArrayEquals(fg.levels(), kg.levels(), "levels drawn from faiss's generator");
            assertArrayEquals(fg.offsets(), kg.offsets());
            assertEquals(fg.entryPoint(), kg.entryPoint());
            assertEquals(fg.maxLevel(), kg.maxLevel());
            // float queries against codes while inserting, decoded code against code when
            // shrinking a list, summed in faiss's order: the very same links
            assertArrayEquals(fg.neighbors(), kg.neighbors(), "links");

            Path mine = dir.resolve("komsu.index");
            FaissIndexes.write(komsu, mine);
            assertArrayEquals(Files.readAllBytes(dir.resolve("l2.index")), Files.readAllBytes(mine),
                    "komsu's file is faiss's, byte for byte");
        }
        // the same build on the Vector API backend and its threads: faiss reads it and searches it alike
        try (Index komsu = IndexFactory.create(D, "HNSW16,SQ8", Metric.L2)) {
            komsu.train(data);
            komsu.add(data);
            Path mine = dir.resolve("komsu_cpu.index");
            FaissIndexes.write(komsu, mine);
            Neighbors r = komsu.search(queries, K, SearchParams.builder().efSearch(64).build());
            DebianPython.runOk("""
                    import faiss, numpy as np
                    idx = faiss.read_index('komsu_cpu.index')
                    assert isinstance(idx, faiss.IndexHNSWSQ)
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
    void addingToALoadedFileGivesFaisssFileByteForByte() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        faissBuilds("l2", 16, "faiss.METRIC_L2");
        DebianPython.runOk("""
                import faiss, numpy as np
                faiss.omp_set_num_threads(1)
                idx = faiss.read_index('l2.index')
                idx.add(np.load('queries.npy'))
                faiss.write_index(idx, 'l2_more.index')
                """, dir);
        try (ComputeBackend scalar = Backends.scalar();
             LoadedIndex loaded = FaissIndexes.load(dir.resolve("l2.index"), scalar)) {
            loaded.index().add(queries);
            Path mine = dir.resolve("l2_more_komsu.index");
            FaissIndexes.write(loaded.index(), mine);
            assertArrayEquals(Files.readAllBytes(dir.resolve("l2_more.index")), Files.readAllBytes(mine),
                    "codes appended, levels drawn and links made as faiss's after reading");
        }
    }
}
