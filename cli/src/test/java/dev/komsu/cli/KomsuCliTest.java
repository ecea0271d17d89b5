package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.komsu.IndexFactory;
import dev.komsu.io.Npy;
import dev.komsu.io.NpyHeader;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.opencl.OpenClDevices;
import dev.komsu.rvc.RvcReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** komsu's commands end to end on temp files, in process. */
class KomsuCliTest {
    @TempDir
    Path dir;

    private Path npy(String name, float[][] rows) throws Exception {
        Path p = dir.resolve(name);
        try (FloatMatrix m = FloatMatrix.of(rows)) {
            Npy.write(p, m);
        }
        return p;
    }

    private static CliRun ok(Object... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    /** Brute-force k nearest (squared L2) by komsu's scalar reference backend. */
    private static Neighbors exact(float[][] base, float[][] queries, int k) {
        try (FloatMatrix b = FloatMatrix.of(base); FloatMatrix q = FloatMatrix.of(queries);
             var scalar = Backends.scalar()) {
            return scalar.knn(q, b, k, Metric.L2);
        }
    }

    @Test
    void buildFromOneFileThenSearchAndInfo() throws Exception {
        float[][] base = RvcReference.random(2000, 16, 1);
        float[][] queries = RvcReference.random(100, 16, 2);
        Path x = npy("x.npy", base);
        Path q = npy("q.npy", queries);
        Path index = dir.resolve("x.index");
        CliRun built = ok("build", "--input", x, "--factory", "IVF16,Flat", "--threads", 1, "--output", index);
        assertTrue(built.out().contains("IVF16,Flat"), built::toString);
        assertTrue(Files.isRegularFile(index));

        CliRun info = ok("info", index);
        assertTrue(info.out().contains("IVF16,Flat") && info.out().contains("ntotal=2000") && info.out().contains("d=16"),
                info::toString);

        Path d = dir.resolve("D.npy");
        Path i = dir.resolve("I.npy");
        // nprobe = nlist visits every list: the result must equal exact search.
        CliRun searched = ok("search", "--index", index, "--queries", q, "--k", 5, "--nprobe", 16, "--backend", "cpu",
                "--threads", 2, "--out-distances", d, "--out-labels", i);
        try (var cpu = Backends.select("cpu", 1)) { // the line names the backend and its FastScan kernel
            assertTrue(searched.out().contains("backend " + cpu.name() + " (" + cpu.fastScan().name() + "): "),
                    searched::toString);
            assertTrue(cpu.fastScan().name().startsWith("fastscan-"), cpu.fastScan().name());
        }
        NpyHeader dh = Npy.readHeader(d);
        assertArrayEquals(new long[] {100, 5}, dh.shape());
        Neighbors truth = exact(base, queries, 5);
        assertArrayEquals(truth.labels(), Npy.readLongs(i));
        float[] distances = Npy.readFloats(d);
        for (int j = 0; j < distances.length; j++) {
            assertEquals(truth.distances()[j], distances[j], 1e-4f * Math.max(1, truth.distances()[j]));
        }
    }

    @Test
    void hnswBuildTakesEfConstructionSearchTakesEfSearchAndInfoShowsTheGraph() throws Exception {
        float[][] base = RvcReference.random(1500, 12, 7);
        float[][] queries = RvcReference.random(60, 12, 8);
        Path x = npy("x.npy", base);
        Path q = npy("q.npy", queries);
        Path index = dir.resolve("h.index");
        ok("build", "--input", x, "--factory", "HNSW16", "--ef-construction", 80, "--threads", 1, "--output", index);
        CliRun info = ok("info", index);
        assertTrue(info.out().contains("M=16") && info.out().contains("efConstruction=80") && info.out().contains("efSearch=16")
                && info.out().contains("entry_point=") && info.out().contains("levels="), info::toString);
        ok("search", "--index", index, "--queries", q, "--k", 10,
                "--out-distances", dir.resolve("d.npy"), "--out-labels", dir.resolve("i.npy"));
        ok("search", "--index", index, "--queries", q, "--k", 10, "--ef-search", 16,
                "--out-distances", dir.resolve("d16.npy"), "--out-labels", dir.resolve("i16.npy"));
        ok("search", "--index", index, "--queries", q, "--k", 10, "--ef-search", 200,
                "--out-distances", dir.resolve("d200.npy"), "--out-labels", dir.resolve("i200.npy"));
        assertArrayEquals(Npy.readLongs(dir.resolve("i16.npy")), Npy.readLongs(dir.resolve("i.npy")), "default: the stored efSearch");
        long[] truth = exact(base, queries, 10).labels();
        long[] wide = Npy.readLongs(dir.resolve("i200.npy"));
        int hits = 0;
        for (int i = 0; i < truth.length; i++) {
            for (int j = i / 10 * 10; j < i / 10 * 10 + 10; j++) if (wide[j] == truth[i]) hits++;
        }
        assertTrue(hits >= 0.98 * truth.length, "recall@10 at efSearch 200: " + hits + " / " + truth.length);
        CliRun notHnsw = CliRun.of("build", "--input", x, "--factory", "IVF8,Flat", "--ef-construction", 80,
                "--output", dir.resolve("ivf.index"));
        assertTrue(notHnsw.exitCode() != 0 && notHnsw.err().contains("--ef-construction"), notHnsw::toString);
        CliRun zero = CliRun.of("search", "--index", index, "--queries", q, "--k", 10, "--ef-search", 0,
                "--out-distances", dir.resolve("dz.npy"), "--out-labels", dir.resolve("iz.npy"));
        assertTrue(zero.exitCode() != 0 && zero.err().contains("--ef-search"), zero::toString);
    }

    @Test
    void hnswSq8BuildsTrainedAndInfoShowsTheGraph() throws Exception {
        float[][] base = RvcReference.random(1500, 12, 9);
        float[][] queries = RvcReference.random(60, 12, 10);
        Path x = npy("x.npy", base);
        Path q = npy("q.npy", queries);
        Path index = dir.resolve("hsq.index");
        ok("build", "--input", x, "--factory", "HNSW16,SQ8", "--ef-construction", 60, "--output", index);
        CliRun info = ok("info", index);
        assertTrue(info.out().contains("HNSW16,SQ8") && info.out().contains("M=16") && info.out().contains("efConstruction=60")
                && info.out().contains("entry_point=") && info.out().contains("levels="), info::toString);
        ok("search", "--index", index, "--queries", q, "--k", 10, "--ef-search", 200,
                "--out-distances", dir.resolve("d.npy"), "--out-labels", dir.resolve("i.npy"));
        long[] truth = exact(base, queries, 10).labels();
        long[] got = Npy.readLongs(dir.resolve("i.npy"));
        int hits = 0;
        for (int i = 0; i < truth.length; i++) {
            for (int j = i / 10 * 10; j < i / 10 * 10 + 10; j++) if (got[j] == truth[i]) hits++;
        }
        // SQ8 codes rank near ties differently from the exact vectors
        assertTrue(hits >= 0.9 * truth.length, "recall@10 at efSearch 200: " + hits + " / " + truth.length);
    }

    @Test
    void searchInSmallBatchesGivesTheSameFilesAsOneBatch() throws Exception {
        Path x = npy("x.npy", RvcReference.random(500, 8, 3));
        Path q = npy("q.npy", RvcReference.random(103, 8, 4));
        Path index = dir.resolve("x.index");
        ok("build", "--input", x, "--factory", "IVF8,Flat", "--output", index);
        ok("search", "--index", index, "--queries", q, "--k", 4, "--nprobe", 2, "--batch", 7,
                "--out-distances", dir.resolve("d7.npy"), "--out-labels", dir.resolve("i7.npy"));
        ok("search", "--index", index, "--queries", q, "--k", 4, "--nprobe", 2,
                "--out-distances", dir.resolve("d.npy"), "--out-labels", dir.resolve("i.npy"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("d.npy")), Files.readAllBytes(dir.resolve("d7.npy")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("i.npy")), Files.readAllBytes(dir.resolve("i7.npy")));
    }

    @Test
    void searchWithoutNprobeUsesTheNprobeStoredInTheFileAsFaissDoes() throws Exception {
        Path x = npy("x.npy", RvcReference.random(1000, 8, 3));
        Path q = npy("q.npy", RvcReference.random(50, 8, 4));
        Path index = dir.resolve("x.index");
        ok("build", "--input", x, "--factory", "IVF16,Flat", "--output", index); // stores nprobe 1, as faiss writes
        ok("search", "--index", index, "--queries", q, "--k", 5,
                "--out-distances", dir.resolve("d.npy"), "--out-labels", dir.resolve("i.npy"));
        ok("search", "--index", index, "--queries", q, "--k", 5, "--nprobe", 1,
                "--out-distances", dir.resolve("d1.npy"), "--out-labels", dir.resolve("i1.npy"));
        ok("search", "--index", index, "--queries", q, "--k", 5, "--nprobe", 16,
                "--out-distances", dir.resolve("d16.npy"), "--out-labels", dir.resolve("i16.npy"));
        assertArrayEquals(Npy.readLongs(dir.resolve("i1.npy")), Npy.readLongs(dir.resolve("i.npy")));
        assertTrue(!java.util.Arrays.equals(Npy.readLongs(dir.resolve("i16.npy")), Npy.readLongs(dir.resolve("i.npy"))),
                "test setup: nprobe matters on this data");
    }

    @Test
    void searchOnTheOpenClBackendFindsWhatTheCpuBackendFinds() throws Exception {
        OpenClDevices.Discovery found = OpenClDevices.discover();
        assumeTrue(found.best().isPresent(), "no OpenCL device: " + found.problem());
        Path x = npy("x.npy", RvcReference.random(1500, 16, 5));
        Path q = npy("q.npy", RvcReference.random(60, 16, 6));
        Path index = dir.resolve("x.index");
        ok("build", "--input", x, "--factory", "IVF8,Flat", "--output", index);
        for (String backend : new String[] {"cpu", "opencl"}) {
            ok("search", "--index", index, "--queries", q, "--k", 6, "--nprobe", 3, "--backend", backend,
                    "--out-distances", dir.resolve("d-" + backend + ".npy"), "--out-labels", dir.resolve("i-" + backend + ".npy"));
        }
        assertArrayEquals(Npy.readLongs(dir.resolve("i-cpu.npy")), Npy.readLongs(dir.resolve("i-opencl.npy")));
        assertArrayEquals(Npy.readFloats(dir.resolve("d-cpu.npy")), Npy.readFloats(dir.resolve("d-opencl.npy")), 1e-3f);
    }

    @Test
    void buildFromAFolderConcatenatesFilesInNameOrderWithRvcsRule() throws Exception {
        Path feats = Files.createDirectories(dir.resolve("3_feature768"));
        Random random = new Random(5);
        List<float[]> expectedRows = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int f = 0; f < 20; f++) order.add(f);
        Collections.shuffle(order, random); // written out of order: reading must sort by name
        float[][][] files = new float[20][][];
        for (int f : order) {
            files[f] = RvcReference.random(50 + random.nextInt(251), 64, 100 + f);
            try (FloatMatrix m = FloatMatrix.of(files[f])) {
                Npy.write(feats.resolve(String.format("%02d_speaker.npy", f)), m);
            }
        }
        for (float[][] file : files) Collections.addAll(expectedRows, file);
        Path index = dir.resolve("added.index");
        Path total = dir.resolve("total_fea.npy");
        ok("build", "--input", feats, "--save-total", total, "--output", index);

        try (FloatMatrix t = Npy.readMatrix(total)) {
            assertEquals(expectedRows.size(), t.rows());
            for (int r = 0; r < t.rows(); r++) assertArrayEquals(expectedRows.get(r), t.row(r), 0f, "row " + r);
        }
        String info = ok("info", index).out();
        int n = expectedRows.size();
        assertTrue(info.contains("IVF" + IndexFactory.rvcNlist(n) + ",Flat") && info.contains("ntotal=" + n), info);
    }

