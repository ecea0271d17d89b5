package dev.komsu.bench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.bench.TestData;
import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCatalogTest {
    @TempDir
    Path dir;

    private DatasetCatalog catalog() {
        return new DatasetCatalog(dir.resolve("cache"), dir.resolve("missing/make_datasets.py"), dir.resolve("no-fashion"),
                Path.of("/usr/bin/python3"), false);
    }

    private Path[] userPair() throws IOException {
        Path base = dir.resolve("base.npy");
        Path queries = dir.resolve("queries.npy");
        try (FloatMatrix b = TestData.uniform(300, 8, 1); FloatMatrix q = TestData.uniform(20, 8, 2)) {
            Npy.write(base, b);
            Npy.write(queries, q);
        }
        return new Path[] {base, queries};
    }

    private List<Path> cachedGroundTruths() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("cache"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("gt_komsu_k")).toList();
        }
    }

    @Test
    void userPairGetsExactGroundTruthComputedOnceAndCached() throws Exception {
        Path[] pair = userPair();
        try (Dataset d = catalog().open("mine", pair[0], pair[1], null)) {
            assertEquals(300, d.base().rows());
            assertEquals(20, d.groundTruth().nq());
            assertEquals(100, d.groundTruth().k());
            // every query's first neighbour really is the nearest base row
            for (int q = 0; q < 20; q++) {
                long best = -1;
                double bestD = Double.MAX_VALUE;
                for (int b = 0; b < 300; b++) {
                    double s = 0;
                    for (int c = 0; c < 8; c++) {
                        double diff = d.queries().get(q, c) - d.base().get(b, c);
                        s += diff * diff;
                    }
                    if (s < bestD) {
                        bestD = s;
                        best = b;
                    }
                }
                assertEquals(best, d.groundTruth().label(q, 0), "query " + q);
            }
        }
        List<Path> cached = cachedGroundTruths();
        assertEquals(1, cached.size());
        long written = Files.getLastModifiedTime(cached.getFirst()).toMillis();
        try (Dataset again = catalog().open("mine", pair[0], pair[1], null)) {
            assertEquals(20, again.groundTruth().nq());
        }
        assertEquals(List.of(cached.getFirst()), cachedGroundTruths());
        assertEquals(written, Files.getLastModifiedTime(cached.getFirst()).toMillis(), "ground truth was recomputed");
    }

    @Test
    void subsetIsTheFirstRowsWithItsOwnGroundTruth() throws Exception {
        Path[] pair = userPair();
        try (Dataset d = catalog().open("mine", pair[0], pair[1], new DatasetCatalog.Subset(120, 5));
             FloatMatrix all = Npy.readMatrix(pair[0])) {
            assertEquals(120, d.base().rows());
            assertEquals(5, d.queries().rows());
            assertEquals(all.get(119, 7), d.base().get(119, 7));
            assertTrue(d.groundTruth().label(0, 0) < 120);
            assertTrue(d.baseFile().toString().contains("subset-120x5"), d.baseFile().toString());
        }
    }

    /** A cached synthetic set as make_datasets.py leaves it, with {@code gt.npy} = exact labels, or shifted ones when {@code wrong}. */
    private long[] exact;

    private void syntheticSet(boolean wrong) throws IOException {
        Path set = dir.resolve("cache/rvc256");
        Files.createDirectories(set);
        try (FloatMatrix b = TestData.uniform(400, 8, 3); FloatMatrix q = TestData.uniform(30, 8, 4);
             var scalar = dev.komsu.kernels.Backends.scalar()) {
            Npy.write(set.resolve("base.npy"), b);
            Npy.write(set.resolve("queries.npy"), q);
            exact = scalar.knn(q, b, 100, dev.komsu.kernels.Metric.L2).labels();
            int[] gt = new int[exact.length];
            for (int i = 0; i < gt.length; i++) gt[i] = (int) (wrong ? (exact[i] + 1) % 400 : exact[i]);
            Npy.writeInts(set.resolve("gt.npy"), gt, 30, 100);
        }
        Files.writeString(set.resolve("meta.json"), "{}");
    }

    @Test
    void faissGroundTruthThatPassesTheSampledCheckIsUsed() throws Exception {
        syntheticSet(false);
        try (Dataset d = catalog().open("rvc256", null, null, null)) {
            assertArrayEquals(exact, d.groundTruth().labels());
            assertTrue(d.notes().stream().anyMatch(n -> n.contains("gt.npy") && n.contains("differ for 0")), d.notes().toString());
        }
        assertEquals(List.of(), cachedGroundTruths(), "komsu's own ground truth was computed although faiss's agreed");
    }

    @Test
    void faissGroundTruthThatDisagreesIsReplacedByKomsus() throws Exception {
        syntheticSet(true);
        try (Dataset d = catalog().open("rvc256", null, null, null)) {
            assertTrue(d.notes().stream().anyMatch(n -> n.startsWith("ground truth: komsu's own, because")), d.notes().toString());
            // the CPU backend's sums round differently from the scalar reference's: compare top-10 sets, not deep near-ties
            assertEquals(0, d.groundTruth().queriesWithDifferentTop(new GroundTruth(30, 100, exact), 10));
        }
        assertEquals(1, cachedGroundTruths().size());
    }

    @Test
    void unknownNamesAndHalfPairsAreRejectedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> catalog().open("nope", null, null, null));
        assertTrue(e.getMessage().contains("fashion-mnist") && e.getMessage().contains("--base"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> catalog().open("x", dir.resolve("b.npy"), null, null));
    }

    @Test
    void missingFashionMnistSaysWhichPackageToInstall() {
        IOException e = assertThrows(IOException.class, () -> catalog().open("fashion-mnist", null, null, null));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
    }
}
