package dev.komsu.io;

import static dev.komsu.io.FaissInteropTest.assertSameResults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.IdMapIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.L2NormIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both directions with the installed faiss (Debian's python3-faiss, run as a subprocess):
 * files komsu writes are read by faiss and searched with the same results, and files faiss
 * writes with options the shared reference files lack (IDMap2, L2norm, direct maps, sparse
 * lists) are read by komsu with the same results.
 */
class FaissFaissInteropTest extends FaissInteropTestBase {
    private static final int D = 24;
    private static final int N = 1500;
    private static final int NQ = 40;
    private static final int K = 8;

    FaissFaissInteropTest() {
        super(42, N, NQ, D, 7);
    }

    /** faiss 1.7.3's downcast_index names IndexFlatL2/IP "IndexFlat"; the metric column tells them apart. */
    private record Case(String name, String factory, Metric metric, int nprobe, long addRows, String faissType) {
    }

    @Test
    void faissReadsWhatKomsuWritesAndSearchesAlike() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        List<Case> cases = List.of(
                new Case("flat_l2", "Flat", Metric.L2, 1, N, "IndexFlat"),
                new Case("flat_ip", "Flat", Metric.INNER_PRODUCT, 1, N, "IndexFlat"),
                new Case("ivf_l2", "IVF16,Flat", Metric.L2, 4, N, "IndexIVFFlat"),
                new Case("ivf_ip", "IVF16,Flat", Metric.INNER_PRODUCT, 3, N, "IndexIVFFlat"),
                new Case("ivf_sparse", "IVF64,Flat", Metric.L2, 64, 20, "IndexIVFFlat"),
                new Case("idmap_flat", "IDMap,Flat", Metric.L2, 1, N, "IndexIDMap"),
                new Case("idmap2_flat", "IDMap2,Flat", Metric.INNER_PRODUCT, 1, N, "IndexIDMap2"),
                new Case("l2norm_flat", "L2norm,Flat", Metric.INNER_PRODUCT, 1, N, "IndexPreTransform"),
                new Case("l2norm_ivf", "L2norm,IVF16,Flat", Metric.INNER_PRODUCT, 5, N, "IndexPreTransform"));
        List<Neighbors> komsu = new ArrayList<>();
        StringBuilder spec = new StringBuilder("[");
        for (Case c : cases) {
            try (Index index = IndexFactory.create(D, c.factory, c.metric, Backends.defaultCpu())) {
                index.train(data);
                try (FloatMatrix rows = data.rowRange(0, c.addRows)) {
                    if (index instanceof IdMapIndex) {
                        long[] ids = new long[(int) c.addRows];
                        for (int i = 0; i < ids.length; i++) ids[i] = 1_000_000L + 7L * i;
                        index.addWithIds(rows, ids);
                    } else {
                        index.add(rows);
                    }
                }
                SearchParams p = SearchParams.builder().nprobe(c.nprobe).build();
                komsu.add(index.search(queries, K, p));
                FaissIndexes.write(index, dir.resolve(c.name + ".index"));
                // komsu reads its own file back to the same results.
                try (Index back = FaissIndexes.read(dir.resolve(c.name + ".index"))) {
                    Neighbors again = back.search(queries, K, p);
                    assertSameResults(komsu.getLast().labels(), komsu.getLast().distances(), again, c.name + " re-read");
                }
            }
            spec.append("('").append(c.name).append("', ").append(c.nprobe).append("),");
        }
        String out = DebianPython.runOk("""
                import faiss, numpy as np
                faiss.omp_set_num_threads(1)
                q = np.load('queries.npy')
                for name, nprobe in %s]:
                    idx = faiss.read_index(name + '.index')
                    if nprobe > 1:
                        faiss.extract_index_ivf(idx).nprobe = nprobe
                    D, I = idx.search(q, %d)
                    np.save(name + '_D.npy', D)
                    np.save(name + '_I.npy', I)
                    print(name, type(faiss.downcast_index(idx)).__name__, idx.ntotal, idx.d, idx.metric_type)
                """.formatted(spec, K), dir);
        assertEquals(true, containsTag(dir.resolve("ivf_sparse.index"), "sprs"), "few non-empty lists: sizes as pairs, as faiss does");
        assertEquals(true, containsTag(dir.resolve("ivf_l2.index"), "full"));
        String[] lines = out.strip().split("\n");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String expectedLine = c.name + " " + c.faissType + " " + c.addRows + " " + D + " " + (c.metric == Metric.L2 ? 1 : 0);
            assertEquals(expectedLine, lines[lines.length - cases.size() + i].strip(), "what faiss read");
            assertSameResults(Npy.readLongs(dir.resolve(c.name + "_I.npy")), Npy.readFloats(dir.resolve(c.name + "_D.npy")),
                    komsu.get(i), c.name + " searched by faiss");
        }
    }

    @Test
    void komsuReadsFaissFilesWithIdMap2NormalisationDirectMapsAndSparseLists() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        DebianPython.runOk("""
                import faiss, numpy as np
                faiss.omp_set_num_threads(1)
                x = np.load('data.npy'); q = np.load('queries.npy'); d = x.shape[1]
                def save(name, idx, nprobe=1):
                    faiss.write_index(idx, name + '.index')
                    if nprobe > 1:
                        faiss.extract_index_ivf(idx).nprobe = nprobe
                    D, I = idx.search(q, 8)
                    np.save(name + '_D.npy', D); np.save(name + '_I.npy', I)
                ids = np.arange(len(x), dtype='int64') * 3 + 11
                m2 = faiss.index_factory(d, 'IDMap2,Flat'); m2.add_with_ids(x, ids); save('f_idmap2', m2)
                ln = faiss.index_factory(d, 'L2norm,Flat', faiss.METRIC_INNER_PRODUCT); ln.add(x); save('f_l2norm', ln)
                for kind, name in [(faiss.DirectMap.Array, 'f_dm_array'), (faiss.DirectMap.Hashtable, 'f_dm_hash')]:
                    ivf = faiss.index_factory(d, 'IVF16,Flat'); ivf.train(x); ivf.add(x)
                    ivf.set_direct_map_type(kind); ivf.nprobe = 3
                    save(name, ivf, 3)
                sp = faiss.index_factory(d, 'IVF64,Flat'); sp.train(x); sp.add(x[:20]); save('f_sparse', sp, 64)
                """, dir);
        String[][] files = {{"f_idmap2", "1"}, {"f_l2norm", "1"}, {"f_dm_array", "3"}, {"f_dm_hash", "3"}, {"f_sparse", "64"}};
        for (String[] f : files) {
            try (LoadedIndex loaded = FaissIndexes.load(dir.resolve(f[0] + ".index"), Backends.defaultCpu())) {
                int nprobe = Integer.parseInt(f[1]);
                if (f[0].startsWith("f_dm")) assertEquals(3, loaded.storedParams().nprobe(), "stored nprobe");
                Neighbors r = loaded.index().search(queries, K, SearchParams.builder().nprobe(nprobe).build());
                assertSameResults(Npy.readLongs(dir.resolve(f[0] + "_I.npy")), Npy.readFloats(dir.resolve(f[0] + "_D.npy")),
                        r, f[0]);
            }
        }
        try (Index m2 = FaissIndexes.read(dir.resolve("f_idmap2.index"))) {
            assertEquals(true, assertInstanceOf(IdMapIndex.class, m2).reverseMapped());
            assertEquals(data.get(5, 3), m2.reconstruct(5 * 3 + 11)[3], "IDMap2 reconstructs by user id");
        }
        try (Index ln = FaissIndexes.read(dir.resolve("f_l2norm.index"))) {
            assertInstanceOf(L2NormIndex.class, ln);
        }
        assertEquals(true, containsTag(dir.resolve("f_sparse.index"), "sprs"), "faiss wrote sparse sizes");
        try (Index sp = FaissIndexes.read(dir.resolve("f_sparse.index"))) {
            assertEquals(20, assertInstanceOf(IvfIndex.class, sp).ntotal());
        }
    }

    private static boolean containsTag(Path f, String tag) throws IOException {
        return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("ilar")
                && new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(tag);
    }

    @Test
    void legacyFlatTagReadsByTheHeaderMetric() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        DebianPython.runOk("""
                import faiss, numpy as np
                x = np.load('data.npy'); q = np.load('queries.npy')
                idx = faiss.IndexFlatIP(x.shape[1]); idx.add(x); faiss.write_index(idx, 'legacy.index')
                D, I = idx.search(q, 8); np.save('legacy_D.npy', D); np.save('legacy_I.npy', I)
                """, dir);
        Path f = dir.resolve("legacy.index");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("IxFl".getBytes(StandardCharsets.ISO_8859_1)), 0); // old faiss's generic tag
        }
        try (Index idx = FaissIndexes.read(f)) {
            assertEquals(Metric.INNER_PRODUCT, idx.metric());
            assertSameResults(Npy.readLongs(dir.resolve("legacy_I.npy")), Npy.readFloats(dir.resolve("legacy_D.npy")),
                    idx.search(queries, K, SearchParams.DEFAULTS), "IxFl");
        }
        assertEquals(true, Files.exists(f));
    }
}
