package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * faiss's METRIC_L1 (2) and METRIC_Linf (3) in files, both ways with Debian's faiss 1.7.3: its
 * IndexFlat searches them (the reference for Flat); it trains, adds and writes IVF-Flat with them
 * but cannot search it, so brute force is the reference there.
 */
class ElementwiseMetricInteropTest extends FaissInteropTestBase {
    private static final int D = 24;
    private static final int K = 8;

    ElementwiseMetricInteropTest() {
        super(7, 1200, 30, D, 6);
    }

    @Test
    void faissFlatAndIvfFilesWithL1AndLinfLoadAndSearchAlike() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        DebianPython.runOk("""
                import faiss, numpy as np
                faiss.omp_set_num_threads(1)
                x = np.load('data.npy'); q = np.load('queries.npy'); d = x.shape[1]
                for name, mt in [('l1', faiss.METRIC_L1), ('linf', faiss.METRIC_Linf)]:
                    f = faiss.IndexFlat(d, mt); f.add(x); faiss.write_index(f, 'flat_' + name + '.index')
                    D, I = f.search(q, 8); np.save('flat_' + name + '_D.npy', D); np.save('flat_' + name + '_I.npy', I)
                    ivf = faiss.index_factory(d, 'IVF16,Flat', mt); ivf.train(x); ivf.add(x)
                    faiss.write_index(ivf, 'ivf_' + name + '.index')
                """, dir);
        try (ComputeBackend scalar = Backends.scalar()) {
            for (Metric metric : new Metric[] {Metric.L1, Metric.LINF}) {
                String name = metric == Metric.L1 ? "l1" : "linf";
                try (Index flat = FaissIndexes.read(dir.resolve("flat_" + name + ".index"))) {
                    assertInstanceOf(FlatIndex.class, flat);
                    assertEquals(metric, flat.metric());
                    ApproximateResults.assertMatch(Npy.readLongs(dir.resolve("flat_" + name + "_I.npy")),
                            Npy.readFloats(dir.resolve("flat_" + name + "_D.npy")), flat.search(queries, K), "faiss's Flat " + metric);
                }
                try (Index ivf = FaissIndexes.read(dir.resolve("ivf_" + name + ".index"))) {
                    assertEquals(metric, assertInstanceOf(IvfIndex.class, ivf).metric());
                    assertEquals(metric, ((IvfIndex) ivf).quantizer().metric(), "faiss's IVF quantiser uses the index's metric");
                    Neighbors exact = scalar.knn(queries, data, K, metric);
                    ApproximateResults.assertMatch(exact.labels(), exact.distances(),
                            ivf.search(queries, K, SearchParams.builder().nprobe(16).build()), "faiss's IVF16,Flat " + metric);
                }
            }
        }
    }

    @Test
    void faissReadsKomsusL1AndLinfFilesAndSearchesFlatAlike() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        for (Metric metric : new Metric[] {Metric.L1, Metric.LINF}) {
            String name = metric == Metric.L1 ? "l1" : "linf";
            try (Index flat = IndexFactory.create(D, "Flat", metric); Index ivf = IndexFactory.create(D, "IVF16,Flat", metric)) {
                flat.add(data);
                ivf.train(data);
                ivf.add(data);
                FaissIndexes.write(flat, dir.resolve("k_flat_" + name + ".index"));
                FaissIndexes.write(ivf, dir.resolve("k_ivf_" + name + ".index"));
                Neighbors mine = flat.search(queries, K);
                String out = DebianPython.runOk("""
                        import faiss, numpy as np
                        q = np.load('queries.npy')
                        f = faiss.read_index('k_flat_%1$s.index')
                        D, I = f.search(q, 8); np.save('k_D.npy', D); np.save('k_I.npy', I)
                        ivf = faiss.read_index('k_ivf_%1$s.index')
                        qz = faiss.downcast_index(faiss.extract_index_ivf(ivf).quantizer)
                        print(type(faiss.downcast_index(f)).__name__, f.metric_type, ivf.metric_type, qz.metric_type, ivf.ntotal)
                        """.formatted(name), dir);
                int type = metric == Metric.L1 ? 2 : 3;
                assertTrue(out.strip().endsWith("IndexFlat " + type + " " + type + " " + type + " 1200"), out);
                ApproximateResults.assertMatch(Npy.readLongs(dir.resolve("k_I.npy")), Npy.readFloats(dir.resolve("k_D.npy")),
                        mine, "faiss searching komsu's Flat " + metric);
            }
        }
    }

    @Test
    void otherIndexTypesWithL1AreRefusedNamingTheMetric() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        DebianPython.runOk("""
                import faiss, numpy as np
                x = np.load('data.npy'); d = x.shape[1]
                h = faiss.IndexHNSWFlat(d, 16, faiss.METRIC_L1); h.add(x); faiss.write_index(h, 'hnsw.index')
                p = faiss.IndexPQ(d, 4, 8, faiss.METRIC_Linf); p.train(x); p.add(x); faiss.write_index(p, 'pq.index')
                """, dir);
        IndexFormatException hnsw = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(dir.resolve("hnsw.index")));
        assertTrue(hnsw.getMessage().contains("metric L1") && hnsw.getMessage().contains("Flat and IVF-Flat only"), hnsw.getMessage());
        IndexFormatException pq = assertThrows(IndexFormatException.class, () -> FaissIndexes.read(dir.resolve("pq.index")));
        assertTrue(pq.getMessage().contains("metric LINF"), pq.getMessage());
    }
}