    @Test
    void shuffledBuildSavesAPermutationOfTheRows() throws Exception {
        float[][] rows = RvcReference.random(300, 4, 6);
        Path x = npy("x.npy", rows);
        Path total = dir.resolve("total.npy");
        ok("build", "--input", x, "--factory", "Flat", "--shuffle", 9, "--save-total", total, "--output", dir.resolve("f.index"));
        float[] original = Npy.readFloats(x);
        float[] shuffled = Npy.readFloats(total);
        assertTrue(!java.util.Arrays.equals(original, shuffled), "rows moved");
        java.util.Arrays.sort(original);
        java.util.Arrays.sort(shuffled);
        assertArrayEquals(original, shuffled, 0f);
    }

    @Test
    void blendWritesTheBlendedFeatures() throws Exception {
        float[][] stored = RvcReference.random(400, 12, 7);
        float[][] features = RvcReference.random(25, 12, 8);
        Path index = dir.resolve("flat.index");
        ok("build", "--input", npy("stored.npy", stored), "--factory", "Flat", "--output", index);
        Path out = dir.resolve("out.npy");
        ok("blend", "--index", index, "--features", npy("f.npy", features), "--k", 8, "--index-rate", 0.6, "--output", out);
        assertArrayEquals(new long[] {25, 12}, Npy.readHeader(out).shape());
        float[][] expected = RvcReference.blend(stored, features, 8, 0.6f);
        try (FloatMatrix got = Npy.readMatrix(out)) {
            for (int r = 0; r < 25; r++) {
                for (int c = 0; c < 12; c++) {
                    assertEquals(expected[r][c], got.get(r, c), 1e-5f * Math.max(1, Math.abs(expected[r][c])));
                }
            }
        }
    }

    @Test
    void devicesSaysWhatAutoPicks() {
        CliRun r = ok("devices");
        assertTrue(r.out().contains("--backend auto picks:"), r::toString);
    }

    @Test
    void noCommandIsABadArgument() {
        CliRun r = CliRun.of();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("missing command"), r::toString);
    }
}
