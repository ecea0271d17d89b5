package dev.komsu.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.index.IdMapIndex;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows with fewer than k results: every index type pads them as faiss 1.7.3 does, label -1 and
 * distance FLT_MAX (L2) or -FLT_MAX (inner product), not infinity. Each index holds 10 vectors
 * and is searched for 16 (IVF with nprobe 1 leaves more slots empty); faiss searches the file
 * komsu wrote and its empty slots must match komsu's bit for bit. One deliberate exception:
 * faiss 1.7.3's FastScan indexes (PQ...x4fs without RFlat) fill empty slots with their 16-bit
 * heap's sentinel dequantised (a finite value such as 4488.342 that depends on the LUT scale,
 * an artifact rather than a contract); komsu gives FLT_MAX there too, as faiss's other indexes
 * and its RFlat over FastScan do.
 */
class EmptySlotsInteropTest {
    private static final int D = 8;
    private static final int K = 16;
    private static final int ADDED = 10;

    @TempDir
    Path dir;

    private record Case(String name, String factory, Metric metric) {
    }

    @Test
    void emptySlotsHoldFltMaxAndLabelMinusOneInEveryIndexTypeAsFaiss() throws IOException {
        DebianPython.assumeModules("faiss", "numpy");
        List<Case> cases = new ArrayList<>();
        for (Metric m : Metric.values()) {
            String tag = m == Metric.L2 ? "_l2" : "_ip";
            for (String f : List.of("Flat", "IVF4,Flat", "IVF4,PQ4x4", "IVF4,PQ4", "IVF4,SQ8", "IVF4,PQ4x4fs", "PQ4x4fs",
                    "PQ4x4", "SQ8", "IVF4,PQ4x4fs,RFlat", "IDMap,Flat", "IDMap2,IVF4,Flat", "L2norm,IVF4,Flat")) {
                cases.add(new Case(f.replace(',', '_') + tag, f, m));
            }
        }
        Random rnd = new Random(14);
        float[] x = new float[300 * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() + (i / D % 4);
        List<Neighbors> komsu = new ArrayList<>();
        StringBuilder names = new StringBuilder("[");
        try (FloatMatrix train = FloatMatrix.of(x, 300, D); FloatMatrix add = train.rowRange(0, ADDED);
                FloatMatrix queries = train.rowRange(100, 5)) {
            Npy.write(dir.resolve("queries.npy"), queries);
            for (Case c : cases) {
                try (Index index = IndexFactory.create(D, c.factory, c.metric, Backends.defaultCpu())) {
                    index.train(train);
                    if (index instanceof IdMapIndex) {
                        long[] ids = new long[ADDED];
                        for (int i = 0; i < ids.length; i++) ids[i] = 500 + i;
                        index.addWithIds(add, ids);
                    } else {
                        index.add(add);
                    }
                    komsu.add(index.search(queries, K, SearchParams.builder().nprobe(1).build()));
                    FaissIndexes.write(index, dir.resolve(c.name + ".index"));
                }
                names.append('\'').append(c.name).append("',");
            }
        }
        DebianPython.runOk("""
                import faiss, numpy as np
                q = np.load('queries.npy')
                for name in %s]:
                    idx = faiss.read_index(name + '.index')
                    try:
                        faiss.extract_index_ivf(idx).nprobe = 1
                    except Exception:
                        pass
                    D, I = idx.search(q, %d)
                    np.save(name + '_D.npy', D)
                    np.save(name + '_I.npy', I)
                """.formatted(names, K), dir);
        int emptyChecked = 0;
        for (int c = 0; c < cases.size(); c++) {
            String name = cases.get(c).name;
            long[] faissLabels = Npy.readLongs(dir.resolve(name + "_I.npy"));
            float[] faissDistances = Npy.readFloats(dir.resolve(name + "_D.npy"));
            Neighbors got = komsu.get(c);
            float flt = cases.get(c).metric == Metric.L2 ? Float.MAX_VALUE : -Float.MAX_VALUE;
            for (int i = 0; i < faissLabels.length; i++) {
                boolean faissEmpty = faissLabels[i] == -1;
                assertEquals(faissEmpty, got.labels()[i] == -1, name + " slot " + i + ": faiss label " + faissLabels[i]
                        + ", komsu " + got.labels()[i]);
                if (!faissEmpty) continue;
                assertEquals(flt, got.distances()[i], name + " slot " + i + ": komsu's empty distance");
                if (cases.get(c).factory.contains("x4fs") && !cases.get(c).factory.endsWith("RFlat")) {
                    assertTrue(Float.isFinite(faissDistances[i]), name + ": faiss's FastScan sentinel " + faissDistances[i]);
                    emptyChecked++;
                    continue;
                }
                assertEquals(flt, faissDistances[i], name + " slot " + i + ": faiss's own empty distance");
                assertEquals(faissDistances[i], got.distances()[i], name + " slot " + i + ": empty distance");
                emptyChecked++;
            }
        }
        assertTrue(emptyChecked >= cases.size() * 5 * (K - ADDED), "checked " + emptyChecked + " empty slots");
    }
}
